"""Table 1 of the paper (main complexity comparisons), each cell tied to the claims behind it.

Table 1 contrasts real-valued ERM with ERM_bit.  Most cells are complexity-class
statements, which no finite computation proves; what whyrelu can execute is the
mathematics they rest on (the reductions, identities and bit-growth bounds).  Every cell
therefore lists

* its *backing*: paper references (``"Lemma 3.2"``, ``"Theorem E.1"``, ...) whose claims check
  the executable part; the claims are found by their paper reference, so claims added later
  under the same reference are picked up, and a reference with no claim yet shows as
  *not yet registered*;
* what is *not executable* about it and why (a cited hardness result, a collapse of the
  polynomial hierarchy, a conjecture, or a cell the paper leaves blank).

This module registers no claims (the harness is listed in ``FRAMEWORK_MODULES``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from spec.claims import Claim
from spec.harness.report import OUTCOME_ORDER, claim_anchor
from spec.harness.runner import Result

Column = Literal["real", "bit"]
COLUMN_TITLES: dict[Column, str] = {"real": "Real-valued ERM", "bit": "ERM_bit"}


@dataclass(frozen=True)
class Backing:
    """A paper reference whose claims check part of a cell, and what that part is."""

    ref: str
    role: str


@dataclass(frozen=True)
class Cell:
    """One cell of Table 1: the paper's entry, its meaning, what backs it, what cannot run."""

    setting: str
    column: Column
    entry: str
    meaning: str
    backing: tuple[Backing, ...] = ()
    not_executable: str | None = None

    @property
    def anchor(self) -> str:
        text = f"{self.setting} {self.column}".lower()
        return "t1-" + re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class Headline:
    """A headline result of §1 with what backs it and what cannot run."""

    ref: str
    statement: str
    backing: tuple[Backing, ...] = ()
    not_executable: str | None = None

    @property
    def anchor(self) -> str:
        return "h-" + re.sub(r"[^a-z0-9]+", "-", self.ref.lower()).strip("-")


_EXISTS_R = ("∃ℝ-hardness of real-valued ERM is cited (Abrahamsen–Kleist–Miltzow 2021; "
             "Bertschinger et al. 2023; Hankala et al. 2024): NP membership would need "
             "NP = ∃ℝ, which is unknown and believed unlikely. A hardness result for a "
             "real-valued problem has no finite check.")
_NP_HARD_CITED = ("NP-hardness is cited (Judd 1988; Blum–Rivest 1988; Šíma 2002), not "
                  "re-proved by the paper; a hardness proof is not a finite computation.")
_BLANK = "Left blank in the paper: nothing is claimed, so there is nothing to run."

SETTINGS: tuple[str, ...] = (
    "Shallow ERM",
    "Deep ERM, poly σ",
    "Deep ERM, pw-linear σ",
    "Backprop-Sign, poly σ",
    "Backprop / sign, pw-linear σ",
)

