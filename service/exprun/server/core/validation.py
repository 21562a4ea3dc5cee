"""Checks of request content against the Vertex rules, so a request Vertex would refuse fails
here, before any store call, with every offending field named."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
from exprun.server.core import limits
from exprun.server.core.errors import FieldViolation, InvalidArgument, collect
from exprun.server.core.model import (
    ClassificationMetrics,
    FloatColumn,
    IntColumn,
    ModelFile,
    ParamValue,
    Series,
)
from exprun.server.core.quoting import key_path, quote

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MODEL_ARTIFACT_ID = re.compile(rf"^[a-z][a-z0-9_-]{{0,{limits.MODEL_ARTIFACT_ID_MAX_CHARS - 1}}}$")
_WRITER_ID = re.compile(rf"^[\x21-\x7e]{{1,{limits.WRITER_ID_MAX_CHARS}}}$")


def check_text(value: str, field: str, max_chars: int) -> list[FieldViolation]:
    if len(value) > max_chars:
        return [FieldViolation(field, f"is {len(value)} characters; at most {max_chars} allowed")]
    return []


def check_summary(values: Mapping[str, ParamValue], field: str) -> None:
    """Params and summary metrics: `Union[float, int, str]` or bool, finite, keys that Vertex can store."""
    violations: list[FieldViolation] = []
    if not values:
        violations.append(FieldViolation(field, "must hold at least one entry"))
    if len(values) > limits.SUMMARY_MAX_KEYS_PER_CALL:
        most = limits.SUMMARY_MAX_KEYS_PER_CALL
        violations.append(FieldViolation(field, f"has {len(values)} entries; at most {most} per call"))
    for key, value in values.items():
        where = key_path(field, key)
        if not key or len(key) > limits.SUMMARY_KEY_MAX_CHARS or _CONTROL.search(key):
            violations.append(
                FieldViolation(
                    where,
                    f"key must be 1-{limits.SUMMARY_KEY_MAX_CHARS} characters without control characters",
                )
            )
        if isinstance(value, bool):
            continue
        if not isinstance(value, float | int | str):
            violations.append(FieldViolation(where, "value must be a double, an int64, a string or a bool"))
        elif isinstance(value, float) and not math.isfinite(value):
            violations.append(FieldViolation(where, "value must be finite (not NaN or infinity)"))
        elif isinstance(value, int) and not _INT64_MIN <= value <= _INT64_MAX:
            violations.append(FieldViolation(where, "value must fit in int64"))
        elif isinstance(value, str) and len(value.encode()) > limits.STRING_VALUE_MAX_BYTES:
            most = limits.STRING_VALUE_MAX_BYTES
            violations.append(FieldViolation(where, f"string value is over {most} bytes"))
    collect(violations)


def metadata_size(metadata: Mapping[str, object]) -> int:
    """The size Vertex counts: the JSON the SDK sends for a context's metadata."""
    return len(json.dumps(metadata, separators=(",", ":")).encode())


def check_metadata_size(metadata: Mapping[str, object], field: str) -> None:
    size = metadata_size(metadata)
    if size > limits.METADATA_MAX_BYTES:
        raise metadata_too_large(field, f"would make the run's metadata {size} bytes", size)


def metadata_too_large(field: str, what: str, size: int) -> InvalidArgument:
    """`what` ("makes the model's metadata N bytes") against the Vertex Metadata limit."""
    return InvalidArgument(
        [FieldViolation(field, f"{what}; at most {limits.METADATA_MAX_BYTES}")],
        reason="METADATA_TOO_LARGE",
        metadata={"size_bytes": str(size), "limit_bytes": str(limits.METADATA_MAX_BYTES)},
    )


