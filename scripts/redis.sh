#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed for the shared-server layout's test (the
# stack starts its own Redis on a free port; the machine's service is not used).
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "redis: redis-server is missing; install Debian's redis-server package" >&2
  exit 1
fi
echo "redis: installing Debian's redis-server" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq redis-server >/dev/null
