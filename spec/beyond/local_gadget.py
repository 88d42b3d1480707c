"""Beyond the paper: the LOCAL multiplication gadget (PAPER.md §16).

If σ agrees on an open interval (α, β) with a polynomial p of degree μ >= 2, put
p̃(U) := p(c + s·U) (same degree) and take λ from Lemma 3.1 applied to p̃
(:func:`spec.gadget.gadget_lambdas`).  Then

    Σ_j λ_j (σ(c + s(x+y+j)) − σ(c + s(x+j)) − σ(c + s(y+j))) = x·y        (★loc)

whenever every argument lies in (α, β).  For |x|, |y| <= 1 (BN-SLP values, Lemma A.4) the
arguments range over the *window* c + s·[−2, μ + 2]; :func:`choose_window` picks rational
s > 0 and c with the window inside (α, β).  Examples: ReLU^k (k >= 2) on (0, ∞), hard-swish
t(t + 3)/6 on (−3, 3), a spline's knot intervals.

This is NOT a result of the paper, and it gives the simulation half of Lemma 3.2 only: the
paper's forcing argument (Claim B.1) is proved for polynomial σ only (an adversarial θ may
leave the piece), so hardness transfer is not proved for piecewise-polynomial σ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flint import fmpq, fmpq_mpoly, fmpq_poly
from hypothesis import strategies as st

from checkers.activations import Activation, Polynomial
from checkers.certificates import Inequality, KernelCertificate, num
from checkers.errors import DegreeError
from checkers.rationals import fmt
from spec.beyond._kinds import NONLINEAR_PIECE, Piece, nonlinear_pieces, pieces_of
from spec.claims import Certificate, Evidence, check, check_eq, claim, claim_for
from spec.gadget import _XY, gadget_lambdas, gadget_polynomial, star_certificate
from strategies import rationals

REF = "Beyond the paper: local gadget"
Sigma = Callable[[fmpq], fmpq]

__all__ = ["LocalGadget", "choose_window", "local_gadget", "local_value", "unit_points"]


def choose_window(lo: fmpq | None, hi: fmpq | None, mu: int) -> tuple[fmpq, fmpq]:
    """Rational ``(c, s)``, s > 0, with c + s·[−2, μ + 2] inside the open interval (lo, hi).

    Finite interval: the window is centred with half the interval's width; a half-line: s = 1
    and the window starts (or ends) one unit inside; ℝ: c = 0, s = 1 (Lemma 3.1 itself).
    """
    width = mu + 4  # the window's length in U
    if lo is not None and hi is not None:
        s = (hi - lo) / (2 * width)
        return (lo + hi) / 2 - s * fmpq(mu, 2), s
    if lo is not None:
        return lo + 3, fmpq(1)
    if hi is not None:
        return hi - (mu + 3), fmpq(1)
    return fmpq(0), fmpq(1)


@dataclass(frozen=True)
class LocalGadget:
    """The local gadget on the piece ``(lo, hi, p)``: σ(c + s·U) = p̃(U) on the window."""

    lo: fmpq | None
    hi: fmpq | None
    piece: fmpq_poly
    c: fmpq
    s: fmpq
    lam: tuple[fmpq, ...]

    @property
    def mu(self) -> int:
        return int(self.piece.degree())

    @property
    def shifted(self) -> fmpq_poly:
        """p̃(U) = p(c + s·U)."""
        return self.piece(fmpq_poly([self.c, self.s]))

    @property
    def window(self) -> tuple[fmpq, fmpq]:
        """c + s·[−2, μ + 2]: every argument for |x|, |y| <= 1."""
        return self.c - 2 * self.s, self.c + (self.mu + 2) * self.s

    def inside(self) -> bool:
        """Is the window inside the open interval (lo, hi)?"""
        a, b = self.window
        return (self.lo is None or self.lo < a) and (self.hi is None or b < self.hi)

    def arguments(self, x: fmpq, y: fmpq) -> list[fmpq]:
        """Every argument c + s(x + y + j), c + s(x + j), c + s(y + j) of (★loc)."""
        out = []
        for j in range(len(self.lam)):
            out += [self.c + self.s * (x + y + j), self.c + self.s * (x + j),
                    self.c + self.s * (y + j)]
        return out

    @property
    def lambda_bits(self) -> int:
        """The largest size of a λ_j (the bit size of the gadget)."""
        return max(int(v.p.bit_length() + v.q.bit_length()) for v in self.lam)

    def describe(self) -> dict[str, object]:
        return {"interval": [None if self.lo is None else fmt(self.lo),
                             None if self.hi is None else fmt(self.hi)],
                "piece": str(self.piece), "c": fmt(self.c), "s": fmt(self.s),
                "lambda": [fmt(v) for v in self.lam],
                "lambda_bits": self.lambda_bits}


def _gadget_on(lo: fmpq | None, hi: fmpq | None, p: fmpq_poly, c: fmpq, s: fmpq) -> LocalGadget:
    lam = gadget_lambdas(Polynomial(p(fmpq_poly([c, s]))))
    return LocalGadget(lo, hi, p, c, s, tuple(lam))


def local_gadget(pieces: Sequence[Piece] | Activation) -> LocalGadget:
    """The local gadget on σ's first piece of degree >= 2, with :func:`choose_window`."""
    ps = _pieces(pieces)
    nonlinear = [p for p in ps if p[2].degree() >= 2]
    if not nonlinear:
        raise DegreeError("a local multiplication gadget needs a piece of degree >= 2")
    lo, hi, p = nonlinear[0]
    c, s = choose_window(lo, hi, int(p.degree()))
    return _gadget_on(lo, hi, p, c, s)


