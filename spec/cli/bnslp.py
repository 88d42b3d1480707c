"""``whyrelu slp bnslp`` (Lemma A.5) and ``whyrelu subset-sum`` (Theorem 2.4 → ERM_bit)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spec.bnslp import to_bnslp
from spec.cli import CLI, UsageError, emit, parse_act
from spec.cli.engine import read_slp
from spec.gadget import sigma_polynomial
from spec.subset_sum import subset_sum_chain, subset_sum_slp


def _bnslp(args: argparse.Namespace) -> int:
    bn = to_bnslp(read_slp(args.file))
    out: dict[str, object] = {"gates": bn.m, "scale_exponent": bn.scale_exponent,
                              "source_gates": bn.n, "b0": f"1/2^{bn.m}"}
    if args.output is not None:
        Path(args.output).write_text(bn.to_text(), encoding="utf-8")
        out["written"] = args.output
        emit(out, args.json)
    elif args.json:
        out["program"] = bn.to_text()
        emit(out, True)
    else:
        sys.stdout.write(bn.to_text())
    return 0


def _weights(text: str) -> list[int]:
    try:
        ws = [int(w) for w in text.replace(" ", "").split(",") if w != ""]
    except ValueError:
        raise UsageError(f"--weights expects comma-separated integers, got {text!r}") from None
    if not ws:
        raise UsageError("--weights needs at least one weight")
    if any(w < 0 for w in ws):
        raise UsageError(f"--weights must be >= 0, got {text!r}")
    return ws


class _Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        line = f"{stage} [{done}/{total}]" if total > 1 else stage
        if self.tty:
            sys.stderr.write("\r\033[K" + line[:150])
        elif stage != self.last or done == total:
            sys.stderr.write(line + "\n")
        self.last = stage
        sys.stderr.flush()

    def done(self) -> None:
        if self.tty and not self.quiet:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _subset_sum(args: argparse.Namespace) -> int:
    ws = _weights(args.weights)
    if args.target < 0:
        raise UsageError(f"--target must be >= 0, got {args.target}")
    act = parse_act(args.sigma)
    sigma_polynomial(act)
    a, b = args.gap if args.gap is not None else (0, 1)
    if a < 0 or b <= a:
        raise UsageError(f"--gap needs integers 0 <= A < B, got {a} {b}")
    if args.block_bits is not None and args.block_bits <= len(ws):
        raise UsageError(f"--block-bits must exceed the number of weights ({len(ws)})")
    if args.slp_out is not None:
        Path(args.slp_out).write_text(subset_sum_slp(ws, args.block_bits).slp.to_text(),
                                      encoding="utf-8")
    progress = _Progress(args.quiet)
    res = subset_sum_chain(ws, args.target, act, a=a, b=b, M=args.block_bits,
                           reverify=args.reverify, progress=progress)
    progress.done()
    emit(res.to_json(), args.json)
    return 0 if res.count == res.brute_force else 1


def register(cli: CLI) -> None:
    p = cli.command("bnslp", "Lemma A.5: turn an SLP with a0 = 1 into a BN-SLP (b0 = 2^-m, all "
                    "values in [-1, 1], output 2^(-m*2^n)*n_P)", _bnslp, group="slp")
    p.add_argument("file", help="SLP text file with a0 = 1")
    p.add_argument("-o", "--output", metavar="OUT",
                   help="write the BN-SLP to OUT and print a summary (default: print it)")
    p.add_argument("--json", action="store_true",
                   help="print JSON {gates, scale_exponent, ...} (with the program unless -o)")

    p = cli.command("subset-sum", "Theorem 2.4 illustrated: count the subsets with a given sum "
                    "through ERM_bit instances I(P, j) (#SubsetSum -> BitSLP -> ERM_bit)",
                    _subset_sum)
    p.add_argument("--weights", required=True, metavar="A1,A2,...",
                   help="comma-separated integer weights >= 0, e.g. 3,5,7,8")
    p.add_argument("--target", required=True, type=int, metavar="T", help="the target sum")
    p.add_argument("--sigma", default="x^2", metavar="EXPR",
                   help="polynomial activation of degree >= 2 (default x^2)")
    p.add_argument("--gap", nargs=2, type=int, metavar=("A", "B"), default=None,
                   help="promise gap a < b of every instance (default 0 1)")
    p.add_argument("--block-bits", type=int, metavar="M", default=None,
                   help="block width M > n (default n + 1)")
    p.add_argument("--reverify", action="store_true",
                   help="verify every instance's forcing samples in full (default: once, "
                        "shared, since they do not depend on the bit index)")
    p.add_argument("--slp-out", metavar="FILE",
                   help="also write the SLP of prod(1 + X^a_i) to FILE (SLP text format)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--json", action="store_true", help="print JSON")
