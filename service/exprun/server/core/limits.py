"""Limits of the API, written once. Vertex's own limits are the reason for most of them."""

# Vertex Metadata: "Context.metadata should not exceed 200KB".
METADATA_MAX_BYTES = 200 * 1024
# One WriteTensorboardRunData request holds at most 5000 points.
UNARY_WRITE_MAX_POINTS = 5000
# A streamed batch may be larger: the server splits it for Vertex.
STREAM_BATCH_MAX_POINTS = 100_000
SUMMARY_MAX_KEYS_PER_CALL = 1000
SUMMARY_KEY_MAX_CHARS = 256
STRING_VALUE_MAX_BYTES = 65536
METRIC_NAME_MAX_CHARS = 128
DISPLAY_NAME_MAX_CHARS = 128
DESCRIPTION_MAX_CHARS = 4096
WRITER_ID_MAX_CHARS = 128
CLASSIFICATION_MAX_LABELS = 1000
CLASSIFICATION_MAX_CURVE_POINTS = 10_000
PAGE_SIZE_DEFAULT = 100
PAGE_SIZE_MAX = 1000
MODEL_MAX_FILES = 1000
MODEL_MAX_TOTAL_BYTES = 2 * 1024**3
MODEL_CHUNK_MAX_BYTES = 1024**2
MODEL_ARTIFACT_ID_MAX_CHARS = 63
# Vertex Metadata context IDs (experiments): 4-128 of [a-z0-9-].
EXPERIMENT_ID_MIN_CHARS = 4
EXPERIMENT_ID_MAX_CHARS = 128
# TensorboardRun IDs: 1-128 of [a-z0-9-].
RUN_ID_MAX_CHARS = 128
# The run context `{E}-{R}` plus "-tb-run" fits a 128-character ID (the SDK's `_EXPERIMENT_RUN_MAX_LENGTH`).
RUN_RESOURCE_ID_MAX_CHARS = 128 - len("-tb-run")
# Google Cloud project IDs: 6-30 characters, lowercase.
PROJECT_ID_MIN_CHARS = 6
PROJECT_ID_MAX_CHARS = 30
# An ID naming an existing Vertex Metadata resource (context, execution, artifact).
METADATA_ID_MAX_CHARS = 128
# Artifacts per list in one AddExecutionEvents call.
EXECUTION_EVENTS_PER_CALL = 100
# Explicit steps stay far below int64's end, so default steps (largest + 1 + i) never overflow.
STEP_MAX_POWER_OF_TWO = 62
STEP_MAX = 1 << STEP_MAX_POWER_OF_TWO
# A store yields at most this many points per `read_time_series` chunk (~6 MB in packed columns),
# and a downsampled read holds at most this many values at once.
READ_CHUNK_MAX_POINTS = 262_144
# Points per ReadTimeSeriesResponse message (~1.5 MB), under every client's default 4 MB limit.
READ_MESSAGE_MAX_POINTS = 65_536
# A request value quoted back in an error: enough to recognise it, while the status trailers
# stay far below gRPC's metadata limits (8 KiB soft, 16 KiB hard in most clients).
QUOTED_VALUE_MAX_CHARS = 256
# Page tokens are checked for length before anything is decoded. Over the embedded store a token
# is ~40 characters; the rest is room for the Vertex page token a vertex-store token carries.
PAGE_TOKEN_MAX_CHARS = 2048
# Terms of one List filter (the grammar: `core/store.py`, "Lists"). Far more than a client
# needs, far fewer than SQLite's expression depth limit (1000).
FILTER_MAX_TERMS = 50
# Model file paths: each segment a file name every file system accepts (255 bytes, NAME_MAX).
MODEL_PATH_SEGMENT_MAX_BYTES = 255
MODEL_PATH_MAX_BYTES = 1024
# TensorBoard's data provider: points per series of one ReadScalars (TensorBoard asks for 1000 by
# default, `--samples_per_plugin scalars=N` for more), and points in one whole response (~17 MB on
# the wire), shared out among its series, under the 32 MiB send limit.
TENSORBOARD_SERIES_MAX_POINTS = 10_000
TENSORBOARD_RESPONSE_MAX_POINTS = 1_000_000


def size_text(size_bytes: int) -> str:
    """A byte limit as a message states it: `2 GiB`, `1 MiB`, `200 KiB`, else in bytes."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size_bytes >= scale and size_bytes % scale == 0:
            return f"{size_bytes // scale} {unit}"
    return f"{size_bytes} bytes"
