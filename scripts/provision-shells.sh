#!/usr/bin/env bash
# Provisions what the completion and man-page tests run (tests/integrations.rs): fish and zsh
# (to parse the generated completion scripts) and man-db (`man -l` renders the man pages).
# Idempotent: does nothing when all three are installed.
set -euo pipefail
if command -v fish >/dev/null && command -v zsh >/dev/null && command -v man >/dev/null; then
  exit 0
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends fish zsh man-db groff-base >/dev/null
command -v fish >/dev/null && command -v zsh >/dev/null && command -v man >/dev/null
