"""The claim: the unit of the executable specification.

A claim states one result of the paper (or one guarantee of the engine) and checks it on
Hypothesis-generated instances with exact arithmetic.  Declaring one is a decorator next to
the construction it is about::

    @claim_for(
        "Lemma 3.1",
        "Σ_j λ_j(σ(x+y+j) − σ(x+j) − σ(y+j)) = x·y for all rationals x, y",
        covers=NONLINEAR_POLYNOMIAL,
        instances=lambda act: st.tuples(rationals(), rationals()),
    )
    def lemma_3_1_identity(act: Activation, xy: tuple[fmpq, fmpq]) -> Evidence:
        ...
        check_eq(lhs, rhs, "the gadget multiplies", x=x, y=y)
        return Evidence()

A check raises :class:`ClaimFailure` (through :func:`check` / :func:`check_eq`) with every
evaluated sub-term, or returns :class:`Evidence` with measured figures and their bounds.
Negative controls are claims with ``expect="counterexample"`` and ``control_of`` naming
the claim they perturb; the suite passes when every claim meets its expectation.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import inspect
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, TypeVar

from flint import fmpq, fmpz
from hypothesis import event as _hypothesis_event
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from checkers.activations import Activation, Traits
from checkers.certificates import CertificateRejected, KernelCertificate

Status = Literal["theorem", "conditional", "cited", "erratum", "definition", "beyond"]
Expect = Literal["holds", "counterexample"]
Number = int | Fraction | fmpq | fmpz
T = TypeVar("T")

STATUSES: tuple[Status, ...] = ("theorem", "conditional", "cited", "erratum", "definition",
                               "beyond")
"""``beyond``: a result that goes beyond the paper (``spec/beyond/``, reference "Beyond the
paper: ..."); standard mathematics checked here, never presented as the paper's theorem."""


# --------------------------------------------------------------------------- failures


def _show(value: Any) -> str:
    text = str(value) if isinstance(value, fmpq | fmpz | Fraction | int) else repr(value)
    if len(text) <= 400:
        return text
    return text[:200] + f"... ({len(text)} characters) ..." + text[-100:]


class ClaimFailure(AssertionError):
    """A check found a counterexample; ``terms`` are the evaluated sub-terms."""

    def __init__(self, message: str, terms: Mapping[str, Any] | None = None) -> None:
        self.message = message
        self.terms = dict(terms or {})
        lines = [message] + [f"  {k} = {_show(v)}" for k, v in self.terms.items()]
        super().__init__("\n".join(lines))


def check(condition: bool, message: str, **terms: Any) -> None:
    """Fail the claim with ``message`` and the named sub-terms unless ``condition`` holds."""
    if not condition:
        raise ClaimFailure(message, terms)


def check_eq(lhs: Any, rhs: Any, message: str, **terms: Any) -> None:
    """Fail unless ``lhs == rhs`` (exactly); both sides are shown on failure."""
    if not lhs == rhs:
        raise ClaimFailure(message, {"lhs": lhs, "rhs": rhs, **terms})


def check_certificate(cert: KernelCertificate, message: str, **terms: Any) -> None:
    """Fail unless the certificate's own (Python) checker accepts ``cert``."""
    try:
        cert.check()
    except CertificateRejected as e:
        raise ClaimFailure(message, {"certificate": cert.name, "rejected": str(e),
                                     **terms}) from None


def as_fraction(v: Number) -> Fraction:
    """Any exact number as a ``Fraction`` (for comparisons across number types)."""
    if isinstance(v, fmpq):
        return Fraction(int(v.p), int(v.q))
    if isinstance(v, fmpz):
        return Fraction(int(v))
    return Fraction(v)


def check_le(value: Number, bound: Number, message: str, **terms: Any) -> None:
    """Fail unless ``value <= bound``."""
    if not as_fraction(value) <= as_fraction(bound):
        raise ClaimFailure(message, {"value": value, "bound": bound, **terms})


# --------------------------------------------------------------------------- regimes

_REGIMES: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "whyrelu_regimes", default=None)


def regime(name: str) -> None:
    """Record that the current example reached the branch or regime ``name`` (e.g. "a ReLU
    pre-activation exactly 0").  The runner counts the examples reaching each regime
    (``Result.regimes``) and reports them as Hypothesis events; a claim declaring
    ``regimes=(...)`` must reach every one of them in the ``ci`` profile
    (``tests/test_claims.py``)."""
    seen = _REGIMES.get()
    if seen is not None:
        seen.add(name)
    # outside a Hypothesis test (a unit test calling the check) there is nothing to report
    with contextlib.suppress(InvalidArgument):
        _hypothesis_event(name)


