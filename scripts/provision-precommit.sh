#!/usr/bin/env bash
# Provisions the real pre-commit (from PyPI) for tests/integrations.rs, in a venv under
# ~/.cache/chartwright/pre-commit. Idempotent: a venv whose pre-commit answers --version is
# reused without touching the network. Prints nothing on success; the tests find the tool at
# ${CHARTWRIGHT_PRE_COMMIT:-$HOME/.cache/chartwright/pre-commit/venv/bin/pre-commit}.
set -euo pipefail
readonly VERSION=4.0.1
dir="${CHARTWRIGHT_CACHE:-$HOME/.cache/chartwright}/pre-commit"
bin="$dir/venv/bin/pre-commit"
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "pre-commit $VERSION" ]; then
  exit 0
fi
rm -rf "$dir/venv"
mkdir -p "$dir"
python3 -m venv "$dir/venv"
"$dir/venv/bin/pip" install -q "pre-commit==$VERSION"
test "$("$bin" --version)" = "pre-commit $VERSION"