def breakpoint_gadget(pieces: Sequence[Piece] | Activation) -> LocalGadget:
    """A planted defect: the gadget of :func:`local_gadget` with c moved so that the window
    is centred on an end of the piece where σ changes polynomial (arguments leave the piece).
    Raises :class:`DegreeError` when no such end exists (σ one polynomial)."""
    ps = _pieces(pieces)
    g = local_gadget(ps)
    idx = next(i for i, p in enumerate(ps) if p[0] == g.lo and p[1] == g.hi and p[2] == g.piece)
    ends = []
    if g.lo is not None and idx > 0 and ps[idx - 1][2] != g.piece:
        ends.append(g.lo)
    if g.hi is not None and idx + 1 < len(ps) and ps[idx + 1][2] != g.piece:
        ends.append(g.hi)
    if not ends:
        raise DegreeError("σ does not change polynomial at an end of its quadratic piece")
    c = ends[0] - g.s * fmpq(g.mu, 2)
    return _gadget_on(g.lo, g.hi, g.piece, c, g.s)


def _pieces(pieces: Sequence[Piece] | Activation) -> list[Piece]:
    if isinstance(pieces, Activation):
        ps = pieces_of(pieces)
        if ps is None:
            raise DegreeError(f"{pieces.name} is not piecewise polynomial")
        return ps
    return list(pieces)


def local_value(sigma: Sigma, g: LocalGadget, x: fmpq, y: fmpq) -> fmpq:
    """The left side of (★loc) with σ evaluated exactly."""
    total = fmpq(0)
    for j, lj in enumerate(g.lam):
        if lj != 0:
            total += lj * (sigma(g.c + g.s * (x + y + j)) - sigma(g.c + g.s * (x + j))
                           - sigma(g.c + g.s * (y + j)))
    return total


def local_polynomial(g: LocalGadget) -> fmpq_mpoly:
    """The left side of (★loc) with σ replaced by the piece p, expanded in ℚ[x, y]."""
    return gadget_polynomial(Polynomial(g.shifted), list(g.lam))


