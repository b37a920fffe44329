#!/usr/bin/env bash
# Sourced by the scripts/provision-*.sh that need Debian packages: sets SUDO (empty for root)
# and `apt_install PKG...`, which installs them without recommends.
SUDO=
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
fi
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
