#!/usr/bin/env bash
# Runs every scripts/sweep-*.sh over the shared corpus of real public manifests and charts.
# Usage: scripts/sweep.sh [CORPUS_DIR]   (default: ../shared/corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
if [ ! -d "$corpus" ]; then
  echo "sweep: no corpus at $corpus; nothing to sweep"
  exit 0
fi
corpus=$(cd "$corpus" && pwd)
# The test run already built the dev binary: one build profile, no second compile.
cargo build --quiet
eval "$(bash scripts/fetch-helm.sh --print-env)"
export CHARTWRIGHT_HELM3 CHARTWRIGHT_HELM4
export CHARTWRIGHT="$PWD/target/debug/chartwright"
status=0
for s in scripts/sweep-*.sh; do
  [ -e "$s" ] || continue
  echo "== $s"
  bash "$s" "$corpus" || status=1
done
exit $status
