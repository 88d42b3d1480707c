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
from spec.harness.report import claim_anchor, json_report, refutations_md, rows, theorem_table_md
from spec.harness.session import Run, add_run_arguments, run_registry, run_settings, select_claims

FIGURE1_CLAIM = "figure1.reproduces_digitised_points"


@dataclass(frozen=True)
class Figure:
    """A figure written next to the report."""

    file: str  # relative to the report directory
    title: str
    caption: str

    def to_json(self) -> dict[str, str]:
        return {"file": self.file, "title": self.title, "caption": self.caption}


def make_figures(directory: Path, *, pac_trials: int = 600) -> list[Figure]:
    """Draw Figure 1 (float64), its exact bit-model counterpart (Theorem E.1) and the PAC
    simulation into ``directory/figures``."""
    from spec import figure1, pac
    from spec.cli import bits

    out = []
    cmp = figure1.compare()
    figure1.plot(directory / "figures" / "figure1.png", cmp)
    out.append(Figure(
        "figures/figure1.png", "Figure 1 (floating-point reproduction)",
        "log₁₀‖∇_{W₁}L‖₂ against depth for σ(x) = x² and ReLU with weights ×3 per layer, "
        "computed in numpy float64 with a reconstructed setup (arXiv 2602.19017 states none; "
        f"not an exact computation), beside the paper's digitised points. Largest ReLU deviation "
        f"{cmp.relu_max_abs:.2f} decades (tolerance {figure1.RELU_TOLERANCE_DECADES}); "
        f"largest x² deviation {100 * cmp.square_max_rel:.1f} % (tolerance "
        f"{100 * figure1.SQUARE_TOLERANCE_RELATIVE:.0f} %)."))
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
        "- Outcomes: **proved** (symbolic certificate), **holds** (no counterexample in the "
        "budget), **refuted** (counterexample; expected for negative controls and errata), "
        "**inconclusive**, **error**.",
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
          pac_trials: int = 600) -> tuple[Path, Path]:
    """Write ``report.md``, ``report.json`` and (unless ``figures`` is false) the figures."""
    directory.mkdir(parents=True, exist_ok=True)
    statuses = table1.status(load_all(), run.results)
    headlines = table1.status(load_all(), run.results, table1.HEADLINES)
    figs = make_figures(directory, pac_trials=pac_trials) if figures else []
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
    md, js = write(directory, run, figures=not args.no_figures, pac_trials=args.pac_trials)
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
    p.add_argument("--pac-trials", type=int, default=600, metavar="N",
                   help="simulation trials per point of the PAC plot (default 600)")
