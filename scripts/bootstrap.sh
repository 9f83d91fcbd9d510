#!/usr/bin/env bash
# Creates or refreshes .venv from the hashed lock file; does nothing when it is current.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "concord: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi

stamp=".venv/.concord-lock"
wanted="$(cat requirements.lock pyproject.toml | "$python_bin" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  exit 0
fi

echo "concord: preparing .venv (first run takes a minute or two)..." >&2
[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
.venv/bin/python -m pip install -qq --disable-pip-version-check \
  --require-hashes --no-deps -r requirements.lock
.venv/bin/python -m pip install -qq --disable-pip-version-check \
  --no-deps --no-build-isolation --editable .
echo "$wanted" > "$stamp"
echo "concord: .venv ready" >&2
