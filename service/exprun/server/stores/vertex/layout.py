"""The metadata of experiment and run contexts, in the SDK's layout plus one side key.

SDK keys (vertex-mapping.md §2): a run holds `_params`, `_metrics`, `_state` and `_custom_jobs`;
an experiment holds `experiment_deleted` and `backing_tensorboard_resource`. Everything exprun
needs beyond that sits under the run's `_exprun` key, which the SDK never reads:

* `int_params` / `int_metrics`: {key: decimal string} of values logged as ints. Vertex keeps
  every number as a double, so `3` reads back as `3.0` and `2**63 - 1` as `2**63`. A value is
  given back as the logged int only while the stored double still equals that int's double,
  so a later SDK write of another value wins and a stale side entry is harmless.
* `tensorboard_run`: the backing TensorBoard run, so a page of runs needs no lookup per run.
* `time_series`: the metrics that have points, for the same reason.
* `writers`: {writer_id: decimal sequence}, each stream writer's committed position.
* `state_reason`: why the server moved the run to its state (liveness), "" when a client set it.

One more exprun key sits beside `_exprun`, at the top level, because the sweep filters on it and
Vertex documents filters on top-level metadata keys only (`metadata.<key>.number_value`):

* `_exprun_deadline`: a watched RUNNING run's liveness deadline, seconds since the epoch (a
  number, so `<=` compares it). Absent on runs that never opted in and on runs that are no
  longer RUNNING. The SDK reads none of `_exprun*`.

Reading SDK-written values: a bool (the SDK stores `True` as a JSON bool) reads as a bool, as
the SDK reads it back; a nested list or object reads as its JSON text; null is left out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from exprun.server.core import limits
from exprun.server.core.lease import Leases
from exprun.server.core.model import ParamValue, RunState
from exprun.server.core.validation import check_metadata_size, metadata_size, metadata_too_large
from exprun.server.stores.vertex import codec

SYSTEM_EXPERIMENT = "system.Experiment"
SYSTEM_EXPERIMENT_RUN = "system.ExperimentRun"
SYSTEM_PIPELINE_RUN = "system.PipelineRun"
SCHEMA_VERSION = "0.0.1"

PARAMS = "_params"
METRICS = "_metrics"
STATE = "_state"
CUSTOM_JOBS = "_custom_jobs"
BACKING_TENSORBOARD = "backing_tensorboard_resource"
TENSORBOARD_LINK = "tensorboard_link"
EXPERIMENT_METADATA: dict[str, Any] = {"experiment_deleted": False}

SIDE = "_exprun"
_INTS = {PARAMS: "int_params", METRICS: "int_metrics"}
TB_RUN = "tensorboard_run"
TIME_SERIES = "time_series"
WRITERS = "writers"
STATE_REASON = "state_reason"
DEADLINE = "_exprun_deadline"

Metadata = dict[str, Any]


def check_size(meta: Metadata, field: str) -> None:
    """The core's 200 KB check (JSON, what the SDK sends), then the serialized Struct, which is
    what Vertex may measure and is larger (every number takes 8 bytes, every entry a few more):
    a change that only the second rejects fails here, for its caller alone, instead of failing
    the whole coalesced UpdateContext."""
    check_metadata_size(meta, field)
    # The wire form is at most ~2.7 times the JSON (a one-letter key with a small number: 6 JSON
    # bytes, 16 serialized), so below a third of the limit there is nothing to measure.
    if metadata_size(meta) <= limits.METADATA_MAX_BYTES // 3:
        return
    wire = codec.to_struct(meta).ByteSize()
    if wire > limits.METADATA_MAX_BYTES:
        raise metadata_too_large(field, f"would make the run's metadata {wire} bytes serialized", wire)


def new_run_metadata(state: RunState) -> Metadata:
    return {PARAMS: {}, METRICS: {}, STATE: state.name}


def _side(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    side = meta.get(SIDE)
    return side if isinstance(side, Mapping) else {}


def _side_for_update(meta: Metadata) -> dict[str, Any]:
    side = meta.get(SIDE)
    if not isinstance(side, dict):
        side = meta[SIDE] = {}
    return side


def _tidy(meta: Metadata) -> None:
    """An empty side key is left out, so a run exprun never needed it for looks like the SDK's."""
    side = meta.get(SIDE)
    if isinstance(side, dict):
        for key in [k for k, v in side.items() if v in ({}, [], "")]:
            del side[key]
        if not side:
            del meta[SIDE]


# -- reading ----------------------------------------------------------------------------------
def _param(value: Any, exact_int: Any) -> ParamValue | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if isinstance(exact_int, str):
            try:
                logged = int(exact_int)
            except ValueError:
                return value
            if float(logged) == value:
                return logged
        return value
    if isinstance(value, str):
        return value
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"))


def summary(meta: Mapping[str, Any], key: str) -> dict[str, ParamValue]:
    """`_params` or `_metrics` as exprun values (ints restored, see the module docstring)."""
    values = meta.get(key)
    if not isinstance(values, Mapping):
        return {}
    ints = _side(meta).get(_INTS[key])
    ints = ints if isinstance(ints, Mapping) else {}
    out: dict[str, ParamValue] = {}
    for k, v in values.items():
        converted = _param(v, ints.get(k))
        if converted is not None:
            out[k] = converted
    return out


def state(meta: Mapping[str, Any]) -> RunState:
    """The SDK's `get_state()`: a missing or unknown `_state` is STATE_UNSPECIFIED."""
    value = meta.get(STATE)
    if isinstance(value, str) and value in RunState.__members__:
        return RunState[value]
    return RunState.STATE_UNSPECIFIED