def check_series(series: Sequence[Series], field: str, max_points: int) -> None:
    """Column-major series: equal columns, finite values, steps >= 0, each metric once. Each
    column check is one numpy pass, so a batch costs per series, not per point."""
    violations: list[FieldViolation] = []
    if not series:
        violations.append(FieldViolation(field, "must hold at least one series"))
    total = 0
    seen: set[str] = set()
    for i, s in enumerate(series):
        where = f"{field}[{i}]"
        count = len(s.values)
        total += count
        if not s.metric or len(s.metric) > limits.METRIC_NAME_MAX_CHARS or _CONTROL.search(s.metric):
            violations.append(
                FieldViolation(
                    f"{where}.metric",
                    f"must be 1-{limits.METRIC_NAME_MAX_CHARS} characters without control characters",
                )
            )
        elif s.metric in seen:
            violations.append(FieldViolation(f"{where}.metric", f"{quote(s.metric)} appears twice"))
        seen.add(s.metric)
        if not count:
            violations.append(FieldViolation(f"{where}.values", "must hold at least one value"))
        if s.steps is not None and len(s.steps) != count:
            violations.append(
                FieldViolation(
                    f"{where}.steps",
                    f"has {len(s.steps)} entries but values has {count}; give one step per value or none",
                )
            )
        elif s.steps is not None and count and not _steps_in_range(s.steps):
            most = f"2^{limits.STEP_MAX_POWER_OF_TWO}"
            violations.append(FieldViolation(f"{where}.steps", f"steps must be between 0 and {most}"))
        if len(s.wall_time_micros) != count:
            violations.append(
                FieldViolation(
                    f"{where}.wall_time_micros",
                    f"has {len(s.wall_time_micros)} entries but values has {count}; "
                    "give one wall time per value or none",
                )
            )
        if not _all_finite(s.values):
            violations.append(
                FieldViolation(f"{where}.values", "values must be finite (not NaN or infinity)")
            )
    if total > max_points:
        violations.append(FieldViolation(field, f"holds {total} points; at most {max_points} per batch"))
    collect(violations)


def _steps_in_range(steps: IntColumn) -> bool:
    """One reduction: read as unsigned, a negative step is above 2^63, so the largest value
    alone says whether every step lies in 0..2^62."""
    try:
        column = np.asarray(steps, dtype=np.int64)
    except OverflowError:  # a Python int past int64 (only a caller inside the server can pass one)
        return False
    return int(column.view(np.uint64).max()) <= limits.STEP_MAX


def _all_finite(values: FloatColumn) -> bool:
    return bool(np.isfinite(np.asarray(values, dtype=np.float64)).all())


def check_classification_metrics(cm: ClassificationMetrics, field: str) -> None:
    """The SDK's four `ValueError`s, plus square rows, finiteness and size limits."""
    violations: list[FieldViolation] = []
    if (cm.labels or cm.matrix) and not (cm.labels and cm.matrix):
        violations.append(FieldViolation(f"{field}.labels", "labels and matrix must be set together"))
    curve = (cm.fpr, cm.tpr, cm.threshold)
    if any(curve) and not all(curve):
        violations.append(FieldViolation(f"{field}.fpr", "fpr, tpr, and threshold must be set together"))
    if not cm.labels and not cm.matrix and not any(curve):
        violations.append(FieldViolation(field, "set labels and matrix, or fpr, tpr and threshold, or both"))
    if cm.labels and cm.matrix:
        if len(cm.labels) != len(cm.matrix):
            violations.append(
                FieldViolation(
                    f"{field}.matrix",
                    f"length of labels and matrix must be the same; got {len(cm.labels)} "
                    f"and {len(cm.matrix)}",
                )
            )
        for r, row in enumerate(cm.matrix):
            if len(row) != len(cm.labels):
                violations.append(
                    FieldViolation(
                        f"{field}.matrix[{r}].values",
                        f"has {len(row)} values; each row needs one per label ({len(cm.labels)})",
                    )
                )
            if not all(math.isfinite(v) for v in row):
                violations.append(FieldViolation(f"{field}.matrix[{r}].values", "must be finite"))
    if all(curve) and not len(cm.fpr) == len(cm.tpr) == len(cm.threshold):
        violations.append(
            FieldViolation(
                f"{field}.fpr",
                f"length of fpr, tpr and threshold must be the same; got {len(cm.fpr)}, "
                f"{len(cm.tpr)} and {len(cm.threshold)}",
            )
        )
    if len(cm.labels) > limits.CLASSIFICATION_MAX_LABELS:
        most = limits.CLASSIFICATION_MAX_LABELS
        violations.append(FieldViolation(f"{field}.labels", f"at most {most} labels"))
    if len(cm.fpr) > limits.CLASSIFICATION_MAX_CURVE_POINTS:
        most = limits.CLASSIFICATION_MAX_CURVE_POINTS
        violations.append(FieldViolation(f"{field}.fpr", f"at most {most} curve points"))
    for name, column in zip(("fpr", "tpr", "threshold"), curve, strict=True):
        if not all(math.isfinite(v) for v in column):
            violations.append(FieldViolation(f"{field}.{name}", "must be finite"))
    violations += check_text(cm.display_name, f"{field}.display_name", limits.DISPLAY_NAME_MAX_CHARS)
    collect(violations)


