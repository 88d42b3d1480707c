#!/usr/bin/env bash
# Reproducibility of the `ci` profile: RUNS (default 3) consecutive runs of the whole test
# suite (`pytest -n auto`) and of `whyrelu check --report`, each under a different
# PYTHONHASHSEED, then a comparison of
#   * every test's outcome and the theorem table printed by pytest,
#   * the theorem table printed by `whyrelu check`,
#   * report.json without its wall-clock fields, report.md with its run time masked,
#   * the figures, byte for byte.
# Prints IDENTICAL or the differences; exit status 0 iff every run matched the first.
#
#   scripts/reproducibility.sh            # three runs, scratch directory in /tmp
#   RUNS=2 OUT=/tmp/repro scripts/reproducibility.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
OUT=${OUT:-$(mktemp -d /tmp/whyrelu-repro.XXXXXX)}
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
mkdir -p "$OUT"
export CI=1
echo "reproducibility: $RUNS runs, output in $OUT" >&2

for i in $(seq 1 "$RUNS"); do
  echo "run $i: pytest -n auto" >&2
  PYTHONHASHSEED=$i "$PY" -m pytest -n auto -q -p no:cacheprovider -rA \
    --junitxml="$OUT/junit-$i.xml" > "$OUT/pytest-$i.log" 2>&1 || true
  echo "run $i: whyrelu check --profile ci --report" >&2
  PYTHONHASHSEED=$i "$VENV/bin/whyrelu" check --profile ci --quiet \
    --report "$OUT/report-$i" > "$OUT/table-$i.txt" 2> "$OUT/check-$i.err" || true
done

"$PY" - "$OUT" "$RUNS" <<'PY'
import filecmp
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from spec.harness.report import markdown_without_timings, without_timings

out, runs = Path(sys.argv[1]), int(sys.argv[2])


def outcomes(i: int) -> list[str]:
    root = ET.parse(out / f"junit-{i}.xml").getroot()
    rows = []
    for case in root.iter("testcase"):
        kinds = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
        rows.append(f"{case.get('classname')}::{case.get('name')} {kinds[0] if kinds else 'passed'}")
    return sorted(rows)


def pytest_table(i: int) -> str:
    text = (out / f"pytest-{i}.log").read_text(encoding="utf-8")
    m = re.search(r"=+ whyrelu theorem table =+\n(.*?)\n(?:=+|\Z)", text, re.S)
    return m.group(1) if m else "<no theorem table>"


def report(i: int) -> tuple[object, str]:
    d = out / f"report-{i}"
    doc = without_timings(json.loads((d / "report.json").read_text(encoding="utf-8")))
    md = markdown_without_timings((d / "report.md").read_text(encoding="utf-8"))
    return doc, md


def figures(i: int) -> list[str]:
    return sorted(p.name for p in (out / f"report-{i}" / "figures").glob("*.png"))


problems = []
base_outcomes, base_table = outcomes(1), pytest_table(1)
base_check = (out / "table-1.txt").read_text(encoding="utf-8")
base_doc, base_md = report(1)
for i in range(2, runs + 1):
    if outcomes(i) != base_outcomes:
        diff = sorted(set(outcomes(i)) ^ set(base_outcomes))
        problems.append(f"run {i}: pytest outcomes differ: {diff[:10]}")
    if pytest_table(i) != base_table:
        problems.append(f"run {i}: pytest theorem table differs")
    if (out / f"table-{i}.txt").read_text(encoding="utf-8") != base_check:
        problems.append(f"run {i}: whyrelu check theorem table differs")
    doc, md = report(i)
    if doc != base_doc:
        problems.append(f"run {i}: report.json differs (beyond timings)")
    if md != base_md:
        problems.append(f"run {i}: report.md differs (beyond the run time)")
    if figures(i) != figures(1):
        problems.append(f"run {i}: different figure files")
    for name in figures(1):
        a, b = out / "report-1" / "figures" / name, out / f"report-{i}" / "figures" / name
        if b.exists() and not filecmp.cmp(a, b, shallow=False):
            problems.append(f"run {i}: figure {name} differs byte-wise")

n_tests = len(base_outcomes)
n_claims = len(base_doc["claims"]) if isinstance(base_doc, dict) else 0
summary = (f"{runs} runs: {n_tests} pytest items, {n_claims} claim results, "
           f"{len(figures(1))} figures")
if problems:
    print(f"DIFFERENT ({summary})")
    print("\n".join(problems))
    sys.exit(1)
print(f"IDENTICAL ({summary})")
PY
