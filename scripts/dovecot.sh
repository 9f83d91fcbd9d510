#!/usr/bin/env bash
# Makes sure Debian's dovecot-imapd is installed for the mailbox tests (they start their own
# Dovecot on a free port with a private configuration; the machine's service is not used).
set -euo pipefail
command -v dovecot >/dev/null 2>&1 && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "dovecot: dovecot is missing; install Debian's dovecot-imapd package" >&2
  exit 1
fi
echo "dovecot: installing Debian's dovecot-imapd" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq dovecot-imapd >/dev/null
# the package's postinst may start the system service; the tests never use it
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
elif command -v service >/dev/null 2>&1; then
  service dovecot stop >/dev/null 2>&1 || true
  update-rc.d dovecot disable >/dev/null 2>&1 || true
fi
