"""TensorboardService of the fake via the v1 GAPIC client: IDs, write limits, overwrites, reads, export."""

from __future__ import annotations

import pytest
from google.api_core import exceptions
from google.cloud.aiplatform_v1 import TensorboardServiceClient
from google.cloud.aiplatform_v1.types import (
    BatchCreateTensorboardTimeSeriesRequest,
    CreateTensorboardTimeSeriesRequest,
    ExportTensorboardTimeSeriesDataRequest,
    ListTensorboardTimeSeriesRequest,
    ReadTensorboardTimeSeriesDataRequest,
    Scalar,
    TensorboardRun,
    TensorboardTensor,
    TensorboardTimeSeries,
    TimeSeriesData,
    TimeSeriesDataPoint,
    WriteTensorboardExperimentDataRequest,
    WriteTensorboardRunDataRequest,
)
from google.protobuf import timestamp_pb2

from tests.fakes.vertex import VertexFake
from tests.fakes.vertex.tests.conftest import LOCATION, NUMBER, PROJECT, finish, moment

SCALAR = TensorboardTimeSeries.ValueType.SCALAR


@pytest.fixture
def run(fake: VertexFake, tensorboard: TensorboardServiceClient) -> str:
    board = fake.create_tensorboard(PROJECT, LOCATION, "tb1")
    experiment = tensorboard.create_tensorboard_experiment(
        parent=f"projects/{PROJECT}/locations/{LOCATION}/tensorboards/tb1", tensorboard_experiment_id="exp1"
    )
    assert experiment.name == f"{board}/experiments/exp1"
    created = tensorboard.create_tensorboard_run(
        parent=experiment.name,
        tensorboard_run=TensorboardRun(display_name="run-1"),
        tensorboard_run_id="run-1",
    )
    return created.name


def series(client: TensorboardServiceClient, run: str, display_name: str) -> TensorboardTimeSeries:
    return client.create_tensorboard_time_series(
        parent=run,
        tensorboard_time_series=TensorboardTimeSeries(
            display_name=display_name, value_type=SCALAR, plugin_name="scalars"
        ),
    )


def points(
    steps: range | list[int], value: float = 0.0, seconds: int = 1_700_000_000
) -> list[TimeSeriesDataPoint]:
    return [
        TimeSeriesDataPoint(
            step=step,
            scalar=Scalar(value=value + step),
            wall_time=timestamp_pb2.Timestamp(seconds=seconds + step),
        )
        for step in steps
    ]


def write(
    client: TensorboardServiceClient, run: str, series_id: str, data: list[TimeSeriesDataPoint]
) -> None:
    client.write_tensorboard_run_data(
        request=WriteTensorboardRunDataRequest(
            tensorboard_run=run,
            time_series_data=[
                TimeSeriesData(tensorboard_time_series_id=series_id, value_type=SCALAR, values=data)
            ],
        )
    )


def series_id(name: str) -> str:
    return name.rsplit("/", 1)[1]


def export_all(client: TensorboardServiceClient, name: str, **request: object) -> list[int]:
    pager = client.export_tensorboard_time_series_data(
        request=ExportTensorboardTimeSeriesDataRequest(tensorboard_time_series=name, **request)
    )
    return [point.step for point in pager]


def test_names_ids_and_display_names(tensorboard: TensorboardServiceClient, run: str) -> None:
    assert run == f"projects/{NUMBER}/locations/{LOCATION}/tensorboards/tb1/experiments/exp1/runs/run-1"
    loss, acc = series(tensorboard, run, "loss"), series(tensorboard, run, "acc")
    assert series_id(loss.name).isdigit()
    assert int(series_id(acc.name)) > int(series_id(loss.name))
    with pytest.raises(exceptions.AlreadyExists):
        series(tensorboard, run, "loss")
    with pytest.raises(exceptions.InvalidArgument):
        tensorboard.create_tensorboard_time_series(
            parent=run, tensorboard_time_series=TensorboardTimeSeries(display_name="untyped")
        )
    chosen = tensorboard.create_tensorboard_time_series(
        request=CreateTensorboardTimeSeriesRequest(
            parent=run,
            tensorboard_time_series_id="my-series",
            tensorboard_time_series=TensorboardTimeSeries(display_name="chosen", value_type=SCALAR),
        )
    )
    assert series_id(chosen.name) == "my-series"
    experiment = run.rsplit("/runs/", 1)[0]
    with pytest.raises(exceptions.InvalidArgument):
        tensorboard.create_tensorboard_run(
            parent=experiment, tensorboard_run=TensorboardRun(display_name="x"), tensorboard_run_id="Run.1"
        )
    with pytest.raises(exceptions.AlreadyExists):
        tensorboard.create_tensorboard_run(
            parent=experiment, tensorboard_run=TensorboardRun(display_name="y"), tensorboard_run_id="run-1"
        )
    with pytest.raises(exceptions.NotFound):
        tensorboard.get_tensorboard_run(name=f"{experiment}/runs/nope")