def collecting_regimes(seen: set[str]) -> contextvars.Token[set[str] | None]:
    """Make :func:`regime` record into ``seen`` (the runner, around one example)."""
    return _REGIMES.set(seen)


def stop_collecting_regimes(token: contextvars.Token[set[str] | None]) -> None:
    _REGIMES.reset(token)


@contextlib.contextmanager
def refuted_on(*labels: str) -> Iterator[None]:
    """In a negative control: let through only a :class:`ClaimFailure` whose message starts
    with one of ``labels`` (the sub-check the control's statement names); any other failure
    becomes an ``AssertionError`` (the runner reports it as a crash, never as the expected
    refutation), so a control cannot pass by failing for an unrelated reason."""
    try:
        yield
    except ClaimFailure as e:
        if not e.message.startswith(labels):
            raise AssertionError(
                f"negative control refuted on {e.message!r}, not on the named sub-check "
                f"{' / '.join(labels)!r}") from e
        raise


def _only_on(labels: tuple[str, ...]) -> contextlib.AbstractContextManager[None]:
    """:func:`refuted_on` for a control's declared labels; nothing when none are declared
    (the claim decorators' ``refuted_on=`` keyword shadows the function's name)."""
    return refuted_on(*labels) if labels else contextlib.nullcontext()


# --------------------------------------------------------------------------- evidence


@dataclass
class Evidence:
    """What one passing example measured: named figures and, for some, their bounds.

    The report keeps the maximum of every figure and the worst ratio figure/bound.
    """

    figures: dict[str, Number] = field(default_factory=dict)
    bounds: dict[str, Number] = field(default_factory=dict)

    @staticmethod
    def of(**figures: Number) -> Evidence:
        return Evidence(dict(figures))

    def bound(self, name: str, value: Number, bound: Number) -> Evidence:
        """Record ``name = value`` measured against ``bound`` (returns self)."""
        self.figures[name] = value
        self.bounds[name] = bound
        return self


@dataclass(frozen=True)
class Certificate:
    """What a claim's prover returns for the activation at hand; makes the outcome
    **proved** instead of **holds**.

    ``items`` are typed, serialisable certificates (:mod:`checkers.certificates`: polynomial
    and rational identities, inverses, exact evaluations, Farkas multipliers) that the
    runner re-checks with an independent checker — Coq, z3, or the few-line Python checker
    — before reporting ``proved (Coq)`` / ``proved (z3)`` / ``proved (Python)``; ``text``
    says in words what they establish together (and what the prover checked beyond them).
    """

    text: str
    items: tuple[KernelCertificate, ...] = ()


# --------------------------------------------------------------------------- coverage


@dataclass(frozen=True)
class Covers:
    """A predicate on activation traits: which activations a claim quantifies over."""

    description: str
    predicate: Callable[[Traits], bool]

    def __call__(self, act: Activation) -> bool:
        return self.predicate(act.traits)


NONLINEAR_POLYNOMIAL = Covers("polynomial of degree >= 2", lambda t: t.is_nonlinear_polynomial)
PIECEWISE_LINEAR = Covers(
    "piecewise-linear (ReLU-type)", lambda t: t.kind == "piecewise_linear"
)
BIT_BOUNDED = Covers("bit-bounded phi_K", lambda t: t.bit_bounded_k is not None)
ANY_ACTIVATION = Covers("any activation with exact values and no poles",
                        lambda t: t.exact and t.kind != "rational")
"""The engine's semantics claims (random networks, random inputs): activations that are maps
ℚ → ℚ everywhere.  Rational activations (poles) and inexact ones (tanh, x^(1/2): rounded by
phi_K) have their own semantics claims in :mod:`spec.beyond.activation_semantics`."""


# --------------------------------------------------------------------------- the claim

CheckFn = Callable[..., "Evidence | None"]


