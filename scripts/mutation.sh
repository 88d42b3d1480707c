#!/usr/bin/env bash
# Mutation testing with mutmut 3 (install: pip install -e ".[dev,mutation]").
#
#   scripts/mutation.sh                       # every module of DEFAULT_MODULES
#   scripts/mutation.sh checkers/slp.py       # only these files (or directories)
#   JOBS=1 scripts/mutation.sh spec/gadget.py # fewer worker processes
#   SUMMARY_ONLY=1 scripts/mutation.sh        # re-print the last summary, run nothing
#   SAMPLE=40 scripts/mutation.sh spec/piecewise.py  # a uniform random sample of 40 mutants
#                                             # per module, 95% Wilson interval, verdicts kept
#                                             # by mutant source hash (scripts/mutation_sample.py)
#
# The repository is copied to a scratch directory ($WORK, default .mutation/), where a
# [tool.mutmut] section naming the modules is added to pyproject.toml; mutmut then mutates
# those modules and, for every mutant, runs the tests that exercised the mutated function
# during a first full run (unit tests *and* the claims of tests/test_claims.py, under the
# `ci` Hypothesis profile).  Slow tests that cannot see a mutant (they start subprocesses
# that import the repository, not the mutated copy) are left out.  At the end the script
# prints, per module, killed / total and every surviving mutant with its diff; mutants
# listed in scripts/equivalent_mutants.txt (justified in docs/quality.md) are reported
# apart and left out of the score.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DEFAULT_MODULES=(
  checkers/
  spec/gadget.py spec/lemma32/ spec/fractional.py
  spec/piecewise.py spec/bit_bounded.py spec/theorem_e2/ spec/pac.py
)
if [ "$#" -gt 0 ]; then MODULES=("$@"); else MODULES=("${DEFAULT_MODULES[@]}"); fi
if [ -n "${SAMPLE:-}" ]; then  # sampled and resumable: every verdict keyed by source hash
  files=()
  for m in "${MODULES[@]}"; do
    if [ -d "$m" ]; then files+=("${m%/}"/*.py); else files+=("$m"); fi
  done
  exec "${PY:-python}" scripts/mutation_sample.py --round-robin --n "$SAMPLE" \
    ${SUMMARY_ONLY:+--summary} ${RERUN_SURVIVORS:+--rerun-survivors} "${files[@]}"
fi
JOBS=${JOBS:-2}
WORK=${WORK:-$ROOT/.mutation}
MUTMUT=${MUTMUT:-$ROOT/.venv/bin/mutmut}
PY=${PY:-$ROOT/.venv/bin/python}

# tests that run the command line in a subprocess or only measure the machine
DESELECT=(
  "tests/test_reproducibility.py"
  "tests/test_docs.py"
  "tests/test_budget.py::test_the_squaring_chain_stops_in_bounded_memory"
  "tests/test_fuzz.py::test_a_long_program_streams_in_bounded_memory"
  "tests/test_fuzz.py::test_a_million_gate_file_through_the_command_line"
  "tests/test_cli.py::test_console_script_evaluates_and_rejects"
)

patterns=()
for m in "${MODULES[@]}"; do
  if [ -d "$m" ]; then patterns+=("${m%/}/*.py"); else patterns+=("$m"); fi
done

toml_list() {  # a TOML array of strings
  local out="" x
  for x in "$@"; do out+="\"$x\", "; done
  echo "[${out%, }]"
}

if [ -z "${SUMMARY_ONLY:-}" ]; then
  mkdir -p "$WORK"
  # mutmut mutates a file only when it copies it: a new module selection starts afresh
  if [ "$(cat "$WORK/modules.txt" 2>/dev/null)" != "${patterns[*]}" ]; then
    rm -rf "$WORK/mutants"
    echo "${patterns[*]}" > "$WORK/modules.txt"
  fi
  # a fresh copy of the tracked files (mutmut keeps its results in $WORK/mutants); -m stamps
  # them with the time of the copy, so mutmut regenerates every mutant file and keeps only
  # the verdicts of functions whose source hash is unchanged (an older mutant file would
  # otherwise be reused even when its source changed since)
  { git ls-files -z; git ls-files -z --others --exclude-standard; } \
    | tar --null -T - -cf - | tar -xmf - -C "$WORK"
  ignore_args=()
  for t in "${DESELECT[@]}"; do
    if [[ "$t" == *::* ]]; then ignore_args+=("--deselect" "$t"); else ignore_args+=("--ignore" "$t"); fi
  done
  cat >> "$WORK/pyproject.toml" <<EOF

[tool.mutmut]
source_paths = ["checkers", "spec"]
only_mutate = $(toml_list "${patterns[@]}")
also_copy = ["strategies", "benchmarks", "docs", "mkdocs.yml", "README.md"]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:xdist"]
pytest_add_cli_args_test_selection = $(toml_list tests/ "${ignore_args[@]}")
timeout_multiplier = 5.0
EOF
  names=()
  if [ -n "${RERUN_SURVIVORS:-}" ]; then  # after strengthening tests: re-check what lived
    mapfile -t names < <(cd "$WORK" && "$PY" - "${patterns[@]}" <<'PY'
import fnmatch, json, sys
from pathlib import Path
for meta in Path("mutants").rglob("*.py.meta"):
    module = str(meta.relative_to("mutants"))[: -len(".meta")]
    if any(fnmatch.fnmatch(module, p) for p in sys.argv[1:]):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if code in (0, 5, 33, None):
                print(name)
PY
)
  fi
  echo "mutation: modules ${patterns[*]}; $JOBS workers; scratch $WORK" \
       "${names:+; re-checking ${#names[@]} survivors}" >&2
  (cd "$WORK" && CI=1 HYPOTHESIS_PROFILE=ci "$MUTMUT" run --max-children "$JOBS" \
     ${names[@]+"${names[@]}"}) || true
fi

cd "$WORK"
"$PY" - "$MUTMUT" "$ROOT/scripts/equivalent_mutants.txt" "${patterns[@]}" <<'PY'
import fnmatch
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

mutmut, equivalent_file, patterns = sys.argv[1], Path(sys.argv[2]), sys.argv[3:]
equivalent = {}
if equivalent_file.exists():
    for line in equivalent_file.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            equivalent[name] = line.split("#", 1)[1].strip() if "#" in line else ""

# exit codes of a mutant's test run (mutmut's own table, plus signals): a test process that
# FLINT aborts (SIGABRT, SIGFPE) or that dies of a segfault has detected the mutant too
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout",
          255: "timeout", -9: "timeout", 37: "caught by type check", None: "not checked",
          -6: "crashed", -8: "crashed", -11: "crashed"}
DETECTED = ("killed", "timeout", "crashed")

rows = []
for meta in sorted(Path("mutants").rglob("*.py.meta")):
    module = str(meta.relative_to("mutants"))[: -len(".meta")]
    if not any(fnmatch.fnmatch(module, p) for p in patterns):
        continue
    data = json.loads(meta.read_text(encoding="utf-8"))
    for name, code in data["exit_code_by_key"].items():
        rows.append((module, name, STATUS.get(code, "suspicious")))

if not rows:
    print("no mutation results yet")
    sys.exit(1)

print(f"{'module':28} {'killed':>7} {'total':>6} {'equiv.':>6} {'score':>7}  details")
tot_k = tot_n = 0
survivors = []
for module in sorted({r[0] for r in rows}):
    mine = [r for r in rows if r[0] == module]
    eq = [r for r in mine if r[1] in equivalent]
    rest = [r for r in mine if r[1] not in equivalent]
    killed = sum(1 for r in rest if r[2] in DETECTED)
    other = Counter(r[2] for r in rest if r[2] != "killed")
    n = len(rest)
    tot_k, tot_n = tot_k + killed, tot_n + n
    score = f"{100 * killed / n:.1f}%" if n else "-"
    print(f"{module:28} {killed:>7} {n:>6} {len(eq):>6} {score:>7}  "
          + ", ".join(f"{v} {k}" for k, v in sorted(other.items())))
    survivors += [r for r in rest if r[2] not in (*DETECTED, "not checked")]
score = f"{100 * tot_k / tot_n:.1f}%" if tot_n else "-"
print(f"{'TOTAL (non-equivalent)':28} {tot_k:>7} {tot_n:>6} {'':>6} {score:>7}")

if survivors:
    print(f"\n{len(survivors)} mutants not killed (mutmut show NAME in {Path.cwd()}):")
    for module, name, status in survivors:
        print(f"\n--- {name}: {status}")
        diff = subprocess.run([mutmut, "show", name],
                              capture_output=True, text=True, check=False).stdout
        print("\n".join(ln for ln in diff.splitlines()
                        if ln.startswith(("+", "-")) and not ln.startswith(("+++", "---"))))
PY
