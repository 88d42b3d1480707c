"""Campaigns (spec/harness/campaign.py, cluster.py, database.py; docs/campaigns.md), with
real components: a Dask ``LocalCluster`` of two worker processes, a real ``redis-server``
started on a free local port, worker processes killed by pid."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spec.activations import activations
from spec.claims import _REGISTRY, get_claim, load_all
from spec.cli import main
from spec.cli.report import write
from spec.harness.campaign import (
    CampaignError,
    Shard,
    ShardResult,
    partition,
    run_shard,
    shards_for,
)
from spec.harness.database import DatabaseError, example_database
from spec.harness.report import markdown_without_timings, without_timings
from spec.harness.runner import items_for
from spec.harness.session import Run, run_registry, select_claims

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent
TEST_CLAIMS = "tests.campaign_claims"
# cheap claims: proved, holds, refuted with counterexamples, one activation-free claim
# whose examples once depended on which project modules a process had imported
CHEAP = ["bnslp", "gadget.perturbed_lambda_refuted", "pac.sample_size_lower_bound"]


@pytest.fixture
def test_claims() -> Iterator[Any]:
    """tests/campaign_claims.py registered for the test, removed afterwards."""
    load_all()
    saved = dict(_REGISTRY)
    mod = sys.modules.get(TEST_CLAIMS)
    mod = importlib.reload(mod) if mod is not None else importlib.import_module(TEST_CLAIMS)
    try:
        yield mod
    finally:
        _REGISTRY.clear()
        _REGISTRY.update(saved)
        load_all.cache_clear()


def _env_with_root() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster of two single-threaded worker processes (which import the project
    and tests/campaign_claims.py from this checkout)."""
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = _env_with_root()["PYTHONPATH"]
    try:
        with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                      dashboard_address=None,
                                      scheduler_kwargs={"dashboard_address": ":0"},
                                      silence_logs=50) as cluster, \
                distributed.Client(cluster) as c:
            yield c
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A real redis-server on a free local port, without persistence; stopped after."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; .ci/run "
                    "installs it)")
    import redis

    port = _free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port} "
                                f"(exit status {proc.poll()})")
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _reports_equal(a: Run, b: Run, tmp: Path) -> None:
    write(tmp / "a", a, figures=False)
    write(tmp / "b", b, figures=False)
    md_a, md_b = ((tmp / d / "report.md").read_text() for d in "ab")
    assert markdown_without_timings(md_a) == markdown_without_timings(md_b)
    js_a, js_b = (json.loads((tmp / d / "report.json").read_text()) for d in "ab")
    assert without_timings(js_a) == without_timings(js_b)


# --------------------------------------------------------------------------- work units

def test_shard_round_trips_as_json() -> None:
    sh = Shard("gadget.identity", "x^2 + x", 1, 3, "deep", 7, 40, "redis://h:1/0", True,
               ("my.claims",))
    text = sh.to_json()
    assert Shard.from_json(text) == sh
    assert json.loads(text)["activation"] == "x^2 + x"
    with pytest.raises(CampaignError, match="not a shard"):
        Shard.from_json(json.dumps({"claim": "x"}))
    with pytest.raises(CampaignError, match="malformed"):
        Shard.from_json(json.dumps({**sh.to_dict(), "chunk": 3}))


def test_run_shard_is_the_local_run() -> None:
    """One shard through run_shard gives exactly the item of a local run (minus time)."""
    claims = select_claims(["gadget.perturbed_lambda_refuted"])
    acts = activations()
    run = run_registry(claims, acts, profile="ci", jobs=1, quiet=True)
    shards = shards_for(items_for(claims, acts), profile="ci")
    got = [ShardResult.from_json(run_shard(s.to_json())) for s in shards]
    assert [without_timings(g.result.to_json()) for g in got] == \
        [without_timings(r.to_json()) for r in run.results]
    assert all(g.result.outcome == "refuted" and g.result.counterexample for g in got)


def test_partition_is_deterministic_and_complete() -> None:
    items = items_for(load_all(), activations())
    for n in (1, 2, 3, 7):
        parts = [partition(items, i, n) for i in range(1, n + 1)]
        flat = [it for p in parts for it in p]
        assert sorted(flat, key=items.index) == items  # every item exactly once
        assert len(flat) == len(set(flat))
        assert max(map(len, parts)) - min(map(len, parts)) <= 1
        assert parts == [partition(items, i, n) for i in range(1, n + 1)]


