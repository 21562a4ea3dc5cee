"""`tensorboard.data.TensorBoardDataProvider`: TensorBoard's own data API, so that
`tensorboard --grpc_data_provider=HOST:PORT` shows exprun's runs. Each method maps the request,
calls the core (`core.tensorboard`), maps back.

What TensorBoard calls and tolerates (its `tensorboard/data/grpc_provider.py`): NOT_FOUND shows
as an empty dashboard, so unknown experiments give it; the tensor and blob-sequence lists are
asked for by every dashboard that lists tags (Time Series asks for all three kinds), so they
answer empty rather than UNIMPLEMENTED, which TensorBoard would turn into a server error. Only
`ReadBlob` has nothing to point at and answers NOT_FOUND.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import grpc
import numpy as np
import numpy.typing as npt
from exprun.server.core.errors import NotFound
from exprun.server.core.model import IntColumn, ParamValue
from exprun.server.core.tensorboard import TensorBoardView
from exprun.server.tensorboard_proto import data_provider_pb2 as tb
from google.protobuf import struct_pb2
from google.protobuf.message import Message

SERVICE = "tensorboard.data.TensorBoardDataProvider"
SCALARS_PLUGIN = "scalars"
HPARAMS_PLUGIN = "hparams"
# The tag and plugin-data version under which TensorBoard's hparams summaries record a run's
# hyperparameters (tensorboard/plugins/hparams/metadata.py).
HPARAMS_SESSION_START_TAG = "_hparams_/session_start_info"
HPARAMS_PLUGIN_DATA_VERSION = 0

Context: TypeAlias = "grpc.aio.ServicerContext[Any, Any]"


def _filter(names: Any, present: bool) -> list[str] | None:
    """A run or tag filter: None when the request sets none (everything passes)."""
    return list(names) if present else None


def _runs_filter(request: Any) -> list[str] | None:
    return _filter(request.run_tag_filter.runs.names, request.run_tag_filter.HasField("runs"))


def _tags_filter(request: Any) -> list[str] | None:
    return _filter(request.run_tag_filter.tags.names, request.run_tag_filter.HasField("tags"))


def _hparam(value: ParamValue) -> struct_pb2.Value:
    if isinstance(value, str):
        return struct_pb2.Value(string_value=value)
    return struct_pb2.Value(number_value=float(value))


class DataProviderServicer:
    def __init__(self, view: TensorBoardView) -> None:
        self.view = view

    async def GetExperiment(
        self, request: tb.GetExperimentRequest, context: Context
    ) -> tb.GetExperimentResponse:
        experiment = await self.view.experiment(request.experiment_id)
        response = tb.GetExperimentResponse(
            data_location=f"exprun: {experiment.name.path}",
            name=experiment.name.experiment,
            description=experiment.description,
        )
        if experiment.create_time is not None:
            response.creation_time.FromDatetime(experiment.create_time)
        return response

    async def ListPlugins(self, request: tb.ListPluginsRequest, context: Context) -> tb.ListPluginsResponse:
        await self.view.experiment(request.experiment_id)  # NOT_FOUND for an unknown experiment
        return tb.ListPluginsResponse(
            plugins=[tb.Plugin(name=SCALARS_PLUGIN), tb.Plugin(name=HPARAMS_PLUGIN)]
        )

    async def ListRuns(self, request: tb.ListRunsRequest, context: Context) -> tb.ListRunsResponse:
        runs = await self.view.runs(request.experiment_id)
        return tb.ListRunsResponse(
            runs=[
                tb.Run(name=r.name.run, start_time=r.create_time.timestamp() if r.create_time else 0.0)
                for r in runs
            ]
        )

    async def ListScalars(self, request: tb.ListScalarsRequest, context: Context) -> tb.ListScalarsResponse:
        if request.plugin_filter.plugin_name != SCALARS_PLUGIN:
            await self.view.experiment(request.experiment_id)
            return tb.ListScalarsResponse()
        found = await self.view.scalar_tags(
            request.experiment_id, _runs_filter(request), _tags_filter(request)
        )
        metadata = tb.SummaryMetadata(
            plugin_data=tb.SummaryMetadata.PluginData(plugin_name=SCALARS_PLUGIN),
            data_class=tb.DATA_CLASS_SCALAR,
        )
        response = tb.ListScalarsResponse()
        for run in found:
            entry = response.runs.add(run_name=run.run)
            for tag in run.tags:
                entry.tags.add(
                    tag_name=tag.metric,
                    metadata=tb.ScalarMetadata(
                        max_step=tag.max_step,
                        max_wall_time=tag.max_wall_time_micros / 1e6,
                        summary_metadata=metadata,
                    ),
                )
        return response

    async def ReadScalars(self, request: tb.ReadScalarsRequest, context: Context) -> tb.ReadScalarsResponse:
        if request.plugin_filter.plugin_name != SCALARS_PLUGIN:
            await self.view.experiment(request.experiment_id)
            return tb.ReadScalarsResponse()
        found = await self.view.read_scalars(
            request.experiment_id,
            _runs_filter(request),
            _tags_filter(request),
            request.downsample.num_points,
        )
        response = tb.ReadScalarsResponse()
        for run in found:
            entry = response.runs.add(run_name=run.run)
            for series in run.series:
                data = entry.tags.add(tag_name=series.metric).data
                data.step.extend(series.steps or ())
                data.wall_time.extend(_seconds(series.wall_time_micros))
                data.value.extend(series.values)
        return response

    async def ListTensors(self, request: tb.ListTensorsRequest, context: Context) -> tb.ListTensorsResponse:
        """The HParams dashboard's source: each run's params as the plugin data of its
        `_hparams_/session_start_info` tag, as TensorBoard's hparams summaries write them."""
        if request.plugin_filter.plugin_name != HPARAMS_PLUGIN:
            await self.view.experiment(request.experiment_id)
            return tb.ListTensorsResponse()
        tags = _tags_filter(request)
        response = tb.ListTensorsResponse()
        if tags is not None and HPARAMS_SESSION_START_TAG not in tags:
            await self.view.experiment(request.experiment_id)
            return response
        for run in await self.view.hparams(request.experiment_id, _runs_filter(request)):
            plugin_data = tb.HParamsPluginData(
                version=HPARAMS_PLUGIN_DATA_VERSION,
                session_start_info=tb.SessionStartInfo(
                    hparams={key: _hparam(value) for key, value in run.params.items()},
                    group_name=run.run,
                    start_time_secs=run.start_time_seconds,
                ),
            )
            response.runs.add(run_name=run.run).tags.add(
                tag_name=HPARAMS_SESSION_START_TAG,
                metadata=tb.TensorMetadata(
                    summary_metadata=tb.SummaryMetadata(
                        plugin_data=tb.SummaryMetadata.PluginData(
                            plugin_name=HPARAMS_PLUGIN, content=plugin_data.SerializeToString()
                        ),
                        data_class=tb.DATA_CLASS_TENSOR,
                    )
                ),
            )
        return response

    async def ReadTensors(self, request: tb.ReadTensorsRequest, context: Context) -> tb.ReadTensorsResponse:
        await self.view.experiment(request.experiment_id)
        return tb.ReadTensorsResponse()

    async def ListBlobSequences(
        self, request: tb.ListBlobSequencesRequest, context: Context
    ) -> tb.ListBlobSequencesResponse:
        await self.view.experiment(request.experiment_id)
        return tb.ListBlobSequencesResponse()

    async def ReadBlobSequences(
        self, request: tb.ReadBlobSequencesRequest, context: Context
    ) -> tb.ReadBlobSequencesResponse:
        await self.view.experiment(request.experiment_id)
        return tb.ReadBlobSequencesResponse()

    async def ReadBlob(
        self, request: tb.ReadBlobRequest, context: Context
    ) -> AsyncIterator[tb.ReadBlobResponse]:
        raise NotFound(request.blob_key[:256], kind="blob")
        yield tb.ReadBlobResponse()  # pragma: no cover - makes this a response stream


