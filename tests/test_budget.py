"""Bit budgets: SLP and network evaluation (forward and backward) stop with
:class:`~checkers.errors.BitBudgetExceeded` naming the gate, node or edge and the size
reached, before memory runs out; every evaluating command honours ``--budget-bits`` and its
documented default.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from flint import fmpq, fmpq_poly
from hypothesis import given, settings

from checkers.activations import Activation, Polynomial, parse_activation
from checkers.errors import BitBudgetExceeded
from checkers.losses import SQUARE, Loss
from checkers.network import Network, Sample
from checkers.poly import SizeBounds
from checkers.rationals import size
from checkers.reference import ref_size
from checkers.slp import squaring_chain
from spec.cli import main
from spec.cli.engine import DEFAULT_BUDGET_BITS
from strategies import polynomials, wide_rationals

SQ = parse_activation("x^2")
# a_i = 2^(2^i) has size 2^i + 2: the first gate beyond the default 2^26 bits is a26
DEFAULT_STOP = (f"bit budget exceeded at gate a26: size {2**26 + 2} bits > budget "
                f"{DEFAULT_BUDGET_BITS} bits")


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _one_line(code: int, out: str, err: str) -> str:
    assert code == 2 and out == ""
    assert err.startswith("whyrelu: error: ") and err.count("\n") == 1, err
    return err.removeprefix("whyrelu: error: ").rstrip("\n")


def _chain_net(n: int, act: Activation = SQ) -> dict[str, object]:
    nodes: list[dict[str, str]] = [{"name": "x"}]
    nodes += [{"name": f"s{i}", "activation": act.name} for i in range(1, n + 1)]
    edges = [{"from": "x" if i == 1 else f"s{i - 1}", "to": f"s{i}"} for i in range(1, n + 1)]
    return {"nodes": nodes, "inputs": ["x"], "outputs": [f"s{n}"], "edges": edges}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("budget")
    (d / "sq40.slp").write_text(squaring_chain(40).to_text(), encoding="utf-8")
    (d / "sq40.json").write_text(json.dumps(_chain_net(40)), encoding="utf-8")
    (d / "deg.json").write_text(json.dumps(_chain_net(3, parse_activation("x^4096"))),
                                encoding="utf-8")
    (d / "data.json").write_text('[{"x": {"x": "2"}, "y": {"s40": "0"}}]', encoding="utf-8")
    return {p.name: str(p) for p in d.iterdir()}


# ------------------------------------------------------------------ the command line


def test_default_budget_is_documented() -> None:
    assert DEFAULT_BUDGET_BITS == 1 << 26
    code, out, _ = _cli_help("slp", "eval")
    assert code == 0 and f"default {DEFAULT_BUDGET_BITS}" in out


def _cli_help(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv, "--help"])
    return code, out.getvalue(), err.getvalue()


def test_a_40_step_squaring_chain_stops_under_the_default_budget(files: dict[str, str]) -> None:
    assert _one_line(*_cli("slp", "eval", files["sq40.slp"])) == DEFAULT_STOP
    # the compiler evaluates the program first, so the same gate is named
    assert _one_line(*_cli("slp", "compile", files["sq40.slp"], "--sigma", "x^2")) == \
        DEFAULT_STOP


def test_the_squaring_chain_stops_in_bounded_memory(files: dict[str, str]) -> None:
    # a fresh process: its peak resident size stays far below what 2^40-bit values need
    code = ("import resource, sys\nfrom spec.cli import main\n"
            f"rc = main(['slp', 'eval', {files['sq40.slp']!r}])\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nsys.exit(rc)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 2 and r.stderr.strip().endswith(DEFAULT_STOP)
    assert int(r.stdout) < 1024 * 1024  # KiB: under 1 GiB


def test_the_budget_flag_moves_the_stop(files: dict[str, str]) -> None:
    msg = _one_line(*_cli("slp", "eval", files["sq40.slp"], "--budget-bits", "5000"))
    assert msg == "bit budget exceeded at gate a13: size 8194 bits > budget 5000 bits"


@pytest.mark.parametrize("command", ["eval", "grad"])
def test_network_commands_stop_under_the_default_budget(files: dict[str, str],
                                                        command: str) -> None:
    argv = ["net", command, files["sq40.json"]]
    argv += ["--input", "x=2"] if command == "eval" else ["--data", files["data.json"]]
    msg = _one_line(*_cli(*argv))
    # s_i = 2^(2^i): s26 is refused before it is computed (proven to need > 2^26 bits)
    assert msg.startswith("bit budget exceeded at node 's26': size at least ")
    assert msg.endswith(f"bits > budget {DEFAULT_BUDGET_BITS} bits")
    msg = _one_line(*_cli(*argv, "--budget-bits", "5000"))
    assert msg.startswith("bit budget exceeded at node 's13'")


def test_a_high_degree_activation_is_refused_before_it_is_computed(
        files: dict[str, str]) -> None:
    # s1 = 3^4096 (6493 bits), s2 = 3^(4096^2) (26.6 Mbit), s3 would need 1.1e11 bits
    msg = _one_line(*_cli("net", "eval", files["deg.json"], "--input", "x=3"))
    assert msg.startswith("bit budget exceeded at node 's3': size at least ")
    low = int(msg.split("at least ")[1].split()[0])
    assert low > 4096**3, "the lower bound is about the true size 4096^3 log2(3)"


@pytest.mark.parametrize("argv", [
    ["gadget", "x^4096"],
    ["slp", "compile", str(Path(__file__).parent / "data" / "chain.slp"), "--sigma", "x^600"],
])
def test_gadget_commands_refuse_huge_degrees_by_default(argv: list[str]) -> None:
    # the gadget solves a dense (mu+1)^2 rational system: x^4096 needed hours and 100 GB
    msg = _one_line(*_cli(*argv))
    assert "has degree " in msg and "above the limit 512" in msg and "--max-degree" in msg
    code, out, _ = _cli("gadget", "x^3", "--max-degree", "3", "--json")
    assert code == 0 and json.loads(out)["degree"] == 3


def test_bits_honours_its_budget_flag() -> None:
    msg = _one_line(*_cli("bits", "--activation", "x^2", "--depth", "40", "--width", "1",
                          "--samples", "1", "--budget-bits", "100000"))
    assert msg.startswith("bit budget exceeded at layer ")
    assert int(msg.split("size ")[1].split()[0]) > 100_000


# ------------------------------------------------------------------ the API: networks


def _sq_chain(n: int) -> Network:
    nodes: dict[str, Activation | None] = {"x": None}
    edges = []
    for i in range(1, n + 1):
        nodes[f"s{i}"] = SQ
        edges.append(("x" if i == 1 else f"s{i - 1}", f"s{i}", 1, 0))
    return Network(nodes, edges, [f"s{n}"])


def test_a_proven_blowup_is_refused_and_an_actual_one_is_measured() -> None:
    net = _sq_chain(12)
    # s_i = 3^(2^i): size(s_i) = bitlen(3^(2^i)) + 1
    sizes = [size(fmpq(3) ** (2**i)) for i in range(13)]
    first = next(i for i in range(13) if sizes[i] > 300)
    with pytest.raises(BitBudgetExceeded) as info:
        net.forward({"x": 3}, budget_bits=300)
    e = info.value
    assert e.where == f"node 's{first}'" and e.budget_bits == 300
    # either measured exactly or refused with a proven lower bound, never above the truth
    assert 300 < e.size_bits <= sizes[first]
    assert ("at least" in str(e)) == e.at_least


def test_backward_budget_names_the_node() -> None:
    # v = x^2 feeds 12 identity outputs with weights 1/p (the first 12 primes): forward
    # values are small, but dL/df_v = sum 1/p has a 43-bit denominator
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
    nodes: dict[str, Activation | None] = {"x": None, "v": SQ}
    nodes.update({f"o{p}": parse_activation("id") for p in primes})
    edges = [("x", "v", 1, 0)] + [("v", f"o{p}", Fraction(1, p), 0) for p in primes]
    net = Network(nodes, edges, [f"o{p}" for p in primes])
    ones = Loss("probe", lambda u, y: fmpq(0), lambda u, y: [fmpq(1)] * len(u))
    data = [Sample.of({"x": 3}, [0] * len(primes))]
    g = Fraction(0)
    for p in primes:
        g += Fraction(1, p)
    need = ref_size(g)
    assert need > 60
    net.forward({"x": 3}, budget_bits=60)  # the forward pass fits
    with pytest.raises(BitBudgetExceeded) as info:
        net.gradient(data, ones, budget_bits=60)
    assert info.value.where == "node 'v' (backward, dL/df)"
    assert info.value.size_bits == need
    ok = net.gradient(data, ones, budget_bits=need)
    assert ok.backwards[0].g[net.index_of("v")] == fmpq(g.numerator, g.denominator)


def test_backward_budget_refuses_a_derivative_and_names_edges() -> None:
    act = parse_activation("x^64")
    net = Network({"x": None, "h": act}, [("x", "h", 1, 0)], ["h"])
    tr = net.forward({"x": "2/3"})  # 2^64/3^64, computed without a budget
    with pytest.raises(BitBudgetExceeded) as info:
        net.backward(tr, [fmpq(1)], budget_bits=40)
    # sigma'(2/3) = 64 (2/3)^63: refused with a lower bound, the pre-activation fits
    e = info.value
    assert e.where == "node 'h' (backward, derivative)" and e.at_least
    assert 40 < e.size_bits <= size(act.derivative(fmpq(2, 3)))
    big = fmpq(2**50 + 1, 3)
    lin = Network({"x": None, "o": parse_activation("id")}, [("x", "o", 1, 0)], ["o"])
    with pytest.raises(BitBudgetExceeded) as info:
        lin.backward(lin.forward({"x": big}), [big], budget_bits=80)
    assert info.value.where == "edge x->o (gradient)"
    assert info.value.size_bits == size(big * big)


def test_gradient_budget_covers_the_summed_gradients_not_the_loss() -> None:
    lin = Network({"x": None, "o": parse_activation("id")}, [("x", "o", 1, 0)], ["o"])
    y = fmpq(1, 2**24 + 43)  # at x = 0 the loss is y^2/2 (51 bits), the gradient -y (26)
    big_loss = lin.gradient([Sample.of({"x": 0}, [y])], SQUARE, budget_bits=40)
    assert size(big_loss.loss) > 40 and big_loss.grad_b == [-y]  # the loss is not budgeted
    # two samples whose per-sample gradients fit but whose sum needs more
    data = [Sample.of({"x": fmpq(1, 2**20 + 7)}, [1]), Sample.of({"x": fmpq(1, 2**20 + 9)}, [1])]
    g = lin.gradient(data, SQUARE)
    per = max(size(v) for bw in g.backwards for v in (*bw.grad_w, *bw.g))
    total = max(size(g.grad_w[0]), size(g.grad_b[0]))
    assert total > per
    with pytest.raises(BitBudgetExceeded) as info:
        lin.gradient(data, SQUARE, budget_bits=total - 1)
    assert info.value.where == "edge x->o (summed gradient)"
    assert info.value.size_bits == total
    assert lin.gradient(data, SQUARE, budget_bits=total).grad_w == g.grad_w


def test_phi_of_a_polynomial_refuses_a_huge_base_value() -> None:
    phi = parse_activation("phi_2(x^4096)")
    net = Network({"x": None, "h": phi}, [("x", "h", 1, 0)], ["h"])
    assert net.forward({"x": 2**20}).outputs == (fmpq(1),)  # clipped to C = 1
    with pytest.raises(BitBudgetExceeded) as info:
        net.forward({"x": 2**20}, budget_bits=10_000)
    assert info.value.where == "node 'h' (base value of phi_2(x^4096))"
    assert info.value.at_least and info.value.size_bits > 10_000


# ------------------------------------------------------------------ the size bounds


@settings(max_examples=60)
@given(polynomials(min_degree=0, max_degree=6, coeff_bits=8), wide_rationals())
def test_size_bounds_bracket_the_exact_size(act: Polynomial, z: fmpq) -> None:
    for p in (act.poly, act.dpoly):
        b = SizeBounds(p)
        cs = [Fraction(int(c.p), int(c.q)) for c in (p[i] for i in range(p.degree() + 1))]
        zf = Fraction(int(z.p), int(z.q))
        exact = ref_size(sum((c * zf**k for k, c in enumerate(cs)), Fraction(0)))
        assert b.lower(z) <= exact <= b.upper(z)


def test_size_bounds_near_roots_and_for_large_arguments() -> None:
    p = fmpq_poly([-1, 0, 4])  # 4x^2 - 1, roots ±1/2
    b = SizeBounds(p)
    for z in (fmpq(1, 2), fmpq(-1, 2), fmpq(2**300 + 1, 2**301), fmpq(1, 2**300)):
        assert b.lower(z) <= size(p(z)) <= b.upper(z)
    assert b.lower(fmpq(1, 2)) == 1 == size(p(fmpq(1, 2)))  # p(1/2) = 0
    for z in (fmpq(3**200), fmpq(-(3**200), 7), fmpq(1, 3**200)):
        lo, hi = b.lower(z), b.upper(z)
        assert lo <= size(p(z)) <= hi and hi <= 2 * lo + 16  # tight enough to bound memory


def test_every_budgeted_quantity_is_named() -> None:
    big = fmpq(2**100)
    lin = Network({"x": None, "o": parse_activation("id")}, [("x", "o", 1, 0)], ["o"])
    with pytest.raises(BitBudgetExceeded) as info:
        lin.forward({"x": big}, budget_bits=50)
    assert str(info.value) == "bit budget exceeded at node 'x': size 102 bits > budget 50 bits"
    # a piecewise-linear slope of 101 bits: sigma'(z) is measured, not predicted
    steep = parse_activation(f"pwl(0 | 0 | {2**100 + 1}*x)")
    net = Network({"x": None, "h": steep}, [("x", "h", 1, 0)], ["h"])
    tr = net.forward({"x": 1})
    with pytest.raises(BitBudgetExceeded) as info:
        net.backward(tr, [fmpq(1)], budget_bits=50)
    assert (info.value.where, info.value.size_bits) == ("node 'h' (backward, derivative)", 102)
    assert not info.value.at_least
    # g and sigma' fit, their product does not
    mid = parse_activation(f"pwl(0 | 0 | {fmpq(2**30 + 3, 11)}*x)")
    net = Network({"x": None, "h": mid}, [("x", "h", 1, 0)], ["h"])
    g = fmpq(2**30 + 1, 7)
    with pytest.raises(BitBudgetExceeded) as info:
        net.backward(net.forward({"x": 1}), [g], budget_bits=50)
    assert info.value.where == "node 'h' (backward, dL/dz)"
    assert info.value.size_bits == size(g * fmpq(2**30 + 3, 11))
    # the loss gradient at an output
    huge = Loss("huge", lambda u, y: fmpq(0), lambda u, y: [big] * len(u))
    with pytest.raises(BitBudgetExceeded) as info:
        lin.gradient([Sample.of({"x": 1}, [0])], huge, budget_bits=50)
    assert info.value.where == "output 'o' (loss gradient)"
    # the summed bias gradient (the weight gradients are 0 at x = 0)
    data = [Sample.of({"x": 0}, [fmpq(1, 2**20 + 7)]), Sample.of({"x": 0}, [fmpq(1, 2**20 + 9)])]
    with pytest.raises(BitBudgetExceeded) as info:
        lin.gradient(data, SQUARE, budget_bits=40)
    assert info.value.where == "edge x->o (summed gradient)"
    assert info.value.size_bits == size(fmpq(1, 2**20 + 7) + fmpq(1, 2**20 + 9))


def test_the_derivative_is_judged_by_its_own_bounds() -> None:
    # x^64 at 1/2: sigma = 2^-64 (66 bits) could not fit 60 bits, sigma' = 2^-57 (59) can
    act = parse_activation("x^64")
    net = Network({"x": None, "h": act}, [("x", "h", 1, 0)], ["h"])
    tr = net.forward({"x": fmpq(1, 2)})
    free = net.backward(tr, [fmpq(1)])
    assert net.backward(tr, [fmpq(1)], budget_bits=60).grad_w == free.grad_w
    phi = parse_activation("phi_2(x^4096)")
    net = Network({"x": None, "h": phi}, [("x", "h", 1, 0)], ["h"])
    tr = net.forward({"x": 2**20})
    with pytest.raises(BitBudgetExceeded) as info:
        net.backward(tr, [fmpq(1)], budget_bits=10_000)
    assert info.value.where == ("node 'h' (backward, derivative) (base derivative of "
                                "phi_2(x^4096))")


def test_forward_names_the_node_for_its_pre_activation_and_its_value() -> None:
    lin = Network({"x": None, "h": parse_activation("id")}, [("x", "h", 2**60, 0)], ["h"])
    with pytest.raises(BitBudgetExceeded) as info:
        lin.forward({"x": 2**60}, budget_bits=80)
    assert (info.value.where, info.value.size_bits) == ("node 'h'", 122)
    steep = parse_activation(f"pwl(0 | 0 | {2**100 + 1}*x)")
    net = Network({"x": None, "h": steep}, [("x", "h", 1, 0)], ["h"])
    with pytest.raises(BitBudgetExceeded) as info:
        net.forward({"x": 1}, budget_bits=50)
    assert (info.value.where, info.value.size_bits, info.value.at_least) == ("node 'h'", 102,
                                                                              False)
