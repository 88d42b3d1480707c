"""Claims used only by tests/test_campaign.py (not part of the specification).

The test imports this module (and names it in its shards, so that Dask workers and
subprocesses import it too), and restores the claim registry afterwards.

* ``campaign_test.planted`` — a planted bug: with ``WHYRELU_TEST_PLANTED=threshold`` every
  x ≥ :data:`TARGET` fails (random generation finds one at once and shrinks it to exactly
  ``TARGET``); with ``WHYRELU_TEST_PLANTED=exact`` only x = ``TARGET`` fails, which random
  generation practically never draws — a run finds it only by replaying the example
  database.
* ``campaign_test.slow`` — eight chunks of a check that sleeps, so that a worker can be
  killed while it runs one;
* ``campaign_test.kills_its_worker`` — kills its own process when
  ``WHYRELU_TEST_KILL_WORKER=1`` (set only for the workers of one test's cluster).
"""

from __future__ import annotations

import os
import signal
import time

from hypothesis import strategies as st

from spec.claims import Evidence, check, claim

CLAIM_NAMESPACE = "campaign_test"
TARGET = 2**40 + 12345
MODE_ENV = "WHYRELU_TEST_PLANTED"
SLEEP = 0.15


@claim("Test: campaign", "a planted bug (see the module doc)",
       instances=st.integers(0, 2**64), examples=200, shrink_calls=5000)
def planted(x: int) -> Evidence:
    exact = os.environ.get(MODE_ENV, "threshold") == "exact"
    check(not (x == TARGET if exact else x >= TARGET), "the planted bug is hit", x=x)
    return Evidence.of(x=x)


@claim("Test: campaign", "a slow check in eight chunks (see the module doc)",
       instances=st.integers(0, 10), examples=8, split=8)
def slow(x: int) -> Evidence:
    time.sleep(SLEEP)
    return Evidence.of(x=x)


KILL_ENV = "WHYRELU_TEST_KILL_WORKER"


@claim("Test: campaign", "kills the process that runs it when $WHYRELU_TEST_KILL_WORKER "
       "is 1 (a worker that dies on every attempt)", instances=st.integers(0, 10), examples=1)
def kills_its_worker(x: int) -> Evidence:
    if os.environ.get(KILL_ENV) == "1":
        os.kill(os.getpid(), signal.SIGKILL)
    return Evidence.of(x=x)
