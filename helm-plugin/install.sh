#!/bin/sh
# Install hook: nothing to do when chartwright is on PATH; otherwise build it from this
# checkout with cargo (a release build: minutes on a small machine) into the plugin directory.
set -e
if command -v chartwright >/dev/null 2>&1; then
  echo "helm chartwright: using $(command -v chartwright)"
  exit 0
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "helm chartwright: neither chartwright nor cargo is on PATH; install Rust 1.85+ (https://rustup.rs) or chartwright first" >&2
  exit 1
fi
echo "helm chartwright: building chartwright with cargo (this takes a few minutes)"
cargo install --locked --quiet --path "$HELM_PLUGIN_DIR" --root "$HELM_PLUGIN_DIR/.cargo-install"
