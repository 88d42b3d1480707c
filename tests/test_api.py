"""``import whyrelu``: each public function against values computed independently (by hand
or by plain ``Fraction`` arithmetic in this file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import whyrelu
from checkers.errors import DegreeLimitError, RationalTypeError

DATA = Path(__file__).resolve().parent / "data"


def _identity_holds(sigma: Callable[[Fraction], Fraction], lam: tuple[Fraction, ...]) -> bool:
    """Lemma 3.1 checked directly: Σ_j λ_j (σ(x+y+j) − σ(x+j) − σ(y+j)) = xy."""
    pts = [Fraction(p, q) for p in (-3, -1, 0, 2, 5) for q in (1, 3)]
    return all(sum(lj * (sigma(x + y + j) - sigma(x + j) - sigma(y + j))
                   for j, lj in enumerate(lam)) == x * y for x in pts for y in pts)


def test_gadget_x_squared_by_hand() -> None:
    g = whyrelu.gadget("x^2")
    # (x+y)^2 - x^2 - y^2 = 2xy, so λ = (1/2, 0, 0), D = 2, λ' = (1, 0, 0)
    assert g.lambdas == (Fraction(1, 2), Fraction(0), Fraction(0))
    assert (g.degree, g.denominator, g.lambda_prime) == (2, 2, (1, 0, 0))
    assert g.to_json() == {"sigma": "x^2", "degree": 2, "lambda": ["1/2", "0", "0"], "D": "2",
                           "lambda_prime": ["1", "0", "0"]}
    json.dumps(g.to_json())
    with pytest.raises(AttributeError):
        g.degree = 3  # type: ignore[misc]  # frozen


@pytest.mark.parametrize(("text", "sigma"), [
    ("x^2 + x", lambda t: t * t + t),
    ("x^3", lambda t: t ** 3),
    ("1/3*x^2 - 1/2*x + 2/5", lambda t: t * t / 3 - t / 2 + Fraction(2, 5)),
])
def test_gadget_satisfies_lemma_3_1(text: str, sigma: Callable[[Fraction], Fraction]) -> None:
    g = whyrelu.gadget(text)
    assert _identity_holds(sigma, g.lambdas)
    assert all(Fraction(p) == g.denominator * lj for p, lj in zip(g.lambda_prime, g.lambdas,
                                                                 strict=True))
    # the plant: a perturbed λ fails the same direct check
    assert not _identity_holds(sigma, (g.lambdas[0] + 1, *g.lambdas[1:]))


def test_parse_activation_and_the_degree_limit() -> None:
    assert whyrelu.parse_activation("leaky_relu(0.125)").name == "leaky_relu(1/8)"
    assert whyrelu.MAX_DEGREE == 512
    assert whyrelu.parse_activation("x^512").traits.degree == 512
    with pytest.raises(DegreeLimitError, match="degree 513, above the limit 512"):
        whyrelu.parse_activation("x^513")
    with pytest.raises(DegreeLimitError, match="degree 600, above the limit 512"):
        whyrelu.gadget("x^600")
    with pytest.raises(DegreeLimitError):
        whyrelu.parse_activation("x^3", max_degree=2)


def test_compile_slp_simulates_the_program() -> None:
    # chain.slp: 3/2, 9/4, 3/4, 27/16
    c = whyrelu.compile_slp(DATA / "chain.slp", "x^2")
    assert c.output == Fraction(27, 16) and c.simulates
    assert c.nodes > 0 and c.edges > 0 and c.depth > 0
    assert c.to_json()["output"] == "27/16"
    text = "a0 = 1.5\na1 = a0 * a0\n"  # decimals are exact: (3/2)^2
    assert whyrelu.compile_slp(text, "x^2 + x").output == Fraction(9, 4)


NET: dict[str, Any] = {
    "nodes": [{"name": "x"}, {"name": "h", "activation": "relu"},
              {"name": "o", "activation": "id"}],
    "inputs": ["x"], "outputs": ["o"],
    "edges": [{"from": "x", "to": "h", "weight": "0.5"},
              {"from": "h", "to": "o", "weight": "3", "bias": "-1/3"}]}


def test_forward_by_hand() -> None:
    # h = relu(x/2), o = 3h - 1/3; at x = 1/4: h = 1/8, o = 3/8 - 1/3 = 1/24
    fp = whyrelu.forward(NET, {"x": "0.25"})
    assert fp.outputs == {"o": Fraction(1, 24)}
    assert fp.values == {"x": Fraction(1, 4), "h": Fraction(1, 8), "o": Fraction(1, 24)}
    assert whyrelu.forward(NET, {"x": Fraction(-2)}).outputs == {"o": Fraction(-1, 3)}
    # net.json at x = 3/2, y = 3 (tests/test_cli.py works it out by hand): o = 1/2
    assert whyrelu.forward(DATA / "net.json", {"x": "3/2", "y": 3}).outputs["o"] == Fraction(1, 2)


def test_floats_need_exact_float() -> None:
    with pytest.raises(RationalTypeError, match="exact_float=True"):
        whyrelu.forward(NET, {"x": 0.1})
    fp = whyrelu.forward(NET, {"x": 0.1}, exact_float=True)
    assert fp.values["x"] == Fraction(0.1) != Fraction(1, 10)  # the binary value of 0.1


def test_backprop_by_hand() -> None:
    # x = 1, y = 0: h = 1/2, o = 7/6, loss ½ o² = 49/72; ∂/∂w(h→o) = o·h = 7/12,
    # ∂/∂w(x→h) = o·3·1·x = 7/2, ∂/∂b(h→o) = o = 7/6
    g = whyrelu.backprop(NET, [{"x": {"x": "1"}, "y": {"o": "0"}}])
    assert g.loss == Fraction(49, 72)
    assert g.grad_weight == {"x->h": Fraction(7, 2), "h->o": Fraction(7, 12)}
    assert g.grad_bias["h->o"] == Fraction(7, 6)
    assert g.to_json()["loss"] == "49/72"


def test_sizes_within_the_theorem_e1_bound() -> None:
    r = whyrelu.sizes("relu", depth=2)
    assert r.within_bound and 0 < r.max_size_bits <= r.bound_bits
    assert r.to_json()["activation"] == "relu"
    sq = whyrelu.sizes("x^2", depth=3)
    assert sq.max_size_bits > r.max_size_bits  # degree 2 doubles sizes per layer


def test_run_claim_and_a_negative_control() -> None:
    run = whyrelu.run_claim("gadget.x_squared_example", profile="ci")
    assert run.ok and [r.outcome for r in run.results] == ["holds"]
    ctl = whyrelu.run_claim("gadget.unhalved_lambda_refuted", profile="ci")
    assert ctl.ok and {r.outcome for r in ctl.results} == {"refuted"}
    with pytest.raises(whyrelu.WhyReluError, match="no claim matches"):
        whyrelu.run_claim("no.such.claim")
    with pytest.raises(whyrelu.WhyReluError, match="unknown profile"):
        whyrelu.run_claim("gadget.x_squared_example", profile="fast")


def test_run_registry_and_write_report(tmp_path: Path) -> None:
    run = whyrelu.run_registry(["gadget.x_squared_example"], ["x^4 - x"], profile="ci")
    assert run.ok and len(run.results) == 1
    doc = run.to_json()
    assert doc["claims"][0]["claim"] == "gadget.x_squared_example"
    assert "x^4 - x" in doc["activations"]
    files = whyrelu.write_report(run, tmp_path / "r")
    assert files.markdown.exists() and files.json.exists()
    rep = files.load()
    assert rep["ok"] is True and rep["whyrelu_version"] == whyrelu.__version__
    assert rep["schema_version"] == whyrelu.SCHEMA_VERSION


def test_docstring_examples_run() -> None:
    import doctest

    import checkers.rationals

    for module in (whyrelu, checkers.rationals):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_results_are_frozen_and_json_ready(tmp_path: Path) -> None:
    results: list[Any] = [whyrelu.gadget("x^3"), whyrelu.forward(NET, {"x": 1}),
                          whyrelu.backprop(NET, [{"x": {"x": "1"}, "y": {"o": "0"}}]),
                          whyrelu.sizes("relu", depth=1),
                          whyrelu.compile_slp(DATA / "chain.slp", "x^2")]
    for r in results:
        json.dumps(r.to_json())
        field = next(iter(vars(r))) if hasattr(r, "__dict__") else "sigma"
        with pytest.raises(AttributeError):
            setattr(r, field, None)


def test_import_and_train_through_the_api(tmp_path: Path) -> None:
    """whyrelu.import_network reads an npz model exactly; whyrelu.train matches gd_step."""
    import numpy as np
    from flint import fmpq

    from checkers.losses import SQUARE
    from checkers.network import Sample
    from checkers.training import gd_step

    w = np.array([[0.5, -0.25]], dtype=np.float32)
    path = tmp_path / "m.npz"
    arrays: dict[str, Any] = {"0.weight": w, "activations": np.array(["id"])}
    np.savez(str(path), **arrays)
    imp = whyrelu.import_network(path)
    assert imp.network.weights == (fmpq(1, 2), fmpq(-1, 4))
    data = [{"x": {"x0": "1", "x1": "2"}, "y": {"h0_0": "1"}}]
    run = whyrelu.train(path, data, lr="1/4", steps=1)
    expected = gd_step(whyrelu.load_network(path), [Sample.of({"x0": 1, "x1": 2}, [1])],
                       SQUARE, fmpq(1, 4))
    assert run.network.weights == expected.weights
    # f = 1/2 − 1/2 = 0, so L = ½(0 − 1)² = 1/2 before the step
    assert run.records[0].loss == fmpq(1, 2)


def test_classify_through_the_api() -> None:
    """whyrelu.classify gives the verdicts of docs/which-side.md (checked by hand here)."""
    assert (whyrelu.classify("x^2", measured=False).side,
            whyrelu.classify("x^2", measured=False).strength) == ("hard", "proved")
    relu = whyrelu.classify("relu", measured=False)
    assert (relu.side, relu.strength) == ("tractable", "proved")
    sq = whyrelu.classify("relu^2", measured=False)
    assert (sq.side, sq.strength) == ("hard", "gadget")  # beyond the paper: no forcing proof
    assert whyrelu.classify("tanh", measured=False).side == "outside"
    assert "classify" in whyrelu.__all__
