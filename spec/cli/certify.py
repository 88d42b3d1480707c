"""``whyrelu certify``: write the claims' certificates for Coq, z3 and Lean, and check them.

    whyrelu certify [--claim PATTERN] [--activation EXPR] --coq DIR [--smt DIR] [--lean DIR]
                    [--json-dir DIR] [--check]
    whyrelu certify --from CERT.json ... --coq DIR --check

One file per certificate; ``--check`` compiles each ``.v`` with ``coqc`` and runs each
``.smt2`` through z3, reporting accepted / rejected per certificate (exit status 1 when one
is rejected).  See docs/certificates.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from checkers.activations import parse_activation
from checkers.certificates import CertificateError, KernelCertificate, from_json
from spec.activations import activations
from spec.claims import ClaimFailure, load_all, select
from spec.cli import CLI, UsageError, emit
from spec.harness import certify


def collect(patterns: list[str] | None, extra: list[str] | None
            ) -> list[tuple[str, KernelCertificate]]:
    """``(file stem, certificate)`` for every claim with a prover (matching ``patterns``)
    on every activation it covers (only the ``extra`` ones when given)."""
    claims = [c for c in load_all() if c.prover is not None]
    if patterns:
        claims = select(claims, patterns)
    acts = [parse_activation(a) for a in extra] if extra else activations()
    out: list[tuple[str, KernelCertificate]] = []
    for c in claims:
        targets = [a for a in acts if c.applies_to(a)] if c.covers is not None else [None]
        for act in targets:
            try:
                cert = c.prover(act)  # type: ignore[misc]
            except ClaimFailure as e:
                if c.expect == "counterexample":
                    continue  # a negative control's prover must fail: nothing to certify
                raise UsageError(f"the prover of {c.id} failed on "
                                 f"{act.name if act else '-'}: {e.message}") from e
            tag = "" if act is None else "__" + act.name
            out += [(f"{c.id}{tag}__{k.name}", k) for k in cert.items]
    return out


def _read(files: list[str]) -> list[tuple[str, KernelCertificate]]:
    out = []
    for f in files:
        try:
            text = Path(f).read_text(encoding="utf-8")
        except OSError as e:
            raise UsageError(f"cannot read {f}: {e.strerror}") from e
        try:
            out.append((Path(f).stem, from_json(text)))
        except CertificateError as e:
            raise UsageError(f"{f}: {e}") from e
    return out


def _certify(args: argparse.Namespace) -> int:
    if not (args.coq or args.smt or args.lean or args.json_dir):
        raise UsageError("give at least one of --coq DIR, --smt DIR, --lean DIR, --json-dir DIR")
    items = _read(args.from_files) if args.from_files else collect(args.claim, args.activation)
    if not items:
        raise UsageError("no certificate matches (claims with a prover: "
                         + ", ".join(c.id for c in load_all() if c.prover is not None) + ")")
    written = certify.write(items, coq=args.coq and Path(args.coq),
                            smt=args.smt and Path(args.smt), lean=args.lean and Path(args.lean),
                            json_dir=args.json_dir and Path(args.json_dir))
    out: dict[str, object] = {"certificates": len(written),
                              "checkers_available": certify.available()}
    lines = [f"{len(written)} certificates written"
             + "".join(f"; {k} files in {d}" for k, d in (("Coq", args.coq), ("SMT-LIB", args.smt),
                                                          ("Lean 4", args.lean),
                                                          ("JSON", args.json_dir)) if d)]
    status = 0
    if args.check:
        results = certify.check_files(written)
        out["results"] = [{"certificate": r.name, "kernel": r.kernel, "verdict": r.verdict,
                           "detail": r.detail} for r in results]
        for r in results:
            lines.append(f"{r.verdict:<11} {r.kernel:<6} {r.name}")
            if r.verdict == "rejected":
                status = 1
                lines += ["    " + ln for ln in r.detail.splitlines()[-6:]]
        n_acc = sum(r.verdict == "accepted" for r in results)
        lines.append(f"{n_acc}/{len(results)} accepted; checkers available: "
                     + ", ".join(certify.available()))
    emit(out, args.json, text=None if args.json else "\n".join(lines))
    return status


def register(cli: CLI) -> None:
    p = cli.command("certify", "write the certificates of the proved claims for Coq / z3 / "
                    "Lean 4 and (--check) re-check them with coqc and z3", _certify)
    p.add_argument("--claim", action="append", metavar="PATTERN",
                   help="only claims whose id or paper reference matches (repeatable)")
    p.add_argument("--activation", action="append", metavar="EXPR",
                   help="only this activation (repeatable; default: the registered ones)")
    p.add_argument("--from", dest="from_files", action="append", metavar="FILE",
                   help="certify this JSON certificate instead of the claims' (repeatable)")
    p.add_argument("--coq", metavar="DIR", help="write one .v file per certificate and a "
                   "_CoqProject")
    p.add_argument("--smt", metavar="DIR", help="write one SMT-LIB 2 file per certificate")
    p.add_argument("--lean", metavar="DIR", help="write one Lean 4 file per certificate "
                   "(needs Mathlib; not compiled here)")
    p.add_argument("--json-dir", metavar="DIR", help="write each certificate as JSON")
    p.add_argument("--check", action="store_true",
                   help="compile the .v files with coqc and run the .smt2 files through z3")
    p.add_argument("--json", action="store_true", help="print JSON")
