"""``whyrelu gadget`` (Lemma 3.1) and ``whyrelu slp compile`` (Lemma 3.2, Claim B.1)."""

from __future__ import annotations

import argparse

from checkers.activations import Activation
from checkers.rationals import bit, fmt
from spec.cli import CLI, UsageError, add_max_degree, emit, parse_act
from spec.cli.engine import add_budget, add_exact_floats, budget, read_slp
from spec.gadget import gadget_lambdas, sigma_polynomial
from spec.lemma32 import build_instance, common_denominator, compile_slp


def _sigma(text: str, max_degree: int) -> Activation:
    """Parse ``--sigma`` / ``SIGMA``; a non-polynomial or degree < 2 is a DegreeError."""
    act = parse_act(text, max_degree)
    sigma_polynomial(act)
    return act


def _gadget(args: argparse.Namespace) -> int:
    act = parse_act(args.sigma, args.max_degree)
    p = sigma_polynomial(act)
    lam = gadget_lambdas(act)
    d, _, lam_prime = common_denominator(act)
    lam_s = [fmt(v) for v in lam]
    lam_p = [str(v) for v in lam_prime]
    out = {"sigma": act.name, "degree": int(p.degree()), "lambda": lam_s, "D": str(d),
           "lambda_prime": lam_p}
    text = (f"sigma: {act.name} (degree {int(p.degree())})\n"
            f"lambda: {', '.join(lam_s)}   (Lemma 3.1: sum_j lambda_j (sigma(x+y+j) - "
            f"sigma(x+j) - sigma(y+j)) = x*y)\n"
            f"D: {d}; lambda' = D*lambda: {', '.join(lam_p)}   (Lemma 3.2)")
    emit(out, args.json, text=None if args.json else text)
    return 0


def _compile(args: argparse.Namespace) -> int:
    sigma = _sigma(args.sigma, args.max_degree)
    slp = read_slp(args.file, exact_float=args.exact_floats)
    a, b = args.gap if args.gap is not None else (0, 1)
    if a < 0 or b <= a:
        raise UsageError(f"--gap needs integers 0 <= A < B, got {a} {b}")
    bits = budget(args)
    want = slp.evaluate(budget_bits=bits)  # a gate beyond the budget is named as such
    c = compile_slp(slp, sigma)
    j = 0 if args.bit is None else args.bit
    inst = build_instance(c, j, a=a, b=b)
    ver = inst.verify(budget_bits=bits)
    got = c.gate_values(budget_bits=bits)
    counts = c.counts()
    assert ver.main_value is not None
    out: dict[str, object] = {
        "nodes": counts.nodes,
        "edges": counts.edges,
        "depth": counts.depth,
        "output": fmt(ver.main_value),
        "simulates": got == want,
        "forcing_samples": inst.template_count(),
        "forcing_ok": ver.forcing_ok,
        "sigma": sigma.name,
        "samples_total": inst.sample_count(),
    }
    if args.bit is not None:
        out["bit"] = bit(ver.main_value, j)
        out["loss_at_theta_star"] = ver.total_loss
        out["gamma"] = inst.gamma
        out["answer"] = ver.total_loss <= inst.gamma
    emit(out, args.json)
    return 0


def register(cli: CLI) -> None:
    p = cli.command("gadget", "the multiplication gadget of Lemma 3.1: lambda_0..lambda_mu for "
                    "a polynomial activation of degree >= 2", _gadget)
    p.add_argument("sigma", metavar="SIGMA", help="polynomial activation, e.g. 'x^2 + x'")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_max_degree(p)

    p = cli.command("compile", "compile an SLP file into the network of Lemma 3.2 and check "
                    "theta* on the ERM_bit instance I(P, j)", _compile, group="slp")
    p.add_argument("file", help="SLP file: the text format, or its JSON form (*.json)")
    p.add_argument("--sigma", required=True, metavar="EXPR",
                   help="polynomial activation of degree >= 2, e.g. 'x^2'")
    p.add_argument("--bit", type=int, metavar="J",
                   help="BitSLP index j: also report bit_j(n_P) and the loss at theta*")
    p.add_argument("--gap", nargs=2, type=int, metavar=("A", "B"), default=None,
                   help="promise gap a < b (default 0 1): forcing multiplicity B+1, B main "
                        "samples, threshold gamma = A")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_budget(p)
    add_exact_floats(p)
    add_max_degree(p)
