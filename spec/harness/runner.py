"""Run a claim on one activation under Hypothesis and turn what happened into a Result.

Outcomes (DESIGN.md):

* **proved** — the claim's prover gave a symbolic certificate *and* testing found nothing;
  its typed certificates were re-checked by Coq, z3 or the Python checker
  (:mod:`spec.harness.certify`), shown as ``proved (Coq)`` etc.;
* **exhaustive** — the claim declares a finite domain (``exhaustive="SLPs of length ≤ 3"``,
  its instances ``st.sampled_from`` over the whole list) and EVERY element was checked
  (the runner enumerates the list itself and verifies the count; printed
  ``exhaustive: <domain>``);
* **holds** — no counterexample within the example budget (sampled);
* **refuted** — a check raised :class:`~spec.claims.ClaimFailure`; the shrunk instance is
  kept, printed with the claim's ``show`` (code or file format);
* **inconclusive** — Hypothesis could not generate enough valid examples (unsatisfiable
  assumptions, health check, bit budget hit on every example);
* **error** — the check crashed with anything other than a ClaimFailure.  A crash never
  counts as the refutation a negative control expects.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any, Literal

from hypothesis import given, reject, seed, settings
from hypothesis.control import current_build_context
from hypothesis.database import ExampleDatabase
from hypothesis.errors import FailedHealthCheck, StopTest, Unsatisfiable, UnsatisfiedAssumption
from hypothesis.reporting import with_reporter

from checkers.activations import Activation, parse_activation
from checkers.errors import BitBudgetExceeded
from spec.claims import (
    Claim,
    ClaimFailure,
    Evidence,
    as_fraction,
    collecting_regimes,
    get_claim,
    stop_collecting_regimes,
)
from spec.harness import certify, profiles

Outcome = Literal["proved", "exhaustive", "holds", "refuted", "inconclusive", "error"]


@dataclass(frozen=True)
class Item:
    """One unit of work: a claim, the activation it runs on (or none), and a chunk of its
    examples (heavy claims are split so that every core stays busy)."""

    claim_id: str
    activation: str | None
    chunk: int = 0
    chunks: int = 1

    @property
    def name(self) -> str:
        act = "" if self.activation is None else f"[{self.activation}]"
        part = "" if self.chunks == 1 else f"#{self.chunk + 1}of{self.chunks}"
        return f"{self.claim_id}{act}{part}"


def slug(expression: str) -> str:
    """An identifier for an activation that ``pytest -k`` can select: ``x^2 + x`` →
    ``x2_plus_x``, ``leaky_relu(1/8)`` → ``leaky_relu_1_8``."""
    s = expression.replace("^", "").replace("+", " plus ").replace("-", " minus ")
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower() or "activation"


def item_id(item: Item) -> str:
    """The pytest id of an item: the claim id, then ``[expression|slug]`` for an activation
    (``gadget.identity[x^2 + x|x2_plus_x]``), then the chunk."""
    act = "" if item.activation is None else f"[{item.activation}|{slug(item.activation)}]"
    part = "" if item.chunks == 1 else f"#{item.chunk + 1}of{item.chunks}"
    return f"{item.claim_id}{act}{part}"


def items_for(claims: Sequence[Claim], acts: Sequence[Activation]) -> list[Item]:
    """Every (claim, applicable activation, chunk), in a deterministic order."""
    out: list[Item] = []
    for c in claims:
        targets: list[Activation | None] = [None] if c.covers is None else [
            a for a in acts if c.applies_to(a)]
        for a in targets:
            for k in range(c.split):
                out.append(Item(c.id, None if a is None else a.name, k, c.split))
    return out


def uncovered(claims: Sequence[Claim], acts: Sequence[Activation]) -> list[Activation]:
    """Activations no claim quantifies over."""
    return [a for a in acts if not any(c.covers is not None and c.applies_to(a) for c in claims)]


_num = as_fraction


def _fmt_num(v: Fraction) -> str:
    return str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"


@dataclass
class Figures:
    """Maximum of every figure, and the worst ratio figure/bound."""

    maxima: dict[str, Fraction] = field(default_factory=dict)
    worst: tuple[str, Fraction, Fraction] | None = None  # (figure, value, bound)

    def add(self, ev: Evidence) -> None:
        for k, v in ev.figures.items():
            q = _num(v)
            if k not in self.maxima or q > self.maxima[k]:
                self.maxima[k] = q
        for k, b in ev.bounds.items():
            if k not in ev.figures:
                continue
            val, bnd = _num(ev.figures[k]), _num(b)
            if bnd <= 0:
                continue
            if self.worst is None or val / bnd > self.worst[1] / self.worst[2]:
                self.worst = (k, val, bnd)

    def merge(self, other: Figures) -> None:
        for k, v in other.maxima.items():
            if k not in self.maxima or v > self.maxima[k]:
                self.maxima[k] = v
        if other.worst is not None and (
            self.worst is None or other.worst[1] / other.worst[2] > self.worst[1] / self.worst[2]
        ):
            self.worst = other.worst


@dataclass
class Result:
    """What running one :class:`Item` gave."""

    item: str
    claim_id: str
    ref: str
    status: str
    activation: str | None
    expect: str
    outcome: Outcome
    examples: int
    seconds: float
    figures: dict[str, str] = field(default_factory=dict)
    worst: dict[str, str] | None = None
    message: str | None = None
    counterexample: str | None = None
    certificate: str | None = None
    replay: str | None = None
    statistics: dict[str, Any] | None = None
    #: the checker that accepted the certificates of a proved outcome: Coq, z3 or Python
    checked_by: str | None = None

    @property
    def outcome_label(self) -> str:
        """``proved (Coq)`` / ``proved (z3)`` / ``proved (Python)``, else the outcome."""
        if self.outcome == "proved" and self.checked_by:
            return f"proved ({self.checked_by})"
        return self.outcome
    domain: str | None = None
    regimes: dict[str, int] = field(default_factory=dict)

    @property
    def meets_expectation(self) -> bool:
        if self.expect == "holds":
            return self.outcome in ("proved", "exhaustive", "holds")
        return self.outcome == "refuted"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["meets_expectation"] = self.meets_expectation
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> Result:
        d = {k: v for k, v in d.items() if k != "meets_expectation"}
        return Result(**d)

    def figures_obj(self) -> Figures:
        f = Figures({k: Fraction(v) for k, v in self.figures.items()})
        if self.worst is not None:
            f.worst = (self.worst["figure"], Fraction(self.worst["value"]),
                       Fraction(self.worst["bound"]))
        return f


def _stable_seed(*parts: object) -> int:
    h = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(h[:8], "big")


class _Stats:
    def __init__(self) -> None:
        self.calls = 0
        self.passed = 0
        self.figures = Figures()
        self.failure: tuple[Any, BaseException] | None = None
        self.first_failure_at: int | None = None
        self.failing: set[str] = set()
        self.invalid = 0
        self.regimes: dict[str, int] = {}
        self.generate_seconds = 0.0

    def as_json(self, stopped: str, seconds: float) -> dict[str, Any]:
        """Per-item statistics in the spirit of ``--hypothesis-show-statistics``."""
        shrinks = 0 if self.first_failure_at is None else self.calls - self.first_failure_at
        return {"examples": self.calls - self.invalid - shrinks, "passed": self.passed,
                "invalid": self.invalid, "shrinks": shrinks, "seconds": round(seconds, 3),
                "stopped": stopped}


def _key(inst: Any) -> str:
    return hashlib.sha256(repr(inst).encode()).hexdigest()


def _describe_instance(claim: Claim, inst: Any) -> str:
    if claim.show is not None:
        try:
            return claim.show(inst)
        except Exception as e:  # the formatter must not hide the failure
            return f"{inst!r}\n(show failed: {e!r})"
    return repr(inst)


def _flatten(e: BaseException) -> list[BaseException]:
    if isinstance(e, BaseExceptionGroup):
        out: list[BaseException] = []
        for sub in e.exceptions:
            out += _flatten(sub)
        return out
    return [e]


def run_item(item: Item, *, profile: str | None = None, user_seed: int | None = None,
             examples: int | None = None, database: ExampleDatabase | None = None) -> Result:
    """Run one item; never raises for a claim's failure (that is the result).

    ``examples`` overrides the item's example budget (the claim's count times the
    profile's scale); ``database`` replaces the profile's example database (see
    :mod:`spec.harness.database`) in an unseeded run.
    """
    claim = get_claim(item.claim_id)
    act = None if item.activation is None else parse_activation(item.activation)
    prof = profile or profiles.default_profile()
    base = settings.get_profile(prof)
    total = max(1, claim.examples * profiles.SCALE.get(prof, 1))  # other profiles: as dev
    if examples is not None:
        total = max(1, examples)
    per_chunk = max(1, -(-total // item.chunks))
    stats = _Stats()
    start = time.perf_counter()
    res = Result(item=item.name, claim_id=claim.id, ref=claim.ref, status=claim.status,
                 activation=item.activation, expect=claim.expect, outcome="holds", examples=0,
                 seconds=0.0)
    replay = f"whyrelu check --claim {claim.id} --profile {prof}"
    if item.activation is not None:
        replay += f" --activation '{item.activation}'"
    if user_seed is not None:
        replay += f" --seed {user_seed}"
    res.replay = replay

    certificate = None
    if claim.prover is not None:
        try:
            certificate = claim.prover(act)
        except ClaimFailure as e:
            res.outcome = "refuted"
            res.message = f"symbolic check failed: {e}"
            res.seconds = time.perf_counter() - start
            res.statistics = stats.as_json("the symbolic check failed", res.seconds)
            return res
        except Exception as e:
            res.outcome = "error"
            res.message = f"prover crashed: {type(e).__name__}: {e}\n{traceback.format_exc()}"
            res.seconds = time.perf_counter() - start
            res.statistics = stats.as_json("the prover crashed", res.seconds)
            return res
        verification = certify.verify(certificate.items)
        if not verification.accepted:
            res.outcome = "refuted" if verification.refuted else "error"
            res.message = verification.message
            res.certificate = certificate.text
            res.seconds = time.perf_counter() - start
            return res
        res.checked_by = verification.checker

    if claim.exhaustive:
        _run_exhaustive(claim, act, item, res, stats, certificate)
        res.seconds = time.perf_counter() - start
        res.figures = {k: _fmt_num(v) for k, v in stats.figures.maxima.items()}
        if stats.figures.worst is not None:
            k, v, b = stats.figures.worst
            res.worst = {"figure": k, "value": _fmt_num(v), "bound": _fmt_num(b)}
        if certificate is not None:
            res.certificate = certificate.text
        return res

    def test(inst: Any) -> None:
        stats.calls += 1
        key = _key(inst)
        if (stats.first_failure_at is not None
                and stats.calls - stats.first_failure_at > claim.shrink_calls
                and key not in stats.failing
                and not current_build_context().is_final):
            # shrink budget spent: candidates not yet seen failing are not checked, so the
            # shrinker keeps the smallest counterexample found so far (which is re-run for
            # real in Hypothesis's final replay, and only genuinely failing instances are
            # ever reported)
            return
        seen: set[str] = set()
        token = collecting_regimes(seen)
        try:
            ev = claim.run_check(act, inst)
        except BitBudgetExceeded:
            stats.invalid += 1
            reject()
        except UnsatisfiedAssumption:
            stats.invalid += 1
            raise  # assume()/reject() in a check
        except StopTest:
            raise  # Hypothesis's own control flow
        except BaseException as e:
            stats.failure = (inst, e)
            stats.failing.add(key)
            if stats.first_failure_at is None:
                stats.first_failure_at = stats.calls
            raise
        finally:
            stop_collecting_regimes(token)
        stats.passed += 1
        for name in seen:
            stats.regimes[name] = stats.regimes.get(name, 0) + 1
        if ev is not None:
            stats.figures.add(ev)

    # a distinct example-database key per item (every item shares this function's source)
    test._hypothesis_internal_add_digest = item.name.encode()  # type: ignore[attr-defined]
    # a seeded run replays nothing from the example database, so that the same seed gives
    # the same examples (and the same counterexample) whatever earlier runs stored
    overrides: dict[str, Any] = {"max_examples": per_chunk}
    if user_seed is not None:
        overrides["database"] = None
    elif database is not None:
        overrides["database"] = database
    test_settings = settings(base, **overrides)
    runner = given(claim.strategy(act))(test_settings(test))
    derandomized = base.derandomize
    if user_seed is not None or derandomized:
        runner = seed(_stable_seed(claim.id, item.activation, item.chunk, user_seed))(runner)

    log = io.StringIO()
    try:
        def report(s: object) -> None:
            log.write(f"{s}\n")

        with with_reporter(report):
            runner()
        res.outcome = "proved" if certificate is not None else "holds"
        stopped = f"reached the example budget ({per_chunk})"
        if certificate is None:
            res.checked_by = None
    except (Unsatisfiable, FailedHealthCheck) as e:
        res.outcome = "inconclusive"
        res.message = f"{type(e).__name__}: {e}"
        stopped = ("too few valid examples" if isinstance(e, Unsatisfiable)
                   else "a health check failed")
    except BaseException as e:
        if isinstance(e, KeyboardInterrupt | SystemExit):
            raise
        errors = _flatten(e)
        if all(isinstance(x, ClaimFailure) for x in errors):
            res.outcome = "refuted"
            res.message = str(errors[0])
        else:
            bad = next(x for x in errors if not isinstance(x, ClaimFailure))
            res.outcome = "error"
            res.message = (f"check crashed: {type(bad).__name__}: {bad}\n"
                           + "".join(traceback.format_exception(bad))[-3000:])
        if stats.failure is not None:
            res.counterexample = _describe_instance(claim, stats.failure[0])
        stopped = ("found a counterexample and shrank it" if res.outcome == "refuted"
                   else "the check crashed")
    # examples run: all of them when nothing failed, else those up to the first failure
    res.examples = stats.passed if stats.first_failure_at is None else stats.first_failure_at
    res.seconds = time.perf_counter() - start
    res.statistics = stats.as_json(stopped, res.seconds)
    res.figures = {k: _fmt_num(v) for k, v in stats.figures.maxima.items()}
    if stats.figures.worst is not None:
        k, v, b = stats.figures.worst
        res.worst = {"figure": k, "value": _fmt_num(v), "bound": _fmt_num(b)}
    if certificate is not None:
        res.certificate = certificate.text
    res.regimes = {k: stats.regimes.get(k, 0) for k in sorted({*claim.regimes, *stats.regimes})}
    return res


class ExhaustiveDomainError(TypeError):
    """An ``exhaustive`` claim whose instances are not ``st.sampled_from`` over a list."""


def domain_elements(strategy: Any) -> tuple[Any, ...]:
    """The full list behind ``st.sampled_from(...)`` (unwrapping lazy strategies)."""
    s = strategy
    for _ in range(4):
        elements = getattr(s, "elements", None)
        if isinstance(elements, Sequence) and type(s).__name__ == "SampledFromStrategy":
            if getattr(s, "_transformations", ()):
                raise ExhaustiveDomainError("exhaustive claim: map/filter on sampled_from")
            return tuple(elements)
        s = getattr(s, "wrapped_strategy", None)
        if s is None:
            break
    raise ExhaustiveDomainError(
        f"an exhaustive claim needs st.sampled_from(full list), got {strategy!r}")


def _run_exhaustive(claim: Claim, act: Activation | None, item: Item, res: Result,
                    stats: _Stats, certificate: Any) -> None:
    """Check every element of the declared domain (this chunk's share, ``k::chunks``), in
    the list's order, so the first failure is the smallest counterexample the list order
    gives; the outcome is ``exhaustive`` only if every element ran and passed."""
    res.domain = claim.exhaustive
    try:
        elements = domain_elements(claim.strategy(act))[item.chunk::item.chunks]
    except ExhaustiveDomainError as e:
        res.outcome, res.message = "error", str(e)
        return
    for inst in elements:
        stats.calls += 1
        try:
            ev = claim.run_check(act, inst)
        except BitBudgetExceeded as e:
            res.outcome = "inconclusive"
            res.message = f"element {stats.calls} of the domain exceeded the bit budget: {e}"
            res.counterexample = _describe_instance(claim, inst)
            res.examples = stats.passed
            return
        except ClaimFailure as e:
            res.outcome, res.message = "refuted", str(e)
            res.counterexample = _describe_instance(claim, inst)
            res.examples = stats.calls
            return
        except Exception as e:
            res.outcome = "error"
            res.message = (f"check crashed: {type(e).__name__}: {e}\n"
                           + "".join(traceback.format_exception(e))[-3000:])
            res.counterexample = _describe_instance(claim, inst)
            res.examples = stats.calls
            return
        stats.passed += 1
        if ev is not None:
            stats.figures.add(ev)
    res.examples = stats.passed
    if stats.passed != len(elements):  # every element of the domain ran
        res.outcome = "inconclusive"
        res.message = f"only {stats.passed} of {len(elements)} domain elements ran"
        return
    res.outcome = "proved" if certificate is not None else "exhaustive"


def run_many(items: Sequence[Item], *, profile: str | None = None,
             user_seed: int | None = None) -> Iterator[Result]:
    for it in items:
        yield run_item(it, profile=profile, user_seed=user_seed)