def test_list_shows_a_shards_items(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--list"]) == 0
    every = capsys.readouterr().out.splitlines()
    parts = []
    for i in (1, 2):
        assert main(["check", "--list", "--shard", f"{i}/2"]) == 0
        parts.append(capsys.readouterr().out.splitlines())
    assert parts[0] == every[0::2] and parts[1] == every[1::2]


def test_shards_then_merge_equal_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    base = ["--profile", "ci", "--jobs", "1", "--quiet", "--no-figures"]
    for c in CHEAP[:2]:
        base += ["--claim", c]
    assert main(["check", *base, "--report", str(tmp_path / "one")]) == 0
    table_one = capsys.readouterr().out
    files = []
    for i in (1, 2, 3):
        f = tmp_path / f"shard{i}.json"
        assert main(["check", *base, "--shard", f"{i}/3", "--results", str(f)]) == 0
        files.append(str(f))
    assert not (tmp_path / "report").exists()
    capsys.readouterr()
    assert main(["merge", *reversed(files), "--report", str(tmp_path / "merged"),
                 "--no-figures"]) == 0
    assert capsys.readouterr().out == table_one
    for name in ("report.md", "report.json"):
        one = (tmp_path / "one" / name).read_text()
        merged = (tmp_path / "merged" / name).read_text()
        if name.endswith(".md"):
            assert markdown_without_timings(one) == markdown_without_timings(merged)
        else:
            assert without_timings(json.loads(one)) == without_timings(json.loads(merged))

    # a lost shard is reported, not silently dropped
    assert main(["merge", files[0], files[2], "--no-report"]) == 1
    out = capsys.readouterr().out
    assert "shard 2/3 did not report" in out and "outcome error" in out
    # files of different runs, or one shard twice, are refused in one line
    assert main(["merge", files[0], files[0], "--no-report"]) == 2
    assert "shard 1/3 given twice" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--shard", "1/2"], "--shard needs --results"),
    (["--shard", "3/2", "--results", "x.json"], "need 1 <= i <= N"),
    (["--shard", "a/b", "--results", "x.json"], "--shard wants i/N"),
    (["--database", "ftp://host/x"], "unsupported database URL"),
    (["--database", "redis://127.0.0.1:1/0"], "cannot reach the example database"),
    (["--scheduler", "local:two", "--no-report"], "local:N wants a number"),
])
def test_campaign_usage_errors(argv: list[str], message: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--claim", "bnslp.lemma_a4", "--quiet", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1] and err[-1].startswith("whyrelu: error:")


# --------------------------------------------------------------------------- Dask

def test_cluster_report_equals_single_process(client: Any, tmp_path: Path) -> None:
    claims = select_claims(CHEAP)
    acts = activations()
    one = run_registry(claims, acts, profile="ci", jobs=1, quiet=True)
    on_cluster = run_registry(claims, acts, profile="ci", scheduler=client, quiet=True)
    workers = {r.worker for r in on_cluster.shard_results}
    assert len(workers) == 2 and all(str(w).startswith("tcp://") for w in workers)
    _reports_equal(one, on_cluster, tmp_path)


def test_killed_worker_loses_no_shard(client: Any, test_claims: Any) -> None:
    claim = get_claim("campaign_test.slow")
    shards = shards_for(items_for([claim], []), profile="ci", modules=[TEST_CLAIMS])
    killed: list[int] = []

    def kill_one(_: ShardResult) -> None:
        if killed:
            return
        busy = [w for w, keys in client.processing().items() if keys]
        pids = client.run(os.getpid)
        pid = pids[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    from spec.harness.cluster import run_on_cluster

    results = run_on_cluster(client, shards, on_result=kill_one)
    assert killed, "no worker was killed"
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)
    assert [r.result.item for r in results] == [s.item.name for s in shards]
    assert all(r.result.outcome == "holds" and r.result.examples == 4 for r in results)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next tests


def test_failing_shard_is_an_error_naming_its_worker(client: Any) -> None:
    from spec.harness.cluster import run_on_cluster

    bad = Shard("campaign_test.no_such_claim", None, profile="ci")
    [res] = run_on_cluster(client, [bad], retries=1)
    assert res.result.outcome == "error" and not res.result.meets_expectation
    assert res.worker is not None and res.worker.startswith("tcp://127.0.0.1:")
    assert "unknown claim" in str(res.result.message)
    assert f"worker {res.worker}" in str(res.result.message)


def test_shard_that_kills_every_worker_is_an_error_naming_it(test_claims: Any) -> None:
    """A shard whose worker dies on each of its attempts (2 here) becomes an error result
    naming the last worker, after Dask's own rescheduling."""
    import dask

    from spec.harness.cluster import run_on_cluster

    old = os.environ.get("PYTHONPATH")
    os.environ.update({"PYTHONPATH": _env_with_root()["PYTHONPATH"],
                       test_claims.KILL_ENV: "1"})
    try:
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
                distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1,
                                         dashboard_address=None,
                                         scheduler_kwargs={"dashboard_address": ":0"},
                                         silence_logs=50) as cluster, \
                distributed.Client(cluster) as c:
            shard = Shard("campaign_test.kills_its_worker", None, profile="ci",
                          modules=(TEST_CLAIMS,))
            [res] = run_on_cluster(c, [shard])
    finally:
        os.environ.pop(test_claims.KILL_ENV)
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    assert res.result.outcome == "error" and res.result.item == "campaign_test.kills_its_worker"
    assert res.worker is not None and res.worker.startswith("tcp://127.0.0.1:")
    assert "KilledWorker" in str(res.result.message) and "2 different workers" in \
        str(res.result.message)


