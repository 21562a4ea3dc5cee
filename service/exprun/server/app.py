"""The composition root: open the chosen store, build the gRPC server, run until a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field

import grpc
from exprun.server import allocator
from exprun.server.core.ingest import Ingest
from exprun.server.core.lease import Leases
from exprun.server.core.liveness import Liveness
from exprun.server.core.memory import MemoryBudget
from exprun.server.core.service import ExperimentRuns
from exprun.server.core.store import RunStore
from exprun.server.core.tensorboard import ExperimentIds, TensorBoardView
from exprun.server.core.timeseries import RunTimeSeries
from exprun.server.security import config as security
from exprun.server.security import page_token_key
from exprun.server.settings import Settings
from exprun.server.telemetry import providers
from exprun.server.telemetry.server import ServerTelemetry
from exprun.server.transport import data_provider, stream_codec
from exprun.server.transport.errors import ErrorInterceptor
from exprun.server.transport.overload import Admission, OverloadInterceptor, ReadStreamCap
from exprun.server.transport.servicer import ExperimentRunServicer
from exprun.v1 import experiment_run_service_pb2
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

log = logging.getLogger("exprun.server")

SERVICE_NAME = experiment_run_service_pb2.DESCRIPTOR.services_by_name["ExperimentRunService"].full_name
# Health entries that follow readiness: the API's own name (grpc convention) and a plain
# "readiness" for Kubernetes gRPC probes. "" stays SERVING while the process lives (liveness).
READINESS_ENTRIES = (SERVICE_NAME, "readiness")

SERVER_OPTIONS = [
    # Streamed batches (up to 100,000 points, ~2.4 MB) and 1 MiB model chunks must fit, with room.
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
    ("grpc.max_send_message_length", 32 * 1024 * 1024),
    # No bandwidth-delay probing: it grows each stream's HTTP/2 window to megabytes, which
    # grpc-core fills with bytes nobody asked for (and no memory budget sees) on every stream
    # that is not reading. Without it a stream that waits for budget buffers about 64 KB.
    ("grpc.http2.bdp_probe", 0),
    # A stream's window while the server is not reading it: what a client may send ahead into
    # grpc-core for each stream waiting for budget (64 KB by default, 64 MB at 1,024 streams).
    # A stream being read still opens its window to the whole message it is receiving.
    ("grpc.http2.lookahead_bytes", 16 * 1024),
    # grpc.aio accepts one new call per event-loop turn; while the loop decodes batches for
    # hundreds of streams, a burst of streams opening at once waits longer than grpc-core's
    # default 30 s to be accepted, and core then fails them (the client sees INTERNAL or
    # CANCELLED, the server logs nothing). Measured with 256 streams opening together.
    ("grpc.server_max_unrequested_time_in_server", 300),
    # A port another process already listens on is an error at start, not a port the two share:
    # with SO_REUSEPORT (grpc's default) a second server on the same port quietly takes half of
    # the connections, on whatever data it has.
    ("grpc.so_reuseport", 0),
    # Detect dead peers on idle connections without tripping proxies' idle timeouts.
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    # Clients may ping every 10 s without being told GOAWAY (too_many_pings).
    ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 1),
    # Connections are recycled every 30 min (GOAWAY) so new replicas behind a Kubernetes Service
    # get their share; a stream open at that moment gets 5 min to finish, and a writer cut off
    # after that resumes from its committed sequence on the next connection.
    ("grpc.max_connection_age_ms", 30 * 60_000),
    ("grpc.max_connection_age_grace_ms", 5 * 60_000),
]


async def open_store(settings: Settings) -> RunStore:
    """Stores are imported only when chosen, so unused backends cost no start-up time."""
    leases = Leases(settings.run_liveness_timeout_seconds)
    if settings.store == "vertex":
        from exprun.server.stores.vertex.config import VertexConfig
        from exprun.server.stores.vertex.store import VertexRunStore

        return await VertexRunStore.open(
            VertexConfig(
                api_endpoint=settings.vertex_endpoint,
                plaintext=settings.vertex_plaintext,
                default_tensorboard=settings.vertex_tensorboard,
                max_inflight_writes=settings.vertex_max_inflight_writes,
                model_staging_uri=settings.model_staging_uri,
            ),
            leases,
        )
    from exprun.server.stores.sqlite.store import SqliteRunStore

    return await SqliteRunStore.open(settings.data_dir, leases)


@dataclass
class RunningServer:
    server: grpc.aio.Server
    health: health.aio.HealthServicer
    servicer: ExperimentRunServicer
    store: RunStore
    ingest: Ingest
    liveness: Liveness
    port: int
    telemetry: ServerTelemetry = field(default_factory=ServerTelemetry)
    # The plaintext health-only listener (--health-listen), if on.
    health_server: grpc.aio.Server | None = None
    health_port: int | None = None

    async def stop(self, grace: float) -> None:
        """Readiness goes NOT_SERVING first, so load balancers stop routing; streams then ack
        what they received and end with UNAVAILABLE (their clients resume elsewhere); new RPCs
        are refused while in-flight ones get `grace` seconds; batches already accepted reach
        the store before it closes."""
        for entry in READINESS_ENTRIES:
            await self.health.set(entry, health_pb2.HealthCheckResponse.NOT_SERVING)
        self.servicer.drain()
        await self.server.stop(grace)
        if self.health_server is not None:  # probes answer until the API has stopped
            await self.health_server.stop(0)
        await self.liveness.stop()
        await self.ingest.stop()
        await self.store.close()
        await self.telemetry.close()  # flushes spans and metrics


async def start(
    settings: Settings, store: RunStore, telemetry_providers: providers.Providers | None = None
) -> RunningServer:
    telemetry = ServerTelemetry(telemetry_providers)
    store = telemetry.traced(store, settings.store)
    guard = await security.build(settings)
    # Telemetry outermost: it times the whole call and sees the status every other one sets. Then
    # ErrorInterceptor, so overload and auth failures become the same rich statuses. The limits
    # replace grpc's maximum_concurrent_rpcs, which would refuse health checks too; they sit
    # outside authentication so that streams waiting for their first message count, and reads
    # take their principal's stream slot inside it (see transport/overload.py).
    admission = Admission(settings.max_concurrent_rpcs, settings.max_streams_per_principal)
    server = grpc.aio.server(
        interceptors=[
            telemetry.interceptor,
            ErrorInterceptor(),
            OverloadInterceptor(admission),
            *guard.interceptors,
            ReadStreamCap(admission),
        ],
        options=SERVER_OPTIONS,
    )
    budget = MemoryBudget(settings.ingest_memory_mb * 1024**2)
    ingest = Ingest(store, budget=budget, observer=telemetry.ingest_observer)
    ingest.start()
    telemetry.watch(ingest)
    liveness = Liveness(store)
    liveness.start()
    tokens = page_token_key.page_tokens(settings)
    servicer = ExperimentRunServicer(
        ExperimentRuns(store, tokens),
        RunTimeSeries(store, ingest, liveness),
        open_timeout=settings.stream_open_timeout_seconds,
    )
    stream_codec.add_to_server(servicer, server)
    if settings.tensorboard_data_provider:
        view = TensorBoardView(store, ExperimentIds.from_setting(settings.tensorboard_experiment))
        data_provider.add_to_server(data_provider.DataProviderServicer(view), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if settings.reflection:
        reflection.enable_server_reflection(
            (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
    port = guard.add_port(server, settings.listen)
    if port == 0:
        raise OSError(f"cannot listen on {settings.listen}: the address is in use or not local")
    health_server, health_port = None, None
    if settings.health_listen is not None:
        health_server, health_port = _health_only(settings.health_listen, health_servicer, admission)
    await server.start()
    if health_server is not None:
        await health_server.start()
    await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    for entry in READINESS_ENTRIES:
        await health_servicer.set(entry, health_pb2.HealthCheckResponse.SERVING)

    async def follow_store(ready: bool) -> None:
        """A full or damaged disk takes the replica out of rotation (liveness "" stays SERVING:
        restarting would not help); once draining, readiness stays NOT_SERVING."""
        if not servicer.draining.is_set():
            status = (
                health_pb2.HealthCheckResponse.SERVING
                if ready
                else health_pb2.HealthCheckResponse.NOT_SERVING
            )
            for entry in READINESS_ENTRIES:
                await health_servicer.set(entry, status)

    store.health.listen(follow_store)
    return RunningServer(
        server,
        health_servicer,
        servicer,
        store,
        ingest,
        liveness,
        port,
        telemetry,
        health_server,
        health_port,
    )


def _health_only(
    listen: str, health_servicer: health.aio.HealthServicer, admission: Admission
) -> tuple[grpc.aio.Server, int]:
    """A plaintext server with only grpc.health.v1, for the kubelet's gRPC probes (plaintext
    only) when the API port serves TLS. It shares the HealthServicer, so it reports what the
    API port's health reports; health carries no data and needs no token."""
    server = grpc.aio.server(
        interceptors=[ErrorInterceptor(), OverloadInterceptor(admission)], options=[("grpc.so_reuseport", 0)]
    )
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    try:
        port: int = server.add_insecure_port(listen)
    except RuntimeError:  # grpc's "Failed to bind to address"
        port = 0
    if port == 0:
        raise OSError(f"cannot listen on {listen} (--health-listen): the address is in use or not local")
    return server, port


async def serve(settings: Settings) -> None:
    allocator.tune()
    store = await open_store(settings)
    running = await start(settings, store, providers.install())
    host = settings.listen.rpartition(":")[0]
    log.info(
        "exprun serving on %s:%d (store: %s, data dir: %s)",
        host,
        running.port,
        settings.store,
        settings.data_dir.resolve(),
    )
    if settings.health_listen is not None:
        log.info(
            "health (plaintext, grpc.health.v1 only) on %s:%d",
            settings.health_listen.rpartition(":")[0],
            running.health_port,
        )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    log.info("shutting down (grace %.1fs)", settings.shutdown_grace_seconds)
    await running.stop(settings.shutdown_grace_seconds)
