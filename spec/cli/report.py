"""``whyrelu report DIR``: run the registry and write ``report.md``, ``report.json`` and the
figures: Table 1 of the paper with every cell tied to its claims, the theorem table, and
Figure 1 and the PAC plot."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from spec.claims import load_all
from spec.cli import CLI, UsageError
from spec.harness import table1
from spec.harness.report import (
    checkers_line,
    claim_anchor,
    json_report,
    refutations_md,
    rows,
    theorem_table_md,
)
from spec.harness.session import Run, add_run_arguments, run_registry, run_settings, select_claims

FIGURE1_CLAIM = "figure1.reproduces_digitised_points"
#: depth of the exact paper-scale Figure 1 drawn in a report, by profile, for x² and ReLU
#: (x² costs about ×2.5 per layer: depths 1–6 ≈ 2.5 s, 1–8 ≈ 12 s, 1–12 ≈ 8 min; ReLU
#: about 1 s per depth, most of it building the network from its float draws)
EXACT_DEPTH = {"ci": 6, "dev": 8, "deep": 12}


@dataclass(frozen=True)
class Figure:
    """A figure written next to the report."""

    file: str  # relative to the report directory
    title: str
    caption: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "title": self.title, "caption": self.caption}


def make_figures(directory: Path, *, pac_trials: int = 600, exact_depth: int = 6
                 ) -> list[Figure]:
    """Draw Figure 1 (float64), the same networks exactly (x² and ReLU to ``exact_depth``),
    the small-width bit-model sweep (Theorem E.1) and the PAC simulation into
    ``directory/figures``."""
    from spec import figure1, figure1_exact, pac
    from spec.cli import bits

    out = []
    cmp = figure1.compare()
    figure1.plot(directory / "figures" / "figure1.png", cmp)
    out.append(Figure(
        "figures/figure1.png", "Figure 1 (floating-point reproduction)",
        "log₁₀‖∇W₁L‖₂ against depth for σ(x) = x² and ReLU with weights ×3 per layer, "
        "computed in numpy float64 with a reconstructed setup (arXiv 2602.19017 states none; "
        f"not an exact computation), beside the paper's digitised points. Largest ReLU deviation "
        f"{cmp.relu_max_abs:.2f} decades (tolerance {figure1.RELU_TOLERANCE_DECADES}); "
        f"largest x² deviation {100 * cmp.square_max_rel:.1f} % (tolerance "
        f"{100 * figure1.SQUARE_TOLERANCE_RELATIVE:.0f} %)."))
    square = figure1_exact.exact_curve("square", range(1, exact_depth + 1))
    relu = figure1_exact.exact_curve("relu", range(1, exact_depth + 1))
    figure1_exact.plot(directory / "figures" / "figure1-exact.png", square, relu)
    out.append(Figure(
        "figures/figure1-exact.png", "Figure 1, exact, at the paper's scale",
        "The same networks as the floating-point Figure 1 (width 64, input 10, batch 64, "
        "He-normal weights ×3, averaged MSE; seed 0) with every float64 weight, input and "
        "target taken as the exact dyadic rational it is: ‖∇W₁L‖² computed as a rational "
        "and its log₁₀ certified by ball arithmetic (crosses: the float64 values). "
        + _exact_summary(square, relu)
        + f" Drawn here to depth {exact_depth} (`--exact-depth`); the full curve to depth 12 "
        "is `whyrelu figure1 --exact` (docs/performance.md gives its cost)."))
    points = pac.simulate(trials=pac_trials)
    pac.plot_simulation(points, directory / "figures" / "pac_failure.png")
    out.append(Figure(
        "figures/pac_failure.png", "Theorems D.1 and D.4 (PAC separation)",
        "Left: simulated failure rates of natural ERM learners on the hard pair of "
        f"Theorem D.4 ({pac_trials} seeded trials per point, 95 % intervals) against the "
        "lower bound ½(q/(q+1))^m. Right: examples needed for δ = 1/20, exactly: the least "
        "m with ½(q/(q+1))^m ≤ δ grows like q·ln(1/(2δ)), while one example suffices in "
        "the real model."))
    curves = bits.sweep(max_depth=12, width=4, bits=4, samples=2, seed=0)
    bits.plot_sweep(curves, str(directory / "figures" / "bits-vs-depth.png"),
                    width=4, bits=4, seed=0)
    out.append(Figure(
        "figures/bits-vs-depth.png", "Figure 1 in the bit model (exact)",
        "The exact counterpart of Figure 1: the largest size in bits of an entry of ∇L "
        "against the number of hidden layers (width 4, 4-bit rationals, seed 0), for x², x³, "
        "ReLU and leaky ReLU(1/8), with the proven bound of Theorem E.1 dashed for the "
        "piecewise-linear ones. Polynomial activations multiply the size by their degree per "
        "layer; piecewise-linear ones grow linearly under the bound."))
    return out


def _exact_summary(square: list[Any], relu: list[Any]) -> str:
    """One sentence per activation: where float64 is lost and the largest exact value."""
    parts = []
    for name, pts in (("x²", square), ("ReLU", relu)):
        if not pts:
            continue
        lost = [p.depth for p in pts if p.float_log10 is None]
        last = pts[-1]
        parts.append(
            f"{name}: at depth {last.depth} log₁₀‖∇W₁L‖₂ ∈ [{float(last.log10_lo):.6f}, "
            f"{float(last.log10_hi):.6f}], largest exact value {last.max_entry_bits} bits; "
            + (f"float64 is lost from depth {lost[0]} on." if lost
               else "float64 agrees at every depth drawn."))
    return " ".join(parts)


def _versions() -> str:
    parts = []
    for pkg in ("whyrelu", "python-flint", "hypothesis", "numpy"):
        try:
            parts.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(parts)


def report_markdown(run: Run, statuses: list[table1.CellStatus],
                    headlines: list[table1.CellStatus], figures: list[Figure]) -> str:
    """The text of ``report.md``."""
    table_rows = rows(run.claims, run.results)
    n_ok = sum(1 for r in table_rows if r.ok)
    verdict = ("every claim met its expectation" if run.ok
               else f"**{len(table_rows) - n_ok} claim(s) did not meet their expectation**")
    out = [
        "# whyrelu report", "",
        "An executable specification of *Why ReLU? A Bit-Model Dichotomy for Deep Network "
        "Training* (arXiv 2602.19017).", "",
        f"- {len(table_rows)} claims, {len(run.results)} items, profile `{run.profile}`"
        + (f", seed {run.seed}" if run.seed is not None else "")
        + f": {verdict} ({n_ok}/{len(table_rows)}).",
        f"- Activations: {', '.join(f'`{a.name}`' for a in run.activations)}.",
        f"- Run time {run.seconds:.1f} s; {_versions()}.",
        "- Outcomes: **proved** (symbolic certificate), **exhaustive: <domain>** (every "
        "element of the stated finite domain checked), **holds** (sampled: no counterexample "
        "in the budget), **refuted** (counterexample; expected for negative controls and errata), "
        "**inconclusive**, **error**.",
        "- A proved outcome names the checker that re-checked its certificates: "
        "**proved (Coq)**, **proved (z3)** or **proved (Python)**. "
        + checkers_line() + ".",
        "",
        "Contents: [Table 1](#table-1) · [Headline results](#headlines) · "
        "[Theorem table](#theorem-table) · [Figures](#figures)"
        + (" · [Refutations and errors](#refutations-and-errors)"
           if any(r.outcome in ("refuted", "error") for r in run.results) else ""),
        "", '<a id="table-1"></a>', "",
        *table1.markdown(statuses),
        '<a id="headlines"></a>', "",
        *table1.headlines_markdown(headlines),
        '<a id="theorem-table"></a>', "",
        "## Theorem table", "",
        "One row per claim, aggregated over the activations it ran on.", "",
        *theorem_table_md(run.claims, run.results, run.uncovered),
        "", '<a id="figures"></a>', "", "## Figures", "",
    ]
    if not figures:
        out += ["Figures were not drawn (`--no-figures`).", ""]
    for f in figures:
        out += [f"### {f.title}", "", f"![{f.title}]({f.file})", "", f.caption, ""]
        if f.file.endswith("figure1.png"):
            out += [_figure1_outcome(run), ""]
    refs = refutations_md(run.results)
    if refs:
        out += ['<a id="refutations-and-errors"></a>', *refs]
    return "\n".join(out).rstrip() + "\n"


def _figure1_outcome(run: Run) -> str:
    rs = [r for r in run.results if r.claim_id == FIGURE1_CLAIM]
    if not rs:
        return f"Claim `{FIGURE1_CLAIM}` was not run in this report."
    r = rs[0]
    return (f"Claim [`{FIGURE1_CLAIM}`](#{claim_anchor(FIGURE1_CLAIM)}) (status cited, a "
            f"floating-point comparison): {r.outcome}.")


def write(directory: Path, run: Run, *, figures: bool = True,
          pac_trials: int = 600, exact_depth: int | None = None) -> tuple[Path, Path]:
    """Write ``report.md``, ``report.json`` and (unless ``figures`` is false) the figures;
    ``exact_depth`` defaults to :data:`EXACT_DEPTH` of the run's profile."""
    directory.mkdir(parents=True, exist_ok=True)
    statuses = table1.status(load_all(), run.results)
    headlines = table1.status(load_all(), run.results, table1.HEADLINES)
    depth = exact_depth if exact_depth is not None else EXACT_DEPTH.get(run.profile, 6)
    figs = (make_figures(directory, pac_trials=pac_trials, exact_depth=depth)
            if figures else [])
    md = directory / "report.md"
    md.write_text(report_markdown(run, statuses, headlines, figs), encoding="utf-8")
    extra: dict[str, Any] = {
        **run.extra(),
        "ok": run.ok,
        "seconds": round(run.seconds, 3),
        "table1": [s.to_json() for s in statuses],
        "headlines": [s.to_json() for s in headlines],
        "figures": [f.to_json() for f in figs],
    }
    js = directory / "report.json"
    js.write_text(json.dumps(json_report(run.results, run.uncovered, extra), indent=2) + "\n",
                  encoding="utf-8")
    return md, js


