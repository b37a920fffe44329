#!/usr/bin/env bash
# Sweep: `chartwright validate` against `helm template` (Helm 4.1.4) on every chart of the
# corpus that ships a values.schema.json: the chart defaults, each ci/*values*.yaml, and a few
# probes that most schemas reject (an unknown key, type flips of common keys), so the sweep
# also shows failures being caught.
# Cases where Helm fails for a reason other than the schema (e.g. a dependency missing from
# charts/) are listed as skipped, not compared.
# Usage: scripts/sweep-validate.sh CORPUS_DIR   (run by scripts/sweep.sh, which sets
# $CHARTWRIGHT and $CHARTWRIGHT_HELM4)
set -euo pipefail
corpus=${1:?usage: sweep-validate.sh CORPUS_DIR}
: "${CHARTWRIGHT:?set CHARTWRIGHT to the chartwright binary}"
: "${CHARTWRIGHT_HELM4:?set CHARTWRIGHT_HELM4 to helm 4.1.4}"
home=$(mktemp -d)
trap 'rm -rf -- "$home"' EXIT
export HELM_CACHE_HOME=$home/cache HELM_CONFIG_HOME=$home/config HELM_DATA_HOME=$home/data

probes=$home/probes
mkdir -p "$probes"
printf 'chartwrightProbe: true\n' >"$probes/probe-unknown-key.yaml"
printf 'replicaCount: three\n' >"$probes/probe-replicas-string.yaml"
printf 'image: 5\n' >"$probes/probe-image-number.yaml"
printf 'nameOverride: [a]\nfullnameOverride: 1\n' >"$probes/probe-names-wrong-type.yaml"
printf 'resources: yes\n' >"$probes/probe-resources-bool.yaml"

agree=0 disagree=0 skipped=0 rejected=0
for chart in "$corpus"/charts/*/; do
  chart=${chart%/}
  [ -f "$chart/values.schema.json" ] || continue
  files=()
  for f in "$chart"/ci/*values*.yaml "$probes"/*.yaml; do [ -e "$f" ] && files+=("$f"); done
  # One chartwright invocation for every run of the chart.
  if ((${#files[@]})); then
    ours=$("$CHARTWRIGHT" validate "$chart" "${files[@]}" --format json 2>/dev/null) || true
  else
    ours=$("$CHARTWRIGHT" validate "$chart" --format json 2>/dev/null) || true
  fi
  if [ -z "$ours" ]; then
    echo "skip  ${chart##*/}: chartwright could not load the chart"
    skipped=$((skipped + 1))
    continue
  fi
  mapfile -t verdicts < <(printf '%s' "$ours" | python3 -c 'import json,sys; [print(str(r["valid"]).lower()) for r in json.load(sys.stdin)["runs"]]')
  cases=("")
  ((${#files[@]})) && cases=("${files[@]}")
  for i in "${!cases[@]}"; do
    f=${cases[$i]}
    label="${chart##*/} ${f:+${f##*/}}"
    if [ -n "$f" ]; then args=(-f "$f"); else args=(); fi
    if err=$("$CHARTWRIGHT_HELM4" template "$chart" "${args[@]}" 2>&1 >/dev/null); then
      helm=true
    elif grep -q "values don't meet the specifications" <<<"$err"; then
      helm=false
    else
      echo "skip  $label: helm failed for another reason: $(head -1 <<<"$err")"
      skipped=$((skipped + 1))
      continue
    fi
    if [ "${verdicts[$i]}" = "$helm" ]; then
      echo "agree $label: valid=$helm"
      agree=$((agree + 1))
      [ "$helm" = false ] && rejected=$((rejected + 1))
    else
      echo "DIFF  $label: helm valid=$helm, chartwright valid=${verdicts[$i]}"
      disagree=$((disagree + 1))
    fi
  done
done
total=$((agree + disagree))
echo "validate sweep: $agree/$total verdicts agree with helm 4.1.4 ($rejected of them invalid; $skipped skipped)"
[ "$disagree" -eq 0 ]
