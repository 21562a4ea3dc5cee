"""TensorBoard's data-provider API over real gRPC, read by TensorBoard's own client
(`tensorboard.data.grpc_provider.GrpcDataProvider`, what `tensorboard --grpc_data_provider`
runs), on both stores: what the dashboards get from runs logged through exprun."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from exprun.client import Experiment, ExperimentRun, init
from exprun.server.core import limits
from tensorboard import errors as tb_errors
from tensorboard.data import grpc_provider, provider
from tensorboard.plugins.hparams import metadata as hparams_metadata

from tests.api.conftest import LOCATION, PROJECT
from tests.support.server_process import ServerProcess

SCALARS = "scalars"


@pytest.fixture(params=["embedded", "vertex"])
def store_server(request: pytest.FixtureRequest, server: ServerProcess) -> ServerProcess:
    if request.param == "vertex":
        vertex: ServerProcess = request.getfixturevalue("vertex_store_process")
        init(target=vertex.target, project=PROJECT, location=LOCATION)
        return vertex
    return server


@pytest.fixture
def board(store_server: ServerProcess) -> Iterator[grpc_provider.GrpcDataProvider]:
    with grpc.insecure_channel(
        store_server.target, options=[("grpc.max_receive_message_length", 256 * 1024**2)]
    ) as channel:
        yield grpc_provider.GrpcDataProvider(store_server.target, grpc_provider.make_stub(channel))


@pytest.fixture
def experiment_id(store_server: ServerProcess, unique_name: Callable[[str], str]) -> str:
    """A fresh experiment with a description, as TensorBoard names it: project.location.experiment."""
    experiment = Experiment.create(unique_name("tb"), description="two curves")
    return f"{PROJECT}.{LOCATION}.{experiment.name}"


def _experiment(experiment_id: str) -> str:
    return experiment_id.split(".")[2]


def _curve(run: str, experiment_id: str, values: dict[str, list[float]], params: dict[str, Any]) -> None:
    logged = ExperimentRun.create(run, experiment=_experiment(experiment_id))
    if params:
        logged.log_params(params)
    steps = list(range(1, len(next(iter(values.values()))) + 1))
    logged.log_time_series(values, steps=steps)


def test_runs_and_scalars_are_those_logged(board: grpc_provider.GrpcDataProvider, experiment_id: str) -> None:
    loss_a = [1.0 / step for step in range(1, 51)]
    loss_b = [2.0 - 0.03 * step for step in range(1, 51)]
    _curve("run-a", experiment_id, {"loss": loss_a, "acc": [0.5] * 50}, {"lr": 0.1})
    _curve("run-b", experiment_id, {"loss": loss_b}, {"lr": 0.2})

    meta = board.experiment_metadata(None, experiment_id=experiment_id)
    assert (meta.experiment_name, meta.experiment_description) == (_experiment(experiment_id), "two curves")
    assert {r.run_name for r in board.list_runs(None, experiment_id=experiment_id)} == {"run-a", "run-b"}
    assert SCALARS in board.list_plugins(None, experiment_id=experiment_id)

    tags = board.list_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS)
    assert {run: sorted(t) for run, t in tags.items()} == {"run-a": ["acc", "loss"], "run-b": ["loss"]}
    assert tags["run-b"]["loss"].max_step == 50

    read = board.read_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=1000)
    for run, expected in (("run-a", loss_a), ("run-b", loss_b)):
        points = read[run]["loss"]
        assert [p.step for p in points] == list(range(1, 51))
        assert [p.value for p in points] == pytest.approx(expected, rel=1e-6)  # float32 on the wire
        assert all(p.wall_time > 1e9 for p in points)  # seconds since the epoch


def test_run_and_tag_filters_select_series_and_unknown_runs_give_none(
    board: grpc_provider.GrpcDataProvider, experiment_id: str
) -> None:
    _curve("run-a", experiment_id, {"loss": [3.0, 2.0], "acc": [0.1, 0.2]}, {})
    _curve("run-b", experiment_id, {"loss": [5.0, 4.0]}, {})

    only = provider.RunTagFilter(runs=["run-b", "no-such-run"], tags=["loss"])
    read = board.read_scalars(
        None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=10, run_tag_filter=only
    )
    assert {
        run: {tag: [p.value for p in points] for tag, points in t.items()} for run, t in read.items()
    } == {"run-b": {"loss": [5.0, 4.0]}}
    nothing = provider.RunTagFilter(runs=["no-such-run"])
    assert (
        board.read_scalars(
            None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=10, run_tag_filter=nothing
        )
        == {}
    )
    last = board.read_last_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS)
    assert last["run-a"]["acc"].value == pytest.approx(0.2)
    assert last["run-a"]["acc"].step == 2


def test_downsampled_scalars_keep_first_last_and_extremes(
    board: grpc_provider.GrpcDataProvider, experiment_id: str
) -> None:
    n = 20_000
    values = [math.sin(step / 300.0) for step in range(n)]
    values[7_777], values[12_345] = 50.0, -50.0  # spikes a stride would skip
    _curve("long", experiment_id, {"wave": values}, {})

    read = board.read_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=100)
    points = read["long"]["wave"]
    assert len(points) <= 100
    assert (points[0].step, points[-1].step) == (1, n)
    assert {(p.step, p.value) for p in points} >= {(7_778, 50.0), (12_346, -50.0)}
    assert [p.step for p in points] == sorted(p.step for p in points)


def test_a_huge_downsample_is_capped(board: grpc_provider.GrpcDataProvider, experiment_id: str) -> None:
    n = limits.TENSORBOARD_SERIES_MAX_POINTS * 2
    _curve("long", experiment_id, {"loss": [float(i % 97) for i in range(n)]}, {})
    read = board.read_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=10**15)
    points = read["long"]["loss"]
    assert len(points) <= limits.TENSORBOARD_SERIES_MAX_POINTS
    assert (points[0].step, points[-1].step) == (1, n)


@pytest.mark.parametrize("downsample", [0, -5])
def test_a_downsample_below_one_is_invalid_argument(
    board: grpc_provider.GrpcDataProvider, experiment_id: str, downsample: int
) -> None:
    with pytest.raises(tb_errors.InvalidArgumentError, match=r"downsample\.num_points"):
        board.read_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=downsample)


@pytest.mark.parametrize(
    "bad_id",
    [
        "api-tests.us-central1.no-such-experiment",
        "no-such-project.us-central1.whatever",
        "not-an-id",
        "a.b.c.d",
        "Upper.Case.Bad",
        "",  # no --tensorboard-experiment on these servers
    ],
)
def test_unknown_experiment_ids_are_not_found(board: grpc_provider.GrpcDataProvider, bad_id: str) -> None:
    calls: list[Callable[[], object]] = [
        lambda: board.experiment_metadata(None, experiment_id=bad_id),
        lambda: board.list_plugins(None, experiment_id=bad_id),
        lambda: board.list_runs(None, experiment_id=bad_id),
        lambda: board.list_scalars(None, experiment_id=bad_id, plugin_name=SCALARS),
        lambda: board.read_scalars(None, experiment_id=bad_id, plugin_name=SCALARS, downsample=10),
        lambda: board.list_tensors(None, experiment_id=bad_id, plugin_name="histograms"),
        lambda: board.list_blob_sequences(None, experiment_id=bad_id, plugin_name="images"),
    ]
    for call in calls:
        with pytest.raises(tb_errors.NotFoundError):
            call()


def test_other_kinds_of_data_are_empty_not_errors(
    board: grpc_provider.GrpcDataProvider, experiment_id: str
) -> None:
    """The Time Series dashboard lists tensors and blob sequences of every experiment."""
    _curve("run-a", experiment_id, {"loss": [1.0]}, {})
    assert board.list_tensors(None, experiment_id=experiment_id, plugin_name="histograms") == {}
    assert board.list_blob_sequences(None, experiment_id=experiment_id, plugin_name="images") == {}
    assert board.list_scalars(None, experiment_id=experiment_id, plugin_name="custom_scalars") == {}
    with pytest.raises(tb_errors.NotFoundError):
        board.read_blob(None, blob_key="anything")


def test_params_reach_the_hparams_plugin_as_session_start_info(
    board: grpc_provider.GrpcDataProvider, experiment_id: str
) -> None:
    _curve("run-a", experiment_id, {"loss": [1.0]}, {"lr": 0.01, "layers": 3, "optimizer": "adam"})
    _curve("run-b", experiment_id, {"loss": [2.0]}, {"lr": 0.1, "layers": 4, "optimizer": "sgd"})

    assert hparams_metadata.PLUGIN_NAME in board.list_plugins(None, experiment_id=experiment_id)
    listed = board.list_tensors(None, experiment_id=experiment_id, plugin_name=hparams_metadata.PLUGIN_NAME)
    found = {}
    for run, tags in listed.items():
        content = tags[hparams_metadata.SESSION_START_INFO_TAG].plugin_content
        info = hparams_metadata.parse_session_start_info_plugin_data(content)
        found[run] = {key: value.string_value or value.number_value for key, value in info.hparams.items()}
    assert found == {
        "run-a": {"lr": 0.01, "layers": 3.0, "optimizer": "adam"},
        "run-b": {"lr": 0.1, "layers": 4.0, "optimizer": "sgd"},
    }


def test_numeric_summary_metrics_are_one_point_scalars_under_summary(
    board: grpc_provider.GrpcDataProvider, experiment_id: str
) -> None:
    _curve("run-a", experiment_id, {"acc": [0.5, 0.6]}, {})
    run = ExperimentRun("run-a", _experiment(experiment_id))
    run.log_metrics({"acc": 0.93, "f1": 0.8, "note": "text is no scalar"})
    ExperimentRun.create("no-series", experiment=_experiment(experiment_id)).log_metrics({"acc": 0.5})

    tags = board.list_scalars(None, experiment_id=experiment_id, plugin_name=SCALARS)
    assert {r: sorted(t) for r, t in tags.items()} == {
        "run-a": ["acc", "summary/acc", "summary/f1"],
        "no-series": ["summary/acc"],
    }
    only = provider.RunTagFilter(tags=["summary/acc"])
    read = board.read_scalars(
        None, experiment_id=experiment_id, plugin_name=SCALARS, downsample=100, run_tag_filter=only
    )
    assert {r: [(p.step, p.value) for p in t["summary/acc"]] for r, t in read.items()} == {
        "run-a": [(0, pytest.approx(0.93))],
        "no-series": [(0, 0.5)],
    }
