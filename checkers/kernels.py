"""Re-checking certificates with independent kernels: Coq (coqc), z3, and Lean 4 text.

Each certificate of :mod:`checkers.certificates` becomes

* a Coq file over ``QArith`` — identities stated with ``==`` (Qeq) and proved by ``ring``
  (``field`` plus its side conditions for rational identities); inverses, exact
  evaluations and Farkas multipliers by computation (``vm_compute; reflexivity`` on
  ``Qeq_bool``/``Qle_bool``);
* an SMT-LIB 2 script asserting the *negation* (``unsat`` expected) for z3;
* a Lean 4 / Mathlib statement with ``ring`` / ``field_simp`` / ``norm_num`` proofs
  (written, not compiled: Lean is not installed here).

This module is in the checkers layer: it imports no ``spec``.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from checkers.certificates import (
    ExactEvaluation,
    Expr,
    Farkas,
    Invertibility,
    KernelCertificate,
    PolynomialIdentity,
    RationalIdentity,
    is_number,
)

Verdict = Literal["accepted", "rejected", "unavailable"]

COQ_TIMEOUT = 120.0
Z3_TIMEOUT_MS = 60_000


def comment(text: str) -> str:
    """``text`` on one line, safe inside a Coq ``(* *)``, SMT ``;`` or Lean ``--`` comment."""
    return " ".join(text.split()).replace("(*", "( *").replace("*)", "* )")


def ident(name: str) -> str:
    """A certificate name as an identifier for Coq, Lean and file names."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return s if s[:1].isalpha() else "c_" + s


# --------------------------------------------------------------------------- Coq


def _coq_num(s: str) -> str:
    q = Fraction(s)
    if q.denominator == 1 and q >= 0:
        return str(q.numerator)
    return f"({q.numerator}#{q.denominator})"


def coq_expr(e: Expr) -> str:
    """``e`` in Coq's Q_scope (powers written as products, so ``ring`` needs no Qpower)."""
    if isinstance(e, str):
        return _coq_num(e) if is_number(e) else e
    op, args = e[0], e[1:]
    if op == "^":
        n = int(str(args[1]))
        base = coq_expr(args[0])
        return "1" if n == 0 else "(" + " * ".join([base] * n) + ")"
    if op == "neg":
        return f"(- {coq_expr(args[0])})"
    sym = {"+": " + ", "*": " * ", "-": " - ", "/": " / "}[op]
    return "(" + sym.join(coq_expr(a) for a in args) + ")"


def _coq_rel(h: Expr) -> str:
    op, a, b = h[0], coq_expr(h[1]), coq_expr(h[2])
    return {"<=": f"{a} <= {b}", "<": f"{a} < {b}", "!=": f"~ {a} == {b}",
            "=": f"{a} == {b}"}[op]


_COQ_HEAD = "Require Import QArith List.\nImport ListNotations.\nOpen Scope Q_scope.\n"
_COQ_LISTS = """
Fixpoint dot (u v : list Q) : Q :=
  match u, v with a :: u', b :: v' => a * b + dot u' v' | _, _ => 0 end.
Definition col (M : list (list Q)) (j : nat) : list Q := map (fun r => nth j r 0) M.
Definition ncols (M : list (list Q)) : nat := length (hd [] M).
Definition mul (M N : list (list Q)) : list (list Q) :=
  map (fun r => map (fun j => dot r (col N j)) (seq 0 (ncols N))) M.
Definition is_identity (n : nat) (M : list (list Q)) : bool :=
  Nat.eqb (length M) n && forallb (fun i => let r := nth i M [] in
    Nat.eqb (length r) n && forallb (fun j =>
      Qeq_bool (nth j r 0) (if Nat.eqb i j then 1 else 0)) (seq 0 n)) (seq 0 n).
"""


def _coq_list(v: Sequence[Fraction]) -> str:
    return "[" + "; ".join(_coq_num(str(x)) for x in v) + "]"


def _coq_mat(m: Sequence[Sequence[Fraction]]) -> str:
    return "[" + ";\n   ".join(_coq_list(r) for r in m) + "]"


