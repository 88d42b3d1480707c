"""whyrelu: an executable specification of *Why ReLU? A Bit-Model Dichotomy for Deep Network
Training* (Doron-Arad and Mossel, arXiv 2602.19017), as a Python library.

The functions below are what the ``whyrelu`` command line does, each returning a typed,
immutable result with ``to_json()``::

    >>> import whyrelu
    >>> whyrelu.gadget("x^2").lambdas            # Lemma 3.1: λ for σ(x) = x²
    (Fraction(1, 2), Fraction(0, 1), Fraction(0, 1))

Numbers are exact: ``int``, :class:`fractions.Fraction` and strings (``"3/7"``, ``"0.01"``)
are read exactly; a ``float`` is refused unless ``exact_float=True`` (then its exact binary
value is used).  Errors are subclasses of :class:`WhyReluError` naming the problem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flint import fmpq

from checkers.activations import Activation
from checkers.activations import parse_activation as _parse_activation
from checkers.errors import WhyReluError
from checkers.importers import ImportedNetwork
from checkers.limits import MAX_DEGREE, check_degree
from checkers.network import Network, Sample
from checkers.slp import SLP
from checkers.training import TrainingRun
from spec.beyond.classify import Verdict
from spec.beyond.classify import classify as _classify
from spec.harness.runner import Result
from spec.harness.version import SCHEMA_VERSION
from spec.harness.version import version as _version

if TYPE_CHECKING:
    from spec.harness.session import Run

__version__: str = _version()

__all__ = [
    "MAX_DEGREE",
    "SCHEMAS",
    "SCHEMA_VERSION",
    "SLP",
    "Activation",
    "Compilation",
    "ForwardPass",
    "GadgetResult",
    "GradientResult",
    "ImportedNetwork",
    "Network",
    "ReportFiles",
    "Result",
    "RunResult",
    "SizesResult",
    "TrainingRun",
    "Verdict",
    "WhyReluError",
    "__version__",
    "backprop",
    "classify",
    "compile_slp",
    "forward",
    "gadget",
    "import_network",
    "load_network",
    "load_slp",
    "parse_activation",
    "run_claim",
    "run_registry",
    "schema",
    "sizes",
    "train",
    "write_report",
]

ActivationLike = str | Activation
"""An activation: its text (``"x^2 + x"``, ``"relu"``, ...) or a parsed :class:`Activation`."""


def _frac(q: fmpq) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _fracs(values: Mapping[str, fmpq]) -> dict[str, Fraction]:
    return {k: _frac(v) for k, v in values.items()}


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def parse_activation(text: ActivationLike, *, max_degree: int = MAX_DEGREE) -> Activation:
    """Read an activation (the syntax of ``whyrelu --activation``); a polynomial of degree
    above ``max_degree`` is refused (:class:`~checkers.errors.DegreeLimitError`)."""
    act = text if isinstance(text, Activation) else _parse_activation(text)
    return check_degree(act, max_degree)


@dataclass(frozen=True)
class GadgetResult:
    """Lemma 3.1's coefficients for σ: Σ_j λ_j (σ(x+y+j) − σ(x+j) − σ(y+j)) = xy, and
    Lemma 3.2's common denominator D with the integers λ' = D·λ."""

    sigma: str
    degree: int
    lambdas: tuple[Fraction, ...]
    denominator: int
    lambda_prime: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"sigma": self.sigma, "degree": self.degree,
                "lambda": [_text(v) for v in self.lambdas], "D": str(self.denominator),
                "lambda_prime": [str(v) for v in self.lambda_prime]}


def gadget(sigma: ActivationLike, *, max_degree: int = MAX_DEGREE) -> GadgetResult:
    """The multiplication gadget of Lemma 3.1 for a polynomial σ of degree ≥ 2."""
    from spec.gadget import gadget_lambdas, sigma_polynomial
    from spec.lemma32 import common_denominator

    act = parse_activation(sigma, max_degree=max_degree)
    p = sigma_polynomial(act)
    lam = gadget_lambdas(act)
    d, _, lam_prime = common_denominator(act)
    return GadgetResult(act.name, int(p.degree()), tuple(_frac(v) for v in lam), int(d),
                        tuple(int(v) for v in lam_prime))


def load_slp(source: str | Path | SLP, *, exact_float: bool = False) -> SLP:
    """An SLP (Definition 2.2): a path to an SLP file (text, or JSON when it ends in
    ``.json``), the program text itself (a string with a newline), or an :class:`SLP`."""
    from checkers.slp import parse_slp

    if isinstance(source, SLP):
        return source
    if isinstance(source, str) and "\n" in source:
        return parse_slp(source, source="<slp>")
    path = Path(source)
    if path.suffix == ".json":
        from checkers.formats import read_json, slp_from_json

        return slp_from_json(read_json(path, exact_float=exact_float), source=str(path),
                             exact_float=exact_float)
    with path.open(encoding="utf-8") as fh:
        return parse_slp(fh, source=str(path))


@dataclass(frozen=True)
class Compilation:
    """The network N(P) of Lemma 3.2 with θ∗: its counts, the value at the output gate and
    whether every gate value equals the SLP's (the simulation of Lemma 3.2)."""

    sigma: str
    nodes: int
    edges: int
    depth: int
    output: Fraction
    simulates: bool
    network: Network = field(repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        from checkers.formats import network_to_json

        return {"sigma": self.sigma, "nodes": self.nodes, "edges": self.edges,
                "depth": self.depth, "output": _text(self.output), "simulates": self.simulates,
                "network": network_to_json(self.network)}


def compile_slp(slp: str | Path | SLP, sigma: ActivationLike, *,
                budget_bits: int | None = None, max_degree: int = MAX_DEGREE) -> Compilation:
    """Compile an SLP into the σ-network of Lemma 3.2 and run it at θ∗ exactly."""
    from spec.lemma32 import compile_slp as _compile

    program = load_slp(slp)
    act = parse_activation(sigma, max_degree=max_degree)
    want = program.evaluate(budget_bits=budget_bits)
    c = _compile(program, act)
    got = c.gate_values(budget_bits=budget_bits)
    counts = c.counts()
    return Compilation(act.name, counts.nodes, counts.edges, counts.depth, _frac(got[-1]),
                       got == want, c.network)


def load_network(source: str | Path | Network | Mapping[str, Any], *,
                 exact_float: bool = False) -> Network:
    """A network: a path to a network JSON file or a model file (``.onnx``,
    ``.safetensors``, ``.npz``: imported exactly, see :func:`import_network`), its parsed
    JSON document, or a :class:`Network` (returned as is); see ``docs/formats.md``."""
    from checkers.formats import network_from_json, read_json
    from checkers.importers import model_format

    if isinstance(source, Network):
        return source
    if not isinstance(source, Mapping) and model_format(source) is not None:
        return import_network(source).network
    if isinstance(source, Mapping):
        return network_from_json(source, exact_float=exact_float)
    return network_from_json(read_json(source, exact_float=exact_float), source=str(source),
                             exact_float=exact_float)


def _samples(net: Network, data: str | Path | Sequence[Any], exact_float: bool) -> list[Sample]:
    """A dataset JSON file, its parsed document, or a list of samples, for ``net``."""
    from checkers.formats import dataset_from_json, read_json


    if isinstance(data, str | Path):
        return dataset_from_json(read_json(data, exact_float=exact_float), net,
                                 source=str(data), exact_float=exact_float)
    items = list(data)
    if all(isinstance(s, Sample) for s in items):
        return items
    return dataset_from_json(items, net, exact_float=exact_float)


def classify(activation: ActivationLike, *, measured: bool = True) -> Verdict:
    """Which side of the dichotomy an activation is on, and how sure (``whyrelu classify``):
    side, strength, reason, evidence and the claims that cover it; ``measured`` adds the
    exact size profile over depth.  Verdicts beyond the paper say so."""
    act = activation if isinstance(activation, Activation) else parse_activation(activation)
    return _classify(act, measured=measured)


def import_network(path: str | Path,
                   activations: Sequence[str] | None = None) -> ImportedNetwork:
    """Read an ONNX, safetensors or npz model exactly: every float weight becomes its exact
    dyadic rational (``docs/importing.md``); ``activations`` for safetensors/npz files that
    do not store theirs."""
    from checkers.importers import import_network as _import

    return _import(path, activations)


def train(network: str | Path | Network | Mapping[str, Any], data: str | Path | Sequence[Any],
          *, loss: str = "square", lr: Any = Fraction(1, 8), steps: int = 1,
          budget_bits: int | None = None, exact_float: bool = False) -> TrainingRun:
    """Exact gradient descent θ ← θ − η∇L for ``steps`` steps (Theorem E.1 per step): the
    trained network and, per step, the exact loss and the largest sizes of θ, activations
    and gradient."""
    from checkers.losses import get_loss
    from checkers.rationals import to_q
    from checkers.training import train as _train

    net = load_network(network, exact_float=exact_float)
    samples = _samples(net, data, exact_float)
    return _train(net, samples, get_loss(loss), to_q(lr, exact_float=exact_float), steps,
                  budget_bits=budget_bits)


@dataclass(frozen=True)
class ForwardPass:
    """The exact forward pass (§2 node rule): outputs, every node's value and the largest
    size in bits of a value or pre-activation."""

    outputs: dict[str, Fraction]
    values: dict[str, Fraction]
    max_size_bits: int

    def to_json(self) -> dict[str, Any]:
        return {"outputs": {k: _text(v) for k, v in self.outputs.items()},
                "values": {k: _text(v) for k, v in self.values.items()},
                "max_size_bits": self.max_size_bits}


def forward(network: str | Path | Network | Mapping[str, Any], inputs: Mapping[str, Any], *,
            budget_bits: int | None = None, exact_float: bool = False) -> ForwardPass:
    """Evaluate a network exactly at ``inputs`` (missing input nodes are 0)."""
    from checkers.measure import max_size
    from checkers.rationals import to_q

    net = load_network(network, exact_float=exact_float)
    x = {name: to_q(v, exact_float=exact_float) for name, v in inputs.items()}
    tr = net.forward(x, budget_bits=budget_bits)
    return ForwardPass(dict(zip(net.outputs, map(_frac, tr.outputs), strict=True)),
                       _fracs(tr.values()), max(max_size(tr.val), max_size(tr.pre)))


@dataclass(frozen=True)
class GradientResult:
    """Total loss over a dataset and its exact gradient (backpropagation), keyed by edge
    ``"u->v"``, with the largest size in bits of a forward, backward or gradient value."""

    loss: Fraction
    grad_weight: dict[str, Fraction]
    grad_bias: dict[str, Fraction]
    max_size_bits: int

    def to_json(self) -> dict[str, Any]:
        return {"loss": _text(self.loss),
                "grad_weight": {k: _text(v) for k, v in self.grad_weight.items()},
                "grad_bias": {k: _text(v) for k, v in self.grad_bias.items()},
                "max_size_bits": self.max_size_bits}


def backprop(network: str | Path | Network | Mapping[str, Any],
             data: str | Path | Sequence[Any], *, loss: str = "square",
             budget_bits: int | None = None, exact_float: bool = False) -> GradientResult:
    """Exact loss and gradient of ``network`` over ``data`` (a dataset JSON file, its parsed
    document, or a list of :class:`~checkers.network.Sample`)."""
    from checkers.losses import get_loss
    from checkers.measure import measure_gradient

    net = load_network(network, exact_float=exact_float)
    samples = _samples(net, data, exact_float)
    g = net.gradient(samples, get_loss(loss), budget_bits=budget_bits)
    gw, gb = g.by_edge(net)
    return GradientResult(_frac(g.loss), _fracs(gw), _fracs(gb),
                          measure_gradient(g).max_bits)


@dataclass(frozen=True)
class SizesResult:
    """Measured sizes (bits) of backprop on a seeded random layered network against the
    proven bound (Theorem E.1; Remark 1.5 for φ_K), as ``whyrelu bits`` prints them."""

    activation: str
    depth: int
    max_size_bits: int
    max_grad_size_bits: int
    bound_bits: int
    grad_bound_bits: int

    @property
    def within_bound(self) -> bool:
        return self.max_size_bits <= self.bound_bits

    def to_json(self) -> dict[str, Any]:
        return {"activation": self.activation, "depth": self.depth,
                "max_size_bits": self.max_size_bits,
                "max_grad_size_bits": self.max_grad_size_bits, "bound_bits": self.bound_bits,
                "grad_bound_bits": self.grad_bound_bits}


def sizes(activation: ActivationLike, *, depth: int, width: int = 4, weight_bits: int = 4,
          samples: int = 2, seed: int = 0, loss: str = "square",
          budget_bits: int | None = 1 << 22) -> SizesResult:
    """Measure the bit sizes of an exact forward and backward pass (``whyrelu bits``)."""
    from spec.cli.bits import measure_bits
    from spec.piecewise import LayeredSpec

    act = parse_activation(activation)
    spec = LayeredSpec(hidden=depth, width=width, bits=weight_bits, samples=samples,
                       seed=seed, loss=loss)
    r = measure_bits(act, spec, budget_bits)
    return SizesResult(act.name, depth, r.max_size_bits, r.max_grad_size_bits, r.bound_bits,
                       r.grad_bound_bits)


@dataclass(frozen=True)
class RunResult:
    """Results of running claims (``whyrelu check``): one :class:`Result` per item."""

    results: tuple[Result, ...]
    profile: str
    seed: int | None
    seconds: float
    run: Run = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Every item met its expectation (negative controls and errata refuted)."""
        return all(r.meets_expectation for r in self.results)

    def to_json(self) -> dict[str, Any]:
        """The ``report.json`` document (without Table 1 and figures)."""
        from spec.harness.report import json_report

        return json_report(self.results, self.run.uncovered,
                           {**self.run.extra(), "ok": self.ok})


def run_registry(claims: Sequence[str] = (), activations: Sequence[ActivationLike] = (), *,
                 profile: str = "ci", seed: int | None = None, jobs: int = 1,
                 quiet: bool = True) -> RunResult:
    """Run the claims matching ``claims`` (all when empty) on the registered activations
    plus ``activations``, under a Hypothesis profile (``ci``, ``dev`` or ``deep``)."""
    from spec.activations import activations as _acts
    from spec.harness import profiles
    from spec.harness.session import run_registry as _run
    from spec.harness.session import select_claims

    if profile not in profiles.PROFILES:
        raise WhyReluError(f"unknown profile {profile!r}; choose one of {profiles.PROFILES}")
    extra = [a.name if isinstance(a, Activation) else a for a in activations]
    run = _run(select_claims(list(claims) or None), _acts(extra), profile=profile, seed=seed,
               jobs=jobs, quiet=quiet, label="whyrelu.run_registry")
    return RunResult(tuple(run.results), run.profile, run.seed, run.seconds, run)


def run_claim(claim: str, activation: ActivationLike | None = None, *, profile: str = "ci",
              seed: int | None = None) -> RunResult:
    """Run one claim (an id such as ``"gadget.identity"`` or a reference such as
    ``"Lemma 3.1"``), on the registered activations or only on ``activation``."""
    from spec.claims import load_all, select
    from spec.harness import profiles
    from spec.harness.runner import items_for, run_item, uncovered
    from spec.harness.session import Run

    if profile not in profiles.PROFILES:
        raise WhyReluError(f"unknown profile {profile!r}; choose one of {profiles.PROFILES}")
    chosen = select(load_all(), [claim])
    if not chosen:
        raise WhyReluError(f"no claim matches {claim!r}")
    if activation is None:
        from spec.activations import activations as _acts

        acts = _acts()
    else:
        acts = [parse_activation(activation)]
    import time

    start = time.perf_counter()
    results = [run_item(it, profile=profile, user_seed=seed) for it in items_for(chosen, acts)]
    seconds = time.perf_counter() - start
    run = Run(chosen, acts, results, uncovered(load_all(), acts), profile, seed, seconds)
    return RunResult(tuple(results), profile, seed, seconds, run)


SCHEMAS = ("slp", "network", "dataset", "report")
"""The file formats with a JSON Schema (``schema(name)``)."""


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file format: ``slp``, ``network``, ``dataset``
    or ``report`` (``report.json``)."""
    from importlib import resources

    if name not in SCHEMAS:
        raise WhyReluError(f"no schema {name!r}; choose one of {', '.join(SCHEMAS)}")
    text = resources.files("whyrelu").joinpath("schemas", f"{name}.schema.json").read_text(
        encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


@dataclass(frozen=True)
class ReportFiles:
    """The files a report was written to."""

    markdown: Path
    json: Path

    def to_json(self) -> dict[str, str]:
        return {"markdown": str(self.markdown), "json": str(self.json)}

    def load(self) -> Any:
        """The parsed ``report.json``."""
        return json.loads(self.json.read_text(encoding="utf-8"))


def write_report(run: RunResult, directory: str | Path, *, figures: bool = False) -> ReportFiles:
    """Write ``report.md`` and ``report.json`` (and, with ``figures``, the figures) for a run
    into ``directory`` (created if missing)."""
    from spec.cli.report import write

    md, js = write(Path(directory), run.run, figures=figures)
    return ReportFiles(md, js)
