#!/bin/sh
# `helm chartwright ...`: runs the chartwright on PATH, else the one install.sh built.
set -e
if command -v chartwright >/dev/null 2>&1; then
  exec chartwright "$@"
fi
built="$HELM_PLUGIN_DIR/.cargo-install/bin/chartwright"
if [ -x "$built" ]; then
  exec "$built" "$@"
fi
echo "helm chartwright: no chartwright on PATH and none built; run: cargo install --locked --path $HELM_PLUGIN_DIR" >&2
exit 2