def state_reason(meta: Mapping[str, Any]) -> str:
    value = _side(meta).get(STATE_REASON)
    return value if isinstance(value, str) else ""


def lease_deadline(meta: Mapping[str, Any]) -> datetime | None:
    value = meta.get(DEADLINE)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    return None


def lease_due(meta: Mapping[str, Any], leases: Leases, now: datetime) -> bool:
    """Whether a write at `now` must renew this run's lease (it is watched, RUNNING and due)."""
    deadline = lease_deadline(meta)
    return (
        leases.enabled
        and deadline is not None
        and state(meta) == RunState.RUNNING
        and leases.renewal(deadline, now) is not None
    )


def tensorboard_run(meta: Mapping[str, Any]) -> str:
    value = _side(meta).get(TB_RUN)
    return value if isinstance(value, str) else ""


def time_series(meta: Mapping[str, Any]) -> tuple[str, ...]:
    value = _side(meta).get(TIME_SERIES)
    return tuple(sorted(v for v in value if isinstance(v, str))) if isinstance(value, list) else ()


def writer_sequence(meta: Mapping[str, Any], writer_id: str) -> int:
    writers = _side(meta).get(WRITERS)
    value = writers.get(writer_id) if isinstance(writers, Mapping) else None
    try:
        return int(value) if isinstance(value, str | float) else 0
    except ValueError:
        return 0


def custom_jobs(meta: Mapping[str, Any]) -> list[str]:
    entries = meta.get(CUSTOM_JOBS)
    if not isinstance(entries, list):
        return []
    names = (e.get("custom_job_resource_name") for e in entries if isinstance(e, Mapping))
    return [n for n in names if isinstance(n, str)]


# -- changing (each is one step of a coalesced read-modify-write) -------------------------------
def merge_summary(
    meta: Metadata, params: Mapping[str, ParamValue] | None, metrics: Mapping[str, ParamValue] | None
) -> None:
    """The SDK's one-level merge into `_params` / `_metrics` (§3.1), checked against the 200 KB
    limit after each part with the field the caller sent, as the embedded store does."""
    for key, values, field in ((PARAMS, params, "params"), (METRICS, metrics, "metrics")):
        if values is None:
            continue
        target = meta.get(key)
        if not isinstance(target, dict):
            target = meta[key] = {}
        ints = _side_for_update(meta).setdefault(_INTS[key], {})
        if not isinstance(ints, dict):
            ints = _side_for_update(meta)[_INTS[key]] = {}
        for k, v in values.items():
            target[k] = v
            if isinstance(v, int) and not isinstance(v, bool):
                ints[k] = str(v)
            else:
                ints.pop(k, None)
        _tidy(meta)
        check_size(meta, field)


def set_state(meta: Metadata, state: RunState, reason: str = "") -> None:
    """A state a client sets carries no server reason; one the server sets says why. Leaving
    RUNNING ends liveness watching."""
    meta[STATE] = state.name
    if state != RunState.RUNNING:
        meta.pop(DEADLINE, None)
    _side_for_update(meta)[STATE_REASON] = reason
    _tidy(meta)


def set_lease_deadline(meta: Metadata, deadline: datetime) -> None:
    meta[DEADLINE] = math.ceil(deadline.timestamp() * 1000) / 1000  # never earlier than asked


def keep_alive(meta: Metadata, leases: Leases, now: datetime) -> None:
    """A heartbeat: starts or renews the lease of a RUNNING run."""
    if state(meta) == RunState.RUNNING:
        current = lease_deadline(meta)
        kept = leases.kept(current, now)
        if kept != current:
            set_lease_deadline(meta, kept)


def renew_lease(meta: Metadata, leases: Leases, now: datetime) -> None:
    """A write: renews the lease of a watched run when due; never starts one."""
    if lease_due(meta, leases, now):
        set_lease_deadline(meta, leases.renewed(now))


def fail_if_overdue(meta: Metadata, now: datetime, reason: str) -> bool:
    """Fails the run if it is RUNNING and its persisted deadline is at or before `now`."""
    deadline = lease_deadline(meta)
    if state(meta) != RunState.RUNNING or deadline is None or deadline > now:
        return False
    set_state(meta, RunState.FAILED, reason)
    return True


def set_tensorboard_run(meta: Metadata, tb_run: str) -> None:
    _side_for_update(meta)[TB_RUN] = tb_run
    check_size(meta, "tensorboard")


def add_time_series(meta: Metadata, metrics: Sequence[str]) -> None:
    side = _side_for_update(meta)
    known = side.get(TIME_SERIES)
    names = set(known) if isinstance(known, list) else set()
    side[TIME_SERIES] = sorted(names | set(metrics))
    check_size(meta, "batch.series")


def advance_writer(meta: Metadata, writer_id: str, sequence: int) -> None:
    if sequence <= writer_sequence(meta, writer_id):
        return
    writers = _side_for_update(meta).get(WRITERS)
    if not isinstance(writers, dict):
        writers = _side_for_update(meta)[WRITERS] = {}
    writers[writer_id] = str(sequence)
    check_size(meta, "writer_id")


def add_custom_job(meta: Metadata, job: str, console_uri: str) -> None:
    """Appends like the SDK's preview CustomJob (§6.4): a list replaces the old value."""
    entries = meta.get(CUSTOM_JOBS)
    entries = list(entries) if isinstance(entries, list) else []
    entries.append({"custom_job_resource_name": job, "custom_job_console_uri": console_uri})
    meta[CUSTOM_JOBS] = entries
    check_size(meta, "link.target")
