#!/usr/bin/env bash
# Sweep: `chartwright audit` over the corpus's dependency files and charts. Fails when audit
# crashes or exits 2, or when a Bitnami or old stable/incubator reference in the inputs is
# not reported (every dependency file line naming such a source must have a finding there).
# Usage: scripts/sweep-audit.sh CORPUS_DIR   ($CHARTWRIGHT = the binary; default: the dev build)
set -euo pipefail
corpus=${1:?usage: sweep-audit.sh CORPUS_DIR}
bin=${CHARTWRIGHT:-target/debug/chartwright}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
dead='charts\.bitnami\.com|docker\.io/bitnamicharts|bitnamichartslegacy|bitnamichartssecure|public\.ecr\.aws/bitnami|kubernetes-charts(-incubator)?\.storage\.googleapis\.com|charts\.helm\.sh/(stable|incubator)|alias:stable|@stable|alias:incubator|@incubator'
for sub in deps charts; do
  dir="$corpus/$sub"
  [ -d "$dir" ] || continue
  set +e
  HELM_CONFIG_HOME="$out/helm" "$bin" audit "$dir" --format json --fail-on never >"$out/$sub.json" 2>"$out/$sub.err"
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    echo "sweep-audit: audit $dir exited $rc:"; cat "$out/$sub.err"; status=1; continue
  fi
  # Every file:line naming a dead source must carry a finding at that line.
  python3 - "$dir" "$out/$sub.json" "$dead" <<'PY' || status=1
import json, os, re, sys
root, report, dead = sys.argv[1], sys.argv[2], re.compile(sys.argv[3])
# Image repositories on Bitnami namespaces (values.yaml); Docker Hub is their default registry.
image = re.compile(r"repository\s*:\s*[\"']?(docker\.io/)?bitnami(legacy|secure)?/")
doc = json.load(open(report))
found = {(f["location"]["file"], f["location"]["line"]) for c in doc["charts"] for f in c["findings"] if "location" in f}
names = ("Chart.yaml", "Chart.lock", "requirements.yaml", "requirements.lock", "Chart.lock.yaml", "requirements.lock.yaml")
missed, checked = [], 0
for dirpath, dirs, files in os.walk(root):
    dirs[:] = sorted(d for d in dirs if d not in ("templates", "ci", "tests", "unittests") and not d.startswith("."))
    for f in sorted(files):
        values = f == "values.yaml"
        if not f.endswith(names) and not values:
            continue
        p = os.path.join(dirpath, f)
        for i, line in enumerate(open(p, encoding="utf-8", errors="replace"), 1):
            if line.lstrip().startswith("#") or not re.search(r"\brepository\s*:", line):
                continue
            if not (image.search(line) if values else dead.search(line)):
                continue
            checked += 1
            if (p, i) not in found:
                missed.append(f"{p}:{i}: {line.strip()}")
s = doc["summary"]
print(f"sweep-audit: {root}: {s['charts']} charts, {s['errors']} errors, {s['warnings']} warnings; {checked} dead-source references, {len(missed)} missed")
for m in missed:
    print("  missed:", m)
sys.exit(1 if missed else 0)
PY
done
exit $status
