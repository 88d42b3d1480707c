"""``whyrelu erm decide`` and ``whyrelu erm set-splitting``: the exact zero-loss decider for
one-hidden-layer ReLU networks and the Boob–Dey–Lan reduction (beyond the paper, see
:mod:`spec.beyond.relu_np_hardness`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from flint import fmpq

from checkers.formats import dataset_from_json, free_flags_from_json, network_from_json, read_json
from checkers.losses import LOSSES
from checkers.lp import farkas_certificate
from checkers.rationals import fmt
from checkers.relu_erm import (
    Decision,
    Problem,
    case_rows,
    check_refutation,
    decide,
    prefix_rows,
)
from spec.beyond._theorem_e2 import ERMInstance, Theta, verify
from spec.beyond.relu_np_hardness import (
    SetSplitting,
    erm_instance,
    problem,
    splitting,
    theta_of,
    witness,
)
from spec.cli import CLI, UsageError, emit

MAX_PATTERNS = 100_000
"""Default limit on the activation patterns one decision may explore (``--max-patterns``)."""


def _limit(args: argparse.Namespace) -> int:
    if args.max_patterns < 1:
        raise UsageError(f"--max-patterns must be >= 1, got {args.max_patterns}")
    return int(args.max_patterns)


def _certificates_json(prob: Problem, dec: Decision) -> list[dict[str, Any]]:
    ref = dec.refutation
    assert ref is not None
    out = []
    for d in ref.dropped:
        if d.reason == "empty" and d.farkas is not None:
            sys = case_rows(prob, prob.data[d.sample], d.pattern).system(prob.nvars)
            out.append(farkas_certificate(
                sys, d.farkas, name=f"sample{d.sample}_case{''.join(map(str, d.pattern))}",
                statement=f"sample {d.sample} has no zero-loss point with hidden pattern "
                          f"{d.pattern}").to_json())
    for n, (prefix, mult) in enumerate(ref.certificates):
        sys = prefix_rows(prob, ref.order, prefix).system(prob.nvars)
        out.append(farkas_certificate(
            sys, mult, name=f"prefix{n}",
            statement="no θ has zero loss on samples "
                      + ", ".join(f"{i} (pattern {''.join(map(str, p))})"
                                  for i, p in zip(ref.order, prefix, strict=False))).to_json())
    return out


def _decide_cmd(args: argparse.Namespace) -> int:
    doc = read_json(args.network)
    net = network_from_json(doc, source=args.network)
    data = dataset_from_json(read_json(args.data), net, source=args.data)
    free_w, free_b = free_flags_from_json(doc, net, source=args.network)
    prob = Problem(net, free_w, free_b, tuple(data), loss=args.loss)
    dec = decide(prob, max_patterns=_limit(args))
    out: dict[str, Any] = {"feasible": dec.feasible, "free_parameters": prob.nvars,
                           "patterns_explored": dec.explored, "lp_solved": dec.solved,
                           "seconds": round(dec.seconds, 3)}
    if dec.witness is not None:
        ws, bs = prob.theta(dec.witness)
        theta = Theta(ws, bs)
        inst = ERMInstance(net, tuple(data), LOSSES[args.loss], fmpq(0), 1, 2)
        v = verify(inst, theta)
        out["witness"] = [{"from": u, "to": t, "weight": fmt(w), "bias": fmt(b)}
                          for (u, t), w, b in zip(net.edges, ws, bs, strict=True)]
        out["witness_bits"] = v.enc_bits
        out["verified"] = v.accepted and v.loss == 0
        text = (f"feasible: loss 0 is reachable; witness of {v.enc_bits} bits, Theorem E.2 "
                f"verifier: {'accepted' if out['verified'] else 'REJECTED'}\n"
                + "\n".join(f"  {e['from']}->{e['to']}: weight {e['weight']}, bias {e['bias']}"
                            for e in out["witness"]))
    else:
        assert dec.refutation is not None
        ok = check_refutation(prob, dec.refutation)
        out["certificates"] = dec.certificates
        out["certificates_checked"] = ok
        if args.certificates:
            Path(args.certificates).write_text(
                json.dumps(_certificates_json(prob, dec), indent=1), encoding="utf-8")
        text = (f"infeasible: no parameters reach loss 0; {dec.certificates} Farkas "
                f"certificates, {'all checked' if ok else 'CHECK FAILED'}")
    text += f"\npatterns explored: {dec.explored} ({dec.solved} LPs), {dec.seconds:.3f} s"
    emit(out, args.json, text=None if args.json else text)
    return 0


def _splitting_cmd(args: argparse.Namespace) -> int:
    inst = SetSplitting.parse(args.sets, args.elements)
    split = splitting(inst)
    prob = problem(inst)
    dec = decide(prob, max_patterns=_limit(args))
    out: dict[str, Any] = {"elements": inst.n, "sets": [list(c) for c in inst.sets],
                           "splittable": split is not None, "zero_loss": dec.feasible,
                           "agree": (split is not None) == dec.feasible,
                           "patterns_explored": dec.explored, "lp_solved": dec.solved,
                           "seconds": round(dec.seconds, 3)}
    lines = [f"instance: {inst.show()}"]
    if split is not None:
        v = verify(erm_instance(inst), witness(inst, split))
        out["splitting"] = [sorted(split[0]), sorted(split[1])]
        out["witness_bits"] = v.enc_bits
        out["witness_verified"] = v.accepted and v.loss == 0
        lines.append(f"splittable: S1 = {sorted(split[0])}, S2 = {sorted(split[1])}; witness "
                     f"from the splitting: {v.enc_bits} bits, Theorem E.2 verifier "
                     f"{'accepted' if out['witness_verified'] else 'REJECTED'}")
    else:
        lines.append("splittable: no (brute force over all partitions)")
    if dec.witness is not None:
        vd = verify(erm_instance(inst), theta_of(prob, dec.witness))
        out["decider_witness_bits"] = vd.enc_bits
        out["decider_witness_verified"] = vd.accepted and vd.loss == 0
        lines.append(f"zero loss: yes (decider's witness {vd.enc_bits} bits, verifier "
                     f"{'accepted' if out['decider_witness_verified'] else 'REJECTED'})")
    else:
        assert dec.refutation is not None
        ok = check_refutation(prob, dec.refutation)
        out["certificates"] = dec.certificates
        out["certificates_checked"] = ok
        lines.append(f"zero loss: no ({dec.certificates} Farkas certificates, "
                     f"{'all checked' if ok else 'CHECK FAILED'})")
    lines.append(f"patterns explored: {dec.explored} ({dec.solved} LPs), {dec.seconds:.3f} s")
    emit(out, args.json, text=None if args.json else "\n".join(lines))
    return 0 if out["agree"] else 1


def register(cli: CLI) -> None:
    p = cli.command("decide", "exact zero-loss decision for a one-hidden-layer ReLU network "
                    "whose hidden-to-output weights are fixed (free parameters declared with "
                    "\"free\" on edges): a verified witness or checked Farkas certificates",
                    _decide_cmd, group="erm")
    p.add_argument("network", metavar="NET.json")
    p.add_argument("data", metavar="DATA.json")
    p.add_argument("--loss", choices=sorted(LOSSES), default="square")
    p.add_argument("--max-patterns", type=int, default=MAX_PATTERNS)
    p.add_argument("--certificates", metavar="FILE",
                   help="write the Farkas certificates of a NO answer as JSON")
    p.add_argument("--json", action="store_true")
    p = cli.command("set-splitting", "build the Boob–Dey–Lan ReLU instance of a set-splitting "
                    "instance and decide it both ways (brute force and the exact decider)",
                    _splitting_cmd, group="erm")
    p.add_argument("--sets", required=True, help='subsets, e.g. "1 2 3; 3 4 5; 1 4 5"')
    p.add_argument("--elements", type=int, default=None,
                   help="size n of the ground set 1..n (default: the largest element)")
    p.add_argument("--max-patterns", type=int, default=MAX_PATTERNS)
    p.add_argument("--json", action="store_true")