def test_more_than_5000_points_per_write_is_invalid_and_stores_nothing(
    tensorboard: TensorboardServiceClient, run: str
) -> None:
    name = series(tensorboard, run, "loss").name
    with pytest.raises(exceptions.InvalidArgument, match="5000"):
        write(tensorboard, run, series_id(name), points(range(5001)))
    assert export_all(tensorboard, name) == []
    write(tensorboard, run, series_id(name), points(range(5000)))
    assert len(export_all(tensorboard, name, page_size=10_000)) == 5000


def test_a_write_with_an_unknown_series_or_wrong_type_stores_nothing(
    tensorboard: TensorboardServiceClient, run: str
) -> None:
    name = series(tensorboard, run, "loss").name
    good = TimeSeriesData(tensorboard_time_series_id=series_id(name), value_type=SCALAR, values=points([1]))
    unknown = TimeSeriesData(tensorboard_time_series_id="999999", value_type=SCALAR, values=points([1]))
    with pytest.raises(exceptions.NotFound):
        tensorboard.write_tensorboard_run_data(tensorboard_run=run, time_series_data=[good, unknown])
    tensor = TimeSeriesData(
        tensorboard_time_series_id=series_id(name),
        values=[TimeSeriesDataPoint(step=2, tensor=TensorboardTensor(value=b"x"))],
    )
    with pytest.raises(exceptions.InvalidArgument):
        tensorboard.write_tensorboard_run_data(tensorboard_run=run, time_series_data=[good, tensor])
    assert export_all(tensorboard, name) == []


def test_same_step_overwrites_and_series_metadata_tracks_the_maximum(
    tensorboard: TensorboardServiceClient, run: str
) -> None:
    name = series(tensorboard, run, "loss").name
    write(tensorboard, run, series_id(name), points([1, 2, 3], value=0.0, seconds=100))
    write(tensorboard, run, series_id(name), points([2], value=10.0, seconds=200))

    data = tensorboard.read_tensorboard_time_series_data(tensorboard_time_series=name).time_series_data
    assert [(point.step, point.scalar.value) for point in data.values] == [(1, 1.0), (2, 12.0), (3, 3.0)]
    stored = tensorboard.get_tensorboard_time_series(name=name)
    assert stored.metadata.max_step == 3
    assert moment(stored.metadata.max_wall_time).timestamp() == 202
    listed = tensorboard.list_tensorboard_time_series(parent=run)
    assert [item.metadata.max_step for item in listed] == [3]


def test_reads_return_everything_up_to_1000_points_and_a_sample_beyond(
    fake: VertexFake, tensorboard: TensorboardServiceClient, run: str
) -> None:
    small, large = series(tensorboard, run, "small").name, series(tensorboard, run, "large").name
    write(tensorboard, run, series_id(small), points(range(1000)))
    for start in range(0, 2500, 500):
        write(tensorboard, run, series_id(large), points(range(start, start + 500)))
    board = run.split("/experiments/")[0]

    response = tensorboard.batch_read_tensorboard_time_series_data(
        request={"tensorboard": board, "time_series": [small, large]}
    )

    by_id = {
        data.tensorboard_time_series_id: [point.step for point in data.values]
        for data in response.time_series_data
    }
    assert by_id[series_id(small)] == list(range(1000))
    sampled = by_id[series_id(large)]
    assert len(set(sampled)) == len(sampled) == 1000
    assert sampled == sorted(sampled)
    assert set(sampled) < set(range(2500))

    def read(limit: int) -> int:
        request = ReadTensorboardTimeSeriesDataRequest(tensorboard_time_series=large, max_data_points=limit)
        return len(tensorboard.read_tensorboard_time_series_data(request=request).time_series_data.values)

    assert (read(10), read(0), read(-1)) == (10, 1000, 2500)
    with pytest.raises(exceptions.InvalidArgument):
        read(20_000)
    other_board = fake.create_tensorboard(PROJECT, LOCATION, "tb2")
    with pytest.raises(exceptions.InvalidArgument):
        tensorboard.batch_read_tensorboard_time_series_data(
            request={"tensorboard": other_board, "time_series": [small]}
        )


def test_export_is_complete_ordered_and_paged(tensorboard: TensorboardServiceClient, run: str) -> None:
    name = series(tensorboard, run, "loss").name
    steps = list(range(0, 7000, 2))
    for start in range(0, len(steps), 5000):
        write(tensorboard, run, series_id(name), points(steps[start : start + 5000]))

    pager = tensorboard.export_tensorboard_time_series_data(
        request=ExportTensorboardTimeSeriesDataRequest(tensorboard_time_series=name)
    )
    pages = [len(page.time_series_data_points) for page in pager.pages]
    assert pages == [1000, 1000, 1000, 500]
    assert export_all(tensorboard, name, page_size=333) == steps
    assert export_all(tensorboard, name, page_size=333, order_by="step desc") == steps[::-1]
    first = tensorboard.export_tensorboard_time_series_data(
        request=ExportTensorboardTimeSeriesDataRequest(tensorboard_time_series=name, page_size=50_000)
    )
    assert len(next(iter(first.pages)).time_series_data_points) == 3500  # coerced to 10000, all fit
    with pytest.raises(exceptions.InvalidArgument):
        export_all(tensorboard, name, order_by="value")


