#!/usr/bin/env bash
# The chartwright-validate pre-commit hook: pre-commit passes changed values files and schemas;
# each belongs to the chart in its nearest ancestor holding Chart.yaml. One `chartwright validate`
# per chart: its own values.yaml and values.schema.json check the defaults, any other values
# file (values-prod.yaml, ci/values-x.yaml) is a run on top of them. Files outside a chart are
# left alone: nothing says which chart they feed. Plain arrays only: macOS ships bash 3.2.
set -uo pipefail
charts=()
pair_chart=()
pair_file=()
for f in "$@"; do
  dir=$(dirname -- "$f")
  while [ ! -f "$dir/Chart.yaml" ] && [ "$dir" != . ] && [ "$dir" != / ]; do
    dir=$(dirname -- "$dir")
  done
  [ -f "$dir/Chart.yaml" ] || continue
  seen=
  for c in ${charts[@]+"${charts[@]}"}; do
    [ "$c" = "$dir" ] && seen=1
  done
  [ -n "$seen" ] || charts+=("$dir")
  case "$f" in
    "$dir/values.yaml" | "$dir/values.schema.json" | values.yaml | values.schema.json) ;;
    *) pair_chart+=("$dir") pair_file+=("$f") ;;
  esac
done
status=0
for c in ${charts[@]+"${charts[@]}"}; do
  files=()
  for i in ${pair_chart[@]+"${!pair_chart[@]}"}; do
    [ "${pair_chart[$i]}" = "$c" ] && files+=("${pair_file[$i]}")
  done
  chartwright validate "$c" ${files[@]+"${files[@]}"}
  rc=$?
  [ "$rc" -gt "$status" ] && status=$rc
done
exit "$status"
