"""Liveness leases live in the store: persisted, renewed by any replica and by any write to a
watched run, and a run is failed only once its persisted deadline has passed.

"Another replica" is a second store over the same backend (the embedded store is one replica by
design, so there it is the same store), and each replica gets its own `Liveness`. Time is the
`clock` fixture's, moved by hand: nothing here waits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
from exprun.server.core import layouts
from exprun.server.core.lease import Leases
from exprun.server.core.liveness import Liveness
from exprun.server.core.model import (
    ClassificationMetrics,
    Execution,
    Link,
    LinkKind,
    Run,
    RunState,
    Series,
    TimeSeriesWrite,
    WriterPosition,
)
from exprun.server.core.names import RunName
from exprun.server.core.store import RunStore

from tests.support.clock import ManualClock

pytestmark = pytest.mark.asyncio(loop_scope="function")

REASON = "no heartbeat for 600 s"
PIPELINE_JOB = "projects/test-project/locations/us-central1/pipelineJobs/job-1"
# Vertex keeps deadlines in milliseconds, rounded up.
PRECISION = timedelta(milliseconds=1)


def close_to(actual: datetime | None, expected: datetime) -> bool:
    return actual is not None and expected <= actual <= expected + PRECISION


async def deadline_of(store: RunStore, name: RunName) -> datetime | None:
    return (await store.get_run(name)).liveness_deadline


async def test_a_kept_alive_run_has_its_deadline_persisted_for_every_replica(
    store: RunStore, replica: RunStore, run: Run, leases: Leases
) -> None:
    now = leases.now()
    kept = await store.keep_alive([run.name], now)
    assert close_to(kept[run.name], now + timedelta(seconds=leases.timeout_seconds))
    assert close_to(await deadline_of(replica, run.name), kept[run.name] - PRECISION)
    assert close_to((await replica.get_run(run.name)).liveness_deadline, now + timedelta(seconds=600))


async def test_keep_alive_leaves_runs_that_are_not_running_alone(
    store: RunStore, run: Run, leases: Leases
) -> None:
    done = await store.create_run(Run(run.name.parent.run("done"), state=RunState.COMPLETE))
    kept = await store.keep_alive([run.name, done.name], leases.now())
    assert list(kept) == [run.name]
    assert await deadline_of(store, done.name) is None


async def test_a_run_is_failed_only_once_its_persisted_deadline_has_passed(
    store: RunStore, run: Run, leases: Leases
) -> None:
    deadline = (await store.keep_alive([run.name], leases.now()))[run.name]
    assert await store.fail_overdue_runs(deadline - timedelta(seconds=1), REASON) == []
    assert (await store.get_run(run.name)).state == RunState.RUNNING
    assert await store.fail_overdue_runs(deadline + PRECISION, REASON) == [run.name]
    failed = await store.get_run(run.name)
    assert (failed.state, failed.state_reason, failed.liveness_deadline) == (RunState.FAILED, REASON, None)
    # Failed once: a later sweep finds nothing, and keeping it alive does not revive it.
    assert await store.fail_overdue_runs(deadline + timedelta(hours=1), REASON) == []
    assert await store.keep_alive([run.name], leases.now()) == {}


async def test_runs_that_never_opted_in_are_never_failed(store: RunStore, run: Run, leases: Leases) -> None:
    await store.merge_summary(run.name, params={"lr": 0.1})
    assert await deadline_of(store, run.name) is None
    assert await store.fail_overdue_runs(leases.now() + timedelta(days=1), REASON) == []
    assert (await store.get_run(run.name)).state == RunState.RUNNING


async def test_ending_a_run_ends_its_lease(store: RunStore, run: Run, leases: Leases) -> None:
    await store.keep_alive([run.name], leases.now())
    ended = await store.update_run_state(run.name, RunState.COMPLETE)
    assert ended.liveness_deadline is None
    assert await store.fail_overdue_runs(leases.now() + timedelta(days=1), REASON) == []
    assert (await store.get_run(run.name)).state == RunState.COMPLETE


async def test_a_lease_another_replica_renewed_is_respected(
    store: RunStore, replica: RunStore, run: Run, leases: Leases, clock: ManualClock
) -> None:
    first = Liveness(store)
    second = Liveness(replica)
    start = await first.heard_from(run.name)
    assert start is not None
    clock.advance(leases.timeout_seconds / 2)
    renewed = await second.heard_from(run.name)
    assert renewed is not None
    assert renewed > start
    # The first replica's own records say overdue; the store says otherwise, and decides.
    clock.now = start.timestamp() + 1
    assert await first.sweep() == []
    assert (await store.get_run(run.name)).state == RunState.RUNNING
    clock.now = renewed.timestamp() + 1
    assert await first.sweep() == [run.name]
    assert (await replica.get_run(run.name)).state == RunState.FAILED


async def test_a_sweep_fails_overdue_runs_another_replica_watched(
    store: RunStore, replica: RunStore, run: Run, leases: Leases, clock: ManualClock
) -> None:
    """As when the producer's replica was killed: the survivor finds the run through the store."""
    other = await replica.create_run(Run(run.name.parent.run("served-here")))
    deadline = await Liveness(store).heard_from(run.name)
    assert deadline is not None
    clock.now = deadline.timestamp() + 1
    assert await Liveness(replica).sweep() == [run.name]
    assert (await store.get_run(run.name)).state == RunState.FAILED
    assert (await store.get_run(other.name)).state == RunState.RUNNING