# --------------------------------------------------------------------------- database

def _run_in_fresh_process(shard: Shard, local_db: Path, mode: str) -> dict[str, Any]:
    env = _env_with_root()
    env.update({"WHYRELU_DATABASE": str(local_db), "WHYRELU_TEST_PLANTED": mode})
    env.pop("HYPOTHESIS_PROFILE", None)
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from spec.harness.campaign import run_shard; "
         "print(run_shard(sys.argv[1]))", shard.to_json()],
        env=env, capture_output=True, text=True, check=True, timeout=120)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])["result"]
    return result


def test_refutation_found_once_replays_from_redis(redis_url: str, tmp_path: Path,
                                                  test_claims: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import redis

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    target = str(test_claims.TARGET)
    shard = Shard("campaign_test.planted", None, profile="dev", database=redis_url,
                  modules=(TEST_CLAIMS,))
    # one machine finds the bug (any x >= TARGET fails) and shrinks it to exactly TARGET
    first = _run_in_fresh_process(shard, tmp_path / "a", "threshold")
    assert first["outcome"] == "refuted" and target in first["counterexample"]
    assert server.keys("hypothesis-example:*"), "nothing was stored in Redis"
    assert any((tmp_path / "a").rglob("*")), "nothing was stored locally"
    # a fresh machine (empty local database) where only x = TARGET fails: it replays
    # the stored example first
    second = _run_in_fresh_process(shard, tmp_path / "b", "exact")
    assert second["outcome"] == "refuted" and second["examples"] == 1
    assert second["counterexample"] == first["counterexample"]

    # control: the same fresh run without the shared database does not find it
    monkeypatch.setenv("WHYRELU_TEST_PLANTED", "exact")
    monkeypatch.setenv("WHYRELU_DATABASE", str(tmp_path / "c"))
    plain = Shard("campaign_test.planted", None, profile="dev")
    assert ShardResult.from_json(run_shard(plain.to_json())).result.outcome == "holds"

    # read-only: replays what is there, adds nothing
    empty_db = redis_url.rsplit("/", 1)[0] + "/1"
    redis.Redis.from_url(empty_db).flushdb()
    monkeypatch.setenv("WHYRELU_TEST_PLANTED", "threshold")
    monkeypatch.setenv("WHYRELU_DATABASE", str(tmp_path / "d"))
    ro = Shard("campaign_test.planted", None, profile="dev", database=empty_db,
               database_readonly=True)
    assert ShardResult.from_json(run_shard(ro.to_json())).result.outcome == "refuted"
    assert redis.Redis.from_url(empty_db).dbsize() == 0
    assert any((tmp_path / "d").rglob("*"))


def test_database_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hypothesis.database import DirectoryBasedExampleDatabase, MultiplexedDatabase

    monkeypatch.setenv("WHYRELU_DATABASE", str(tmp_path / "local"))
    assert example_database(None) == DirectoryBasedExampleDatabase(tmp_path / "local")
    both = example_database(str(tmp_path / "shared"))
    assert isinstance(both, MultiplexedDatabase)
    both.save(b"k", b"v")
    assert list(DirectoryBasedExampleDatabase(tmp_path / "shared").fetch(b"k")) == [b"v"]
    assert list(DirectoryBasedExampleDatabase(tmp_path / "local").fetch(b"k")) == [b"v"]
    (tmp_path / "file").write_text("")
    with pytest.raises(DatabaseError, match="not a directory"):
        example_database(str(tmp_path / "file"))


def test_bench_campaign_makespan() -> None:
    """The benchmark's estimate (no timing asserted): list scheduling of shard times."""
    from benchmarks.bench_campaign import estimate, makespan

    assert makespan([3, 1, 1, 1], 2, longest_first=True) == 3
    assert makespan([1, 1, 1, 3], 2, longest_first=False) == 4
    assert makespan([5.0], 100, longest_first=False) == 5.0
    est = estimate([{"item": "a", "cpu": 2.0}, {"item": "b", "cpu": 1.0}], [1, 2], 0.5, 2.0)
    assert est["total_cpu"] == 6.0 and est["makespan"]["1"]["in_order"] == 9.0
    assert est["makespan"]["2"]["longest_first"] == 6.0
