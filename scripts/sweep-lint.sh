#!/usr/bin/env bash
# Sweep: `chartwright lint` over real public manifests ($1/manifests) and, when Helm is set up,
# over `helm template` output of the corpus charts ($1/charts).
#
# Manifests are linted one directory at a time (the files of a directory are usually one app,
# so cross-object rules see each other); a directory whose files define the same object twice
# (alternative variants side by side) is linted file by file instead.
#
# Fails on a crash, on exit code 2 (bad input) for input that is valid, and on any finding
# whose file:line:column does not exist in the input.
# Usage: CHARTWRIGHT=target/debug/chartwright scripts/sweep-lint.sh CORPUS_DIR
set -euo pipefail
corpus=${1:?usage: sweep-lint.sh CORPUS_DIR}
bin=${CHARTWRIGHT:-target/debug/chartwright}
work=$(mktemp -d "${TMPDIR:-/tmp}/sweep-lint.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

status=0
runs=0
findings=0
empty=0

# check_json <json-file> <stdin-copy-or-empty>: every finding's location exists.
check_json() {
  python3 - "$1" "${2:-}" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
stdin_copy = sys.argv[2]
bad = []
for f in doc["findings"]:
    loc = f.get("location")
    if not loc:
        bad.append(f"{f['rule']}: no location")
        continue
    path = stdin_copy if loc["file"] == "<stdin>" else loc["file"]
    try:
        lines = open(path, encoding="utf-8").read().split("\n")
    except OSError as e:
        bad.append(f"{f['rule']}: {loc['file']}: {e}")
        continue
    line, col = loc["line"], loc["column"]
    if not (1 <= line <= len(lines)) or not (1 <= col <= len(lines[line - 1]) + 1):
        bad.append(f"{f['rule']}: {loc['file']}:{line}:{col} is outside the file")
    for key in ("object", "pointer", "help"):
        if key not in f:
            bad.append(f"{f['rule']}: {loc['file']}:{line}: no {key}")
for b in bad:
    print(f"sweep-lint: {b}", file=sys.stderr)
print(len(doc["findings"]))
sys.exit(1 if bad else 0)
PY
}

# lint <label> <stdin-file-or-empty> <args...>: runs lint, checks exit code and locations.
lint() {
  local label=$1 stdin=$2
  shift 2
  local rc=0
  if [ -n "$stdin" ]; then
    "$bin" lint --format json --fail-on never "$@" <"$stdin" >"$work/out.json" 2>"$work/err.txt" || rc=$?
  else
    "$bin" lint --format json --fail-on never "$@" >"$work/out.json" 2>"$work/err.txt" </dev/null || rc=$?
  fi
  runs=$((runs + 1))
  if [ "$rc" -ne 0 ]; then
    return "$rc"
  fi
  local n
  if ! n=$(check_json "$work/out.json" "$stdin"); then
    echo "sweep-lint: FAIL $label: findings with bad locations" >&2
    status=1
  fi
  findings=$((findings + ${n:-0}))
}

if [ -d "$corpus/manifests" ]; then
  while IFS= read -r dir; do
    mapfile -t files < <(find "$dir" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
    [ ${#files[@]} -gt 0 ] || continue
    rc=0
    lint "$dir" "" "${files[@]}" || rc=$?
    if [ "$rc" -eq 2 ] && grep -q "is defined twice" "$work/err.txt"; then
      for f in "${files[@]}"; do
        rc=0
        lint "$f" "" "$f" || rc=$?
        if [ "$rc" -ne 0 ]; then
          echo "sweep-lint: FAIL $f: exit $rc: $(head -c 400 "$work/err.txt")" >&2
          status=1
        fi
      done
    elif [ "$rc" -eq 2 ] && grep -q "no Kubernetes objects in" "$work/err.txt"; then
      # A folder of kustomize configuration only: lint refuses empty input by design.
      empty=$((empty + 1))
    elif [ "$rc" -ne 0 ]; then
      echo "sweep-lint: FAIL $dir: exit $rc: $(head -c 400 "$work/err.txt")" >&2
      status=1
    fi
  done < <(find "$corpus/manifests" -type d | sort)
fi

if [ -d "$corpus/charts" ] && [ -n "${CHARTWRIGHT_HELM3:-}" ]; then
  for chart in "$corpus"/charts/*/; do
    [ -f "$chart/Chart.yaml" ] || continue
    # Charts whose dependencies are not vendored cannot render; that is Helm's business, not lint's.
    if ! "$CHARTWRIGHT_HELM3" template sweep "$chart" >"$work/rendered.yaml" 2>/dev/null; then
      echo "sweep-lint: skip $chart (helm template failed)"
      continue
    fi
    rc=0
    lint "$chart" "$work/rendered.yaml" - || rc=$?
    if [ "$rc" -ne 0 ]; then
      echo "sweep-lint: FAIL helm template $chart | lint -: exit $rc: $(head -c 400 "$work/err.txt")" >&2
      status=1
    elif ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(f.get("template") for f in d["findings"]) else 1)' "$work/out.json"; then
      echo "sweep-lint: FAIL helm template $chart | lint -: a finding does not name its template" >&2
      status=1
    fi
  done
fi

echo "sweep-lint: $runs runs, $findings findings, $empty folders without Kubernetes objects refused (exit 2), status $status"
exit $status
