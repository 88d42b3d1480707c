"""Kernel re-checking of the certificates the claims' provers emit.

:func:`verify` decides which checker a **proved** outcome rests on: every certificate is
first re-checked by its few-line Python checker (:meth:`KernelCertificate.check`); then, by
``WHYRELU_KERNEL`` (``auto`` — the default —, ``coq``, ``z3`` or ``python``), by Coq (one
``coqc`` call per claim and activation; verdicts cached by the file's exact text) or else
z3.  :func:`write` emits one file per certificate for ``whyrelu certify``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from checkers.certificates import CertificateRejected, KernelCertificate
from checkers.kernels import (
    KernelResult,
    cache_dir,
    coqc_path,
    ident,
    run_coq,
    run_z3,
    to_coq,
    to_lean,
    to_smt,
    z3_available,
)

KERNELS = ("auto", "coq", "z3", "python")


def kernel_setting() -> str:
    """``WHYRELU_KERNEL`` (default ``auto``)."""
    k = os.environ.get("WHYRELU_KERNEL", "auto").strip().lower() or "auto"
    return k if k in KERNELS else "auto"


@functools.cache
def coq_version() -> str | None:
    path = coqc_path()
    if path is None:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                             check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = out.split()
    return words[words.index("version") + 1] if "version" in words else out.strip()[:40]


@functools.cache
def z3_version() -> str | None:
    if not z3_available():
        return None
    import z3

    return str(z3.get_version_string())


def available() -> list[str]:
    """The certificate checkers available here, e.g. ``["Coq 8.16.1", "z3 4.15", "Python"]``."""
    out = []
    if coq_version() is not None:
        out.append(f"Coq {coq_version()}")
    if z3_version() is not None:
        out.append(f"z3 {z3_version()}")
    return [*out, "Python"]


def combined_coq(items: Sequence[KernelCertificate]) -> str:
    """All ``items`` in one Coq file, each in its own module (one ``coqc`` call)."""
    parts = []
    for i, c in enumerate(items):
        body = to_coq(c)
        head, _, rest = body.partition("Open Scope Q_scope.\n")
        parts.append(f"{head.splitlines()[0]}\nModule C{i}_{ident(c.name)}.\n{rest}"
                     f"End C{i}_{ident(c.name)}.\n")
    return ("Require Import QArith List.\nImport ListNotations.\nOpen Scope Q_scope.\n\n"
            + "\n".join(parts))


def _coq_cached(text: str) -> tuple[str, str]:
    key = hashlib.sha256(f"{coq_version()}\n{text}".encode()).hexdigest()
    cdir = cache_dir()
    hit = cdir / f"{key}.json"
    try:
        d = json.loads(hit.read_text(encoding="utf-8"))
        return str(d["verdict"]), str(d["detail"])
    except (OSError, ValueError, KeyError):
        pass
    with tempfile.TemporaryDirectory(prefix="whyrelu-coq-") as tmp:
        f = Path(tmp) / "certificates.v"
        f.write_text(text, encoding="utf-8")
        verdict, detail = run_coq(f)
    if verdict != "unavailable" and "timed out" not in detail:
        try:
            cdir.mkdir(parents=True, exist_ok=True)
            tmpf = cdir / f"{key}.{os.getpid()}.tmp"
            tmpf.write_text(json.dumps({"verdict": verdict, "detail": detail}),
                            encoding="utf-8")
            tmpf.replace(hit)
        except OSError:
            pass
    return verdict, detail


@dataclass(frozen=True)
class Verification:
    """Which checker accepted a claim's certificates (``checker``), or why not."""

    checker: str
    accepted: bool
    refuted: bool = False
    message: str = ""


def verify(items: Sequence[KernelCertificate], kernel: str | None = None) -> Verification:
    """Re-check ``items``: Python first (a rejection there is a refutation), then the
    strongest available kernel allowed by ``kernel`` (a rejection there is an error: the
    checkers disagree)."""
    for c in items:
        try:
            c.check()
        except CertificateRejected as e:
            return Verification("Python", False, True, f"certificate rejected by Python: {e}")
    k = kernel or kernel_setting()
    if not items or k == "python":
        return Verification("Python", True)
    if k in ("auto", "coq") and coqc_path() is not None:
        verdict, detail = _coq_cached(combined_coq(items))
        if verdict == "accepted":
            return Verification("Coq", True)
        return Verification("Coq", False, False, f"certificate rejected by Coq:\n{detail}")
    if k in ("auto", "z3") and z3_available():
        for c in items:
            v, detail = run_z3(to_smt(c))
            if v != "accepted":
                return Verification("z3", False, False,
                                    f"certificate {c.name} rejected by z3: {detail}")
        return Verification("z3", True)
    return Verification("Python", True)


def write(items: Iterable[tuple[str, KernelCertificate]], *, coq: Path | None = None,
          smt: Path | None = None, lean: Path | None = None,
          json_dir: Path | None = None) -> list[tuple[str, KernelCertificate, dict[str, Path]]]:
    """Write each ``(stem, certificate)`` as ``stem.v`` / ``stem.smt2`` / ``stem.lean`` /
    ``stem.json`` into the given directories (with a ``_CoqProject`` next to the Coq
    files); returns what was written where."""
    out = []
    for d in (coq, smt, lean, json_dir):
        if d is not None:
            d.mkdir(parents=True, exist_ok=True)
    stems: list[str] = []
    for stem, c in items:
        files: dict[str, Path] = {}
        stem = ident(stem)
        stems.append(stem)
        for d, ext, render in ((coq, "v", to_coq), (smt, "smt2", to_smt),
                               (lean, "lean", to_lean)):
            if d is not None:
                files[ext] = d / f"{stem}.{ext}"
                files[ext].write_text(render(c), encoding="utf-8")
        if json_dir is not None:
            files["json"] = json_dir / f"{stem}.json"
            files["json"].write_text(c.dumps() + "\n", encoding="utf-8")
        out.append((stem, c, files))
    if coq is not None:
        (coq / "_CoqProject").write_text(
            "-R . WhyReluCertificates\n" + "".join(f"{s}.v\n" for s in stems),
            encoding="utf-8")
    return out


def check_files(written: Sequence[tuple[str, KernelCertificate, dict[str, Path]]]
                ) -> list[KernelResult]:
    """The Python checker on every certificate, then coqc on every written ``.v`` and z3 on
    every ``.smt2``."""
    results = []
    for stem, c, files in written:
        try:
            c.check()
            results.append(KernelResult(stem, "Python", "accepted"))
        except CertificateRejected as e:
            results.append(KernelResult(stem, "Python", "rejected", str(e)))
        if "v" in files:
            v, detail = run_coq(files["v"])
            results.append(KernelResult(stem, "Coq", v, detail))
        if "smt2" in files:
            v, detail = run_z3(files["smt2"].read_text(encoding="utf-8"))
            results.append(KernelResult(stem, "z3", v, detail))
    return results
