#!/usr/bin/env bash
# Creates .venv-oc4ids, the environment of the OC4IDS validator, idempotently.
# libcoveoc4ids 0.9.1 requires libcoveocds < 0.17, while the main environment's tests use libcoveocds
# 0.17 for OCDS; so OC4IDS gets its own venv. govpm/documents/tests/validators.py runs it (and this
# script first, if the venv is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-oc4ids
PY=${PY:-python3}
STAMP=$VENV/.installed-libcoveoc4ids-0.9.1
if [ -f "$STAMP" ]; then
  exit 0
fi
test -x $VENV/bin/python || $PY -m venv $VENV
$VENV/bin/pip install -q --upgrade pip
$VENV/bin/pip install -q "libcoveoc4ids==0.9.1" "libcoveocds>=0.12.7,<0.17"
touch "$STAMP"
