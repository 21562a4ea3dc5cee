"""The fake's gRPC server: wiring of the service modules, the call log, fault injection and one lock.

    fake = VertexFake(project_numbers={"my-project": "123456789"})
    address = fake.start()              # "127.0.0.1:PORT", plaintext
    tb = fake.create_tensorboard("my-project", "us-central1", "tb1")
    ...
    fake.stop()

It is a sync `grpc.server` on its own thread pool, so sync and asyncio clients in the same process
can call it. Every handler runs under one lock; injected latency is spent outside it, so calls in
flight overlap as they would over a network.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping
from concurrent import futures
from types import TracebackType
from typing import Any, NamedTuple

import grpc
from google.cloud.aiplatform_v1.types import (
    Context,
    GetContextRequest,
    PipelineState,
    Tensorboard,
    UpdateContextRequest,
)
from google.longrunning import operations_pb2  # type: ignore[import-untyped]

from tests.fakes.vertex import names
from tests.fakes.vertex.errors import FakeError
from tests.fakes.vertex.faults import Faults
from tests.fakes.vertex.metadata import MetadataService
from tests.fakes.vertex.methods import Method
from tests.fakes.vertex.operations import Operations
from tests.fakes.vertex.pipelines import PipelineService
from tests.fakes.vertex.tensorboard import TensorboardService

log = logging.getLogger(__name__)

OPERATIONS_SERVICE = "google.longrunning.Operations"


class Call(NamedTuple):
    """One RPC as received: the short method name and the deserialized request."""

    method: str
    request: Any


class VertexFake:
    """An in-process fake of Vertex AI's Metadata, Tensorboard and Pipeline services (v1)."""

    def __init__(
        self,
        project_numbers: Mapping[str, str] | None = None,
        *,
        faults: Faults | None = None,
        seed: int = 0,
        max_calls: int = 1000,
        max_workers: int = 32,
    ) -> None:
        """`project_numbers` maps project IDs to numbers; others get 123456789, 123456790, ... as first seen.

        `seed` drives the random sampling of TensorBoard reads. The call log keeps the newest `max_calls`
        requests (0 keeps none: logged requests hold their data points in memory).
        """
        self.projects = names.Projects(project_numbers)
        self.faults = faults or Faults()
        self._lock = threading.Lock()
        self._operations = Operations(self.projects)
        self.metadata = MetadataService(self.projects, self._operations)
        self.tensorboard = TensorboardService(self.projects, self._operations, seed=seed)
        self.pipelines = PipelineService(self.projects, self.metadata)
        self._calls: deque[Call] = deque(maxlen=max_calls)
        # Calls of each method being handled now, and the most at once since the last `peaks()`.
        self._active: Counter[str] = Counter()
        self._peaks: Counter[str] = Counter()
        self._active_lock = threading.Lock()
        self._max_workers = max_workers
        self._server: grpc.Server | None = None
        self.address: str | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve plaintext on host:port (0 picks a free port); returns "host:port"."""
        if self._server is not None:
            raise RuntimeError("the fake is already running")
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=self._max_workers, thread_name_prefix="vertex-fake")
        )
        by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
        for method in self._methods():
            by_service.setdefault(method.service, {})[method.name] = self._handler(method)
        server.add_generic_rpc_handlers(
            tuple(
                grpc.method_handlers_generic_handler(service, handlers)
                for service, handlers in by_service.items()
            )
        )
        bound = server.add_insecure_port(f"{host}:{port}")
        if bound == 0:
            raise RuntimeError(f"could not bind {host}:{port}")
        server.start()
        self._server = server
        self.address = f"{host}:{bound}"
        return self.address

    def stop(self, grace: float | None = None) -> None:
        if self._server is not None:
            self._server.stop(grace).wait()
            self._server = None
            self.address = None

    def __enter__(self) -> VertexFake:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every resource, operation and logged call; faults and project numbers stay."""
        with self._lock:
            self.metadata.reset()
            self.tensorboard.reset()
            self.pipelines.reset()
            self._operations.reset()
            self._calls.clear()

    # --- call log --------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """The calls received so far (the newest `max_calls`), including those that failed."""
        return list(self._calls)

    def call_names(self) -> list[str]:
        return [call.method for call in self._calls]

    def clear_calls(self) -> None:
        self._calls.clear()

    def peaks(self) -> dict[str, int]:
        """The most calls of each method handled at once (latency included) since the last
        `peaks()`: how many requests a client kept in flight."""
        with self._active_lock:
            found = dict(self._peaks)
            self._peaks = Counter(self._active)
        return found

    def _enter(self, method: str) -> None:
        with self._active_lock:
            self._active[method] += 1
            self._peaks[method] = max(self._peaks[method], self._active[method])

    def _leave(self, method: str) -> None:
        with self._active_lock:
            self._active[method] -= 1

    # --- test helpers: what a console user or another backend would have made ----------------------

    def project_number(self, project: str) -> str:
        return self.projects.number(project)

    def create_tensorboard(
        self,
        project: str,
        location: str,
        tensorboard_id: str = "tb1",
        *,
        display_name: str | None = None,
        is_default: bool = False,
    ) -> str:
        """A Tensorboard with a chosen ID; returns its name (with the project number)."""
        with self._lock:
            location_key = (self.projects.number(project), location)
            board = Tensorboard(display_name=display_name or tensorboard_id, is_default=is_default)
            return self.tensorboard.add_tensorboard(location_key, board, tensorboard_id).name

    def create_metadata_store(self, project: str, location: str, store_id: str = "default") -> str:
        """The metadata store (the SDK makes `default` itself in Experiment.create); returns its name."""
        with self._lock:
            return self.metadata.ensure_store(project, location, store_id)

    def add_pipeline_job(
        self,
        project: str,
        location: str,
        job_id: str,
        *,
        state: int = PipelineState.PIPELINE_STATE_SUCCEEDED,
        context_id: str | None = None,
    ) -> str:
        """A finished PipelineJob and its system.PipelineRun context; returns the job name.

        The context's ID is the job ID unless `context_id` is given: the Pipelines backend is
        not bound by CreateContext's 4-character minimum, but this fake's contexts are, so a
        job ID shorter than that needs a longer context ID (its display name stays the job ID).
        """
        with self._lock:
            return self.pipelines.add_job(project, location, job_id, state, context_id or job_id)

    def get_context(self, name: str) -> Context:
        """A context as GetContext returns it, without a call in the log."""
        with self._lock:
            return self.metadata.get_context(GetContextRequest(name=name))

    def update_context(self, context: Context) -> Context:
        """An UpdateContext of the whole context, as another client would send it (its etag and
        update time change), without a call in the log."""
        with self._lock:
            return self.metadata.update_context(UpdateContextRequest(context=context))

    # --- wiring ----------------------------------------------------------------------------------

    def _methods(self) -> list[Method]:
        get_operation = Method(
            OPERATIONS_SERVICE,
            "GetOperation",
            self._operations.get,
            operations_pb2.GetOperationRequest.FromString,
            operations_pb2.Operation.SerializeToString,
        )
        return [
            *self.metadata.methods(),
            *self.tensorboard.methods(),
            *self.pipelines.methods(),
            get_operation,
        ]

    def _handler(self, method: Method) -> grpc.RpcMethodHandler:
        def handle(request: Any, context: grpc.ServicerContext) -> Any:
            self._enter(method.name)
            try:
                return served(request, context)
            finally:
                self._leave(method.name)

        def served(request: Any, context: grpc.ServicerContext) -> Any:
            self._calls.append(Call(method.name, request))
            decision = self.faults.decide(method.name)
            if decision.latency:
                time.sleep(decision.latency)
            fault = decision.error
            if fault is not None and not fault.after:
                context.abort(fault.code, fault.message)
            failure: FakeError | None = None
            response: Any = None
            try:
                with self._lock:
                    response = method.handler(request)
            except FakeError as error:
                failure = error
            except Exception as error:  # a bug in the fake: say so instead of gRPC's bare UNKNOWN
                log.exception("vertex fake: %s failed", method.name)
                failure = FakeError(grpc.StatusCode.INTERNAL, f"vertex fake bug in {method.name}: {error!r}")
            if failure is not None:
                context.abort(failure.code, failure.message)
            if fault is not None:
                context.abort(fault.code, fault.message)
            return response

        return grpc.unary_unary_rpc_method_handler(
            handle, request_deserializer=method.deserialize, response_serializer=method.serialize
        )
