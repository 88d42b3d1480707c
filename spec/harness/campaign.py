"""Campaigns: the registry cut into JSON work units (shards) that any process can run.

A :class:`Shard` is one claim × one activation (its canonical text) × one chunk of the
claim's examples, with the profile, seed, example budget and example database to run it
under.  It travels as JSON text — python-flint matrices and polynomials do not pickle, so
nothing but strings crosses a process boundary — and :func:`run_shard` turns it into a JSON
result.  Every way of running the registry goes through :func:`run_shard`: the local
process pool of ``whyrelu check``, ``whyrelu check --shard i/N`` on a batch scheduler, and
the Dask workers of ``whyrelu check --scheduler`` (:mod:`spec.harness.cluster`).

A *results file* (``--results FILE``) holds the results of some shards of one run together
with what selects the run (profile, seed, claims, activations); :func:`merge_results`
combines the files of every shard into the results of the whole run, and an item that no
file reports becomes an ``error`` result rather than vanishing.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import pkgutil
import socket
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import settings

from checkers.errors import WhyReluError
from spec.claims import get_claim
from spec.harness.database import example_database
from spec.harness.runner import Item, Result, run_item

SHARD_FORMAT = "whyrelu-shard/1"
RESULT_FORMAT = "whyrelu-shard-result/1"
RESULTS_FILE_FORMAT = "whyrelu-results/1"


class CampaignError(WhyReluError, ValueError):
    """A malformed shard, results file or ``--shard`` specification, or results files that
    do not belong to the same run."""


@dataclass(frozen=True)
class Shard:
    """One unit of work, as plain data (see the module doc)."""

    claim: str
    activation: str | None
    chunk: int = 0
    chunks: int = 1
    profile: str = "dev"
    seed: int | None = None
    examples: int | None = None
    database: str | None = None
    database_readonly: bool = False
    modules: tuple[str, ...] = ()

    @property
    def item(self) -> Item:
        return Item(self.claim, self.activation, self.chunk, self.chunks)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["modules"] = list(self.modules)
        return {"format": SHARD_FORMAT, **d}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Shard:
        if d.get("format") != SHARD_FORMAT:
            raise CampaignError(f"not a shard (format {d.get('format')!r}, "
                                f"expected {SHARD_FORMAT!r})")
        fields = {k: v for k, v in d.items() if k != "format"}
        fields["modules"] = tuple(fields.get("modules", ()))
        try:
            shard = Shard(**fields)
        except TypeError as e:
            raise CampaignError(f"malformed shard: {e}") from None
        if not isinstance(shard.claim, str) or not 0 <= shard.chunk < shard.chunks:
            raise CampaignError(f"malformed shard: {shard!r}")
        return shard

    @staticmethod
    def from_json(text: str) -> Shard:
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise CampaignError(f"shard is not JSON: {e}") from None
        if not isinstance(d, dict):
            raise CampaignError("a shard is a JSON object")
        return Shard.from_dict(d)


def shards_for(items: Iterable[Item], *, profile: str, seed: int | None = None,
               examples: int | None = None, database: str | None = None,
               database_readonly: bool = False, modules: Sequence[str] = ()) -> list[Shard]:
    """The shards of ``items`` under one set of run settings, in item order."""
    return [Shard(it.claim_id, it.activation, it.chunk, it.chunks, profile, seed, examples,
                  database, database_readonly, tuple(modules)) for it in items]


def worker_name() -> str:
    """The Dask worker's address inside a Dask task, else ``host:pid``."""
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


PROJECT_PACKAGES = ("checkers", "strategies", "spec")


@functools.cache
def import_project() -> None:
    """Import every module of the project, once per process.

    Hypothesis draws, now and then, integer constants found in the source of the *local*
    modules loaded so far (``hypothesis.internal.constants_ast``), even when derandomized,
    so which examples a claim sees depends on which project modules the process happens to
    have imported.  Importing all of them before any shard runs makes a shard's examples
    the same in a Dask worker, a pool process and ``whyrelu check --jobs 1``.
    """
    for top in PROJECT_PACKAGES:
        pkg = importlib.import_module(top)
        for info in sorted(pkgutil.walk_packages(pkg.__path__, f"{top}.",
                                                 onerror=lambda name: None),
                           key=lambda m: m.name):
            try:
                importlib.import_module(info.name)
            except ImportError:  # an optional dependency that is not installed
                continue


def run_shard(shard_json: str) -> str:
    """Run one shard and return its result as JSON text:
    ``{"format", "shard", "result", "worker"}`` (``result`` as in ``report.json``'s
    per-item form, :meth:`Result.to_json`).

    Imports the whole project first (:func:`import_project`), then ``shard.modules``
    (claims declared outside :mod:`spec`).  Where the profile keeps an example database and
    the run is unseeded, the database is :func:`~spec.harness.database.example_database`
    (the local one, ``$WHYRELU_DATABASE``, combined with the shard's shared one).
    """
    shard = Shard.from_json(shard_json)
    import_project()
    for name in shard.modules:
        importlib.import_module(name)
    db = None
    profile_db = settings.get_profile(shard.profile).database
    if shard.seed is None and profile_db is not None:
        db = example_database(shard.database, shard.database_readonly)
    res = run_item(shard.item, profile=shard.profile, user_seed=shard.seed,
                   examples=shard.examples, database=db)
    return json.dumps({"format": RESULT_FORMAT, "shard": shard.to_dict(),
                       "result": res.to_json(), "worker": worker_name()})