CELLS: tuple[Cell, ...] = (
    Cell("Shallow ERM", "real", "∉ NP**",
         "∃ℝ-hard already with one hidden layer, so NP membership is unknown",
         not_executable=_EXISTS_R),
    Cell("Shallow ERM", "bit", "NP-complete",
         "a polynomial-size θ is a certificate checkable in polynomial time at constant "
         "depth; NP-hard by the cited results",
         backing=(
             Backing("Theorem E.2", "a candidate θ is verified in polynomial time "
                                    "(restricted ERM_bit ∈ P, piecewise-linear σ)"),
             Backing("Theorem E.1", "exact forward/backward values stay polynomially "
                                    "bounded in bits (piecewise-linear σ)"),
         ),
         not_executable=_NP_HARD_CITED + " For polynomial σ at constant depth membership "
         "is the introduction's counting argument (degree μ^depth = O(1)), stated in words."),
    Cell("Deep ERM, poly σ", "real", "·", "left blank in the paper", not_executable=_BLANK),
    Cell("Deep ERM, poly σ", "bit", "∉ NP*",
         "#P-hard under Turing reductions (Theorem 1.1), hence not in NP unless PH ⊆ Δ₂ᴾ "
         "(Corollary 1.2)",
         backing=(
             Backing("Lemma 3.1", "the σ-gadget multiplies: Σ_j λ_j(σ(x+y+j) − σ(x+j) − "
                                  "σ(y+j)) = xy"),
             Backing("Claim B.4", "the shifted σ(U + j) form a basis, so λ exists"),
             Backing("Lemma 3.2", "BitSLP → promise ERM_bit: θ∗ simulates the SLP, "
                                  "OPT = 0 or ≥ b"),
             Backing("Claim B.1", "zero auxiliary loss pins the network to the SLP"),
             Backing("Lemma A.4", "BN-SLP values stay in [−1, 1] (bounded values, 1.1(ii))"),
             Backing("Lemma A.5", "SLP → BN-SLP with output 2^{−m·2^n}·n_P"),
             Backing("Theorem 1.1", "the reduction end to end on small instances"),
             Backing("Theorem 2.4", "BitSLP #P-hardness, illustrated by #SubsetSum → BitSLP"),
         ),
         not_executable="#P-hardness (via the cited Theorem 2.4, ABKM 2009) and the step "
         "'∉ NP' are complexity-theoretic: Corollary 1.2 (Toda: PH ⊆ P^#P ⊆ P^ERM_bit, and "
         "ERM_bit ∈ NP would give P^NP = Δ₂ᴾ) assumes PH does not collapse, which no "
         "computation can check."),
    Cell("Deep ERM, pw-linear σ", "real", "∉ NP**",
         "∃ℝ-hard (already for one hidden layer), so NP membership is unknown",
         not_executable=_EXISTS_R),
    Cell("Deep ERM, pw-linear σ", "bit", "NP-complete",
         "in NP because a candidate θ is checked in polynomial time (Theorems E.1, E.2 → "
         "Theorem 1.4); NP-hard by the cited results",
         backing=(
             Backing("Theorem 1.4", "piecewise-linear ERM_bit: verification in P"),
             Backing("Theorem E.1", "backprop values have polynomially many bits"),
             Backing("Theorem E.2", "restricted ERM_bit (θ∗ given) is decided in P"),
             Backing("Remark 1.5", "the same for bit-bounded φ_K activations"),
         ),
         not_executable=_NP_HARD_CITED),
    Cell("Backprop-Sign, poly σ", "real", "in P",
         "in the real-RAM model one backprop pass is O(n·|E|) unit-cost operations, so the "
         "sign of a gradient coordinate is read off in polynomial time",
         backing=(
             Backing("Definition (network semantics)",
                     "exact backprop computes the gradient (checked against a Fraction "
                     "reference and sympy)"),
         ),
         not_executable="The unit-cost (real-RAM) operation count is a property of the "
         "algorithm, not of its numbers; the engine's exact backprop is the same algorithm, "
         "but its bit cost is what the ERM_bit column is about."),
    Cell("Backprop-Sign, poly σ", "bit", "∉ BPP***",
         "PosSLP → promise Backprop-Sign (App. C); in BPP only if Conjecture A.2 fails or "
         "NP ⊆ BPP (Theorem 1.3)",
         backing=(
             Backing("Theorem 1.3", "gradient hardness end to end on small instances"),
             Backing("Appendix C", "∂L/∂w_e∗(θ∗) = B·a_0·n_P (also by central differences)"),
             Backing("Definition 4.1", "Backprop-Sign / Backprop-Bit decided exactly"),
             Backing("Definition 4.2", "promise Backprop-Sign with gap ±b"),
             Backing("Remark B.3", "hinge loss and n_Q = 2n_P − 1 (the sign promise)"),
         ),
         not_executable="'∉ BPP' is conditional on Conjecture A.2 (constructive univariate "
         "radical conjecture) and NP ⊄ BPP via the cited Theorem 2.6 (Bürgisser–Jindal "
         "2024); neither can be executed."),
    Cell("Backprop / sign, pw-linear σ", "real", "·", "left blank in the paper",
         not_executable=_BLANK),
    Cell("Backprop / sign, pw-linear σ", "bit", "in P",
         "one exact backprop step has polynomially bounded bit sizes (Theorem E.1, "
         "Remark 1.5)",
         backing=(
             Backing("Theorem E.1", "every forward/backward value has polynomially many "
                                    "bits; measured sizes vs the bound"),
             Backing("Remark 1.5", "k-bit-bounded activations: polynomial forward/backward"),
             Backing("Theorem 1.4", "exact gradient in polynomial time"),
         )),
)

