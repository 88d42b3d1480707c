"""Exact zero-loss decider for one-hidden-layer ReLU networks with a fixed output layer.

Architecture (a network of §2 with some parameters free): input nodes; hidden nodes with
activation ``relu`` whose in-edges come from inputs only; one output node with activation
``relu`` or ``id`` whose in-edges come from hidden nodes (weights **fixed**) or from inputs
(skip edges).  Every other weight and bias may be fixed or free.  Then each hidden
pre-activation ``p_k(x) = x_{h_k} + Σ (w·x_s + b)`` and the output's direct part are
affine in the free parameters θ, and once the *activation pattern* (which hidden units are
on at a sample) is fixed, zero loss at that sample is a system of linear constraints on
θ: ``p_k ≥ 0`` (on) or ``p_k ≤ 0`` (off), and the output condition (square loss: ``f = y``;
hinge: ``y·f ≥ 1``).  With free hidden-to-output weights the systems would be bilinear:
refused with :class:`UnsupportedArchitecture`.

:func:`decide` searches the patterns depth first, sample by sample, solving each prefix's
system exactly (:func:`checkers.lp.solve`), so an infeasible prefix prunes every pattern
extending it with **one** Farkas certificate (its rows are rows of every extension).
Sound pruning, each stated so that a NO answer stays checkable:

* a sample's case with no point (in its own local coordinates) is dropped with a Farkas
  certificate on its own rows;
* a case with unit k on that implies ``p_k ≤ 0`` (certified by LP duality) lies in the case
  with k off (then ``p_k = 0`` and both give ``h_k = 0``): dropped as a *face*;
* hidden units that the architecture and data cannot tell apart are interchangeable:
  only patterns whose columns are lexicographically non-increasing inside each group of
  interchangeable units are searched (permuting the units maps any zero-loss θ to one
  with such a pattern).

A YES answer is a full parameter vector (every edge's weight and bias) reaching loss 0,
re-evaluated exactly; a NO answer is a :class:`Refutation` that :func:`check_refutation`
re-walks independently of the search.  ``max_patterns`` bounds the systems solved
(:class:`PatternLimitExceeded` past it).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from flint import fmpq

from checkers.activations import Identity, PiecewiseLinear
from checkers.errors import NetworkError, WhyReluError
from checkers.lp import Feasible, Multipliers, System, check_farkas, solve
from checkers.network import Network, Sample

LOSS_NAMES = ("square", "hinge")


class UnsupportedArchitecture(NetworkError):
    """The network is not one the decider handles (names what is wrong)."""


class PatternLimitExceeded(WhyReluError, RuntimeError):
    """The search would solve more than ``max_patterns`` linear systems."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"more than {limit} activation patterns to explore "
                         f"(raise --max-patterns)")


def _is_relu(act: object) -> bool:
    return (isinstance(act, PiecewiseLinear) and tuple(act.breakpoints) == (fmpq(0),)
            and tuple(act.pieces) == ((fmpq(0), fmpq(0)), (fmpq(1), fmpq(0))))


@dataclass(frozen=True)
class Affine:
    """``coef · θ + const`` over the free parameters."""

    coef: tuple[fmpq, ...]
    const: fmpq