@dataclass
class ShardResult:
    """A shard's result with where it ran."""

    shard: Shard
    result: Result
    worker: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"format": RESULT_FORMAT, "shard": self.shard.to_dict(),
                "result": self.result.to_json(), "worker": self.worker}

    @staticmethod
    def from_dict(d: dict[str, Any]) -> ShardResult:
        if d.get("format") != RESULT_FORMAT:
            raise CampaignError(f"not a shard result (format {d.get('format')!r})")
        try:
            return ShardResult(Shard.from_dict(d["shard"]), Result.from_json(d["result"]),
                               d.get("worker"))
        except (KeyError, TypeError) as e:
            raise CampaignError(f"malformed shard result: {e!r}") from None

    @staticmethod
    def from_json(text: str) -> ShardResult:
        return ShardResult.from_dict(json.loads(text))


def error_result(shard: Shard, message: str, worker: str | None = None) -> ShardResult:
    """An ``error`` result for a shard that produced none (it crashed its worker every time,
    or no results file reported it)."""
    ref, status, expect = "?", "?", "holds"
    try:
        c = get_claim(shard.claim)
        ref, status, expect = c.ref, str(c.status), str(c.expect)
    except KeyError:
        pass
    where = f" (worker {worker})" if worker else ""
    res = Result(item=shard.item.name, claim_id=shard.claim, ref=ref, status=status,
                 activation=shard.activation, expect=expect, outcome="error", examples=0,
                 seconds=0.0, message=f"shard failed{where}: {message}")
    return ShardResult(shard, res, worker)


# --------------------------------------------------------------------------- partitions

def parse_shard_spec(text: str) -> tuple[int, int]:
    """``"i/N"`` (1 ≤ i ≤ N) as ``(i, N)``."""
    try:
        i_text, n_text = text.split("/")
        i, n = int(i_text), int(n_text)
    except ValueError:
        raise CampaignError(f"--shard wants i/N (e.g. 3/10), got {text!r}") from None
    if not 1 <= i <= n:
        raise CampaignError(f"--shard {text}: need 1 <= i <= N")
    return i, n


def partition(items: Sequence[Item], i: int, n: int) -> list[Item]:
    """The items of shard ``i`` of ``n`` (1-based): every ``n``-th item from the ``i``-th,
    so that the chunks of a heavy claim and the claims of one module spread over the
    shards.  Deterministic: it depends on the item order only."""
    return list(items[i - 1::n])


# --------------------------------------------------------------------------- results files

@dataclass
class ResultsFile:
    """The results of some shards of one run (``--results FILE``)."""

    profile: str
    seed: int | None
    claims: list[str]
    activations: list[str]
    shard: tuple[int, int]
    items: int
    seconds: float
    results: list[ShardResult] = field(default_factory=list)

    def run_key(self) -> tuple[Any, ...]:
        return (self.profile, self.seed, tuple(self.claims), tuple(self.activations),
                self.shard[1], self.items)

    def to_dict(self) -> dict[str, Any]:
        return {"format": RESULTS_FILE_FORMAT, "profile": self.profile, "seed": self.seed,
                "claims": self.claims, "activations": self.activations,
                "shard": f"{self.shard[0]}/{self.shard[1]}", "items": self.items,
                "seconds": round(self.seconds, 3),
                "results": [r.to_dict() for r in self.results]}

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    @staticmethod
    def read(path: Path) -> ResultsFile:
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise CampaignError(f"{path}: not JSON: {e}") from None
        if not isinstance(d, dict) or d.get("format") != RESULTS_FILE_FORMAT:
            raise CampaignError(f"{path}: not a whyrelu results file")
        try:
            return ResultsFile(d["profile"], d["seed"], list(d["claims"]),
                               list(d["activations"]), parse_shard_spec(d["shard"]),
                               int(d["items"]), float(d["seconds"]),
                               [ShardResult.from_dict(r) for r in d["results"]])
        except (KeyError, TypeError, CampaignError) as e:
            raise CampaignError(f"{path}: malformed results file: {e}") from None


def merge_results(files: Sequence[ResultsFile], items: Sequence[Item],
                  shards: Sequence[Shard]) -> list[ShardResult]:
    """The result of every item, in item order, from the files of one run.

    ``items`` and ``shards`` are the whole run's (recomputed from the files' selection).
    Files from different runs, or two files for one shard, are a :class:`CampaignError`;
    an item no file reports becomes an ``error`` result naming its shard.
    """
    if not files:
        raise CampaignError("no results files")
    keys = {f.run_key() for f in files}
    if len(keys) > 1:
        raise CampaignError("the results files come from different runs (profile, seed, "
                            "claims, activations or shard count differ)")
    seen: set[int] = set()
    for f in files:
        if f.shard[0] in seen:
            raise CampaignError(f"shard {f.shard[0]}/{f.shard[1]} given twice")
        seen.add(f.shard[0])
    by_item: dict[str, ShardResult] = {}
    for f in files:
        for r in f.results:
            by_item.setdefault(r.result.item, r)
    n = files[0].shard[1]
    out = []
    for k, (it, sh) in enumerate(zip(items, shards, strict=True)):
        got = by_item.get(it.name)
        if got is None:
            got = error_result(sh, f"no result: shard {k % n + 1}/{n} did not report")
        out.append(got)
    return out