FOOTNOTES: tuple[str, ...] = (
    "`∉ NP**`: ∃ℝ-hard, so NP membership is unknown and believed unlikely.",
    "`*`: assuming the polynomial hierarchy does not collapse (PH ⊄ Δ₂ᴾ).",
    "`***`: assuming the constructive univariate radical conjecture and NP ⊄ BPP.",
    "`·`: left blank in the paper.",
)

HEADLINES: tuple[Headline, ...] = (
    Headline("Theorem 1.1", "ERM_bit with activations in {σ, id}, σ a polynomial of degree "
             "≥ 2, is #P-hard (Turing), under any fixed promise gap and with bounded values",
             (Backing("Lemma 3.1", "the multiplication gadget"),
              Backing("Lemma 3.2", "the reduction BitSLP → promise ERM_bit"),
              Backing("Claim B.1", "forcing samples pin the network"),
              Backing("Lemma A.5", "BN-SLPs for bounded values"),
              Backing("Theorem 1.1", "end to end on small instances")),
             "#P-hardness itself is a statement about all instances and all algorithms; "
             "what runs is the reduction's correctness on small instances (RC)."),
    Headline("Corollary 1.2", "if ERM_bit ∈ NP then PH ⊆ Δ₂ᴾ", (),
             "A pure complexity-theory consequence of Theorem 1.1 and Toda's theorem (PH ⊆ "
             "P^#P); the paper writes no separate proof. Nothing finite to execute (NX)."),
    Headline("Theorem 1.3", "deciding a bit of a gradient coordinate is #P-hard; deciding its "
             "sign is not in BPP unless Conjecture A.2 fails or NP ⊆ BPP",
             (Backing("Appendix C", "∂L/∂w_e∗(θ∗) = B·a_0·n_P"),
              Backing("Remark B.3", "the sign promise via n_Q = 2n_P − 1"),
              Backing("Theorem 1.3", "end to end on small instances")),
             "The class consequences rest on the cited Theorems 2.4 and 2.6 and on "
             "Conjecture A.2 (NX)."),
    Headline("Theorem 1.4", "with piecewise-linear activations ERM_bit is NP-complete; "
             "verification and one exact backprop step take polynomial time",
             (Backing("Theorem E.1", "bit growth of backprop values"),
              Backing("Theorem E.2", "restricted ERM_bit ∈ P"),
              Backing("Theorem 1.4", "the statement itself")),
             _NP_HARD_CITED),
    Headline("Remark 1.5", "bit-bounded activations φ_K: forward and backward passes in "
             "polynomial time", (Backing("Remark 1.5", "bit growth with φ_K"),)),
    Headline("Theorem 1.6", "(= Theorem D.1) realizable PAC sample complexity O(1) in the "
             "real model versus Ω(q) with q-bit rounding",
             (Backing("Theorem D.1", "one example determines c in the real model"),
              Backing("Theorem D.4", "the hard pair, the failure bound ½(q/(q+1))^m and "
                                     "m ≥ q·ln(1/(2δ))"),
              Backing("Definition D.3", "round_q, h_c, ℋ_q, D_q")),
             "The lower bound quantifies over every learner; what runs is each step of its "
             "proof, exactly, and natural learners against the bound."),
    Headline("Figure 1", "gradient norm against depth, σ(x) = x² versus ReLU (an "
             "illustration, not a formal bound)",
             (Backing("Figure 1", "floating-point reproduction vs the digitised points"),),
             "Reproduced in floating point (float64), as the paper did; its claim compares "
             "floats within a stated tolerance and is not an exact check."),
)
"""The headline results of §1 (and Figure 1) with their backing."""

NOT_IN_TABLE: tuple[tuple[str, str], ...] = (
    ("Theorem 2.4", "BitSLP is #P-hard (Allender–Bürgisser–Kjeldgaard-Pedersen–Miltersen "
                    "2009): a cited result (CI); an illustration by #SubsetSum → BitSLP "
                    "runs where registered."),
    ("Theorem 2.6", "Conjecture A.2 ∧ PosSLP ∈ BPP ⇒ NP ⊆ BPP (Bürgisser–Jindal 2024): a "
                    "cited result (NX)."),
    ("Conjecture A.2", "the constructive univariate radical conjecture: an open "
                       "conjecture (NX)."),
)
"""Further statements behind Table 1 that are not executable: cited results (CI) and
complexity-class consequences (NX) of arXiv 2602.19017, §1.1 and App. A."""


