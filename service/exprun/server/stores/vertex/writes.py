"""Scalar points to Vertex in full requests, a fixed number in flight, through the raw gRPC stub.

Every write of the store hands its encoded points (`wire.Points`, one per series) to one
`PointWrites`. It keeps what is waiting in arrival order and, whenever fewer than
`max_inflight` requests are out, packs the next request to the 5000-point cap: across the
batches of a run, and across the runs of one TensorBoard experiment, which
`WriteTensorboardExperimentData` takes in one call (each run's part is a
`WriteTensorboardRunDataRequest`; the whole request is held to the same 5000 points, the limit
documented for a write request). Under load the points wait while every slot is busy, so the
requests fill; with nothing else waiting a write goes out at once.

The request bytes go to the channel's `unary_unary` multicallable as they are: no proto-plus
and no per-point message objects. Auth is the channel's (its credentials), retries and the CLIENT
span per attempt are the backend's `Retrier`, and an answer is raised as the same
`google.api_core` exception the GAPIC client would raise. A write returns only when every
request carrying its points succeeded; a request that failed for good fails every write it
carried, except that a request of several runs is first split into one request per run, so
one run's missing TensorBoard run fails that run's writes only.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from exprun.server.stores.vertex import wire
from exprun.server.stores.vertex.backend import Backend
from exprun.server.stores.vertex.retry import Attempt
from google.api_core import exceptions
from google.api_core.gapic_v1 import routing_header

MAX_POINTS = 5000  # "The upper limit of data points per write request is 5000."
_SERVICE = "/google.cloud.aiplatform.v1.TensorboardService/"
RUN_METHOD = "WriteTensorboardRunData"
EXPERIMENT_METHOD = "WriteTensorboardExperimentData"


def experiment_of(tb_run: str) -> str:
    """`.../tensorboards/T/experiments/E` of `.../experiments/E/runs/R`."""
    return tb_run.rsplit("/runs/", 1)[0]


@dataclass(eq=False)
class _Write:
    """One caller's points: done when every request carrying them succeeded."""

    done: asyncio.Future[None]
    unpacked: int  # pieces not yet wholly in requests
    outstanding: int = 1  # requests not yet answered, plus one while pieces are unpacked

    def settle(self, error: BaseException | None) -> None:
        if self.done.done():
            return
        if isinstance(error, asyncio.CancelledError):
            self.done.cancel()
            return
        if error is not None:
            self.done.set_exception(error)
            return
        self.outstanding -= 1
        if self.outstanding == 0:
            self.done.set_result(None)


@dataclass(eq=False)
class _Piece:
    """Points [start, stop) of one series of one write, not yet in a request."""

    tb_run: str
    series_id: str
    points: wire.Points
    start: int
    stop: int
    write: _Write

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass
class _Request:
    location: str
    experiment: str
    # tb_run -> series_id -> views of encoded value entries, in arrival order
    runs: dict[str, dict[str, list[wire.Buffer]]] = field(default_factory=dict)
    writes: dict[str, list[_Write]] = field(default_factory=dict)  # tb_run -> a write per part

    def add(self, piece: _Piece, start: int, stop: int) -> None:
        self.runs.setdefault(piece.tb_run, {}).setdefault(piece.series_id, []).append(
            piece.points.span(start, stop)
        )
        self.writes.setdefault(piece.tb_run, []).append(piece.write)
        piece.write.outstanding += 1

    def settle(self, error: BaseException | None, tb_run: str | None = None) -> None:
        for run, writes in self.writes.items():
            if tb_run is None or run == tb_run:
                for write in writes:
                    write.settle(error)

    @staticmethod
    def run_body(tb_run: str, series: dict[str, list[wire.Buffer]]) -> bytes:
        # Two parts of one series join into one TimeSeriesData: its values are a repeated field.
        return wire.run_request_of(tb_run, series)