def check_writer_id(writer_id: str, field: str) -> None:
    if not _WRITER_ID.match(writer_id):
        raise InvalidArgument.field(
            field, f"must be 1-{limits.WRITER_ID_MAX_CHARS} printable ASCII characters, no spaces"
        )


# IDs that name an existing metadata resource may be server-generated (32 hex digits, which can
# start with a digit), so a reference is checked more loosely than an ID a client picks.
_METADATA_REFERENCE_ID = re.compile(rf"^[a-z0-9][a-z0-9_-]{{0,{limits.METADATA_ID_MAX_CHARS - 1}}}$")


def check_metadata_reference_id(resource_id: str, field: str) -> None:
    if not _METADATA_REFERENCE_ID.match(resource_id):
        raise InvalidArgument.field(
            field,
            f"must be up to {limits.METADATA_ID_MAX_CHARS} characters of [a-z0-9_-], "
            "starting with a letter or digit",
        )


def check_model_artifact_id(artifact_id: str, field: str) -> None:
    if artifact_id and not _MODEL_ARTIFACT_ID.match(artifact_id):
        raise InvalidArgument.field(
            field,
            f"must be up to {limits.MODEL_ARTIFACT_ID_MAX_CHARS} characters of [a-z0-9_-], "
            "starting with a letter",
        )


def check_model_path(path: str, field: str) -> None:
    parts = path.split("/")
    bad = (
        not path
        or path.startswith("/")
        or "\\" in path
        or any(p in ("", ".", "..") for p in parts)
        or _CONTROL.search(path) is not None
    )
    if bad:
        raise InvalidArgument.field(
            field, "must be a relative path with '/' separators, no '..' and no empty parts"
        )
    size = len(path.encode())
    if size > limits.MODEL_PATH_MAX_BYTES:
        raise InvalidArgument.field(field, f"is {size} bytes; at most {limits.MODEL_PATH_MAX_BYTES}")
    longest = max(parts, key=lambda p: len(p.encode()))
    if len(longest.encode()) > limits.MODEL_PATH_SEGMENT_MAX_BYTES:
        raise InvalidArgument.field(
            field,
            f"has a part of {len(longest.encode())} bytes ({quote(longest, 32)}); "
            f"at most {limits.MODEL_PATH_SEGMENT_MAX_BYTES} bytes between slashes",
        )


def check_model_files(files: Sequence[ModelFile], field: str) -> None:
    """Each path well formed and listed once, and none both a file and a directory of another
    (`x` and `x/y`): the files must fit one directory tree, on disk as in a bucket."""
    if len(files) > limits.MODEL_MAX_FILES:
        raise InvalidArgument.field(field, f"at most {limits.MODEL_MAX_FILES} files")
    seen: dict[str, int] = {}
    for i, f in enumerate(files):
        check_model_path(f.path, f"{field}[{i}].path")
        if f.path in seen:
            raise InvalidArgument.field(f"{field}[{i}].path", f"appears twice (also {field}[{seen[f.path]}])")
        seen[f.path] = i
    for i, f in enumerate(files):
        parts = f.path.split("/")
        for depth in range(1, len(parts)):
            directory = "/".join(parts[:depth])
            if directory in seen:
                raise InvalidArgument.field(
                    f"{field}[{i}].path",
                    f"is inside {quote(directory)}, which {field}[{seen[directory]}] lists as a file",
                )