@dataclass(frozen=True)
class Claim:
    """One executable statement (see the module doc)."""

    id: str
    ref: str
    statement: str
    status: Status
    covers: Covers | None
    strategy: Callable[[Activation | None], st.SearchStrategy[Any]]
    run_check: Callable[[Activation | None, Any], Evidence | None]
    expect: Expect = "holds"
    control_of: str | None = None
    assumption: str | None = None
    prover: Callable[[Activation | None], Certificate] | None = None
    examples: int = 25
    split: int = 1
    shrink_calls: int = 150
    show: Callable[[Any], str] | None = None
    doc: str = ""
    module: str = ""
    tags: tuple[str, ...] = ()
    exhaustive: str | None = None

    @property
    def strength(self) -> str:
        """What a passing run establishes: ``proved`` (a certificate), ``exhaustive`` (the
        whole finite domain named by :attr:`exhaustive` was enumerated) or ``sampled``."""
        if self.prover is not None:
            return "proved"
        return "exhaustive" if self.exhaustive else "sampled"
    regimes: tuple[str, ...] = ()
    #: a negative control's named sub-check(s): the labels its refutation must start with
    #: (enforced around the check and the prover with :func:`refuted_on`)
    refuted_on: tuple[str, ...] = ()

    def applies_to(self, act: Activation | None) -> bool:
        if self.covers is None:
            return act is None
        return act is not None and self.covers(act)

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        return (*paper_order(self.ref), self.id)


_REGISTRY: dict[str, Claim] = {}


def _register(c: Claim) -> Claim:
    if c.id in _REGISTRY and _REGISTRY[c.id].module != c.module:
        raise ValueError(
            f"duplicate claim id {c.id!r} (in {c.module} and {_REGISTRY[c.id].module})")
    if c.status == "conditional" and not c.assumption:
        raise ValueError(f"claim {c.id}: a conditional claim must name its assumption")
    if c.status not in STATUSES:
        raise ValueError(f"claim {c.id}: unknown status {c.status!r}")
    beyond_ref = c.ref.startswith("Beyond")
    if (c.status == "beyond" and not beyond_ref) or (beyond_ref and c.status == "theorem"):
        raise ValueError(f"claim {c.id}: status 'beyond' needs a reference 'Beyond the paper: "
                         f"...', and such a reference is never a theorem of the paper (got "
                         f"{c.status!r}, {c.ref!r})")
    _REGISTRY[c.id] = c
    return c


def _claim_id(fn: Callable[..., Any], given: str | None) -> str:
    """``given``, else ``NAMESPACE.function``: the module's ``CLAIM_NAMESPACE`` if it sets
    one (so claim ids survive moving a module), else the module's last name."""
    if given:
        return given
    module = sys.modules.get(fn.__module__)
    namespace = getattr(module, "CLAIM_NAMESPACE", None) or fn.__module__.rsplit(".", 1)[-1]
    return f"{namespace}.{fn.__name__}"


def claim_for(
    ref: str,
    statement: str,
    *,
    covers: Covers,
    instances: Callable[[Activation], st.SearchStrategy[T]],
    status: Status = "theorem",
    expect: Expect = "holds",
    control_of: str | None = None,
    assumption: str | None = None,
    prover: Callable[[Activation], Certificate] | None = None,
    examples: int = 25,
    split: int = 1,
    shrink_calls: int = 150,
    show: Callable[[T], str] | None = None,
    id: str | None = None,
    tags: Iterable[str] = (),
    exhaustive: str | None = None,
    regimes: Iterable[str] = (),
    refuted_on: Iterable[str] = (),
) -> Callable[[Callable[[Activation, T], Evidence | None]], Claim]:
    """Declare a claim quantified over the activations matching ``covers``.

    The check receives the activation and one instance drawn from ``instances(act)``.
    ``exhaustive`` (e.g. ``"SLPs of length ≤ 3"``) declares that ``instances(act)`` is
    ``st.sampled_from`` over the WHOLE finite domain so described: the runner then checks
    every element (outcome ``exhaustive``) instead of sampling.
    """

    labels = tuple(refuted_on)

    def deco(fn: Callable[[Activation, T], Evidence | None]) -> Claim:
        def run(act: Activation | None, inst: Any) -> Evidence | None:
            assert act is not None
            with _only_on(labels):
                return fn(act, inst)

        def strat(act: Activation | None) -> st.SearchStrategy[Any]:
            assert act is not None
            return instances(act)

        def prove(act: Activation | None) -> Certificate:
            assert act is not None and prover is not None
            with _only_on(labels):
                return prover(act)

        return _register(Claim(
            id=_claim_id(fn, id), ref=ref, statement=statement, status=status, covers=covers,
            strategy=strat, run_check=run, expect=expect, control_of=control_of,
            assumption=assumption, prover=prove if prover is not None else None,
            examples=examples, split=split, shrink_calls=shrink_calls, show=show,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            module=fn.__module__, tags=tuple(tags), exhaustive=exhaustive,
            regimes=tuple(regimes), refuted_on=labels,
        ))

    return deco