def exact_depth_arg(text: str) -> int:
    """``--exact-depth``: 1..12 (the paper's Figure 1 stops at 12)."""
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer 1..12, got {text!r}") from None
    if not 1 <= v <= 12:
        raise argparse.ArgumentTypeError(f"expected an integer 1..12, got {v}")
    return v


def add_figure_arguments(p: argparse.ArgumentParser) -> None:
    """Options of the report's figures (shared by ``check`` and ``report``)."""
    p.add_argument("--exact-depth", type=exact_depth_arg, default=None, metavar="D",
                   help="draw the exact paper-scale Figure 1 to depth D (1..12; default by "
                        "profile: " + ", ".join(f"{k} {v}" for k, v in EXACT_DEPTH.items())
                        + ")")


def _report(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} exists and is not a directory")
    if args.pac_trials < 1:
        raise UsageError(f"--pac-trials must be >= 1, got {args.pac_trials}")
    profile, acts = run_settings(args)
    claims = select_claims(args.claim)
    run = run_registry(claims, acts, profile=profile, seed=args.seed, jobs=args.jobs,
                       quiet=args.quiet, label="whyrelu report")
    md, js = write(directory, run, figures=not args.no_figures, pac_trials=args.pac_trials,
                   exact_depth=args.exact_depth)
    n_ok = sum(1 for r in rows(run.claims, run.results) if r.ok)
    print(f"{n_ok}/{len(rows(run.claims, run.results))} claims met their expectation "
          f"({run.seconds:.1f}s); wrote {md} and {js}")
    if not run.ok:
        print("some claims did not meet their expectation: see the report", file=sys.stderr)
    return 0 if run.ok else 1


def register(cli: CLI) -> None:
    p = cli.command("report", "run every claim and write DIR/report.md, DIR/report.json and "
                    "the figures: Table 1 backed by claims, the theorem table, Figure 1",
                    _report)
    p.add_argument("directory", metavar="DIR", help="output directory (created if missing)")
    add_run_arguments(p)
    p.add_argument("--no-figures", action="store_true", help="do not draw the figures")
    add_figure_arguments(p)
    p.add_argument("--pac-trials", type=int, default=600, metavar="N",
                   help="simulation trials per point of the PAC plot (default 600)")
