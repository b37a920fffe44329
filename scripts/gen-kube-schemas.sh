#!/bin/sh
# Refreshes schemas/kubernetes/v1.NN.json.gz, the Kubernetes schemas `chartwright validate`
# checks rendered objects against. Needs pip and Python 3 (network only for the download).
# To add a Kubernetes version: add it to VERSIONS here and to `SHIPPED` in
# src/validate/kube.rs, run this script, commit the new file.
set -eu
VERSION=1.37.0
VERSIONS="1.25 1.26 1.27 1.28 1.29 1.30 1.31 1.32 1.33 1.34 1.35 1.36 1.37"
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/chartwright/kubernetes-validate
wheel=$cache/kubernetes_validate-$VERSION-py3-none-any.whl
if [ ! -f "$wheel" ]; then
    mkdir -p "$cache"
    python3 -m pip download --no-deps --quiet -d "$cache" "kubernetes-validate==$VERSION"
fi
mkdir -p "$root/schemas/kubernetes"
# shellcheck disable=SC2086
python3 "$root/scripts/gen-kube-schemas.py" "$wheel" "$root/schemas/kubernetes" $VERSIONS
