#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432: starts the local cluster if it is
# down, and with --install first installs it (Debian packages, trust on loopback) if missing.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

install_postgres() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  local version hba
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
}

if [ "${1:-}" = "--install" ] && ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "postgres: installing PostgreSQL" >&2
  install_postgres
fi
command -v pg_ctlcluster >/dev/null 2>&1 || { echo "postgres: not installed" >&2; exit 1; }
if ! ready; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  echo "postgres: starting cluster $version/main" >&2
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do
  ready && exit 0
  sleep 1
done
echo "postgres: no server answers on 127.0.0.1:5432" >&2
exit 1