def to_coq(cert: KernelCertificate) -> str:
    """One self-contained Coq file proving ``cert`` (lemma ``cert``)."""
    head = f"(* {cert.kind} {cert.name}: {comment(cert.statement)} *)\n" + _COQ_HEAD
    if isinstance(cert, PolynomialIdentity):
        binders = f"forall {' '.join(cert.variables)} : Q, " if cert.variables else ""
        hyps = "".join(f"{_coq_rel(h)} -> " for h in cert.hypotheses)
        lets = "".join(f"\n  let {d} := {coq_expr(e)} in" for d, e in cert.definitions)
        names = " ".join([*cert.variables, *(f"H{i}" for i in range(len(cert.hypotheses)))])
        intro = f"intros {names}. " if names else ""
        tactic = ("field; repeat split; assumption" if isinstance(cert, RationalIdentity)
                  else "ring")
        return (f"{head}\nLemma cert : {binders}{hyps}{lets}\n  "
                f"{coq_expr(cert.lhs)} == {coq_expr(cert.rhs)}.\n"
                f"Proof. {intro}cbv zeta. {tactic}. Qed.\n")
    if isinstance(cert, Invertibility):
        n = len(cert.matrix)
        return (f"{head}{_COQ_LISTS}\nDefinition A : list (list Q) :=\n  "
                f"{_coq_mat(cert.matrix)}.\nDefinition B : list (list Q) :=\n  "
                f"{_coq_mat(cert.inverse)}.\n"
                f"Lemma cert : is_identity {n} (mul A B) = true /\\ "
                f"is_identity {n} (mul B A) = true.\n"
                "Proof. split; vm_compute; reflexivity. Qed.\n")
    if isinstance(cert, ExactEvaluation):
        lets = "".join(f"\n  let {v} := {_coq_num(str(q))} in" for v, q in cert.inputs)
        # Qred keeps the numbers reduced (Q's operations do not normalise)
        lets += "".join(f"\n  let {d} := Qred {coq_expr(e)} in" for d, e in cert.definitions)
        return (f"{head}\nLemma cert : Qeq_bool ({lets}\n  {coq_expr(cert.output)})\n  "
                f"{_coq_num(str(cert.claimed))} = true.\n"
                "Proof. vm_compute. reflexivity. Qed.\n")
    if isinstance(cert, Farkas):
        n = len(cert.a[0]) if cert.a else 0
        return (f"{head}{_COQ_LISTS}\nDefinition A : list (list Q) :=\n  {_coq_mat(cert.a)}.\n"
                f"Definition b : list Q := {_coq_list(cert.b)}.\n"
                f"Definition y : list Q := {_coq_list(cert.y)}.\n"
                "Lemma cert : (forallb (fun v => Qle_bool 0 v) y\n"
                f"  && forallb (fun j => Qeq_bool (dot y (col A j)) 0) (seq 0 {n})\n"
                f"  && Nat.eqb (length y) (length A) && Nat.eqb (length b) (length A)\n"
                "  && negb (Qle_bool 0 (dot y b))) = true.\n"
                "Proof. vm_compute. reflexivity. Qed.\n")
    raise TypeError(f"no Coq rendering for {type(cert).__name__}")


@functools.cache
def coqc_path() -> str | None:
    """``coqc`` on the PATH (None when Coq is absent)."""
    return shutil.which("coqc")


@dataclass(frozen=True)
class KernelResult:
    """One kernel's verdict on one certificate (``detail``: the kernel's message)."""

    name: str
    kernel: str
    verdict: Verdict
    detail: str = ""


