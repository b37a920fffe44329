#!/usr/bin/env bash
# The chartwright-validate pre-commit hook: pre-commit passes changed values files and schemas;
# each belongs to the chart in its nearest ancestor holding Chart.yaml. One `chartwright validate`
# per chart: its own values.yaml and values.schema.json check the defaults, any other values
# file (values-prod.yaml, ci/values-x.yaml) is a run on top of them. Files outside a chart are
# left alone: nothing says which chart they feed.
set -uo pipefail
declare -A extra=()
declare -a charts=()
for f in "$@"; do
  dir=$(dirname -- "$f")
  while [ ! -f "$dir/Chart.yaml" ] && [ "$dir" != . ] && [ "$dir" != / ]; do
    dir=$(dirname -- "$dir")
  done
  [ -f "$dir/Chart.yaml" ] || continue
  if [ -z "${extra[$dir]+set}" ]; then
    charts+=("$dir")
    extra[$dir]=
  fi
  case "$f" in
    "$dir/values.yaml" | "$dir/values.schema.json" | values.yaml | values.schema.json) ;;
    *) extra[$dir]+="$f"$'\n' ;;
  esac
done
status=0
for c in "${charts[@]}"; do
  mapfile -t files < <(printf '%s' "${extra[$c]}")
  chartwright validate "$c" "${files[@]}" || { rc=$?; [ "$rc" -gt "$status" ] && status=$rc; }
done
exit "$status"