async def test_a_lone_heartbeat_gives_exactly_one_timeout(store: RunStore, run: Run, leases: Leases) -> None:
    liveness = Liveness(store)
    now = leases.now()
    deadline = await liveness.heard_from(run.name)
    assert close_to(deadline, now + timedelta(seconds=leases.timeout_seconds))


Write = Callable[[RunStore, RunName], Awaitable[object]]
CM = ClassificationMetrics("cm", ("a", "b"), ((1.0, 0.0), (0.0, 1.0)), (), (), ())
WRITES: dict[str, Write] = {
    "params": lambda s, n: s.merge_summary(n, params={"p": 1}),
    "metrics": lambda s, n: s.merge_summary(n, metrics={"m": 2.0}),
    "time series": lambda s, n: s.write_time_series(n, [Series("loss", [1], [0.5], [1])], None),
    "time series again": lambda s, n: s.write_time_series(n, [Series("loss", [1], [0.4], [2])], None),
    "stream batch": lambda s, n: s.write_time_series_batch(
        [TimeSeriesWrite(n, [Series("acc", [1], [0.9], [1])], WriterPosition("w", 1))]
    ),
    "classification metrics": lambda s, n: s.add_artifact(n, layouts.classification_metrics_artifact(CM)),
    "execution": lambda s, n: s.associate_execution(
        n, Execution(execution_id="exec-1", schema_title="system.ContainerExecution")
    ),
    "pipeline job": lambda s, n: s.add_link(n, Link(LinkKind.PIPELINE_JOB, PIPELINE_JOB)),
}


async def test_every_write_to_a_watched_run_renews_its_lease_through_any_replica(
    store: RunStore, replica: RunStore, run: Run, leases: Leases, clock: ManualClock
) -> None:
    unwatched = await store.create_run(Run(run.name.parent.run("unwatched")))
    deadline = (await store.keep_alive([run.name], leases.now()))[run.name]
    for what, write in WRITES.items():
        # Three quarters of a timeout later, one write must carry the lease past a full one.
        clock.advance(leases.timeout_seconds * 0.8)
        await write(replica, run.name)
        renewed = await deadline_of(store, run.name)
        assert renewed is not None, what
        assert renewed >= leases.due_before(leases.now()), what
        assert renewed > deadline, what
        deadline = renewed
        await write(replica, unwatched.name)
        assert await deadline_of(store, unwatched.name) is None, f"{what} opted a run in"
    clock.now = deadline.timestamp() - 1
    assert await replica.fail_overdue_runs(leases.now(), REASON) == []


async def test_writes_renew_a_lease_at_most_once_per_three_quarters_of_a_timeout(
    store: RunStore, replica: RunStore, run: Run, leases: Leases, clock: ManualClock
) -> None:
    await store.keep_alive([run.name], leases.now())
    await replica.merge_summary(run.name, params={"p": 0})
    clock.advance(1)
    await replica.merge_summary(run.name, params={"p": 1})
    renewed = await deadline_of(store, run.name)
    for step in range(2, 10):
        clock.advance(leases.timeout_seconds * 0.05)
        await replica.merge_summary(run.name, params={"p": step})
        assert await deadline_of(store, run.name) == renewed
