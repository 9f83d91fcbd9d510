#!/usr/bin/env bash
# Rewrites requirements.lock from pyproject.toml (needs uv on PATH); commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
printf 'hatchling\neditables\n' > .build-requirements.in
trap 'rm -f .build-requirements.in' EXIT
uv pip compile pyproject.toml .build-requirements.in --extra dev --python-version 3.11 \
  --generate-hashes --no-header --no-annotate --quiet -o requirements.lock