def prove_local(g: LocalGadget, name: str) -> Certificate:
    """The per-piece proof: the window lies in (α, β) and (★loc) with σ = p is x·y in
    ℚ[x, y]; hence (★loc) holds for σ at every |x|, |y| <= 1."""
    a, b = g.window
    check(g.inside(), "the window c + s·[−2, μ+2] lies inside the piece's open interval",
          window=(fmt(a), fmt(b)), interval=g.describe()["interval"])
    x, y = _XY.gens()
    check_eq(local_polynomial(g), x * y, "(★loc) with σ = p expands to x·y in ℚ[x, y]",
             gadget=g.describe())
    items: list[KernelCertificate] = [
        star_certificate(Polynomial(g.shifted), list(g.lam), name="local_gadget_star")]
    if g.lo is not None:  # the window's ends strictly inside the piece's open interval
        items.append(Inequality(name="local_gadget_window_lo", lhs=num(g.lo), rhs=num(a),
                                strict=True, statement=f"{fmt(g.lo)} < {fmt(a)}"))
    if g.hi is not None:
        items.append(Inequality(name="local_gadget_window_hi", lhs=num(b), rhs=num(g.hi),
                                strict=True, statement=f"{fmt(b)} < {fmt(g.hi)}"))
    return Certificate(
        f"σ = {name} equals p = {g.piece} on ({g.describe()['interval']}); the window "
        f"[{fmt(a)}, {fmt(b)}] = c + s·[−2, {g.mu + 2}] (c = {fmt(g.c)}, s = {fmt(g.s)}) lies "
        f"inside it, and Σ_j λ_j(p̃(x+y+j) − p̃(x+j) − p̃(y+j)) with p̃(U) = p(c + sU), "
        f"λ = ({', '.join(fmt(v) for v in g.lam)}) expands to x*y in ℚ[x, y]",
        items=tuple(items))


def check_local(sigma: Sigma, g: LocalGadget, x: fmpq, y: fmpq) -> Evidence:
    """(★loc) at one point, σ evaluated exactly (the sub-check the controls refute)."""
    lhs = local_value(sigma, g, x, y)
    check_eq(lhs, x * y, "Σ_j λ_j(σ(c+s(x+y+j)) − σ(c+s(x+j)) − σ(c+s(y+j))) = x·y",
             x=x, y=y, gadget=g.describe())
    a, b = g.window
    return Evidence.of(lambda_bits=g.lambda_bits, window_width=b - a)


def unit_points() -> st.SearchStrategy[fmpq]:
    """Rationals in [−1, 1], the ends and 0 included (BN-SLP values, Lemma A.4)."""
    return st.one_of(
        st.sampled_from([fmpq(-1), fmpq(0), fmpq(1), fmpq(1, 2), fmpq(-1, 2)]),
        rationals(12).map(lambda q: q if abs(q) <= 1 else 1 / q),
    )


def _show_xy(inst: tuple[fmpq, fmpq]) -> str:
    return f"x = {fmt(inst[0])}, y = {fmt(inst[1])}"


# --------------------------------------------------------------------------- claims


def _prove_identity(act: Activation) -> Certificate:
    return prove_local(local_gadget(act), act.name)


