"""The example database of a campaign: where Hypothesis keeps the counterexamples it found.

Every failing example Hypothesis shrinks is saved under its test's key and replayed first
the next time that test runs.  A campaign spread over several machines shares one database
so that a counterexample found on any worker replays on every machine (and from a fresh
checkout): :func:`example_database` combines the local database with a shared one given by
a URL,

* ``redis://host:port/db`` — Hypothesis's ``RedisExampleDatabase`` (package ``redis``);
* anything else — a directory (``DirectoryBasedExampleDatabase``), e.g. on a shared file
  system,

through ``MultiplexedDatabase`` (reads from both, writes to both).  ``readonly`` wraps the
shared database in ``ReadOnlyDatabase``: the worker replays what others found but adds
nothing.  Seeded runs and the derandomized ``ci`` profile use no database at all (their
examples must not depend on what earlier runs stored); see docs/campaigns.md.
"""

from __future__ import annotations

import functools
from pathlib import Path

from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    ExampleDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)

from checkers.errors import WhyReluError

LOCAL_ENV = "WHYRELU_DATABASE"
"""Environment variable naming the local example database directory (default: Hypothesis's
``.hypothesis/examples`` in the working directory)."""


class DatabaseError(WhyReluError, ValueError):
    """An example-database URL that is malformed or names a server that cannot be reached."""


def local_database() -> ExampleDatabase:
    """The local example database: the per-user one of :func:`spec.harness.profiles.database`
    (``$WHYRELU_DATABASE``, else the user's cache directory), never the working directory;
    an in-memory one when ``WHYRELU_DATABASE=none``."""
    from hypothesis.database import InMemoryExampleDatabase

    from spec.harness.profiles import database

    db = database()
    return db if db is not None else InMemoryExampleDatabase()


def shared_database(url: str) -> ExampleDatabase:
    """The database named by ``url`` (``redis://host:port/db`` or a directory)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        try:
            import redis
            from hypothesis.extra.redis import RedisExampleDatabase
        except ImportError as e:  # pragma: no cover - the campaign extra is not installed
            raise DatabaseError(f"{url}: a Redis database needs the 'redis' package "
                                "(pip install 'whyrelu[campaign]')") from e
        try:
            client = redis.Redis.from_url(url)
        except ValueError as e:
            raise DatabaseError(f"malformed Redis URL {url!r}: {e}") from None
        return RedisExampleDatabase(client)
    if "://" in url:
        raise DatabaseError(f"unsupported database URL {url!r}: give redis://host:port/db "
                            "or a directory")
    path = Path(url)
    if path.exists() and not path.is_dir():
        raise DatabaseError(f"database {url!r} exists and is not a directory")
    return DirectoryBasedExampleDatabase(path)


def check_reachable(url: str) -> None:
    """Fail early, with one line, when a Redis database does not answer."""
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except (redis.RedisError, OSError, ValueError) as e:
        raise DatabaseError(f"cannot reach the example database {url}: {e}") from None


@functools.cache
def _shared(url: str, readonly: bool) -> ExampleDatabase:
    shared = shared_database(url)
    return ReadOnlyDatabase(shared) if readonly else shared


def example_database(url: str | None, readonly: bool = False, *,
                     local: ExampleDatabase | None = None) -> ExampleDatabase:
    """The local database (``local``, default :func:`local_database`) combined with the
    shared one at ``url`` (read-only if ``readonly``); just the local one without a URL.

    The shared database is opened once per ``(url, readonly)`` and process, so that a
    worker opens one Redis connection pool however many shards it runs.
    """
    if not url:
        return local if local is not None else local_database()
    return MultiplexedDatabase(local if local is not None else local_database(),
                               _shared(url, readonly))
