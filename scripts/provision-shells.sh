#!/usr/bin/env bash
# Provisions what the completion and man-page tests run (tests/cli_shell.rs): fish and zsh
# (to parse the generated completion scripts) and man-db (`man -l` renders the man pages).
# Idempotent: does nothing when all three are installed.
set -euo pipefail
if command -v fish >/dev/null && command -v zsh >/dev/null && command -v man >/dev/null; then
  exit 0
fi
. "$(dirname "$0")/apt-install.sh"
apt_install fish zsh man-db groff-base
command -v fish >/dev/null && command -v zsh >/dev/null && command -v man >/dev/null
