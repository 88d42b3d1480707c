"""``whyrelu slp gradient``: the App. C gradient coordinate of an SLP (Theorem 1.3).

The SLP is compiled into the Lemma 3.2 network, extended by the id vertex t and the edge
e∗ = (t₀, t), and fed B identical samples (a₀, −a₀) under the square loss; ∂L/∂w_{e∗} is
then computed by exact backpropagation through that network (never by evaluating the SLP).
"""

from __future__ import annotations

import argparse

from checkers.errors import RationalParseError
from checkers.rationals import bit, fmt, sign, to_q
from spec.cli import CLI, UsageError, emit, parse_act
from spec.cli.engine import add_budget, budget, read_slp
from spec.gadget import sigma_polynomial
from spec.theorem13 import app_c, gradient_sizes


def _gradient(args: argparse.Namespace) -> int:
    act = parse_act(args.sigma)
    sigma_polynomial(act)  # DegreeError for id, affine or non-polynomial σ
    if args.copies < 1:
        raise UsageError(f"--copies must be a positive integer, got {args.copies}")
    try:
        weight = to_q(args.weight)
    except RationalParseError as e:
        raise UsageError(f"--weight: {e}") from None
    slp = read_slp(args.file)
    bits = budget(args)
    appc = app_c(slp, act, copies=args.copies, w=weight)
    g = appc.instance.gradient(budget_bits=bits)
    out: dict[str, object] = {
        "gradient": fmt(g),
        "sign": sign(g),
        "bit": None if args.bit is None else bit(g, args.bit),
    }
    if args.sizes:
        out["sizes"] = gradient_sizes(appc, budget_bits=bits).to_json()
    emit(out, args.json)
    return 0


def register(cli: CLI) -> None:
    p = cli.command(
        "gradient",
        "dL/dw_e* of the App. C instance of an SLP (Theorem 1.3), by exact backprop through "
        "the compiled network: B(w_e* n_P + a0) n_P, i.e. B a0 n_P at theta*",
        _gradient, group="slp")
    p.add_argument("file", help="SLP text file")
    p.add_argument("--sigma", required=True, metavar="EXPR",
                   help="polynomial activation of degree >= 2, e.g. 'x^2'")
    p.add_argument("--copies", type=int, default=1, metavar="B",
                   help="number B of identical samples (a0, -a0) (default 1)")
    p.add_argument("--bit", type=int, metavar="J",
                   help="Backprop-Bit: also print bit J of the gradient (any integer J; for "
                        "a0 = 1 and B = 1 it is bit J of n_P)")
    p.add_argument("--weight", default="0", metavar="W",
                   help="w_e* (default 0, i.e. theta*); a rational such as 1/2")
    p.add_argument("--sizes", action="store_true",
                   help="also report the sizes (bits) of n_P, of dL/dw_e* and of the largest "
                        "entry of the whole gradient at this theta")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_budget(p)