# --------------------------------------------------------------------------- matching

_ABBREVIATIONS = (
    (r"\bThm\b\.?\s*", "Theorem "), (r"\bLem\b\.?\s*", "Lemma "),
    (r"\bCor\b\.?\s*", "Corollary "), (r"\bDefn?\b\.?\s*", "Definition "),
    (r"\bProb\b\.?\s*", "Problem "), (r"\bRem\b\.?\s*", "Remark "),
    (r"\bApp(?:\b\.?|endix)\s*(?=[A-F]\b)", "Appendix "),
    (r"\bConj\b\.?\s*", "Conjecture "),
)


def normalise_ref(ref: str) -> str:
    """Spell out abbreviations and collapse spaces: ``"Thm 1.1"`` → ``"Theorem 1.1"``,
    ``"App. C"`` → ``"Appendix C"``."""
    out = ref
    for pat, rep in _ABBREVIATIONS:
        out = re.sub(pat, rep, out)
    return re.sub(r"\s+", " ", out).strip()


def ref_matches(claim_ref: str, wanted: str) -> bool:
    """Whether a claim's paper reference names ``wanted`` (case-insensitive, whole number:
    ``"Theorem E.1"`` matches ``"Theorem E.1 (bit growth)"`` but not ``"Theorem E.12"``).

    >>> ref_matches("Thm E.1", "Theorem E.1"), ref_matches("Theorem E.12", "Theorem E.1")
    (True, False)
    """
    pattern = re.escape(normalise_ref(wanted).lower()) + r"(?![0-9A-Za-z])"
    return re.search(pattern, normalise_ref(claim_ref).lower()) is not None


def claims_for(ref: str, claims: Sequence[Claim]) -> list[Claim]:
    """Every claim whose paper reference names ``ref``."""
    return [c for c in claims if ref_matches(c.ref, ref)]


# --------------------------------------------------------------------------- status


@dataclass
class ClaimStatus:
    """One backing claim and what this run gave for it."""

    id: str
    ref: str
    status: str
    expect: str
    outcome: str | None  # None: registered but not run in this report
    met: bool | None

    def to_json(self) -> dict[str, Any]:
        return {"claim": self.id, "reference": self.ref, "status": self.status,
                "expectation": self.expect, "outcome": self.outcome,
                "meets_expectation": self.met}


@dataclass
class BackingStatus:
    backing: Backing
    claims: list[ClaimStatus] = field(default_factory=list)

    @property
    def registered(self) -> bool:
        return bool(self.claims)


@dataclass
class CellStatus:
    """A Table 1 cell (or a headline result) with the status of everything backing it."""

    cell: Cell | Headline
    backing: list[BackingStatus]

    @property
    def claims(self) -> list[ClaimStatus]:
        return [c for b in self.backing for c in b.claims]

    @property
    def verdict(self) -> str:
        """One phrase: how this run went for the cell's executable part."""
        if not self.cell.backing:
            return "not executable"
        cs = self.claims
        if not cs:
            return "not yet registered"
        ran = [c for c in cs if c.met is not None]
        if not ran:
            return "not run"
        ok = sum(1 for c in ran if c.met)
        word = "all met" if ok == len(ran) else "FAILED"
        missing = sum(1 for b in self.backing if not b.registered)
        extra = f"; {missing} reference(s) not yet registered" if missing else ""
        not_run = len(cs) - len(ran)
        skipped = f"; {not_run} not run" if not_run else ""
        rest = "; the rest is not executable" if self.cell.not_executable else ""
        return f"{word}: {ok}/{len(ran)} claims{skipped}{extra}{rest}"

    def to_json(self) -> dict[str, Any]:
        c = self.cell
        head: dict[str, Any] = (
            {"setting": c.setting, "column": COLUMN_TITLES[c.column], "entry": c.entry,
             "meaning": c.meaning} if isinstance(c, Cell)
            else {"reference": c.ref, "statement": c.statement})
        return {
            **head, "verdict": self.verdict,
            "backing": [{"reference": b.backing.ref, "role": b.backing.role,
                         "registered": b.registered,
                         "claims": [cs.to_json() for cs in b.claims]} for b in self.backing],
            "not_executable": c.not_executable,
        }


def _outcome(rs: list[Result]) -> str:
    return min((r.outcome for r in rs), key=OUTCOME_ORDER.index)


