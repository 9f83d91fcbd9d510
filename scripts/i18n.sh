#!/usr/bin/env bash
# Extracts the translatable messages (babel.cfg) and merges them into the ro and en
# catalogs under locale/; then translate the new entries in locale/ro/LC_MESSAGES/concord.po
# (English entries are filled with their id). tests/models/core/test_i18n.py fails on any
# message left untranslated.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pybabel=.venv/bin/pybabel
$pybabel extract -F babel.cfg -k N_ -k N_plural:1,2 --no-location --sort-output \
  --project=Concord --copyright-holder=Concord -o locale/concord.pot .
for language in ro en; do
  if [ -f "locale/$language/LC_MESSAGES/concord.po" ]; then
    $pybabel update -i locale/concord.pot -d locale -D concord -l "$language" \
      --no-fuzzy-matching --ignore-obsolete
  else
    $pybabel init -i locale/concord.pot -d locale -D concord -l "$language"
  fi
done
.venv/bin/python -m scripts.fill_english
