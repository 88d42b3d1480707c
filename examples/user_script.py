"""A downstream user's script: the public API of ``import whyrelu``, type-checked with
``mypy --strict`` against the installed package in CI (``scripts/wheel_smoke.sh``)."""

from __future__ import annotations

from fractions import Fraction

import whyrelu


def main() -> int:
    print(f"whyrelu {whyrelu.__version__}")
    g: whyrelu.GadgetResult = whyrelu.gadget("x^2")
    # Lemma 3.1 for σ(x) = x²: ½(σ(x+y) − σ(x) − σ(y)) = xy
    assert g.lambdas == (Fraction(1, 2), Fraction(0), Fraction(0)), g.lambdas
    net = {"nodes": [{"name": "x"}, {"name": "h", "activation": "relu"},
                     {"name": "o", "activation": "id"}],
           "inputs": ["x"], "outputs": ["o"],
           "edges": [{"from": "x", "to": "h", "weight": "0.5"},
                     {"from": "h", "to": "o", "weight": "3", "bias": "-1/3"}]}
    fp: whyrelu.ForwardPass = whyrelu.forward(net, {"x": "0.25"})
    assert fp.outputs["o"] == Fraction(3, 8) - Fraction(1, 3), fp.outputs
    grad = whyrelu.backprop(net, [{"x": {"x": "1"}, "y": {"o": "0"}}])
    print("loss", grad.loss, "grad", grad.to_json()["grad_weight"])
    run: whyrelu.RunResult = whyrelu.run_claim("gadget.identity", "x^2 + x", profile="ci")
    print("gadget.identity on x^2 + x:", [r.outcome for r in run.results])
    return 0 if run.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
