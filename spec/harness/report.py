"""The theorem table and the report files (``report.md``, ``report.json``).

One row per claim, aggregated over the activations it ran on (and over pytest-xdist
workers): paper reference, status, activations covered, examples run, outcome against
expectation, and the worst measured figure against its bound.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from checkers.activations import Activation
from spec.claims import Claim
from spec.harness.runner import Figures, Result
from spec.harness.version import SCHEMA_VERSION, version

OUTCOME_ORDER = ("error", "refuted", "inconclusive", "holds", "proved")


@dataclass
class Row:
    claim: Claim
    results: list[Result]

    @property
    def activations(self) -> list[str]:
        seen: list[str] = []
        for r in self.results:
            if r.activation is not None and r.activation not in seen:
                seen.append(r.activation)
        return seen

    @property
    def examples(self) -> int:
        return sum(r.examples for r in self.results)

    @property
    def ok(self) -> bool:
        return all(r.meets_expectation for r in self.results)

    def outcome(self) -> str:
        """Per-activation outcomes merged over chunks (worst chunk wins), then counted."""
        per: dict[str | None, str] = {}
        for r in self.results:
            cur = per.get(r.activation)
            if cur is None or OUTCOME_ORDER.index(r.outcome) < OUTCOME_ORDER.index(cur):
                per[r.activation] = r.outcome
        counts = Counter(per.values())
        if len(counts) == 1:
            word = next(iter(counts))
            n = counts[word]
            return word if n == 1 else f"{word} ({n})"
        return ", ".join(f"{w} {counts[w]}" for w in reversed(OUTCOME_ORDER) if w in counts)

    def figures(self) -> Figures:
        f = Figures()
        for r in self.results:
            f.merge(r.figures_obj())
        return f

    def worst_text(self) -> str:
        f = self.figures()
        if f.worst is None:
            if not f.maxima:
                return ""
            k = sorted(f.maxima)[0]
            return f"{k}={_short(f.maxima[k])}"
        k, v, b = f.worst
        return f"{k} {_short(v)}/{_short(b)} ({float(v / b):.2f})"


def _short(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    return f"{float(q):.3g}"


def rows(claims: Sequence[Claim], results: Sequence[Result]) -> list[Row]:
    by: dict[str, list[Result]] = {}
    for r in results:
        by.setdefault(r.claim_id, []).append(r)
    return [Row(c, by[c.id]) for c in claims if c.id in by]


def expectation_word(c: Claim) -> str:
    """``holds``, ``counterexample (control)`` for a negative control, or
    ``counterexample`` (an erratum)."""
    if c.expect == "holds":
        return "holds"
    return "counterexample (control)" if c.control_of else "counterexample"


def _acts_text(row: Row) -> str:
    acts = row.activations
    if not acts:
        return "—"
    return ", ".join(acts) if len(acts) <= 3 else f"{len(acts)}: " + ", ".join(acts[:2]) + ", …"


def coverage(results: Sequence[Result], activation: str) -> list[tuple[str, str]]:
    """``(claim id, outcome)`` of every claim that ran on ``activation`` (worst chunk)."""
    per: dict[str, str] = {}
    for r in results:
        if r.activation != activation:
            continue
        cur = per.get(r.claim_id)
        if cur is None or OUTCOME_ORDER.index(r.outcome) < OUTCOME_ORDER.index(cur):
            per[r.claim_id] = r.outcome
    return sorted(per.items())


def text_table(claims: Sequence[Claim], results: Sequence[Result],
               uncovered: Sequence[Activation] = (), *,
               added: Sequence[Activation] = ()) -> str:
    """The theorem table for a terminal.

    ``added`` are activations given on the command line (``--activation``): each gets a
    line naming the claims that covered it (the table's activation column abbreviates).
    """
    header = ("", "reference", "claim", "status", "activations", "examples", "outcome",
              "expected", "worst figure vs bound")
    lines: list[tuple[str, ...]] = []
    for row in rows(claims, results):
        c = row.claim
        lines.append(("ok" if row.ok else "FAIL", c.ref, c.id, c.status, _acts_text(row),
                      str(row.examples), row.outcome(), expectation_word(c), row.worst_text()))
    widths = [max(len(h), *(len(r[i]) for r in lines)) if lines else len(h)
              for i, h in enumerate(header)]
    widths = [min(w, 48) for w in widths]

    def fmt_line(cells: Sequence[str]) -> str:
        return "  ".join((s if len(s) <= w else s[: w - 1] + "…").ljust(w)
                         for s, w in zip(cells, widths, strict=True)).rstrip()

    out = [fmt_line(header), fmt_line(["-" * w for w in widths])]
    out += [fmt_line(r) for r in lines]
    n_ok = sum(1 for r in rows(claims, results) if r.ok)
    n = len(rows(claims, results))
    out.append("")
    out.append(f"{n_ok}/{n} claims met their expectation "
               f"({sum(1 for r in results if r.meets_expectation)}/{len(results)} items).")
    if uncovered:
        out.append("uncovered activations (no claim quantifies over them): "
                   + ", ".join(a.name for a in uncovered))
    for act in added:
        cov = coverage(results, act.name)
        if cov:
            count = f"{len(cov)} claim" + ("" if len(cov) == 1 else "s")
            out.append(f"activation {act.name}: covered by {count}: "
                       + ", ".join(f"{cid} ({outcome})" for cid, outcome in cov))
    failures = [r for r in results if not r.meets_expectation]
    for r in failures:
        out.append("")
        out.append(f"FAILED {r.item}: outcome {r.outcome}, expected {r.expect}")
        if r.message:
            out += ["  " + ln for ln in r.message.splitlines()[:40]]
        if r.counterexample:
            out.append("  counterexample:")
            out += ["    " + ln for ln in r.counterexample.splitlines()[:60]]
        if r.replay:
            out.append(f"  replay: {r.replay}")
    return "\n".join(out)


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|")


def claim_anchor(claim_id: str) -> str:
    """The HTML anchor of a claim's row in ``report.md``."""
    return "claim-" + re.sub(r"[^a-z0-9]+", "-", claim_id.lower()).strip("-")


def theorem_table_md(claims: Sequence[Claim], results: Sequence[Result],
                     uncovered: Sequence[Activation] = ()) -> list[str]:
    """The theorem table as Markdown lines (one row per claim, each with an anchor)."""
    out = ["| reference | claim | status | activations | examples | outcome "
           "| expected | met | worst figure vs bound |", "|---|---|---|---|---|---|---|---|---|"]
    for row in rows(claims, results):
        c = row.claim
        out.append("| " + " | ".join(_md_escape(x) for x in (
            c.ref, f'<a id="{claim_anchor(c.id)}"></a>`{c.id}`', c.status,
            ", ".join(f"`{a}`" for a in row.activations) or "—",
            str(row.examples), row.outcome(), expectation_word(c), "yes" if row.ok else "**NO**",
            row.worst_text())) + " |")
    if uncovered:
        out += ["", "Uncovered activations: " + ", ".join(f"`{a.name}`" for a in uncovered)]
    return out


def refutations_md(results: Sequence[Result], *, heading: str = "##") -> list[str]:
    """Details of every refutation and error (Markdown lines; empty when there are none)."""
    refuted = [r for r in results if r.outcome in ("refuted", "error")]
    if not refuted:
        return []
    out = ["", f"{heading} Refutations and errors", ""]
    for r in refuted:
        out.append(f"{heading}# `{r.item}` — {r.outcome} (expected {r.expect})")
        if r.message:
            out += ["", "```", r.message.strip()[:4000], "```"]
        if r.counterexample:
            out += ["", "Counterexample:", "", "```", r.counterexample.strip()[:4000], "```"]
        if r.replay:
            out += ["", f"Replay: `{r.replay}`"]
        out.append("")
    return out


def merged_statistics(results: Sequence[Result]) -> dict[str, Any] | None:
    """Statistics of one (claim, activation) over its chunks: counts and times add up, and
    the reasons for stopping are listed once each."""
    stats = [r.statistics for r in results if r.statistics]
    if not stats:
        return None
    out: dict[str, Any] = {k: sum(s.get(k, 0) for s in stats)
                           for k in ("examples", "passed", "invalid", "shrinks")}
    out["seconds"] = round(sum(s.get("seconds", 0.0) for s in stats), 3)
    reasons: list[str] = []
    for s in stats:
        if s.get("stopped") and s["stopped"] not in reasons:
            reasons.append(s["stopped"])
    out["stopped"] = "; ".join(reasons)
    return out


def statistics_lines(results: Sequence[Result]) -> list[str]:
    """One line per item: ``--hypothesis-show-statistics`` for claims."""
    lines = []
    for r in results:
        s = r.statistics
        if not s:
            continue
        lines.append(f"{r.item}: {s['examples']} examples ({s['passed']} passed, "
                     f"{s['invalid']} invalid, {s['shrinks']} shrinks), {s['seconds']:.2f}s; "
                     f"stopped: {s['stopped']}")
    return lines


def json_report(results: Sequence[Result], uncovered: Sequence[Activation] = (),
                extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """``report.json``: ``{"claims": [one entry per claim and activation], ...}``."""
    by: dict[tuple[str, str | None], list[Result]] = {}
    for r in results:
        by.setdefault((r.claim_id, r.activation), []).append(r)
    entries = []
    for (cid, act), rs in by.items():
        worst = min(rs, key=lambda r: OUTCOME_ORDER.index(r.outcome))
        f = Figures()
        for r in rs:
            f.merge(r.figures_obj())
        entries.append({
            "claim": cid, "reference": rs[0].ref, "status": rs[0].status, "activation": act,
            "outcome": worst.outcome, "expectation": rs[0].expect,
            "meets_expectation": all(r.meets_expectation for r in rs),
            "examples": sum(r.examples for r in rs),
            "figures": {k: _frac(v) for k, v in sorted(f.maxima.items())},
            "worst": None if f.worst is None else {
                "figure": f.worst[0], "value": _frac(f.worst[1]), "bound": _frac(f.worst[2])},
            "message": worst.message, "counterexample": worst.counterexample,
            "replay": worst.replay if worst.outcome in ("refuted", "error") else None,
            "certificate": next((r.certificate for r in rs if r.certificate), None),
            "seconds": round(sum(r.seconds for r in rs), 3),
            "statistics": merged_statistics(rs),
        })
    doc: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "whyrelu_version": version(),
                           "claims": entries,
                           "uncovered_activations": [a.name for a in uncovered]}
    if extra:
        doc.update(extra)
    return doc


def _frac(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


TIMING_KEYS = frozenset({"seconds"})
"""Keys of ``report.json`` that hold wall-clock times (they differ between runs)."""

_RUN_TIME = re.compile(r"Run time [0-9.]+ s")


def without_timings(doc: Any) -> Any:
    """``report.json`` (or any part of it) without its wall-clock fields, so that two runs
    of the ``ci`` profile compare equal."""
    if isinstance(doc, dict):
        return {k: without_timings(v) for k, v in doc.items() if k not in TIMING_KEYS}
    if isinstance(doc, list):
        return [without_timings(v) for v in doc]
    return doc


def markdown_without_timings(text: str) -> str:
    """``report.md`` with its run time masked."""
    return _RUN_TIME.sub("Run time … s", text)