@claim_for(
    REF,
    "For σ with a piece p of degree μ >= 2 on (α, β): with c + s·[−2, μ+2] ⊂ (α, β) and λ of "
    "Lemma 3.1 for p(c + sU), Σ_j λ_j(σ(c+s(x+y+j)) − σ(c+s(x+j)) − σ(c+s(y+j))) = x·y for "
    "|x|, |y| <= 1; proved per piece in ℚ[x, y] (simulation only: Claim B.1's forcing is "
    "proved for polynomials only)",
    covers=NONLINEAR_PIECE, instances=lambda act: st.tuples(unit_points(), unit_points()),
    status="beyond", prover=_prove_identity, examples=40, show=_show_xy,
    tags=("identity", "beyond"),
)
def identity(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    """(★loc) at random rationals in [−1, 1] with σ itself evaluated exactly."""
    x, y = inst
    return check_local(act, local_gadget(act), x, y)


@claim_for(
    REF,
    "Negative control: c moved so that the window is centred on a breakpoint (arguments "
    "leave the piece) breaks (★loc)",
    covers=NONLINEAR_PIECE, instances=lambda act: st.tuples(unit_points(), unit_points()),
    status="beyond", expect="counterexample", control_of="local_gadget.identity",
    examples=40, show=_show_xy,
    refuted_on=("Σ_j λ_j(σ(c+s(x+y+j)) − σ(c+s(x+j)) − σ(c+s(y+j))) = x·y",),
)
def leaving_piece_refuted(act: Activation, inst: tuple[fmpq, fmpq]) -> Evidence:
    """The same point check with :func:`breakpoint_gadget`."""
    x, y = inst
    return check_local(act, breakpoint_gadget(act), x, y)


# --------------------------------------------------------------------------- random σ


def piecewise_sigma(pieces: Sequence[Piece]) -> Sigma:
    """σ from its pieces: piece i on (t_i, t_{i+1}] (left piece at a breakpoint)."""
    ps = list(pieces)

    def sigma(z: fmpq) -> fmpq:
        for _lo, hi, p in ps:
            if hi is None or z <= hi:
                return fmpq(p(z))
        raise AssertionError("pieces do not cover ℝ")
    return sigma


@st.composite
def random_pieces(draw: st.DrawFn) -> list[Piece]:
    """1..3 breakpoints, pieces of degree 0..4, one of degree 2..4, each piece differing
    from its neighbours (σ need not be continuous for the gadget)."""
    ts = sorted(set(draw(st.lists(rationals(5, den_bits=2), min_size=1, max_size=3))))
    k = draw(st.integers(0, len(ts)))
    polys: list[fmpq_poly] = []
    for i in range(len(ts) + 1):
        deg = draw(st.integers(2, 4)) if i == k else draw(st.integers(0, 4))
        cs = [draw(rationals(4, den_bits=2)) for _ in range(deg)]
        lead = draw(rationals(4, den_bits=2, nonzero=True))
        p = fmpq_poly([*cs, lead])
        if polys and p == polys[-1]:
            p = p + 1
        polys.append(p)
    ends: list[fmpq | None] = [None, *ts, None]
    return [(ends[i], ends[i + 1], polys[i]) for i in range(len(polys))]


def _show_pieces(inst: tuple[list[Piece], fmpq, fmpq]) -> str:
    ps, x, y = inst
    text = "; ".join(f"({'-inf' if lo is None else fmt(lo)}, {'inf' if hi is None else fmt(hi)})"
                     f": {p}" for lo, hi, p in ps)
    return f"σ pieces {text}; x = {fmt(x)}, y = {fmt(y)}"


@claim(
    REF,
    "For random piecewise polynomials (1..3 breakpoints, a piece of degree 2..4), the local "
    "gadget's window lies in the piece, (★loc) holds in ℚ[x, y] for the piece and at random "
    "|x|, |y| <= 1 with σ evaluated exactly",
    instances=st.tuples(random_pieces(), unit_points(), unit_points()),
    status="beyond", examples=30, show=_show_pieces, tags=("identity", "beyond"),
)
def identity_random_pieces(inst: tuple[list[Piece], fmpq, fmpq]) -> Evidence:
    ps, x, y = inst
    g = local_gadget(ps)
    prove_local(g, "random")
    return check_local(piecewise_sigma(ps), g, x, y)


@claim(
    REF,
    "Negative control: for random piecewise polynomials, the window centred on a breakpoint "
    "where σ changes polynomial breaks (★loc)",
    instances=st.tuples(random_pieces(), unit_points(), unit_points()),
    status="beyond", expect="counterexample",
    control_of="local_gadget.identity_random_pieces", examples=30, show=_show_pieces,
    refuted_on=("Σ_j λ_j(σ(c+s(x+y+j)) − σ(c+s(x+j)) − σ(c+s(y+j))) = x·y",),
)
def leaving_piece_random_refuted(inst: tuple[list[Piece], fmpq, fmpq]) -> Evidence:
    ps, x, y = inst
    return check_local(piecewise_sigma(ps), breakpoint_gadget(ps), x, y)


def gadget_of(act: Activation) -> LocalGadget | None:
    """The local gadget of σ when σ has a piece of degree >= 2, else ``None``."""
    return local_gadget(act) if nonlinear_pieces(act) else None