@dataclass(frozen=True)
class Problem:
    """A zero-loss question: the network (fixed parameters taken from it), which edge
    parameters are free, the data and the loss.  ``free_w``/``free_b`` are per-edge flags."""

    network: Network
    free_w: tuple[bool, ...]
    free_b: tuple[bool, ...]
    data: tuple[Sample, ...]
    loss: str = "square"
    hidden: tuple[str, ...] = field(init=False)
    output: str = field(init=False)
    output_relu: bool = field(init=False)
    var_of: tuple[tuple[str, int], ...] = field(init=False)
    _cache: dict[tuple[str, int], object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        net = self.network
        m = len(net.edges)
        if len(self.free_w) != m or len(self.free_b) != m:
            raise UnsupportedArchitecture(f"free flags for {len(self.free_w)} edges, "
                                          f"network has {m}")
        if self.loss not in LOSS_NAMES:
            raise UnsupportedArchitecture(f"loss {self.loss!r}: the decider handles "
                                          f"{', '.join(LOSS_NAMES)}")
        if len(net.outputs) != 1:
            raise UnsupportedArchitecture(f"{len(net.outputs)} outputs; the decider needs "
                                          f"exactly one")
        out = net.outputs[0]
        act = net.activation(out)
        if not (isinstance(act, Identity) or _is_relu(act)):
            raise UnsupportedArchitecture(f"output {out!r} has activation "
                                          f"{getattr(act, 'name', None)}; need relu or id")
        inputs = set(net.inputs)
        hidden = [v for v in net.nodes if v not in inputs and v != out]
        for h in hidden:
            if not _is_relu(net.activation(h)):
                raise UnsupportedArchitecture(f"hidden node {h!r} must be relu, not "
                                              f"{net.activation(h).name}")  # type: ignore[union-attr]
        for e, (u, v) in enumerate(net.edges):
            if v in hidden and u not in inputs:
                raise UnsupportedArchitecture(f"edge {u}->{v}: hidden nodes may only be fed "
                                              f"by inputs (one hidden layer)")
            if u in hidden and v != out:
                raise UnsupportedArchitecture(f"edge {u}->{v}: hidden nodes feed the output "
                                              f"only")
            if u in hidden and self.free_w[e]:
                raise UnsupportedArchitecture(
                    f"edge {u}->{v}: a free hidden-to-output weight makes the pattern "
                    f"systems bilinear; fix it")
        for i, s in enumerate(self.data):
            if len(s.y) != 1:
                raise UnsupportedArchitecture(f"sample {i} has {len(s.y)} labels")
        variables = [("w", e) for e in range(m) if self.free_w[e]]
        variables += [("b", e) for e in range(m) if self.free_b[e]]
        object.__setattr__(self, "hidden", tuple(hidden))
        object.__setattr__(self, "output", out)
        object.__setattr__(self, "output_relu", _is_relu(act))
        object.__setattr__(self, "var_of", tuple(variables))
        object.__setattr__(self, "_cache", {})

    @property
    def nvars(self) -> int:
        return len(self.var_of)

    # ----------------------------------------------------------------- affine forms
    def _node_form(self, node: str, sample: Sample, sources: set[str]) -> Affine:
        net = self.network
        coef = [fmpq(0)] * self.nvars
        const = sample.x.get(node, fmpq(0))
        index = {v: i for i, v in enumerate(self.var_of)}
        for e, (u, v) in enumerate(net.edges):
            if v != node or u not in sources:
                continue
            xu = sample.x.get(u, fmpq(0))
            if self.free_w[e]:
                coef[index[("w", e)]] += xu
            else:
                const += net.weights[e] * xu
            if self.free_b[e]:
                coef[index[("b", e)]] += 1
            else:
                const += net.biases[e]
        return Affine(tuple(coef), const)

    def pre(self, sample: Sample) -> list[Affine]:
        """The hidden pre-activations ``p_k`` at ``sample``."""
        key = ("pre", id(sample))
        if key not in self._cache:
            ins = set(self.network.inputs)
            self._cache[key] = [self._node_form(h, sample, ins) for h in self.hidden]
        return self._cache[key]  # type: ignore[return-value]

    def direct(self, sample: Sample) -> Affine:
        """The output's pre-activation without the hidden terms (injection, skip edges,
        every output edge bias)."""
        key = ("direct", id(sample))
        if key not in self._cache:
            self._cache[key] = self._direct(sample)
        return self._cache[key]  # type: ignore[return-value]

    def _direct(self, sample: Sample) -> Affine:
        net = self.network
        form = self._node_form(self.output, sample, set(net.inputs))
        const = form.const
        coef = list(form.coef)
        index = {v: i for i, v in enumerate(self.var_of)}
        for e, (u, v) in enumerate(net.edges):
            if v == self.output and u in self.hidden:
                if self.free_b[e]:
                    coef[index[("b", e)]] += 1
                else:
                    const += net.biases[e]
        return Affine(tuple(coef), const)

    def out_weights(self) -> list[fmpq]:
        net = self.network
        ws = [fmpq(0)] * len(self.hidden)
        for e, (u, v) in enumerate(net.edges):
            if v == self.output and u in self.hidden:
                ws[self.hidden.index(u)] = net.weights[e]
        return ws

    def theta(self, x: Sequence[fmpq]) -> tuple[tuple[fmpq, ...], tuple[fmpq, ...]]:
        """Every edge's (weight, bias) with the free ones set to ``x``."""
        ws, bs = list(self.network.weights), list(self.network.biases)
        for (kind, e), v in zip(self.var_of, x, strict=True):
            if kind == "w":
                ws[e] = v
            else:
                bs[e] = v
        return tuple(ws), tuple(bs)

    def zero_loss(self, x: Sequence[fmpq]) -> bool:
        """Whether the parameters ``x`` give loss exactly 0 (exact forward pass)."""
        ws, bs = self.theta(x)
        net = self.network.with_params(ws, bs)
        for s in self.data:
            f = net(s.x)[0]
            y = s.y[0]
            if self.loss == "square" and f != y:
                return False
            if self.loss == "hinge" and y * f < 1:
                return False
        return True


# --------------------------------------------------------------------------- cases

Pattern = tuple[int, ...]


@dataclass(frozen=True)
class Rows:
    """Linear rows over θ: ``A θ ≤ b`` and ``A_eq θ = b_eq``."""

    A: tuple[tuple[fmpq, ...], ...] = ()
    b: tuple[fmpq, ...] = ()
    A_eq: tuple[tuple[fmpq, ...], ...] = ()
    b_eq: tuple[fmpq, ...] = ()

    def __add__(self, other: Rows) -> Rows:
        return Rows(self.A + other.A, self.b + other.b, self.A_eq + other.A_eq,
                    self.b_eq + other.b_eq)

    def system(self, nvars: int) -> System:
        return System(self.A, self.b, self.A_eq, self.b_eq, nvars)


def case_rows(prob: Problem, sample: Sample, pattern: Pattern) -> Rows:
    """Zero loss at ``sample`` with the hidden units in ``pattern`` (1 = on: ``p_k ≥ 0``,
    ``h_k = p_k``; 0 = off: ``p_k ≤ 0``, ``h_k = 0``) as rows over θ."""
    n = prob.nvars
    A: list[tuple[fmpq, ...]] = []
    b: list[fmpq] = []
    A_eq: list[tuple[fmpq, ...]] = []
    b_eq: list[fmpq] = []
    u_coef = list(prob.direct(sample).coef)
    u_const = prob.direct(sample).const
    for k, (p, v, on) in enumerate(zip(prob.pre(sample), prob.out_weights(), pattern,
                                       strict=True)):
        del k
        if on:
            A.append(tuple(-c for c in p.coef))
            b.append(p.const)
            u_coef = [a + v * c for a, c in zip(u_coef, p.coef, strict=True)]
            u_const += v * p.const
        else:
            A.append(p.coef)
            b.append(-p.const)
    y = sample.y[0]
    zero_row = tuple(fmpq(0) for _ in range(n))
    ucoef = tuple(u_coef)
    if prob.loss == "square":
        if not prob.output_relu or y > 0:  # u = y
            A_eq.append(ucoef)
            b_eq.append(y - u_const)
        elif y == 0:  # relu(u) = 0 ⇔ u ≤ 0
            A.append(ucoef)
            b.append(-u_const)
        else:  # relu(u) = y < 0 is impossible: 0·θ ≤ −1
            A.append(zero_row)
            b.append(fmpq(-1))
    else:  # hinge: y·f ≥ 1
        if not prob.output_relu:
            A.append(tuple(-y * c for c in ucoef))
            b.append(y * u_const - 1)
        elif y > 0:  # relu(u) ≥ 1/y ⇔ u ≥ 1/y
            A.append(tuple(-c for c in ucoef))
            b.append(u_const - 1 / y)
        else:
            A.append(zero_row)
            b.append(fmpq(-1))
    return _drop_trivial(Rows(tuple(A), tuple(b), tuple(A_eq), tuple(b_eq)))


def _drop_trivial(rows: Rows) -> Rows:
    """Leave out rows ``0·θ ≤ c`` (c ≥ 0) and ``0·θ = 0``, which every θ satisfies."""
    keep = [i for i, (r, c) in enumerate(zip(rows.A, rows.b, strict=True))
            if any(r) or c < 0]
    keep_eq = [i for i, (r, c) in enumerate(zip(rows.A_eq, rows.b_eq, strict=True))
               if any(r) or c != 0]
    return Rows(tuple(rows.A[i] for i in keep), tuple(rows.b[i] for i in keep),
                tuple(rows.A_eq[i] for i in keep_eq), tuple(rows.b_eq[i] for i in keep_eq))


def satisfies(rows: Rows, x: Sequence[fmpq]) -> bool:
    """Whether ``x`` satisfies every row (exact)."""
    def dot(r: Sequence[fmpq]) -> fmpq:
        return sum((a * v for a, v in zip(r, x, strict=True) if a), fmpq(0))
    return (all(dot(r) <= c for r, c in zip(rows.A, rows.b, strict=True))
            and all(dot(r) == c for r, c in zip(rows.A_eq, rows.b_eq, strict=True)))


def implied(sys: System, c: Sequence[fmpq], d: fmpq) -> tuple[fmpq, ...] | None:
    """Multipliers ``(y ≥ 0, z)`` with ``yᵀA + zᵀA_eq = c`` and ``yᵀb + zᵀb_eq ≤ d`` — a
    certificate that ``c·θ ≤ d`` on the system (LP duality) — or ``None``."""
    m, k = len(sys.A), len(sys.A_eq)
    cols = [*sys.A, *sys.A_eq]
    nv = m + k
    A_eq = [tuple(col[j] for col in cols) for j in range(sys.nvars)]
    A = [tuple(fmpq(-1) if i == j else fmpq(0) for i in range(nv)) for j in range(m)]
    A.append((*sys.b, *sys.b_eq))
    rhs = [fmpq(0)] * m + [d]
    r = solve(System(tuple(A), tuple(rhs), tuple(A_eq), tuple(c), nv))
    return r.witness if isinstance(r, Feasible) else None


def check_implied(sys: System, mult: Sequence[fmpq], c: Sequence[fmpq], d: fmpq) -> bool:
    """The duality certificate of :func:`implied`, re-checked."""
    m = len(sys.A)
    if len(mult) != m + len(sys.A_eq) or any(v < 0 for v in mult[:m]):
        return False
    rows = [*sys.A, *sys.A_eq]
    for j in range(sys.nvars):
        if sum((y * r[j] for y, r in zip(mult, rows, strict=True)), fmpq(0)) != c[j]:
            return False
    return sum((y * v for y, v in zip(mult, (*sys.b, *sys.b_eq), strict=True)),
               fmpq(0)) <= d


@dataclass(frozen=True)
class Dropped:
    """A case of one sample left out of the search, with its certificate: ``"empty"``
    (Farkas multipliers on the case's rows) or ``"face"`` (unit ``unit`` on, yet
    ``p_unit ≤ 0`` is implied: ``mult`` certifies it)."""

    sample: int
    pattern: Pattern
    reason: str
    farkas: Multipliers | None = None
    unit: int | None = None
    mult: tuple[fmpq, ...] | None = None


def sample_cases(prob: Problem, i: int) -> tuple[list[Pattern], list[Dropped]]:
    """The kept cases of sample ``i`` and the dropped ones with their certificates."""
    sample = prob.data[i]
    kept: list[Pattern] = []
    dropped: list[Dropped] = []
    pre = prob.pre(sample)
    for pat in itertools.product((1, 0), repeat=len(prob.hidden)):
        rows = case_rows(prob, sample, pat)
        sys = rows.system(prob.nvars)
        r = solve(sys)
        if not isinstance(r, Feasible):
            dropped.append(Dropped(i, pat, "empty", farkas=r.farkas))
            continue
        face = None
        for k, on in enumerate(pat):
            if on:
                mult = implied(sys, pre[k].coef, -pre[k].const)
                if mult is not None:
                    face = Dropped(i, pat, "face", unit=k, mult=mult)
                    break
        if face is not None:
            dropped.append(face)
        else:
            kept.append(pat)
    kept.sort(key=sum)  # fewer units on first: a splitting-like choice closes a YES sooner
    return kept, dropped


def symmetry_groups(prob: Problem) -> list[list[int]]:
    """Groups of interchangeable hidden units (same in-edges with the same free flags and
    fixed values, same output weight, same injections in every sample; output-edge biases
    only add to the output's constant and do not matter)."""
    net = prob.network
    sig: dict[object, list[int]] = {}
    for k, h in enumerate(prob.hidden):
        ins = []
        outs = []
        for e, (u, v) in enumerate(net.edges):
            fw, fb = prob.free_w[e], prob.free_b[e]
            key = (fw, fb, None if fw else net.weights[e], None if fb else net.biases[e])
            if v == h:
                ins.append((u, key))
            if u == h:  # an output edge's bias only joins the output's constant: no part
                outs.append((v, key[0], key[2]))
        inj = tuple(s.x.get(h, fmpq(0)) for s in prob.data)
        sig.setdefault((tuple(sorted(ins, key=str)), tuple(sorted(outs, key=str)), inj),
                       []).append(k)
    return [g for g in sig.values() if len(g) > 1]


def canonical(prefix: Sequence[Pattern], groups: Sequence[Sequence[int]]) -> bool:
    """Columns of the pattern prefix non-increasing (lexicographically) inside each group."""
    for g in groups:
        for a, b in itertools.pairwise(g):
            col_a = [p[a] for p in prefix]
            col_b = [p[b] for p in prefix]
            if col_a < col_b:
                return False
    return True


# --------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Refutation:
    """A NO answer: the search order, every kept case, the dropped cases with their
    certificates, and one Farkas certificate per pruned prefix (a tuple of patterns along
    ``order``)."""

    order: tuple[int, ...]
    kept: tuple[tuple[Pattern, ...], ...]
    dropped: tuple[Dropped, ...]
    certificates: tuple[tuple[tuple[Pattern, ...], Multipliers], ...]
    groups: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Decision:
    """The decider's answer: ``witness`` (the free parameters) for YES, ``refutation``
    for NO; ``explored`` patterns (search nodes) visited, ``solved`` of them needing an LP
(the others kept their parent's point); seconds taken."""

    feasible: bool
    witness: tuple[fmpq, ...] | None
    refutation: Refutation | None
    explored: int
    solved: int
    seconds: float

    @property
    def certificates(self) -> int:
        """Farkas certificates in a NO answer (pruned prefixes plus empty cases)."""
        if self.refutation is None:
            return 0
        return (len(self.refutation.certificates)
                + sum(1 for d in self.refutation.dropped if d.reason == "empty"))


def prefix_rows(prob: Problem, order: Sequence[int], prefix: Sequence[Pattern]) -> Rows:
    rows = Rows()
    for i, pat in zip(order, prefix, strict=False):
        rows = rows + case_rows(prob, prob.data[i], pat)
    return rows


def decide(prob: Problem, *, max_patterns: int | None = None) -> Decision:
    """Is there a θ (free parameters) with loss exactly 0?  (module doc)"""
    t0 = time.perf_counter()
    n = len(prob.data)
    kept: list[list[Pattern]] = []
    dropped: list[Dropped] = []
    for i in range(n):
        k, d = sample_cases(prob, i)
        kept.append(k)
        dropped.extend(d)
    order = tuple(sorted(range(n), key=lambda i: (len(kept[i]), i)))
    groups = symmetry_groups(prob)
    certs: list[tuple[tuple[Pattern, ...], Multipliers]] = []
    explored = 0
    solved = 0

    def done(witness: tuple[fmpq, ...] | None) -> Decision:
        ref = None if witness is not None else Refutation(
            order, tuple(tuple(k) for k in kept), tuple(dropped), tuple(certs),
            tuple(tuple(g) for g in groups))
        return Decision(witness is not None, witness, ref, explored, solved,
                        time.perf_counter() - t0)

    if any(not k for k in kept):
        return done(None)

    def visit(prefix: list[Pattern], point: tuple[fmpq, ...] | None
              ) -> tuple[fmpq, ...] | None:
        nonlocal explored, solved
        explored += 1
        if max_patterns is not None and explored > max_patterns:
            raise PatternLimitExceeded(max_patterns)
        if point is None or not prefix or not satisfies(
                case_rows(prob, prob.data[order[len(prefix) - 1]], prefix[-1]), point):
            solved += 1  # the parent's point does not do: solve the prefix's system
            r = solve(prefix_rows(prob, order, prefix).system(prob.nvars))
            if not isinstance(r, Feasible):
                certs.append((tuple(prefix), r.farkas))
                return None
            point = r.witness
        if len(prefix) == n or prob.zero_loss(point):
            return point
        for pat in kept[order[len(prefix)]]:
            prefix.append(pat)
            if canonical(prefix, groups):
                found = visit(prefix, point)
                if found is not None:
                    return found
            prefix.pop()
        return None

    return done(visit([], None))


def check_refutation(prob: Problem, ref: Refutation) -> bool:
    """Re-check a NO answer: every dropped case's certificate, that every pattern of every
    sample is kept or dropped, and that the certified prefixes cover every canonical
    combination of kept cases (each certificate checked by :func:`check_farkas`)."""
    n = len(prob.data)
    if sorted(ref.order) != list(range(n)):
        return False
    if [list(g) for g in ref.groups] != symmetry_groups(prob):
        return False
    all_pats = set(itertools.product((1, 0), repeat=len(prob.hidden)))
    for i in range(n):
        ds = [d for d in ref.dropped if d.sample == i]
        if set(ref.kept[i]) | {d.pattern for d in ds} != all_pats:
            return False
    for d in ref.dropped:
        sys = case_rows(prob, prob.data[d.sample], d.pattern).system(prob.nvars)
        if d.reason == "empty":
            if d.farkas is None or not check_farkas(sys, d.farkas):
                return False
        elif d.reason == "face":
            if d.unit is None or d.mult is None or not d.pattern[d.unit]:
                return False
            p = prob.pre(prob.data[d.sample])[d.unit]
            if not check_implied(sys, d.mult, p.coef, -p.const):
                return False
        else:
            return False
    if any(not k for k in ref.kept):
        return True  # some sample has no case at all: its empty certificates suffice
    certs = dict(ref.certificates)
    if len(certs) != len(ref.certificates):
        return False
    used = 0

    def covered(prefix: tuple[Pattern, ...]) -> bool:
        nonlocal used
        if prefix in certs:
            used += 1
            return check_farkas(prefix_rows(prob, ref.order, prefix).system(prob.nvars),
                                certs[prefix])
        if len(prefix) == n:
            return False
        return all(covered((*prefix, p)) for p in ref.kept[ref.order[len(prefix)]]
                   if canonical((*prefix, p), ref.groups))

    return covered(()) and used == len(certs)