class PointWrites:
    def __init__(self, backend: Backend, max_inflight: int) -> None:
        self._backend = backend
        self._max_inflight = max(1, max_inflight)
        self._inflight = 0
        # (location, experiment) -> waiting pieces; the key order is the order they are served in
        self._waiting: OrderedDict[tuple[str, str], deque[_Piece]] = OrderedDict()
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._stubs: dict[tuple[int, str], Any] = {}

    async def write(self, location: str, tb_run: str, series: Sequence[tuple[str, wire.Points]]) -> None:
        """Writes every point of `series` (series ID, its points) to the TensorBoard run."""
        parts = [(sid, points) for sid, points in series if len(points)]
        if not parts:
            return
        write = _Write(asyncio.get_running_loop().create_future(), len(parts))
        pieces = [_Piece(tb_run, sid, points, 0, len(points), write) for sid, points in parts]
        key = (location, experiment_of(tb_run))
        queue = self._waiting.get(key)
        if queue is None:
            queue = self._waiting[key] = deque()
        queue.extend(pieces)
        self._schedule()
        try:
            await asyncio.shield(write.done)
        except asyncio.CancelledError:
            write.done.cancel()  # its points still waiting are dropped
            raise

    def _schedule(self) -> None:
        """Packs on the next turn of the loop, so writes handed over together share requests."""
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._pump)

    def _pump(self) -> None:
        self._scheduled = False
        while self._inflight < self._max_inflight and self._waiting:
            request = self._pack()
            self._inflight += 1
            task = asyncio.create_task(self._send(request))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _pack(self) -> _Request:
        key, queue = next(iter(self._waiting.items()))
        request = _Request(*key)
        room = MAX_POINTS
        while queue and room:
            piece = queue[0]
            if piece.write.done.done():  # failed or cancelled: its other points need not go
                queue.popleft()
                continue
            take = min(room, len(piece))
            request.add(piece, piece.start, piece.start + take)
            piece.start += take
            room -= take
            if not len(piece):
                queue.popleft()
                piece.write.unpacked -= 1
                if not piece.write.unpacked:
                    piece.write.settle(None)  # all of it is in requests: release the hold
        if queue:
            self._waiting.move_to_end(key)  # the next request serves another experiment first
        else:
            del self._waiting[key]
        return request

    async def _send(self, request: _Request) -> None:
        try:
            if len(request.runs) == 1:
                ((tb_run, series),) = request.runs.items()
                body = request.run_body(tb_run, series)
                request.settle(await self._call(request.location, RUN_METHOD, tb_run, body))
                return
            body = wire.experiment_request(
                request.experiment, [request.run_body(r, s) for r, s in request.runs.items()]
            )
            error = await self._call(request.location, EXPERIMENT_METHOD, request.experiment, body)
            if error is None or not isinstance(error, exceptions.GoogleAPICallError):
                request.settle(error)  # written, or out of time: nothing to learn by splitting
                return
            # Refused for good: find which run's part it was, one run per request.
            for tb_run, series in request.runs.items():
                body = request.run_body(tb_run, series)
                request.settle(await self._call(request.location, RUN_METHOD, tb_run, body), tb_run)
        except BaseException as exc:  # cancelled at shutdown: its writers must not wait forever
            request.settle(exc)
            raise
        finally:
            self._inflight -= 1
            if self._waiting:
                self._schedule()

    def _stub(self, location: str, method: str) -> Any:
        channel = self._backend.at(location).channel
        key = (id(channel), method)
        stub = self._stubs.get(key)
        if stub is None:
            stub = self._stubs[key] = channel.unary_unary(_SERVICE + method)
        return stub

    async def _call(self, location: str, method: str, resource: str, body: bytes) -> BaseException | None:
        """Sends one request body, retried by the backend's policy; the error it ended with."""
        stub = self._stub(location, method)
        param = "tensorboard_run" if method == RUN_METHOD else "tensorboard_experiment"
        metadata = routing_header.to_grpc_metadata(((param, resource),))  # type: ignore[no-untyped-call]

        async def call(attempt: Attempt) -> None:
            try:
                await stub(body, timeout=attempt.timeout, metadata=(metadata,))
            except grpc.RpcError as exc:
                raise exceptions.from_grpc_error(exc) from exc  # type: ignore[no-untyped-call]

        try:
            await self._backend.call(call, method)
        except Exception as exc:
            return exc
        return None
