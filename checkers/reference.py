"""A small reference engine over ``fractions.Fraction``, written for obviousness, not speed.

It is the independent oracle for the fast engine: it shares no arithmetic code with it.
Activations are rebuilt from their plain-data :meth:`~checkers.activations.Activation.describe`,
node values come from a memoised recursion over the node rule of §2, and gradients come
from *forward-mode* differentiation (dual numbers, one pass per parameter) instead of
backpropagation.  :class:`RefLayered` is the plain-loop layered counterpart (reverse mode,
linear in the number of parameters): the baseline of ``benchmarks/bench_engine.py``, itself
tested against the DAG engine.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from checkers.layered import LayeredNetwork
from checkers.network import Network, Sample
from checkers.slp import SLP

Fn = Callable[[Fraction], Fraction]


def _q(s: Any) -> Fraction:
    return Fraction(str(s))


def activation_functions(desc: Mapping[str, Any]) -> tuple[Fn, Fn]:
    """Value and derivative of an activation, from its description alone."""
    kind = desc["kind"]
    if kind == "identity":
        return (lambda z: z), (lambda z: Fraction(1))
    if kind == "polynomial":
        cs = [_q(c) for c in desc["coefficients"]]

        def poly(z: Fraction) -> Fraction:
            return sum((c * z**k for k, c in enumerate(cs)), Fraction(0))

        def dpoly(z: Fraction) -> Fraction:
            return sum((k * c * z ** (k - 1) for k, c in enumerate(cs) if k > 0), Fraction(0))

        return poly, dpoly
    if kind == "piecewise_linear":
        ts = [_q(t) for t in desc["breakpoints"]]
        ss = [_q(s) for s in desc["slopes"]]
        cs2 = [_q(c) for c in desc["intercepts"]]

        def piece(z: Fraction) -> int:
            i = 0
            while i < len(ts) and ts[i] < z:  # piece i lives on (t_i, t_{i+1}]
                i += 1
            return i

        return (lambda z: ss[piece(z)] * z + cs2[piece(z)]), (lambda z: ss[piece(z)])
    if kind == "piecewise_polynomial":
        tps = [_q(t) for t in desc["breakpoints"]]
        polys = [[_q(c) for c in p] for p in desc["pieces"]]

        def ppiece(z: Fraction) -> list[Fraction]:
            i = 0
            while i < len(tps) and tps[i] < z:  # piece i lives on (t_i, t_{i+1}]
                i += 1
            return polys[i]

        return (lambda z: _horner(ppiece(z), z)), (lambda z: _horner(_diff(ppiece(z)), z))
    if kind == "rational":
        num = [_q(c) for c in desc["numerator"]]
        den = [_q(c) for c in desc["denominator"]]

        def rat(z: Fraction) -> Fraction:
            d = _horner(den, z)
            if d == 0:
                raise ValueError(f"reference engine: pole at {z}")
            return _horner(num, z) / d

        def drat(z: Fraction) -> Fraction:
            d = _horner(den, z)
            if d == 0:
                raise ValueError(f"reference engine: pole at {z}")
            return (_horner(_diff(num), z) * d - _horner(num, z) * _horner(_diff(den), z)) / d**2

        return rat, drat
    if kind == "bit_bounded":
        k = int(desc["k"])
        clip = _q(desc["clip"])

        def rnd(q: Fraction) -> Fraction:
            return Fraction((q * 2**k).__floor__(), 2**k)

        cap = rnd(clip)
        bound = (clip * 2**k).__floor__()
        if desc["base"]["kind"] in ("transcendental", "fractional_power"):
            bdesc = desc["base"]

            def rbase(z: Fraction) -> Fraction:
                return Fraction(inexact_floor(bdesc, z, 2**k, False, bound), 2**k)

            def rdbase(z: Fraction) -> Fraction:
                return Fraction(inexact_floor(bdesc, z, 2**k, True), 2**k)
        else:
            base, dbase = activation_functions(desc["base"])

            def rbase(z: Fraction) -> Fraction:
                return rnd(base(z))

            def rdbase(z: Fraction) -> Fraction:
                return rnd(dbase(z))

        def phi(z: Fraction) -> Fraction:
            return min(max(rbase(z), -cap), cap)

        def dphi(z: Fraction) -> Fraction:
            return rdbase(z) if -cap <= rbase(z) <= cap else Fraction(0)

        return phi, dphi
    if kind in ("transcendental", "fractional_power"):
        raise ValueError(f"reference engine: {kind} activations have no exact values; "
                         "round them with phi_K")
    raise ValueError(f"reference engine: unknown activation kind {kind!r}")


def _horner(cs: Sequence[Fraction], z: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in reversed(cs):
        acc = acc * z + c
    return acc


def _diff(cs: Sequence[Fraction]) -> list[Fraction]:
    return [k * c for k, c in enumerate(cs)][1:]


# ------------------------------------------------------------ inexact bases (phi_K only)


def _iroot(m: int, b: int) -> int:
    """⌊m^(1/b)⌋ for an integer m >= 0, by bisection on integers."""
    lo, hi = 0, 1
    while hi**b <= m:
        hi *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid**b <= m:
            lo = mid
        else:
            hi = mid
    return lo


def _floor_power(c: Fraction, z: Fraction, a: int, b: int) -> int:
    """⌊c·z^(a/b)⌋ (real b-th root; b odd when z < 0), in integers only."""
    if z == 0:
        if a < 0:
            raise ValueError("reference engine: pole of x^(p/q) at 0")
        return 0 if a > 0 else c.__floor__()
    if z < 0 and b % 2 == 0:
        raise ValueError(f"reference engine: even root of {z}")
    sign = (1 if c > 0 else -1) * (-1 if z < 0 and a % 2 else 1)
    w = abs(c) ** b * abs(z) ** a  # (|c| |z|^(a/b))^b
    n = _iroot(w.__floor__(), b)
    exact = Fraction(n) ** b == w
    return n if sign > 0 else (-n if exact else -n - 1)


def _mp_value(name: str, x: Any, derivative: bool) -> Any:
    import mpmath as mp  # type: ignore[import-untyped]

    def sig(t: Any) -> Any:
        return 1 / (1 + mp.exp(-t))

    def ncdf(t: Any) -> Any:  # Φ through erfc (mpmath's ncdf loses accuracy far out)
        return mp.erfc(-t / mp.sqrt(2)) / 2

    def dsig(t: Any) -> Any:  # σ(t)(1 - σ(t)) without cancellation
        e = mp.exp(-abs(t))
        return e / (1 + e) ** 2

    if not derivative:
        return {"tanh": lambda: mp.tanh(x), "sigmoid": lambda: sig(x),
                "softplus": lambda: mp.log1p(mp.exp(x)), "silu": lambda: x * sig(x),
                "gelu": lambda: x * ncdf(x), "exp": lambda: mp.exp(x)}[name]()
    return {"tanh": lambda: mp.sech(x) ** 2, "sigmoid": lambda: dsig(x),
            "softplus": lambda: sig(x), "silu": lambda: sig(x) + x * dsig(x),
            "gelu": lambda: ncdf(x) + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi),
            "exp": lambda: mp.exp(x)}[name]()


def _strict_bounds(name: str, z: Fraction, derivative: bool
                   ) -> tuple[Fraction | None, Fraction | None]:
    """Rationals lo < f(z) < hi (or None), for z != 0: used where the value is closer to
    one of them than any working precision shows (tanh(10^30) < 1)."""
    one, zero = Fraction(1), Fraction(0)
    if not derivative:
        if name == "tanh":
            return -one, one
        if name == "sigmoid":
            return zero, one
        if name == "softplus":
            return max(zero, z), None
        if name in ("silu", "gelu"):
            return (zero, z) if z > 0 else (z, zero)
        return zero, None  # exp
    if name == "tanh" or name in ("sigmoid", "softplus"):
        return zero, (Fraction(1, 4) if name == "sigmoid" else one)
    if name == "silu" and z >= Fraction(3, 2):
        return one, None
    if name == "gelu" and z >= 1:
        return one, None
    if name == "exp":
        return zero, None
    return None, None


_AT_ZERO = {"tanh": ("0", "1"), "sigmoid": ("1/2", "1/4"), "softplus": (None, "1/2"),
            "silu": ("0", "1/2"), "gelu": ("0", "1/2"), "exp": ("1", "1")}


def inexact_floor(desc: Mapping[str, Any], z: Fraction, scale: int, derivative: bool,
                  bound: int | None = None) -> int:
    """⌊scale·f(z)⌋ (or of f'(z)) for a transcendental or fractional-power ``f``: integer
    roots for ``x^(p/q)``; for transcendental ``f`` mpmath at doubling precision until the
    floor is clear of the working error (a floating-point reference, independent of the
    engine's ball arithmetic), with :func:`_strict_bounds` at the limits.  With ``bound``
    M, any value clearly above M + 1 (below -M - 1) is reported as M + 1 (-M - 1)."""
    import mpmath as mp

    if desc["kind"] == "fractional_power":
        e = _q(desc["exponent"])
        a, b = e.numerator, e.denominator
        if derivative:
            return _floor_power(scale * e, z, a - b, b)
        return _floor_power(Fraction(scale), z, a, b)
    name = desc["function"]
    if z == 0 and _AT_ZERO[name][int(derivative)] is not None:
        return (scale * Fraction(str(_AT_ZERO[name][int(derivative)]))).__floor__()
    lo, hi = _strict_bounds(name, z, derivative)
    # exp(±z²/2) needs z² to absolute precision 1 before its relative error is small
    prec = 128 + 2 * (abs(z.numerator).bit_length() + z.denominator.bit_length())
    while prec <= 1 << 15:
        with mp.workprec(prec):
            x = mp.mpf(z.numerator) / z.denominator
            y = _mp_value(name, x, derivative) * scale
            if bound is not None and y > bound + 2:
                return bound + 1
            if bound is not None and y < -bound - 2:
                return -bound - 1
            n = int(mp.nint(y))
            margin = mp.mpf(2) ** (16 - prec) * max(1, abs(y))
            if abs(y - n) > margin:
                return int(mp.floor(y))
            if n == 0 and y != 0:  # relative precision: the sign is right
                return 0 if y > 0 else -1
            if hi is not None and n == hi * scale:
                return n - 1
            if lo is not None and n == lo * scale:
                return n
        prec *= 2
    raise ValueError(f"reference engine: cannot round {name} at {z}")


def loss_functions(name: str) -> tuple[Callable[[list[Fraction], list[Fraction]], Fraction],
                                        Callable[[list[Fraction], list[Fraction]], list[Fraction]]]:
    """Square and hinge losses, rewritten."""
    def pairs(u: list[Fraction], y: list[Fraction]) -> list[tuple[Fraction, Fraction]]:
        if len(u) != len(y):
            raise ValueError("reference engine: outputs and label differ in length")
        return list(zip(u, y, strict=True))

    if name == "square":
        return (lambda u, y: sum(((a - b) ** 2 for a, b in pairs(u, y)), Fraction(0)) / 2,
                lambda u, y: [a - b for a, b in pairs(u, y)])
    if name == "hinge":
        return (lambda u, y: sum((max(Fraction(0), 1 - b * a) for a, b in pairs(u, y)),
                                 Fraction(0)),
                lambda u, y: [-b if 1 - b * a > 0 else Fraction(0) for a, b in pairs(u, y)])
    raise ValueError(f"reference engine: unknown loss {name!r}")


class RefNetwork:
    """The network of §2 re-implemented over Fractions."""

    def __init__(self, net: Network) -> None:
        self.nodes = list(net.nodes)
        self.outputs = list(net.outputs)
        self.act: dict[str, tuple[Fn, Fn] | None] = {}
        for name in self.nodes:
            a = net.activation(name)
            self.act[name] = None if a is None else activation_functions(a.describe())
        self.edges = [(u, v, _q(w), _q(b)) for (u, v), w, b in
                      zip(net.edges, net.weights, net.biases, strict=True)]

    def _dual_values(
        self, x: Mapping[str, Fraction], param: tuple[int, str] | None
    ) -> dict[str, tuple[Fraction, Fraction]]:
        """(value, d value / d param) at every node, by memoised recursion."""
        memo: dict[str, tuple[Fraction, Fraction]] = {}

        def node(v: str) -> tuple[Fraction, Fraction]:
            if v in memo:
                return memo[v]
            z = Fraction(x.get(v, 0))
            dz = Fraction(0)
            if self.act[v] is not None:
                for e, (u, t, w, b) in enumerate(self.edges):
                    if t != v:
                        continue
                    fu, dfu = node(u)
                    z += w * fu + b
                    dz += w * dfu
                    if param == (e, "w"):
                        dz += fu
                    if param == (e, "b"):
                        dz += 1
            acts = self.act[v]
            if acts is None:
                memo[v] = (z, dz)
            else:
                f, df = acts
                memo[v] = (f(z), df(z) * dz)
            return memo[v]

        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 10 * len(self.nodes) + 1000))
        try:
            for v in self.nodes:
                node(v)
        finally:
            sys.setrecursionlimit(old)
        return memo

    def forward(self, x: Mapping[str, Fraction]) -> dict[str, Fraction]:
        """Every node's value."""
        return {v: fv for v, (fv, _) in self._dual_values(x, None).items()}

    def gradient(
        self, data: Sequence[tuple[Mapping[str, Fraction], Sequence[Fraction]]], loss: str
    ) -> tuple[Fraction, list[Fraction], list[Fraction]]:
        """Loss and (∂L/∂w_e, ∂L/∂b_e) for every edge, by forward-mode differentiation."""
        value, dvalue = loss_functions(loss)
        total = Fraction(0)
        for x, y in data:
            vals = self.forward(x)
            total += value([vals[t] for t in self.outputs], list(y))
        grads: dict[str, list[Fraction]] = {"w": [], "b": []}
        for kind in ("w", "b"):
            for e in range(len(self.edges)):
                acc = Fraction(0)
                for x, y in data:
                    duals = self._dual_values(x, (e, kind))
                    u = [duals[t][0] for t in self.outputs]
                    du = [duals[t][1] for t in self.outputs]
                    acc += sum((g * d for g, d in zip(dvalue(u, list(y)), du, strict=True)),
                               Fraction(0))
                grads[kind].append(acc)
        return total, grads["w"], grads["b"]


class RefLayered:
    """A layered network (:class:`~checkers.layered.LayeredNetwork`) over Fractions, with
    plain loops, one sample at a time: the node rule of §2 layer by layer, then ordinary
    reverse-mode backpropagation (App. E).  Unlike :class:`RefNetwork` its cost is linear
    in the number of parameters, so it serves as the baseline of the benchmarks too."""

    def __init__(self, net: LayeredNetwork) -> None:
        self.weights = [[[_q(w) for w in row] for row in layer.weights] for layer in net.layers]
        self.biases = [[_q(b) for b in layer.biases] for layer in net.layers]
        self.acts = [activation_functions(layer.activation.describe()) for layer in net.layers]

    def forward(self, x: Sequence[Fraction]) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
        """Pre-activations ``z[l]`` (layers 1..L) and values ``h[l]`` (``h[0] = x``)."""
        hs = [list(x)]
        zs: list[list[Fraction]] = []
        for w, b, (f, _) in zip(self.weights, self.biases, self.acts, strict=True):
            h = hs[-1]
            z = []
            for i in range(len(w)):
                total = b[i]
                for j in range(len(h)):
                    total += w[i][j] * h[j]
                z.append(total)
            zs.append(z)
            hs.append([f(v) for v in z])
        return zs, hs

    def gradient(
        self, xs: Sequence[Sequence[Fraction]], ys: Sequence[Sequence[Fraction]], loss: str
    ) -> tuple[Fraction, list[list[list[Fraction]]], list[list[Fraction]]]:
        """Total loss and (∂L/∂W, ∂L/∂b) per layer, summed over the samples."""
        value, dvalue = loss_functions(loss)
        total = Fraction(0)
        gw = [[[Fraction(0) for _ in row] for row in w] for w in self.weights]
        gb = [[Fraction(0) for _ in b] for b in self.biases]
        for x, y in zip(xs, ys, strict=True):
            zs, hs = self.forward(x)
            total += value(hs[-1], list(y))
            g = dvalue(hs[-1], list(y))  # ∂ℒ/∂h at the last layer
            for l in range(len(self.weights) - 1, -1, -1):  # noqa: E741
                w, (_, df) = self.weights[l], self.acts[l]
                delta = [g[i] * df(zs[l][i]) for i in range(len(g))]
                for i in range(len(w)):
                    gb[l][i] += delta[i]
                    for j in range(len(w[i])):
                        gw[l][i][j] += delta[i] * hs[l][j]
                if l == 0:
                    break  # ∂L/∂x is not needed
                g = [Fraction(0)] * len(hs[l])
                for j in range(len(g)):
                    for i in range(len(w)):
                        g[j] += w[i][j] * delta[i]
        return total, gw, gb


def ref_samples(data: Sequence[Sample]) -> list[tuple[dict[str, Fraction], list[Fraction]]]:
    """Convert engine samples to plain Fractions."""
    return [({k: _q(v) for k, v in s.x.items()}, [_q(v) for v in s.y]) for s in data]


def ref_slp_values(slp: SLP) -> list[Fraction]:
    """a_0..a_ℓ of an SLP over Fractions (Definition 2.2)."""
    vals = [_q(slp.a0)]
    for g in slp.gates:
        a, b = vals[g.j], vals[g.k]
        vals.append(a + b if g.op == "+" else a - b if g.op == "-" else a * b)
    return vals


def ref_bit(q: Fraction, j: int) -> int:
    """⌊2^{-j}|u|/v⌋ mod 2 straight from the definition (Problem 2.3)."""
    return int((abs(q) / Fraction(2) ** j).__floor__()) % 2


def ref_size(q: Fraction) -> int:
    """bitlen(|num|) + bitlen(den) (§2)."""
    return abs(q.numerator).bit_length() + q.denominator.bit_length()
