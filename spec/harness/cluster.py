"""Run shards on a Dask cluster (``whyrelu check --scheduler ADDRESS``).

Each shard goes to the cluster as its JSON text and comes back as JSON text
(:func:`spec.harness.campaign.run_shard`); results are collected with
``distributed.as_completed``, so the caller sees one stream of results across the cluster.
A worker that dies mid-shard makes the scheduler run the shard elsewhere (Dask's
``distributed.scheduler.allowed-failures``); a shard that raises is retried ``retries``
times (Dask's ``retries=``).  A shard that still fails becomes an ``error`` result naming
the last worker it ran on — it is never lost.

``distributed`` is imported only here, and only when a cluster is used (the extra
``campaign``).
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from hypothesis.errors import HypothesisDeprecationWarning

from spec.harness.campaign import (
    CampaignError,
    Shard,
    ShardResult,
    error_result,
    run_shard,
    worker_name,
)

if TYPE_CHECKING:
    from distributed import Client

LOCAL_PREFIX = "local:"


class ShardFailed(Exception):
    """Raised on a worker when :func:`run_shard` raised; carries the worker's address (so
    that Dask's retries apply, and the final failure says where it happened)."""

    def __init__(self, message: str, worker: str) -> None:
        super().__init__(message, worker)

    @property
    def worker(self) -> str:
        return str(self.args[1])

    def __str__(self) -> str:
        return str(self.args[0])


def dask_task(shard_json: str) -> str:
    """The task a Dask worker runs: :func:`run_shard`, with failures tagged by worker.

    The worker's own threads draw from the global ``random`` module while a shard runs,
    which Hypothesis would misreport as a strategy using ``random``: that warning is off.
    """
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Do not use the `random` module",
                                    category=HypothesisDeprecationWarning)
            return run_shard(shard_json)
    except Exception as e:
        raise ShardFailed(f"{type(e).__name__}: {e}", worker_name()) from None


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as e:  # pragma: no cover - the campaign extra is not installed
        raise CampaignError("--scheduler needs Dask: pip install 'whyrelu[campaign]'") from e
    return distributed


@contextmanager
def connect(address: str | Client, *, quiet: bool = True) -> Iterator[Client]:
    """A client of the Dask scheduler at ``address``, or of a new ``LocalCluster`` of N
    single-threaded worker processes for ``local:N`` (closed on exit); a client given
    instead of an address is used as it is (and left open)."""
    if not isinstance(address, str):
        yield address
        return
    distributed = _import_distributed()
    level = logging.ERROR if quiet else logging.WARNING
    if address.startswith(LOCAL_PREFIX):
        try:
            n = int(address[len(LOCAL_PREFIX):])
        except ValueError:
            raise CampaignError(f"--scheduler local:N wants a number of workers, "
                                f"got {address!r}") from None
        if n < 1:
            raise CampaignError(f"--scheduler {address}: need at least one worker")
        with distributed.LocalCluster(n_workers=n, processes=True, threads_per_worker=1,
                                      dashboard_address=None,
                                      scheduler_kwargs={"dashboard_address": ":0"},
                                      silence_logs=level) as cluster, \
                distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(address, timeout="10s")
    except (OSError, TimeoutError) as e:
        raise CampaignError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    with client:
        yield client


def _failure(shard: Shard, exc: BaseException | None) -> ShardResult:
    if isinstance(exc, ShardFailed):
        return error_result(shard, str(exc), exc.worker)
    last = getattr(exc, "last_worker", None)  # distributed.KilledWorker
    worker = getattr(last, "address", None) if last is not None else None
    text = f"{type(exc).__name__}: {exc}" if exc is not None else "cancelled"
    return error_result(shard, text, None if worker is None else str(worker))


def run_on_cluster(client: Client, shards: Sequence[Shard], *, retries: int = 2,
                   on_result: Callable[[ShardResult], None] | None = None) -> list[ShardResult]:
    """Run ``shards`` on the cluster behind ``client``; results in shard order (each passed
    to ``on_result`` as it arrives)."""
    distributed = _import_distributed()
    run_id = uuid.uuid4().hex[:12]
    index: dict[Any, int] = {}
    futures = []
    for k, sh in enumerate(shards):
        fut = client.submit(dask_task, sh.to_json(), key=f"whyrelu-{run_id}-{k}",
                            retries=retries, pure=False)
        index[fut.key] = k
        futures.append(fut)
    out: list[ShardResult | None] = [None] * len(shards)
    for fut in distributed.as_completed(futures):
        k = index[fut.key]
        if fut.status == "finished":
            res = ShardResult.from_json(fut.result())
        else:
            try:
                exc = fut.exception()
            except BaseException as e:  # cancelled futures raise here
                exc = e
            res = _failure(shards[k], exc)
        fut.release()
        out[k] = res
        if on_result is not None:
            on_result(res)
    assert all(r is not None for r in out)
    return [r for r in out if r is not None]