def status(claims: Sequence[Claim], results: Sequence[Result],
           cells: Sequence[Cell | Headline] = CELLS) -> list[CellStatus]:
    """Every cell (or headline) with the claims backing it and their outcomes in
    ``results``; a claim that exists but was not run has outcome ``None``."""
    by: dict[str, list[Result]] = {}
    for r in results:
        by.setdefault(r.claim_id, []).append(r)
    out = []
    for cell in cells:
        bs = []
        for b in cell.backing:
            found = []
            for c in claims_for(b.ref, claims):
                rs = by.get(c.id)
                found.append(ClaimStatus(
                    c.id, c.ref, c.status, c.expect,
                    None if not rs else _outcome(rs),
                    None if not rs else all(r.meets_expectation for r in rs)))
            bs.append(BackingStatus(b, found))
        out.append(CellStatus(cell, bs))
    return out


# --------------------------------------------------------------------------- Markdown


def _cell(statuses: Sequence[CellStatus], setting: str, column: Column) -> tuple[Cell, CellStatus]:
    for s in statuses:
        c = s.cell
        if isinstance(c, Cell) and c.setting == setting and c.column == column:
            return c, s
    raise KeyError(f"Table 1 has no cell ({setting!r}, {column!r})")


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("*", "\\*")


def markdown(statuses: Sequence[CellStatus], *, heading: str = "##") -> list[str]:
    """Table 1 as the paper prints it, each cell linked to its details below."""
    out = [f"{heading} Table 1: main complexity comparisons", "",
           "The paper's Table 1; each entry links to the claims that check its executable "
           "part and the outcome they had in this run.", "",
           f"| Setting | {COLUMN_TITLES['real']} | {COLUMN_TITLES['bit']} |", "|---|---|---|"]
    for setting in SETTINGS:
        cells = []
        cols: tuple[Column, Column] = ("real", "bit")
        for col in cols:
            cell, st = _cell(statuses, setting, col)
            cells.append(f"{_md(cell.entry)} — [{st.verdict}](#{cell.anchor})")
        out.append(f"| {_md(setting)} | " + " | ".join(cells) + " |")
    out += [""] + [f"- {f}" for f in FOOTNOTES] + [""]
    for s in statuses:
        c = s.cell
        assert isinstance(c, Cell)
        out += [f'<a id="{c.anchor}"></a>', "",
                f"{heading}# {_md(c.setting)} — {COLUMN_TITLES[c.column]}: {_md(c.entry)}", "",
                f"*Meaning:* {c.meaning}.", "", *_details(s)]
    return out


def _details(s: CellStatus) -> list[str]:
    out = []
    if s.backing:
        out += ["*Executable part:*", ""]
        for b in s.backing:
            if not b.claims:
                out.append(f"- **{b.backing.ref}** — {b.backing.role}: *not yet registered* "
                           "(no claim with this reference)")
                continue
            out.append(f"- **{b.backing.ref}** — {b.backing.role}:")
            for cs in b.claims:
                res = ("not run in this report" if cs.outcome is None else
                       f"{cs.outcome}, expected {cs.expect}, "
                       + ("met" if cs.met else "**NOT MET**"))
                out.append(f"    - [`{cs.id}`](#{claim_anchor(cs.id)}) ({cs.status}): {res}")
        out.append("")
    if s.cell.not_executable:
        out += [f"*Not executable:* {s.cell.not_executable}", ""]
    return out


def headlines_markdown(statuses: Sequence[CellStatus], *, heading: str = "##") -> list[str]:
    """The headline results of §1 (and Figure 1), each with its backing and verdict."""
    out = [f"{heading} Headline results", "",
           "| result | statement | this run |", "|---|---|---|"]
    for s in statuses:
        c = s.cell
        assert isinstance(c, Headline)
        out.append(f"| {c.ref} | {_md(c.statement)} | [{s.verdict}](#{c.anchor}) |")
    out.append("")
    for s in statuses:
        c = s.cell
        assert isinstance(c, Headline)
        out += [f'<a id="{c.anchor}"></a>', "", f"{heading}# {c.ref}", "", *_details(s)]
    out += [f"{heading}# Other statements that are not executable", ""]
    out += [f"- **{ref}**: {why}" for ref, why in NOT_IN_TABLE]
    out.append("")
    return out
