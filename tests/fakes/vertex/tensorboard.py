"""TensorboardService: tensorboards, experiments, runs, time series and their data points.

Modelled on the v1 proto docs: server-assigned numeric IDs for tensorboards and time series (a chosen
series ID must match `[a-z0-9][a-z0-9-]{0,127}`), experiment/run IDs 1-128 `[a-z0-9-]`, run and series
display names unique in their parent, at most 5000 points per write request (all or nothing), a repeated
step overwriting the stored point, `metadata.max_step`/`max_wall_time` kept up to date (the largest
ever written: overwriting the latest point with an earlier one does not lower them), BatchRead
returning every point up to 1000 per series (100 for tensors and blobs) and else a random sample of that
many, Read honouring `max_data_points` (default 1000, -1 for all, at most 10000), Export complete, ordered
by step (`order_by` "step" or "step desc") and paged (1000 by default, at most 10000). The `filter` of Read
and Export has no documented syntax and is ignored. Deleting a run (or experiment) deletes its series
and their data. The caller holds the fake's lock around every method.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.cloud.aiplatform_v1.types import (
    BatchCreateTensorboardRunsRequest,
    BatchCreateTensorboardRunsResponse,
    BatchCreateTensorboardTimeSeriesRequest,
    BatchCreateTensorboardTimeSeriesResponse,
    BatchReadTensorboardTimeSeriesDataRequest,
    BatchReadTensorboardTimeSeriesDataResponse,
    CreateTensorboardExperimentRequest,
    CreateTensorboardOperationMetadata,
    CreateTensorboardRequest,
    CreateTensorboardRunRequest,
    CreateTensorboardTimeSeriesRequest,
    DeleteTensorboardExperimentRequest,
    DeleteTensorboardRequest,
    DeleteTensorboardRunRequest,
    DeleteTensorboardTimeSeriesRequest,
    ExportTensorboardTimeSeriesDataRequest,
    ExportTensorboardTimeSeriesDataResponse,
    GetTensorboardExperimentRequest,
    GetTensorboardRequest,
    GetTensorboardRunRequest,
    GetTensorboardTimeSeriesRequest,
    ListTensorboardExperimentsRequest,
    ListTensorboardExperimentsResponse,
    ListTensorboardRunsRequest,
    ListTensorboardRunsResponse,
    ListTensorboardsRequest,
    ListTensorboardsResponse,
    ListTensorboardTimeSeriesRequest,
    ListTensorboardTimeSeriesResponse,
    ReadTensorboardTimeSeriesDataRequest,
    ReadTensorboardTimeSeriesDataResponse,
    Tensorboard,
    TensorboardExperiment,
    TensorboardRun,
    TensorboardTimeSeries,
    TimeSeriesData,
    TimeSeriesDataPoint,
    WriteTensorboardExperimentDataRequest,
    WriteTensorboardExperimentDataResponse,
    WriteTensorboardRunDataRequest,
    WriteTensorboardRunDataResponse,
)
from google.longrunning import operations_pb2  # type: ignore[import-untyped]

from tests.fakes.vertex import clock, filters, names, paging
from tests.fakes.vertex.errors import FakeError, already_exists, invalid, not_found
from tests.fakes.vertex.metadata import clone
from tests.fakes.vertex.methods import Method
from tests.fakes.vertex.operations import Operations, generic_metadata
from tests.fakes.vertex.points import Points, points_of

SERVICE = "google.cloud.aiplatform.v1.TensorboardService"
MAX_POINTS_PER_WRITE = 5000  # "The upper limit of data points per write request is 5000."
MAX_BATCH_CREATE = (
    1000  # "A maximum of 1000 TensorboardRuns/TensorboardTimeSeries can be created in a batch."
)
SCALAR_READ_LIMIT = 1000  # BatchRead: "The data point number limit is 1000 for scalars,
OTHER_READ_LIMIT = 100  # 100 for tensors and blob references."
READ_DEFAULT = 1000
READ_MAX = 10_000
FIRST_SERVER_ID = 1000

ValueType = TensorboardTimeSeries.ValueType
_POINT = TimeSeriesDataPoint.pb()
_POINT_FIELD = {ValueType.SCALAR: "scalar", ValueType.TENSOR: "tensor", ValueType.BLOB_SEQUENCE: "blobs"}
_ORDER_FIELDS = frozenset({"create_time", "update_time", "display_name"})
_DISPLAY_NAME = filters.Schema(
    strings=frozenset({"display_name"}), times=frozenset({"create_time", "update_time"})
)
_TENSORBOARD_FILTER = filters.Schema(
    strings=frozenset({"display_name"}),
    times=frozenset({"create_time", "update_time"}),
    bools=frozenset({"is_default"}),
)


@dataclass
class _Series:
    proto: TensorboardTimeSeries
    # step → the serialized TimeSeriesDataPoint. Bytes, not message objects: millions of points then cost
    # little memory and no garbage-collector time, and reads splice them into responses unparsed.
    points: dict[int, bytes] = field(default_factory=dict)
    # Steps written since metadata.max_wall_time was last brought up to date; they are folded in when
    # the series is next shown, so a write stays a few passes over its points.
    unfolded: list[int] = field(default_factory=list)

    def render(self) -> TensorboardTimeSeries:
        if self.unfolded:
            metadata = TensorboardTimeSeries.pb(self.proto).metadata
            latest = metadata.max_wall_time if metadata.HasField("max_wall_time") else None
            for step in set(self.unfolded):
                wall_time = _POINT.FromString(self.points[step]).wall_time
                if latest is None or _later(wall_time, latest):
                    latest = wall_time
            if latest is not None:
                metadata.max_wall_time.CopyFrom(latest)
            self.unfolded.clear()
        return clone(self.proto)


@dataclass
class _Run:
    proto: TensorboardRun
    series: dict[str, _Series] = field(default_factory=dict)


@dataclass
class _Experiment:
    proto: TensorboardExperiment
    runs: dict[str, _Run] = field(default_factory=dict)


@dataclass
class _Tensorboard:
    proto: Tensorboard
    experiments: dict[str, _Experiment] = field(default_factory=dict)


def _sorted_points(series: _Series) -> list[bytes]:
    return [series.points[step] for step in sorted(series.points)]


def _repeated(message: Any, field_name: str, blobs: Iterable[bytes]) -> None:
    """Append serialized messages to a repeated message field of `message` without parsing them one by one."""
    number = message.DESCRIPTOR.fields_by_name[field_name].number
    tag = bytes([number << 3 | 2])  # field numbers below 16, length-delimited
    message.MergeFromString(b"".join(tag + _varint(len(blob)) + blob for blob in blobs))


def _varint(value: int) -> bytes:
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class TensorboardService:
    def __init__(self, projects: names.Projects, operations: Operations, seed: int = 0) -> None:
        self._projects = projects
        self._operations = operations
        self._random = random.Random(seed)
        self._ids = itertools.count(FIRST_SERVER_ID)
        self._tensorboards: dict[names.Key, _Tensorboard] = {}

    def reset(self) -> None:
        self._tensorboards.clear()

    # --- lookups ---------------------------------------------------------------------------------

    def _tensorboard(self, name: str) -> tuple[names.Key, _Tensorboard]:
        key = names.parse(name, names.TENSORBOARD, self._projects)
        found = self._tensorboards.get(key)
        if found is None:
            raise not_found("Tensorboard", name)
        return key, found

    def _experiment(self, name: str) -> tuple[names.Key, _Tensorboard, _Experiment]:
        key = names.parse(name, names.TB_EXPERIMENT, self._projects)
        board = self._tensorboards.get(key[:3])
        found = board.experiments.get(key[3]) if board else None
        if board is None or found is None:
            raise not_found("TensorboardExperiment", name)
        return key, board, found

    def _run(self, name: str) -> tuple[names.Key, _Experiment, _Run]:
        key = names.parse(name, names.TB_RUN, self._projects)
        board = self._tensorboards.get(key[:3])
        experiment = board.experiments.get(key[3]) if board else None
        found = experiment.runs.get(key[4]) if experiment else None
        if experiment is None or found is None:
            raise not_found("TensorboardRun", name)
        return key, experiment, found

    def _series(self, name: str) -> tuple[names.Key, _Run, _Series]:
        key = names.parse(name, names.TB_TIME_SERIES, self._projects)
        try:
            _, _, run = self._run(names.format_name(key[:5], names.TB_RUN))
        except FakeError:
            raise not_found("TensorboardTimeSeries", name) from None
        found = run.series.get(key[5])
        if found is None:
            raise not_found("TensorboardTimeSeries", name)
        return key, run, found

    def _render_tensorboard(self, board: _Tensorboard) -> Tensorboard:
        shown = clone(board.proto)
        shown.run_count = sum(len(experiment.runs) for experiment in board.experiments.values())
        return shown

    def _list(
        self,
        items: Sequence[Any],
        schema: filters.Schema,
        request: Any,
        limits: paging.Limits,
        values: Callable[[Any], dict[str, object]],
    ) -> tuple[list[Any], str]:
        predicate = filters.compile_filter(
            request.filter, schema, lambda text: names.with_project_number(text, self._projects)
        )
        matching = [item for item in items if predicate(filters.Subject(values=values(item)))]
        matching = paging.ordered(matching, request.order_by, _ORDER_FIELDS)
        request_key = "|".join((type(request).__name__, request.parent, request.filter, request.order_by))
        return paging.page(matching, request.page_size, request.page_token, limits, request_key)

    # --- tensorboards ----------------------------------------------------------------------------

    def add_tensorboard(
        self, location_key: names.Key, tensorboard: Tensorboard, tensorboard_id: str
    ) -> Tensorboard:
        """Create a tensorboard with a chosen ID (the RPC always lets the server choose one)."""
        names.check_id(tensorboard_id, names.SERVER_ID, "tensorboard ID", names.SERVER_ID_RULE)
        key = (*location_key, tensorboard_id)
        if key in self._tensorboards:
            raise already_exists("Tensorboard", names.format_name(key, names.TENSORBOARD))
        if not tensorboard.display_name:
            raise invalid("Tensorboard.display_name is required.")
        now = clock.now()
        created = clone(tensorboard)
        created.name = names.format_name(key, names.TENSORBOARD)
        created.create_time = now
        created.update_time = now
        created.etag = "1"
        created.blob_storage_path_prefix = f"cloud-ai-platform-{tensorboard_id}"
        if created.is_default:
            for other_key, other in self._tensorboards.items():
                if other_key[:2] == location_key:
                    other.proto.is_default = False
        self._tensorboards[key] = _Tensorboard(created)
        return self._render_tensorboard(self._tensorboards[key])

    def create_tensorboard(self, request: CreateTensorboardRequest) -> operations_pb2.Operation:
        location_key = names.parse(request.parent, (), self._projects)
        created = self.add_tensorboard(location_key, request.tensorboard, str(next(self._ids)))
        metadata = CreateTensorboardOperationMetadata(generic_metadata=generic_metadata(created.create_time))
        return self._operations.finish(
            location_key, Tensorboard.pb(created), CreateTensorboardOperationMetadata.pb(metadata)
        )

    def get_tensorboard(self, request: GetTensorboardRequest) -> Tensorboard:
        return self._render_tensorboard(self._tensorboard(request.name)[1])

    def list_tensorboards(self, request: ListTensorboardsRequest) -> ListTensorboardsResponse:
        location_key = names.parse(request.parent, (), self._projects)
        boards = [board for key, board in self._tensorboards.items() if key[:2] == location_key]
        page, token = self._list(
            boards,
            _TENSORBOARD_FILTER,
            request,
            paging.TENSORBOARDS,
            lambda board: {
                "display_name": board.proto.display_name,
                "is_default": board.proto.is_default,
                "create_time": board.proto.create_time,
                "update_time": board.proto.update_time,
            },
        )
        return ListTensorboardsResponse(
            tensorboards=[self._render_tensorboard(board) for board in page], next_page_token=token
        )

    def delete_tensorboard(self, request: DeleteTensorboardRequest) -> operations_pb2.Operation:
        key, _ = self._tensorboard(request.name)
        del self._tensorboards[key]
        return self._operations.deleted(key, clock.now())

    # --- experiments -----------------------------------------------------------------------------

    def create_tensorboard_experiment(
        self, request: CreateTensorboardExperimentRequest
    ) -> TensorboardExperiment:
        key, board = self._tensorboard(request.parent)
        experiment_id = request.tensorboard_experiment_id
        names.check_id(
            experiment_id,
            names.TENSORBOARD_CHILD_ID,
            "tensorboard_experiment_id",
            names.TENSORBOARD_CHILD_ID_RULE,
        )
        name = names.format_name((*key, experiment_id), names.TB_EXPERIMENT)
        if experiment_id in board.experiments:
            raise already_exists("TensorboardExperiment", name)
        now = clock.now()
        created = clone(request.tensorboard_experiment)
        created.name = name
        created.create_time = now
        created.update_time = now
        created.etag = "1"
        board.experiments[experiment_id] = _Experiment(created)
        return clone(created)

    def get_tensorboard_experiment(self, request: GetTensorboardExperimentRequest) -> TensorboardExperiment:
        return clone(self._experiment(request.name)[2].proto)

    def list_tensorboard_experiments(
        self, request: ListTensorboardExperimentsRequest
    ) -> ListTensorboardExperimentsResponse:
        _, board = self._tensorboard(request.parent)
        page, token = self._list(
            [experiment.proto for experiment in board.experiments.values()],
            _DISPLAY_NAME,
            request,
            paging.TENSORBOARD_CHILDREN,
            _proto_values,
        )
        return ListTensorboardExperimentsResponse(
            tensorboard_experiments=[clone(proto) for proto in page], next_page_token=token
        )

    def delete_tensorboard_experiment(
        self, request: DeleteTensorboardExperimentRequest
    ) -> operations_pb2.Operation:
        key, board, _ = self._experiment(request.name)
        del board.experiments[key[3]]
        return self._operations.deleted(key, clock.now())

    # --- runs ------------------------------------------------------------------------------------

    def _check_new_run(
        self, experiment: _Experiment, experiment_key: names.Key, request: CreateTensorboardRunRequest
    ) -> str:
        run_id = request.tensorboard_run_id
        names.check_id(
            run_id, names.TENSORBOARD_CHILD_ID, "tensorboard_run_id", names.TENSORBOARD_CHILD_ID_RULE
        )
        name = names.format_name((*experiment_key, run_id), names.TB_RUN)
        if run_id in experiment.runs:
            raise already_exists("TensorboardRun", name)
        display_name = request.tensorboard_run.display_name
        if not display_name:
            raise invalid("TensorboardRun.display_name is required.")
        if any(run.proto.display_name == display_name for run in experiment.runs.values()):
            raise already_exists("TensorboardRun with display_name", repr(display_name))
        return name

    def _add_run(
        self, experiment: _Experiment, name: str, request: CreateTensorboardRunRequest
    ) -> TensorboardRun:
        now = clock.now()
        created = clone(request.tensorboard_run)
        created.name = name
        created.create_time = now
        created.update_time = now
        created.etag = "1"
        experiment.runs[request.tensorboard_run_id] = _Run(created)
        return clone(created)

    def create_tensorboard_run(self, request: CreateTensorboardRunRequest) -> TensorboardRun:
        key, _, experiment = self._experiment(request.parent)
        name = self._check_new_run(experiment, key, request)
        return self._add_run(experiment, name, request)

    def batch_create_tensorboard_runs(
        self, request: BatchCreateTensorboardRunsRequest
    ) -> BatchCreateTensorboardRunsResponse:
        key, _, experiment = self._experiment(request.parent)
        if len(request.requests) > MAX_BATCH_CREATE:
            raise invalid(f"At most {MAX_BATCH_CREATE} TensorboardRuns can be created in a batch.")
        parent = names.format_name(key, names.TB_EXPERIMENT)
        staged = _Experiment(experiment.proto, dict(experiment.runs))
        planned = []
        for sub in request.requests:
            if sub.parent and names.with_project_number(sub.parent, self._projects) != parent:
                raise invalid(f"CreateTensorboardRunRequest.parent {sub.parent} must match {request.parent}.")
            name = self._check_new_run(staged, key, sub)
            staged.runs[sub.tensorboard_run_id] = _Run(
                TensorboardRun(name=name, display_name=sub.tensorboard_run.display_name)
            )
            planned.append((name, sub))
        created = [self._add_run(experiment, name, sub) for name, sub in planned]
        return BatchCreateTensorboardRunsResponse(tensorboard_runs=created)

    def get_tensorboard_run(self, request: GetTensorboardRunRequest) -> TensorboardRun:
        return clone(self._run(request.name)[2].proto)

    def list_tensorboard_runs(self, request: ListTensorboardRunsRequest) -> ListTensorboardRunsResponse:
        _, _, experiment = self._experiment(request.parent)
        page, token = self._list(
            [run.proto for run in experiment.runs.values()],
            _DISPLAY_NAME,
            request,
            paging.TENSORBOARD_CHILDREN,
            _proto_values,
        )
        return ListTensorboardRunsResponse(
            tensorboard_runs=[clone(proto) for proto in page], next_page_token=token
        )

    def delete_tensorboard_run(self, request: DeleteTensorboardRunRequest) -> operations_pb2.Operation:
        key, experiment, _ = self._run(request.name)
        del experiment.runs[key[4]]  # its time series and their points go with it
        return self._operations.deleted(key, clock.now())

    # --- time series -----------------------------------------------------------------------------

    def _check_new_series(
        self, run: _Run, run_key: names.Key, request: CreateTensorboardTimeSeriesRequest
    ) -> tuple[str, str]:
        series_id = request.tensorboard_time_series_id
        if series_id:
            names.check_id(
                series_id, names.TIME_SERIES_ID, "tensorboard_time_series_id", names.TIME_SERIES_ID_RULE
            )
        else:
            series_id = str(next(self._ids))
        name = names.format_name((*run_key, series_id), names.TB_TIME_SERIES)
        if series_id in run.series:
            raise already_exists("TensorboardTimeSeries", name)
        series = request.tensorboard_time_series
        if not series.display_name:
            raise invalid("TensorboardTimeSeries.display_name is required.")
        if series.value_type == ValueType.VALUE_TYPE_UNSPECIFIED:
            raise invalid("TensorboardTimeSeries.value_type is required: SCALAR, TENSOR or BLOB_SEQUENCE.")
        if any(existing.proto.display_name == series.display_name for existing in run.series.values()):
            raise already_exists(
                "TensorboardTimeSeries with display_name", f"{series.display_name!r} in {run.proto.name}"
            )
        return series_id, name

    def _add_series(
        self, run: _Run, series_id: str, name: str, series: TensorboardTimeSeries
    ) -> TensorboardTimeSeries:
        now = clock.now()
        created = clone(series)
        created.name = name
        created.create_time = now
        created.update_time = now
        created.etag = "1"
        TensorboardTimeSeries.pb(created).ClearField("metadata")
        run.series[series_id] = _Series(created)
        return clone(created)

    def create_tensorboard_time_series(
        self, request: CreateTensorboardTimeSeriesRequest
    ) -> TensorboardTimeSeries:
        key, _, run = self._run(request.parent)
        series_id, name = self._check_new_series(run, key, request)
        return self._add_series(run, series_id, name, request.tensorboard_time_series)

    def batch_create_tensorboard_time_series(
        self, request: BatchCreateTensorboardTimeSeriesRequest
    ) -> BatchCreateTensorboardTimeSeriesResponse:
        experiment_key, _, _ = self._experiment(request.parent)
        if len(request.requests) > MAX_BATCH_CREATE:
            raise invalid(f"At most {MAX_BATCH_CREATE} TensorboardTimeSeries can be created in a batch.")
        staged: dict[str, _Run] = {}
        planned = []
        for sub in request.requests:
            run_key, _, run = self._run(sub.parent)
            if run_key[:4] != experiment_key:
                raise invalid(
                    f"TensorboardRun {sub.parent} is not in the TensorboardExperiment {request.parent}."
                )
            staged_run = staged.setdefault(run.proto.name, _Run(run.proto, dict(run.series)))
            series_id, name = self._check_new_series(staged_run, run_key, sub)
            staged_run.series[series_id] = _Series(sub.tensorboard_time_series)
            planned.append((run, series_id, name, sub.tensorboard_time_series))
        created = [self._add_series(*plan) for plan in planned]
        return BatchCreateTensorboardTimeSeriesResponse(tensorboard_time_series=created)

    def get_tensorboard_time_series(self, request: GetTensorboardTimeSeriesRequest) -> TensorboardTimeSeries:
        return self._series(request.name)[2].render()

    def list_tensorboard_time_series(
        self, request: ListTensorboardTimeSeriesRequest
    ) -> ListTensorboardTimeSeriesResponse:
        _, _, run = self._run(request.parent)
        page, token = self._list(
            list(run.series.values()),
            _DISPLAY_NAME,
            request,
            paging.TENSORBOARD_CHILDREN,
            lambda series: _proto_values(series.proto),
        )
        return ListTensorboardTimeSeriesResponse(
            tensorboard_time_series=[series.render() for series in page], next_page_token=token
        )

    def delete_tensorboard_time_series(
        self, request: DeleteTensorboardTimeSeriesRequest
    ) -> operations_pb2.Operation:
        key, run, _ = self._series(request.name)
        del run.series[key[5]]
        return self._operations.deleted(key, clock.now())

    # --- writes ----------------------------------------------------------------------------------

    def _plan_write(self, request: WriteTensorboardRunDataRequest) -> list[tuple[_Series, Points]]:
        _, _, run = self._run(request.tensorboard_run)
        raw = WriteTensorboardRunDataRequest.pb(request)
        count = sum(len(data.values) for data in raw.time_series_data)
        if count > MAX_POINTS_PER_WRITE:
            raise invalid(f"A write request holds {count} data points; the limit is {MAX_POINTS_PER_WRITE}.")
        planned = []
        for data in raw.time_series_data:
            series = run.series.get(data.tensorboard_time_series_id)
            if series is None:
                raise not_found(
                    "TensorboardTimeSeries",
                    f"{request.tensorboard_run}/timeSeries/{data.tensorboard_time_series_id}",
                )
            value_type = series.proto.value_type
            if data.value_type and data.value_type != value_type:
                raise invalid(
                    f"TimeSeriesData.value_type {ValueType(data.value_type).name} does not match the "
                    f"time series {data.tensorboard_time_series_id} ({value_type.name})."
                )
            points = points_of(data)
            expected = _POINT_FIELD[value_type]
            if points.counts[expected] != len(points.steps):
                raise invalid(
                    f"A data point of time series {data.tensorboard_time_series_id} ({value_type.name}) "
                    f"must set {expected}."
                )
            planned.append((series, points))
        return planned

    def _apply_write(self, planned: list[tuple[_Series, Points]]) -> None:
        now = clock.now()
        for series, points in planned:
            steps = points.steps
            if not steps:
                continue
            had_points = bool(series.points)
            series.points.update(zip(steps, points.blobs, strict=True))  # a repeated step overwrites
            metadata = TensorboardTimeSeries.pb(series.proto).metadata
            metadata.max_step = max(max(steps), metadata.max_step) if had_points else max(steps)
            series.unfolded.extend(steps)
            series.proto.update_time = now

    def write_tensorboard_run_data(
        self, request: WriteTensorboardRunDataRequest
    ) -> WriteTensorboardRunDataResponse:
        self._apply_write(self._plan_write(request))
        return WriteTensorboardRunDataResponse()

    def write_tensorboard_experiment_data(
        self, request: WriteTensorboardExperimentDataRequest
    ) -> WriteTensorboardExperimentDataResponse:
        experiment_key, _, _ = self._experiment(request.tensorboard_experiment)
        planned = []
        for sub in request.write_run_data_requests:
            run_key = names.parse(sub.tensorboard_run, names.TB_RUN, self._projects)
            if run_key[:4] != experiment_key:
                raise invalid(
                    f"TensorboardRun {sub.tensorboard_run} is not in the TensorboardExperiment "
                    f"{request.tensorboard_experiment}."
                )
            planned += self._plan_write(sub)
        self._apply_write(planned)
        return WriteTensorboardExperimentDataResponse()

    # --- reads -----------------------------------------------------------------------------------

    def _sample(self, series: _Series, limit: int) -> list[bytes]:
        if limit < 0 or len(series.points) <= limit:
            return _sorted_points(series)
        steps = sorted(self._random.sample(list(series.points), limit))
        return [series.points[step] for step in steps]

    def _data(self, series_id: str, series: _Series, points: list[bytes]) -> Any:
        data = TimeSeriesData.pb()(tensorboard_time_series_id=series_id, value_type=series.proto.value_type)
        _repeated(data, "values", points)
        return data

    def batch_read_tensorboard_time_series_data(
        self, request: BatchReadTensorboardTimeSeriesDataRequest
    ) -> BatchReadTensorboardTimeSeriesDataResponse:
        board_key, _ = self._tensorboard(request.tensorboard)
        response = BatchReadTensorboardTimeSeriesDataResponse.pb()()
        for name in request.time_series:
            key = names.parse(name, names.TB_TIME_SERIES, self._projects)
            if key[:3] != board_key:
                raise invalid(
                    f"TensorboardTimeSeries {name} is not in the Tensorboard {request.tensorboard}."
                )
            _, _, series = self._series(name)
            limit = SCALAR_READ_LIMIT if series.proto.value_type == ValueType.SCALAR else OTHER_READ_LIMIT
            response.time_series_data.append(self._data(key[5], series, self._sample(series, limit)))
        return BatchReadTensorboardTimeSeriesDataResponse.wrap(response)  # type: ignore[no-any-return]

    def read_tensorboard_time_series_data(
        self, request: ReadTensorboardTimeSeriesDataRequest
    ) -> ReadTensorboardTimeSeriesDataResponse:
        key, _, series = self._series(request.tensorboard_time_series)
        limit = request.max_data_points or READ_DEFAULT
        if limit < -1 or limit > READ_MAX:
            raise invalid(f"max_data_points must be -1 (all) or between 1 and {READ_MAX}, got {limit}.")
        response = ReadTensorboardTimeSeriesDataResponse.pb()()
        response.time_series_data.CopyFrom(self._data(key[5], series, self._sample(series, limit)))
        return ReadTensorboardTimeSeriesDataResponse.wrap(response)  # type: ignore[no-any-return]

    def export_tensorboard_time_series_data(
        self, request: ExportTensorboardTimeSeriesDataRequest
    ) -> ExportTensorboardTimeSeriesDataResponse:
        key, _, series = self._series(request.tensorboard_time_series)
        order = request.order_by.split()
        if order not in ([], ["step"], ["step", "asc"], ["step", "desc"]):
            raise invalid(f"Unsupported order_by {request.order_by!r}: use 'step' or 'step desc'.")
        descending = order[-1:] == ["desc"]
        size = paging.size(request.page_size, paging.EXPORT)
        request_key = "|".join(
            ("export", names.format_name(key, names.TB_TIME_SERIES), request.filter, request.order_by)
        )
        steps = sorted(series.points, reverse=descending)
        if request.page_token:
            last = paging.decode_token(request.page_token, request_key)
            if not isinstance(last, int):
                raise invalid(f"Invalid page_token {request.page_token!r}.")
            steps = [step for step in steps if (step < last if descending else step > last)]
        page = steps[:size]
        response = ExportTensorboardTimeSeriesDataResponse.pb()()
        _repeated(response, "time_series_data_points", (series.points[step] for step in page))
        if len(steps) > size:
            response.next_page_token = paging.encode_token(request_key, page[-1])
        return ExportTensorboardTimeSeriesDataResponse.wrap(response)  # type: ignore[no-any-return]

    # --- registration ----------------------------------------------------------------------------

    def methods(self) -> list[Method]:
        def unary(name: str, handler: Callable[[Any], Any], request: Any, response: Any) -> Method:
            return Method(SERVICE, name, handler, request.deserialize, response.serialize)

        def lro(name: str, handler: Callable[[Any], Any], request: Any) -> Method:
            return Method(
                SERVICE, name, handler, request.deserialize, operations_pb2.Operation.SerializeToString
            )

        return [
            lro("CreateTensorboard", self.create_tensorboard, CreateTensorboardRequest),
            unary("GetTensorboard", self.get_tensorboard, GetTensorboardRequest, Tensorboard),
            unary(
                "ListTensorboards", self.list_tensorboards, ListTensorboardsRequest, ListTensorboardsResponse
            ),
            lro("DeleteTensorboard", self.delete_tensorboard, DeleteTensorboardRequest),
            unary(
                "CreateTensorboardExperiment",
                self.create_tensorboard_experiment,
                CreateTensorboardExperimentRequest,
                TensorboardExperiment,
            ),
            unary(
                "GetTensorboardExperiment",
                self.get_tensorboard_experiment,
                GetTensorboardExperimentRequest,
                TensorboardExperiment,
            ),
            unary(
                "ListTensorboardExperiments",
                self.list_tensorboard_experiments,
                ListTensorboardExperimentsRequest,
                ListTensorboardExperimentsResponse,
            ),
            lro(
                "DeleteTensorboardExperiment",
                self.delete_tensorboard_experiment,
                DeleteTensorboardExperimentRequest,
            ),
            unary(
                "CreateTensorboardRun",
                self.create_tensorboard_run,
                CreateTensorboardRunRequest,
                TensorboardRun,
            ),
            unary(
                "BatchCreateTensorboardRuns",
                self.batch_create_tensorboard_runs,
                BatchCreateTensorboardRunsRequest,
                BatchCreateTensorboardRunsResponse,
            ),
            unary("GetTensorboardRun", self.get_tensorboard_run, GetTensorboardRunRequest, TensorboardRun),
            unary(
                "ListTensorboardRuns",
                self.list_tensorboard_runs,
                ListTensorboardRunsRequest,
                ListTensorboardRunsResponse,
            ),
            lro("DeleteTensorboardRun", self.delete_tensorboard_run, DeleteTensorboardRunRequest),
            unary(
                "CreateTensorboardTimeSeries",
                self.create_tensorboard_time_series,
                CreateTensorboardTimeSeriesRequest,
                TensorboardTimeSeries,
            ),
            unary(
                "BatchCreateTensorboardTimeSeries",
                self.batch_create_tensorboard_time_series,
                BatchCreateTensorboardTimeSeriesRequest,
                BatchCreateTensorboardTimeSeriesResponse,
            ),
            unary(
                "GetTensorboardTimeSeries",
                self.get_tensorboard_time_series,
                GetTensorboardTimeSeriesRequest,
                TensorboardTimeSeries,
            ),
            unary(
                "ListTensorboardTimeSeries",
                self.list_tensorboard_time_series,
                ListTensorboardTimeSeriesRequest,
                ListTensorboardTimeSeriesResponse,
            ),
            lro(
                "DeleteTensorboardTimeSeries",
                self.delete_tensorboard_time_series,
                DeleteTensorboardTimeSeriesRequest,
            ),
            unary(
                "WriteTensorboardRunData",
                self.write_tensorboard_run_data,
                WriteTensorboardRunDataRequest,
                WriteTensorboardRunDataResponse,
            ),
            unary(
                "WriteTensorboardExperimentData",
                self.write_tensorboard_experiment_data,
                WriteTensorboardExperimentDataRequest,
                WriteTensorboardExperimentDataResponse,
            ),
            unary(
                "BatchReadTensorboardTimeSeriesData",
                self.batch_read_tensorboard_time_series_data,
                BatchReadTensorboardTimeSeriesDataRequest,
                BatchReadTensorboardTimeSeriesDataResponse,
            ),
            unary(
                "ReadTensorboardTimeSeriesData",
                self.read_tensorboard_time_series_data,
                ReadTensorboardTimeSeriesDataRequest,
                ReadTensorboardTimeSeriesDataResponse,
            ),
            unary(
                "ExportTensorboardTimeSeriesData",
                self.export_tensorboard_time_series_data,
                ExportTensorboardTimeSeriesDataRequest,
                ExportTensorboardTimeSeriesDataResponse,
            ),
        ]


def _proto_values(proto: Any) -> dict[str, object]:
    return {
        "display_name": proto.display_name,
        "create_time": proto.create_time,
        "update_time": proto.update_time,
    }


def _later(left: Any, right: Any) -> bool:
    return bool((left.seconds, left.nanos) > (right.seconds, right.nanos))
