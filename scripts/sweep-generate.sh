#!/usr/bin/env bash
# Sweep `generate` over the real manifests of the shared corpus: every directory that holds
# manifests either becomes a chart that passes `helm lint --strict` and renders back to its
# input under Helm 3.17.2 and 4.1.4, or is refused cleanly for defining an object twice.
# Usage: scripts/sweep-generate.sh CORPUS_DIR   (run by scripts/sweep.sh)
set -uo pipefail
corpus=$1
bin=${CHARTWRIGHT:?set CHARTWRIGHT to the chartwright binary}
if [ -z "${CHARTWRIGHT_HELM3:-}" ] || [ -z "${CHARTWRIGHT_HELM4:-}" ]; then
  eval "$(bash "$(dirname "$0")/fetch-helm.sh" --print-env)"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
charts=0 refused=0 failed=0
while IFS= read -r dir; do
  [ -n "$(find "$dir" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \))" ] || continue
  rel=${dir#"$corpus"/}
  for helm in "$CHARTWRIGHT_HELM3" "$CHARTWRIGHT_HELM4"; do
    out="$work/chart"
    rm -rf "$out"
    log=$("$bin" generate "$dir" --name sweep --output "$out" --secrets inline --verify --helm "$helm" 2>&1)
    code=$?
    if [ $code -eq 2 ] && grep -q "is defined twice" <<<"$log"; then
      if [ -e "$out" ]; then
        echo "FAIL $rel: refused but left output behind"; failed=$((failed + 1))
      else
        refused=$((refused + 1))
      fi
      break
    fi
    if [ $code -gt 1 ] || ! grep -q "^verified:" <<<"$log"; then
      echo "FAIL $rel ($("$helm" version --short)): exit $code"; grep -E "verify|error" <<<"$log" | head -5
      failed=$((failed + 1)); continue
    fi
    if ! lint=$("$helm" lint --strict "$out" 2>&1); then
      echo "FAIL $rel: helm lint --strict"; tail -5 <<<"$lint"; failed=$((failed + 1)); continue
    fi
    # The ci/ values that set every knob and switch every optional object on (issue 17).
    if ! lint=$("$helm" lint --strict "$out" -f "$out/ci/objects-values.yaml" 2>&1); then
      echo "FAIL $rel: helm lint --strict -f ci/objects-values.yaml"; tail -5 <<<"$lint"; failed=$((failed + 1)); continue
    fi
    charts=$((charts + 1))
  done
done < <(find "$corpus/manifests" -type d | sort)
# Each multi-environment case as one chart: one `generate --env` run per case, every environment
# verified with its values-<env>.yaml under the chart's name and beside two other releases.
envs=0
for tsv in "$corpus"/environments/*/envs.tsv; do
  [ -f "$tsv" ] || continue
  case_dir=$(dirname "$tsv")
  args=() n=0
  while IFS=$'\t' read -r env _ns file; do
    [ -f "$case_dir/$file" ] || continue
    args+=(--env "$env=$case_dir/$file"); n=$((n + 1))
  done <"$tsv"
  [ $n -gt 0 ] || continue
  for helm in "$CHARTWRIGHT_HELM3" "$CHARTWRIGHT_HELM4"; do
    out="$work/chart"
    rm -rf "$out"
    log=$("$bin" generate "${args[@]}" --name sweep --output "$out" --secrets inline --verify --helm "$helm" 2>&1)
    code=$?
    ok=$(grep -c "^verified: environment " <<<"$log")
    if [ $code -gt 1 ] || [ "$ok" -ne $n ]; then
      echo "FAIL environments/${case_dir##*/} ($("$helm" version --short)): exit $code, $ok of $n environments verified"
      grep -E "verify|error" <<<"$log" | head -8
      failed=$((failed + 1)); continue
    fi
    envs=$((envs + n))
  done
done
echo "generate sweep: $charts chart renders verified, $refused directories refused for conflicts, $envs environment renders verified (one --env chart per case), $failed failures"
[ $failed -eq 0 ]