def _seconds(micros: IntColumn) -> npt.NDArray[np.float64]:
    """Seconds, as TensorBoard's wall times are, from the store's packed microseconds."""
    return np.asarray(micros, dtype=np.float64) / 1e6


_UNARY: dict[str, tuple[type[Message], type[Message]]] = {
    "GetExperiment": (tb.GetExperimentRequest, tb.GetExperimentResponse),
    "ListPlugins": (tb.ListPluginsRequest, tb.ListPluginsResponse),
    "ListRuns": (tb.ListRunsRequest, tb.ListRunsResponse),
    "ListScalars": (tb.ListScalarsRequest, tb.ListScalarsResponse),
    "ReadScalars": (tb.ReadScalarsRequest, tb.ReadScalarsResponse),
    "ListTensors": (tb.ListTensorsRequest, tb.ListTensorsResponse),
    "ReadTensors": (tb.ReadTensorsRequest, tb.ReadTensorsResponse),
    "ListBlobSequences": (tb.ListBlobSequencesRequest, tb.ListBlobSequencesResponse),
    "ReadBlobSequences": (tb.ReadBlobSequencesRequest, tb.ReadBlobSequencesResponse),
}


def add_to_server(servicer: DataProviderServicer, server: grpc.aio.Server) -> None:
    """Registers the servicer under TensorBoard's service name (the messages are exprun's
    wire-compatible copy; see tensorboard_proto/data_provider.proto)."""
    handlers = {
        method: grpc.unary_unary_rpc_method_handler(
            getattr(servicer, method),
            request_deserializer=request.FromString,
            response_serializer=response.SerializeToString,
        )
        for method, (request, response) in _UNARY.items()
    }
    handlers["ReadBlob"] = grpc.unary_stream_rpc_method_handler(
        servicer.ReadBlob,
        request_deserializer=tb.ReadBlobRequest.FromString,
        response_serializer=tb.ReadBlobResponse.SerializeToString,
    )
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