def test_writes_between_export_pages_are_not_lost(tensorboard: TensorboardServiceClient, run: str) -> None:
    name = series(tensorboard, run, "loss").name
    write(tensorboard, run, series_id(name), points(range(10)))
    request = ExportTensorboardTimeSeriesDataRequest(tensorboard_time_series=name, page_size=4)
    first = tensorboard.export_tensorboard_time_series_data(request=request)
    page = next(iter(first.pages))
    write(tensorboard, run, series_id(name), points([1, 10]))  # an overwrite before the cursor and a new step
    request.page_token = page.next_page_token
    rest = tensorboard.export_tensorboard_time_series_data(request=request)
    assert [point.step for point in page.time_series_data_points] + [point.step for point in rest] == list(
        range(11)
    )


def test_deleting_a_run_deletes_its_series_and_data(tensorboard: TensorboardServiceClient, run: str) -> None:
    name = series(tensorboard, run, "loss").name
    write(tensorboard, run, series_id(name), points(range(3)))

    finish(tensorboard.delete_tensorboard_run(name=run))

    with pytest.raises(exceptions.NotFound):
        tensorboard.get_tensorboard_time_series(name=name)
    experiment = run.rsplit("/runs/", 1)[0]
    again = tensorboard.create_tensorboard_run(
        parent=experiment, tensorboard_run=TensorboardRun(display_name="run-1"), tensorboard_run_id="run-1"
    )
    assert list(tensorboard.list_tensorboard_time_series(parent=again.name)) == []


def test_experiment_writes_and_batch_creates(tensorboard: TensorboardServiceClient, run: str) -> None:
    experiment = run.rsplit("/runs/", 1)[0]
    second = tensorboard.create_tensorboard_run(
        parent=experiment, tensorboard_run=TensorboardRun(display_name="run-2"), tensorboard_run_id="run-2"
    ).name
    created = tensorboard.batch_create_tensorboard_time_series(
        request=BatchCreateTensorboardTimeSeriesRequest(
            parent=experiment,
            requests=[
                CreateTensorboardTimeSeriesRequest(
                    parent=parent,
                    tensorboard_time_series=TensorboardTimeSeries(display_name="loss", value_type=SCALAR),
                )
                for parent in (run, second)
            ],
        )
    ).tensorboard_time_series
    first_id, second_id = (series_id(item.name) for item in created)

    tensorboard.write_tensorboard_experiment_data(
        request=WriteTensorboardExperimentDataRequest(
            tensorboard_experiment=experiment,
            write_run_data_requests=[
                WriteTensorboardRunDataRequest(
                    tensorboard_run=run_name,
                    time_series_data=[TimeSeriesData(tensorboard_time_series_id=sid, values=points([1, 2]))],
                )
                for run_name, sid in ((run, first_id), (second, second_id))
            ],
        )
    )

    assert export_all(tensorboard, created[0].name) == export_all(tensorboard, created[1].name) == [1, 2]
    with pytest.raises(
        exceptions.AlreadyExists
    ):  # all or nothing: the first of the batch is not created either
        tensorboard.batch_create_tensorboard_time_series(
            request=BatchCreateTensorboardTimeSeriesRequest(
                parent=experiment,
                requests=[
                    CreateTensorboardTimeSeriesRequest(
                        parent=run,
                        tensorboard_time_series=TensorboardTimeSeries(display_name=name, value_type=SCALAR),
                    )
                    for name in ("acc", "loss")
                ],
            )
        )
    assert [item.display_name for item in tensorboard.list_tensorboard_time_series(parent=run)] == ["loss"]


def test_time_series_lists_page_at_50_by_default(tensorboard: TensorboardServiceClient, run: str) -> None:
    for index in range(60):
        series(tensorboard, run, f"metric-{index}")
    first = tensorboard.list_tensorboard_time_series(request=ListTensorboardTimeSeriesRequest(parent=run))
    assert len(next(iter(first.pages)).tensorboard_time_series) == 50
    assert len(list(tensorboard.list_tensorboard_time_series(parent=run))) == 60
    filtered = tensorboard.list_tensorboard_time_series(
        request=ListTensorboardTimeSeriesRequest(parent=run, filter='display_name="metric-7"')
    )
    assert [item.display_name for item in filtered] == ["metric-7"]