def run_coq(path: Path, *, timeout: float = COQ_TIMEOUT) -> tuple[Verdict, str]:
    """Compile ``path`` with ``coqc`` (in its directory): accepted when it compiles."""
    coqc = coqc_path()
    if coqc is None:
        return "unavailable", "coqc not found on PATH"
    try:
        proc = subprocess.run([coqc, "-q", path.name], cwd=path.parent, capture_output=True,
                              text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return "rejected", f"coqc timed out after {timeout:.0f} s"
    if proc.returncode == 0:
        return "accepted", ""
    return "rejected", (proc.stdout + proc.stderr).strip()[-2000:]


def check_coq(cert: KernelCertificate, workdir: Path | None = None) -> KernelResult:
    """Write ``cert`` as a Coq file and compile it."""
    if coqc_path() is None:
        return KernelResult(cert.name, "Coq", "unavailable", "coqc not found on PATH")
    with tempfile.TemporaryDirectory(prefix="whyrelu-coq-") as tmp:
        d = workdir or Path(tmp)
        f = d / f"{ident(cert.name)}.v"
        f.write_text(to_coq(cert), encoding="utf-8")
        verdict, detail = run_coq(f)
    return KernelResult(cert.name, "Coq", verdict, detail)


# --------------------------------------------------------------------------- SMT-LIB / z3


def _smt_num(s: str) -> str:
    q = Fraction(s)
    body = f"(/ {abs(q.numerator)}.0 {q.denominator}.0)" if q.denominator != 1 \
        else f"{abs(q.numerator)}.0"
    return f"(- {body})" if q < 0 else body


def smt_expr(e: Expr) -> str:
    """``e`` as an SMT-LIB 2 Real term."""
    if isinstance(e, str):
        return _smt_num(e) if is_number(e) else e
    op, args = e[0], e[1:]
    if op == "^":
        n = int(str(args[1]))
        return "1.0" if n == 0 else smt_expr(args[0]) if n == 1 else \
            "(* " + " ".join([smt_expr(args[0])] * n) + ")"
    if op == "neg":
        return f"(- {smt_expr(args[0])})"
    return f"({op} " + " ".join(smt_expr(a) for a in args) + ")"


def _smt_rel(h: Expr) -> str:
    op, a, b = h[0], smt_expr(h[1]), smt_expr(h[2])
    return f"(not (= {a} {b}))" if op == "!=" else f"({op} {a} {b})"


def _smt_lin(terms: Sequence[tuple[Fraction, Fraction]]) -> str:
    return "(+ 0.0 " + " ".join(f"(* {_smt_num(str(a))} {_smt_num(str(b))})"
                                for a, b in terms) + ")"


def to_smt(cert: KernelCertificate) -> str:
    """An SMT-LIB 2 script asserting that ``cert`` fails: ``unsat`` means it holds."""
    head = f"; {cert.kind} {cert.name}: {comment(cert.statement)}\n; expected answer: unsat\n"
    lines: list[str] = []
    if isinstance(cert, PolynomialIdentity):
        lines.append("(set-logic QF_NRA)")
        lines += [f"(declare-const {v} Real)" for v in cert.variables]
        lines += [f"(define-fun {d} () Real {smt_expr(e)})" for d, e in cert.definitions]
        lines += [f"(assert {_smt_rel(h)})" for h in cert.hypotheses]
        lines.append(f"(assert (not (= {smt_expr(cert.lhs)} {smt_expr(cert.rhs)})))")
    elif isinstance(cert, Invertibility):
        lines.append("(set-logic QF_LRA)")
        a, b = cert.matrix, cert.inverse
        n = len(a)
        eqs = []
        for x, y in ((a, b), (b, a)):
            for i in range(n):
                for j in range(n):
                    s = _smt_lin([(x[i][k], y[k][j]) for k in range(len(y))])
                    eqs.append(f"(= {s} {'1.0' if i == j else '0.0'})")
        if any(len(r) != n for r in (*a, *b)) or len(b) != n:
            eqs.append("false")
        lines.append("(assert (not (and true " + "\n  ".join(eqs) + ")))")
    elif isinstance(cert, ExactEvaluation):
        lines.append("(set-logic QF_NRA)")
        lines += [f"(define-fun {v} () Real {_smt_num(str(q))})" for v, q in cert.inputs]
        lines += [f"(define-fun {d} () Real {smt_expr(e)})" for d, e in cert.definitions]
        lines.append(f"(assert (not (= {smt_expr(cert.output)} "
                     f"{_smt_num(str(cert.claimed))})))")
    elif isinstance(cert, Farkas):
        lines.append("(set-logic QF_LRA)")
        m = len(cert.a)
        n = len(cert.a[0]) if m else 0
        conds = [f"(>= {_smt_num(str(v))} 0.0)" for v in cert.y]
        conds += [f"(= {_smt_lin([(cert.y[i], cert.a[i][j]) for i in range(m)])} 0.0)"
                  for j in range(n)]
        conds.append(f"(< {_smt_lin(list(zip(cert.y, cert.b, strict=False)))} 0.0)")
        if len(cert.y) != m or len(cert.b) != m:
            conds.append("false")
        lines.append("(assert (not (and " + "\n  ".join(conds) + ")))")
    else:
        raise TypeError(f"no SMT rendering for {type(cert).__name__}")
    return head + "\n".join(lines) + "\n(check-sat)\n"


@functools.cache
def z3_available() -> bool:
    """True when the ``z3`` Python package (z3-solver) imports."""
    try:
        import z3  # noqa: F401
    except ImportError:
        return False
    return True


def run_z3(script: str, *, timeout_ms: int = Z3_TIMEOUT_MS) -> tuple[Verdict, str]:
    """Run an SMT-LIB script with z3: accepted when the negation is ``unsat``."""
    if not z3_available():
        return "unavailable", "z3-solver is not installed"
    import z3

    s = z3.Solver()
    s.set("timeout", timeout_ms)
    try:
        s.from_string(script)
    except z3.Z3Exception as e:
        return "rejected", f"z3 could not parse the script: {e}"
    answer = s.check()
    if answer == z3.unsat:
        return "accepted", ""
    if answer == z3.sat:
        return "rejected", f"z3: sat (counter-model {s.model()})"
    return "rejected", f"z3: unknown ({s.reason_unknown()})"


def check_z3(cert: KernelCertificate) -> KernelResult:
    verdict, detail = run_z3(to_smt(cert))
    return KernelResult(cert.name, "z3", verdict, detail)


# --------------------------------------------------------------------------- Lean 4


def _lean_num(s: str) -> str:
    q = Fraction(s)
    body = f"({abs(q.numerator)} / {q.denominator} : ℚ)" if q.denominator != 1 \
        else f"({abs(q.numerator)} : ℚ)"
    return f"(-{body})" if q < 0 else body


def lean_expr(e: Expr, defs: dict[str, str] | None = None) -> str:
    """``e`` in Lean 4 syntax over ℚ; definition names are inlined from ``defs``."""
    defs = defs or {}
    if isinstance(e, str):
        return _lean_num(e) if is_number(e) else defs.get(e, e)
    op, args = e[0], e[1:]
    if op == "^":
        return f"({lean_expr(args[0], defs)} ^ {int(str(args[1]))})"
    if op == "neg":
        return f"(-{lean_expr(args[0], defs)})"
    sym = {"+": " + ", "*": " * ", "-": " - ", "/": " / "}[op]
    return "(" + sym.join(lean_expr(a, defs) for a in args) + ")"


def to_lean(cert: KernelCertificate) -> str:
    """A Lean 4 / Mathlib theorem for ``cert`` (not compiled here)."""
    head = f"import Mathlib\n\n-- {cert.kind} {cert.name}: {comment(cert.statement)}\n"
    name = ident(cert.name)
    if isinstance(cert, PolynomialIdentity):
        defs: dict[str, str] = {}
        for d, e in cert.definitions:
            defs[d] = lean_expr(e, defs)
        binders = f"({' '.join(cert.variables)} : ℚ)" if cert.variables else ""
        hyps = []
        for i, h in enumerate(cert.hypotheses):
            a, b = lean_expr(h[1], defs), lean_expr(h[2], defs)
            rel = {"<=": "≤", "<": "<", "!=": "≠", "=": "="}[h[0]]
            hyps.append(f"(h{i} : {a} {rel} {b})")
        proof = "field_simp\n  ring" if isinstance(cert, RationalIdentity) else "ring"
        return (f"{head}theorem {name} {binders} {' '.join(hyps)} :\n    "
                f"{lean_expr(cert.lhs, defs)} = {lean_expr(cert.rhs, defs)} := by\n"
                f"  {proof}\n")
    if isinstance(cert, Invertibility):
        def mat(m: Sequence[Sequence[Fraction]]) -> str:
            return "!![" + "; ".join(", ".join(_lean_num(str(v)) for v in r) for r in m) + "]"
        return (f"{head}theorem {name} :\n    {mat(cert.matrix)} * {mat(cert.inverse)} = 1 ∧ "
                f"{mat(cert.inverse)} * {mat(cert.matrix)} = 1 := by\n"
                "  constructor <;> ext i j <;> fin_cases i <;> fin_cases j <;>\n"
                "    simp [Matrix.mul_apply, Fin.sum_univ_succ] <;> norm_num\n")
    if isinstance(cert, ExactEvaluation):
        defs = {v: _lean_num(str(q)) for v, q in cert.inputs}
        for d, e in cert.definitions:
            defs[d] = lean_expr(e, defs)
        return (f"{head}theorem {name} :\n    {lean_expr(cert.output, defs)} = "
                f"{_lean_num(str(cert.claimed))} := by\n  norm_num\n")
    if isinstance(cert, Farkas):
        m = len(cert.a)
        n = len(cert.a[0]) if m else 0
        conds = [f"(0 : ℚ) ≤ {_lean_num(str(v))}" for v in cert.y]
        conds += [" + ".join(f"{_lean_num(str(cert.y[i]))} * {_lean_num(str(cert.a[i][j]))}"
                             for i in range(m)) + " = 0" for j in range(n)]
        conds.append(" + ".join(f"{_lean_num(str(y))} * {_lean_num(str(b))}"
                                for y, b in zip(cert.y, cert.b, strict=False)) + " < 0")
        return (f"{head}theorem {name} :\n    " + " ∧\n    ".join(conds)
                + " := by\n  norm_num\n")
    raise TypeError(f"no Lean rendering for {type(cert).__name__}")


def lean_well_formed(text: str) -> bool:
    """A light syntactic check of :func:`to_lean` output (Lean itself is not available):
    imports Mathlib, one theorem, a tactic proof, balanced brackets, no ``sorry``."""
    theorems = [ln for ln in text.splitlines() if ln.startswith("theorem ")]
    if not text.startswith("import Mathlib\n") or len(theorems) != 1 or ":= by" not in text:
        return False
    if "sorry" in text:
        return False
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for ch in text.split("\n", 3)[-1]:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs and (not stack or stack.pop() != pairs[ch]):
            return False
    return not stack


def cache_dir() -> Path:
    """Where kernel verdicts are cached (keyed by the exact file text)."""
    base = os.environ.get("WHYRELU_KERNEL_CACHE")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "whyrelu" / "kernels"