def claim(
    ref: str,
    statement: str,
    *,
    instances: st.SearchStrategy[T],
    status: Status = "theorem",
    expect: Expect = "holds",
    control_of: str | None = None,
    assumption: str | None = None,
    prover: Callable[[], Certificate] | None = None,
    examples: int = 25,
    split: int = 1,
    shrink_calls: int = 150,
    show: Callable[[T], str] | None = None,
    id: str | None = None,
    tags: Iterable[str] = (),
    exhaustive: str | None = None,
    regimes: Iterable[str] = (),
    refuted_on: Iterable[str] = (),
) -> Callable[[Callable[[T], Evidence | None]], Claim]:
    """Declare a claim that does not quantify over activations (``exhaustive``: as for
    :func:`claim_for`)."""

    labels = tuple(refuted_on)

    def deco(fn: Callable[[T], Evidence | None]) -> Claim:
        def run(act: Activation | None, inst: Any) -> Evidence | None:
            with _only_on(labels):
                return fn(inst)

        def prove(act: Activation | None) -> Certificate:
            assert prover is not None
            with _only_on(labels):
                return prover()

        return _register(Claim(
            id=_claim_id(fn, id), ref=ref, statement=statement, status=status, covers=None,
            strategy=lambda act: instances, run_check=run, expect=expect, control_of=control_of,
            assumption=assumption, prover=prove if prover is not None else None,
            examples=examples, split=split, shrink_calls=shrink_calls, show=show,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            module=fn.__module__, tags=tuple(tags), exhaustive=exhaustive,
            regimes=tuple(regimes), refuted_on=labels,
        ))

    return deco


# --------------------------------------------------------------------------- discovery

#: Subpackages and modules of ``spec`` that hold machinery, not claims.
FRAMEWORK_MODULES = frozenset({"claims", "planted", "activations", "harness", "cli"})


@functools.cache
def load_all() -> tuple[Claim, ...]:
    """Import every claim module of ``spec`` and return the registry in paper order."""
    import spec

    for info in sorted(pkgutil.walk_packages(spec.__path__, "spec.",
                                             onerror=lambda name: None),
                       key=lambda m: m.name):
        parts = info.name.split(".")[1:]
        if parts[0] in FRAMEWORK_MODULES or any(p.startswith("_") for p in parts):
            continue
        importlib.import_module(info.name)
    return tuple(sorted(_REGISTRY.values(), key=lambda c: c.sort_key))


def get_claim(claim_id: str) -> Claim:
    """The registered claim ``claim_id`` (including claims registered after
    :func:`load_all` first ran)."""
    load_all()
    try:
        return _REGISTRY[claim_id]
    except KeyError:
        raise KeyError(f"unknown claim {claim_id!r}") from None


def select(claims: Iterable[Claim], patterns: Iterable[str]) -> list[Claim]:
    """Claims whose id or paper reference matches one of ``patterns`` (case-insensitive
    substring of the reference, or exact id / id prefix)."""
    pats = [p.strip().lower() for p in patterns]
    out = []
    for c in claims:
        for p in pats:
            if c.id.lower() == p or c.id.lower().startswith(p + ".") or p in c.ref.lower() \
                    or c.id.lower().startswith(p):
                out.append(c)
                break
    return out


_SECTIONS = "0123456789ABCDEF"


def paper_order(ref: str) -> tuple[int, int, int]:
    """Sort key following the paper: §1–§4, then appendices A–F; engine definitions first.

    >>> paper_order("Lemma 3.1") < paper_order("Claim B.1") < paper_order("Theorem E.1")
    True
    >>> paper_order("Beyond the paper: local gadget") > paper_order("Table 1")
    True
    """
    if ref.startswith("Beyond"):
        return (3, 0, 0)
    m = re.search(r"\b([0-9]+|[A-F])\.([0-9]+)\b", ref)
    if m:
        sec = m.group(1)
        rank = int(sec) if sec.isdigit() else 10 + "ABCDEF".index(sec)
        return (1, rank, int(m.group(2)))
    m = re.search(r"App(?:endix|\.)\s*([A-F])\b", ref)
    if m:
        return (1, 10 + "ABCDEF".index(m.group(1)), 0)
    m = re.search(r"(Figure|Table)\s*([0-9]+)", ref)
    if m:
        return (2, 0 if m.group(1) == "Figure" else 1, int(m.group(2)))
    return (0, 0, 0)
