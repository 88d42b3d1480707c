"""Sampled, resumable mutation testing of the ``spec/`` construction modules.

Running every mutant of a construction module does not fit a 2-core machine: a mutant is
killed by claims that run for seconds to minutes.  This script draws a **uniform random
sample** of each module's mutants (mutmut 3's mutation operators, applied one at a time to
the module's source), runs the module's unit tests and claims against each sampled mutant
(``ci`` Hypothesis profile, first failure stops), and reports the killed fraction with its
95 % **Wilson** interval.

Resumable: every verdict is stored in ``$WORK/verdicts.json`` keyed by the SHA-256 of the
mutated module source, so a rerun only tests mutants whose source changed (or that were not
reached); ``--rerun-survivors`` re-checks the survivors after tests were strengthened.  The
sample is a fixed permutation of a module's mutants (seeded by the module path), so a longer
run extends the same sample.

    python scripts/mutation_sample.py spec/piecewise.py --n 40
    python scripts/mutation_sample.py --summary                 # the table, nothing run

For ``spec/`` modules the sub-check census (``tests/test_subchecks.py``: labels, printed
terms, error messages, figure names, certificate names and statements) runs *last*, so a
mutant it kills changed only documented text that no claim or test caught; the summary's
``text`` column counts those kills apart.

Mutants listed in ``scripts/equivalent_mutants_sampled.txt`` (``HASH  # rule: reason``) are
left out of the score.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: module -> the unit tests that exercise it (claims of the module are added automatically)
UNIT_TESTS: dict[str, list[str]] = {
    "spec/gadget.py": ["tests/test_gadget.py"],
    "spec/lemma32/network.py": ["tests/test_slp_network.py"],
    "spec/lemma32/instance.py": ["tests/test_slp_network.py"],
    "spec/lemma32/forcing.py": ["tests/test_slp_network.py"],
    "spec/lemma32/_common.py": ["tests/test_slp_network.py"],
    "spec/bnslp.py": ["tests/test_bnslp.py"],
    "spec/theorem13/backprop.py": ["tests/test_gradient.py"],
    "spec/theorem13/reductions.py": ["tests/test_gradient.py"],
    "spec/piecewise.py": ["tests/test_piecewise.py"],
    "spec/theorem_e2/verifier.py": ["tests/test_np_membership.py"],
    "spec/theorem_e2/gradient_steps.py": ["tests/test_np_membership.py"],
    "spec/pac.py": ["tests/test_pac.py"],
    "spec/bit_bounded.py": ["tests/test_bit_bounded.py"],
    "checkers/matmul.py": ["tests/test_matmul.py", "tests/test_figure1_exact.py"],
}
DEFAULT_MODULES = list(UNIT_TESTS)
#: modules without claims of their own (shared strategies and helpers): the claims of the
#: modules that use them
CLAIMS_OF_USERS: dict[str, list[str]] = {
    "spec/lemma32/_common.py": ["spec/lemma32/network.py", "spec/lemma32/instance.py",
                                "spec/lemma32/forcing.py", "spec/sizes.py"],
}
#: run last against every spec/ mutant: the sub-check census pins the labels and terms a
#: failing check prints, the error messages, the report's figure names and the certificates'
#: names and statements (docs/sub-checks.md).  A mutant it kills was caught by nothing else:
#: its verdict says so (``by``), and the summary counts these text-only kills apart.
CENSUS = "tests/test_subchecks.py"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion k/n (plotting/reporting only: a float)."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def mutants_of(path: Path) -> tuple[int, Callable[[int], tuple[str, str]]]:
    """The number of mutants of a module and a function giving the i-th as (mutated
    source, a one-line description): mutmut's operators, one mutation at a time, inside
    functions only (as mutmut mutates)."""
    import mutmut.configuration
    from mutmut.mutation.file_mutation import create_mutations

    code = path.read_text(encoding="utf-8")
    here = Path.cwd()
    cfg = Path(os.environ.get("TMPDIR", "/tmp")) / "whyrelu-mutmut-config"
    cfg.mkdir(exist_ok=True)
    (cfg / "setup.cfg").write_text("[mutmut]\nsource_paths=spec\n", encoding="utf-8")
    os.chdir(cfg)  # mutmut reads its configuration (pragmas, patterns) from the cwd
    try:
        mutmut.configuration.reset_config()
        module, mutations, _, _ = create_mutations(str(path), code)
    finally:
        os.chdir(here)
    mutations = [m for m in mutations if m.contained_by_top_level_function is not None]

    def get(i: int) -> tuple[str, str]:
        m = mutations[i]
        src = module.deep_replace(m.original_node, m.mutated_node).code  # type: ignore[attr-defined]
        orig = module.code_for_node(m.original_node)
        old, new = code.splitlines(), src.splitlines()
        line = next((k + 1 for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                    min(len(old), len(new)) + 1)  # the first line the mutation changes
        desc = f"line {line}: {orig!r} -> {module.code_for_node(m.mutated_node)!r}"
        return src, desc[:300]

    return len(mutations), get


def claims_of(module: str) -> list[str]:
    """Ids of the claims defined in ``module`` (a path such as spec/piecewise.py)."""
    sys.path.insert(0, str(ROOT))
    from spec.claims import load_all

    dotted = {m[:-3].replace("/", ".") for m in CLAIMS_OF_USERS.get(module, [module])}
    return [c.id for c in load_all() if c.module in dotted]


def copy_tree(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        src = ROOT / f.decode()
        if src.is_file():
            (dest / f.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / f.decode())


def run_tests(tree: Path, mod: str, claims: list[str], timeout: float) -> tuple[str, str]:
    """Run the tests, then the claims, then (for spec/) the census, stopping at the first
    failure: (verdict, the first failing test's id or "")."""
    args = [sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider", "-x",
            "-q", "--no-header", "-rfE", "-o", "addopts=-p spec.harness.pytest_plugin",
            *UNIT_TESTS.get(mod, [])]
    if claims:
        args.append("tests/test_claims.py")
        for c in claims:
            args += ["--whyrelu-claim", c]
    if mod.startswith("spec/"):
        args.append(CENSUS)
    env = {**os.environ, "PYTHONPATH": str(tree), "CI": "1", "HYPOTHESIS_PROFILE": "ci",
           "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        r = subprocess.run(args, cwd=tree, env=env, capture_output=True, timeout=timeout,
                           check=False)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    by = next((ln.split()[1] for ln in r.stdout.decode(errors="replace").splitlines()
               if ln.startswith(("FAILED ", "ERROR ")) and len(ln.split()) > 1), "")
    if r.returncode == 0:
        return "survived", ""
    if r.returncode in (1, 3) or r.returncode < 0:
        return ("killed" if r.returncode >= 0 else "crashed"), by
    return f"error({r.returncode})", by


DETECTED = ("killed", "timeout", "crashed")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("modules", nargs="*", default=DEFAULT_MODULES)
    ap.add_argument("--n", type=int, default=30, help="sample size per module (cumulative)")
    ap.add_argument("--timeout", type=float, default=900.0,
                    help="at most this many seconds per mutant (else 10x the unmutated run, "
                         "at least 300 s)")
    ap.add_argument("--work", default=str(ROOT / ".mutation-sample"))
    ap.add_argument("--summary", action="store_true", help="print the table, run nothing")
    ap.add_argument("--rerun-survivors", action="store_true")
    ap.add_argument("--skip", type=int, default=0,
                    help="start at this position of each module's permutation (a second "
                         "worker with its own --work takes another slice; merge with --merge)")
    ap.add_argument("--merge", action="append", default=[], metavar="VERDICTS_JSON",
                    help="also read the verdicts of another worker")
    ap.add_argument("--round-robin", action="store_true",
                    help="one mutant per module in turn (every module progresses)")
    ap.add_argument("--only", action="append", default=[], metavar="HASH_PREFIX",
                    help="judge only the sampled mutants whose hash starts so (again, even "
                         "if judged before): to see whether a new test kills a survivor")
    ap.add_argument("--census", action="store_true",
                    help="judge survivors by the census alone, without running anything: a "
                         "survivor whose documented sub-checks, errors, figures or "
                         "certificates (docs/sub-checks.md) differ from the module's is killed "
                         "by tests/test_subchecks.py, which runs after everything it survived")
    ap.add_argument("--census-first", action="store_true",
                    help="judge a mutant that changes the census as killed without running it "
                         "(faster; it may also have been caught by a claim or test, so the "
                         "text column then bounds the text-only kills from above)")
    ap.add_argument("--show", action="append", default=[], metavar="HASH_PREFIX",
                    help="print the diff of these sampled mutants and run nothing")
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    store = work / "verdicts.json"
    verdicts: dict[str, dict[str, str]] = (
        json.loads(store.read_text(encoding="utf-8")) if store.exists() else {})
    for other in a.merge:
        for h, v in json.loads(Path(other).read_text(encoding="utf-8")).items():
            verdicts.setdefault(h, v)
    equiv_file = ROOT / "scripts" / "equivalent_mutants_sampled.txt"
    equivalent = set()
    if equiv_file.exists():
        for ln in equiv_file.read_text(encoding="utf-8").splitlines():
            h = ln.split("#", 1)[0].strip()
            if h:
                equivalent.add(h)

    plans: dict[str, list[tuple[str, str, str]]] = {}
    totals: dict[str, int] = {}
    for mod in a.modules:
        count, get = mutants_of(ROOT / mod)
        totals[mod] = count
        order = list(range(count))
        random.Random(f"whyrelu-mutation:{mod}").shuffle(order)  # a fixed uniform permutation
        plans[mod] = []
        for i in order[a.skip: a.skip + a.n]:
            src, desc = get(i)
            plans[mod].append((hashlib.sha256(src.encode()).hexdigest(), src, desc))

    if a.show:
        import difflib
        for mod in a.modules:
            original = (ROOT / mod).read_text(encoding="utf-8").splitlines(keepends=True)
            for h, src, desc in plans[mod]:
                if h.startswith(tuple(a.show)):
                    print(f"=== {h[:16]} {mod}: {desc}")
                    sys.stdout.writelines(difflib.unified_diff(
                        original, src.splitlines(keepends=True), mod, "mutant", n=2))
        return 0
    if a.only:
        for mod in a.modules:
            plans[mod] = [p for p in plans[mod] if p[0].startswith(tuple(a.only))]

    sys.path.insert(0, str(ROOT))
    from spec.harness.subchecks import census, records

    probe = work / "census-probe.py"
    documented = {m: (census(ROOT / m), records(ROOT / m)) for m in a.modules
                  if m.startswith("spec/")}

    def census_changed(mod: str, src: str) -> bool:
        """Whether the mutant changes the module's documented sub-checks, errors, figures or
        certificates (so tests/test_subchecks.py fails on it)."""
        if mod not in documented:
            return False
        probe.write_text(src, encoding="utf-8")
        return (census(probe), records(probe)) != documented[mod]

    if a.census:
        for mod in a.modules:
            for h, src, desc in plans[mod]:
                old = verdicts.get(h)
                if not old or old["status"] != "survived" or h in equivalent:
                    continue
                if census_changed(mod, src):
                    verdicts[h] = {**old, "status": "killed", "by": CENSUS + " (census only)"}
                    print(f"{mod}: killed by the census  {desc}", flush=True)
        store.write_text(json.dumps(verdicts, indent=1, sort_keys=True), encoding="utf-8")

    if not a.summary:
        tree = work / "tree"
        copy_tree(tree)
        claim_ids = {m: claims_of(m) for m in a.modules}
        queue: list[tuple[str, tuple[str, str, str]]] = []
        if a.round_robin:
            for k in range(a.n):
                queue += [(m, plans[m][k]) for m in a.modules if k < len(plans[m])]
        else:
            queue = [(m, p) for m in a.modules for p in plans[m]]
        limit: dict[str, float] = {}
        for mod in a.modules:  # the unmutated module must pass; its time sets the timeout
            key = "baseline:" + hashlib.sha256((ROOT / mod).read_bytes()).hexdigest()
            if key not in verdicts:
                t0 = time.time()
                status, _ = run_tests(tree, mod, claim_ids[mod], 3600)
                verdicts[key] = {"module": mod, "status": status, "mutant": "baseline",
                                 "seconds": f"{time.time() - t0:.0f}"}
                store.write_text(json.dumps(verdicts, indent=1, sort_keys=True),
                                 encoding="utf-8")
                print(f"{mod}: baseline {status} in {verdicts[key]['seconds']}s", flush=True)
            if verdicts[key]["status"] == "survived":
                # wall-clock limit: generous, so that a survivor slowed down by other work
                # on a shared machine is not mistaken for a mutant that loops
                limit[mod] = min(a.timeout, max(300.0, 10 * float(verdicts[key]["seconds"])))
        for mod, (h, src, desc) in queue:
            if mod not in limit:
                continue  # the unmutated module fails its tests: no score
            if h in equivalent and not a.only:
                continue  # listed as equivalent: left out of the score, so not run
            old = verdicts.get(h)
            if old and not a.only and not (a.rerun_survivors
                                           and old["status"] in ("survived", "timeout")
                                           and h not in equivalent):
                continue
            if a.census_first and census_changed(mod, src):
                verdicts[h] = {"module": mod, "status": "killed", "mutant": desc, "seconds": "0",
                               "by": CENSUS + " (census, not run)"}
                store.write_text(json.dumps(verdicts, indent=1, sort_keys=True),
                                 encoding="utf-8")
                print(f"{mod}: killed by the census (not run)  {desc}", flush=True)
                continue
            target = tree / mod
            original = target.read_text(encoding="utf-8")
            target.write_text(src, encoding="utf-8")
            t0 = time.time()
            try:
                status, by = run_tests(tree, mod, claim_ids[mod], limit[mod])
            finally:
                target.write_text(original, encoding="utf-8")
            verdicts[h] = {"module": mod, "status": status, "mutant": desc,
                           "seconds": f"{time.time() - t0:.0f}", "by": by}
            store.write_text(json.dumps(verdicts, indent=1, sort_keys=True), encoding="utf-8")
            print(f"{mod}: {status:9} {time.time() - t0:5.0f}s  {desc}  [{by}]", flush=True)

    print(f"\n{'module':34} {'mutants':>7} {'sampled':>7} {'killed':>6} {'text':>4} "
          f"{'equiv':>5} {'score':>6}  95% Wilson interval (half-width)")
    for mod in a.modules:
        done = [(h, verdicts.get(h, {"status": "equivalent"})) for h, _, _ in plans[mod]
                if h in verdicts or h in equivalent]  # a listed equivalent need not be run
        eq = [h for h, _ in done if h in equivalent]
        rest = [v for h, v in done if h not in equivalent]
        k = sum(1 for v in rest if v["status"] in DETECTED)
        text = sum(1 for v in rest if v["status"] in DETECTED
                   and v.get("by", "").startswith(CENSUS))  # caught by the census (alone)
        n = len(rest)
        lo, hi = wilson(k, n)
        score = f"{100 * k / n:.0f}%" if n else "-"
        print(f"{mod:34} {totals[mod]:>7} {len(done):>7} {k:>6} {text:>4} {len(eq):>5} {score:>6}  "
              f"[{100 * lo:.0f}%, {100 * hi:.0f}%] (±{50 * (hi - lo):.0f})")
    surv = [(mod, h, verdicts[h]) for mod in a.modules for h, _, _ in plans[mod]
            if h in verdicts and verdicts[h]["status"] not in DETECTED and h not in equivalent]
    if surv:
        print(f"\n{len(surv)} sampled mutants not killed:")
        for mod, h, v in surv:
            print(f"  {h[:16]} {mod} {v['status']}: {v['mutant']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
