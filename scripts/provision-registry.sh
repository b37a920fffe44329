#!/usr/bin/env bash
# Provisions a real OCI registry for the audit tests: Debian's docker-registry package
# (distribution 2.8). Idempotent: does nothing when /usr/bin/docker-registry exists.
# The tests start it themselves on a free 127.0.0.1 port with a config file they write.
set -euo pipefail
if [ -x /usr/bin/docker-registry ]; then
  exit 0
fi
. "$(dirname "$0")/apt-install.sh"
apt_install docker-registry
# The package starts a system service on :5000; the tests do not use it.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
test -x /usr/bin/docker-registry
