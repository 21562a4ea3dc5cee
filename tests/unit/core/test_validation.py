"""Input checks that mirror what Vertex and the SDK refuse, with every bad field named."""

from __future__ import annotations

import math

import numpy as np
import pytest
from exprun.server.core import limits
from exprun.server.core.errors import InvalidArgument
from exprun.server.core.model import ClassificationMetrics, ModelFile, Series
from exprun.server.core.validation import (
    check_classification_metrics,
    check_model_files,
    check_series,
    check_summary,
)


def cm(**fields: object) -> ClassificationMetrics:
    base: dict[str, object] = {
        "display_name": "",
        "labels": (),
        "matrix": (),
        "fpr": (),
        "tpr": (),
        "threshold": (),
    }
    base.update(fields)
    return ClassificationMetrics(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("metrics", "message"),
    [
        (cm(labels=("a", "b")), "labels and matrix must be set together"),
        (cm(fpr=(0.1,), tpr=(0.2,)), "fpr, tpr, and threshold must be set together"),
        (cm(labels=("a", "b"), matrix=((1.0, 2.0),)), "length of labels and matrix must be the same"),
        (
            cm(fpr=(0.1, 0.2), tpr=(0.2,), threshold=(0.9, 0.5)),
            "length of fpr, tpr and threshold must be the same",
        ),
    ],
)
def test_the_sdks_four_classification_metrics_errors(metrics: ClassificationMetrics, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        check_classification_metrics(metrics, "classification_metrics")


def test_ragged_confusion_matrix_rows_are_rejected() -> None:
    with pytest.raises(InvalidArgument) as raised:
        check_classification_metrics(cm(labels=("a", "b"), matrix=((1.0, 2.0), (3.0,))), "cm")
    assert raised.value.violations[0].field == "cm.matrix[1].values"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_summary_values_are_rejected(value: float) -> None:
    with pytest.raises(InvalidArgument) as raised:
        check_summary({"acc": value}, "metrics")
    assert raised.value.violations[0].field == "metrics['acc']"


def test_bool_is_a_summary_value_but_a_list_is_not() -> None:
    check_summary({"flag": True, "off": False}, "params")
    with pytest.raises(InvalidArgument, match="double, an int64, a string or a bool"):
        check_summary({"layers": [1, 2]}, "params")  # type: ignore[dict-item]


def test_all_bad_series_fields_are_reported_at_once() -> None:
    bad = [
        Series("loss", [1, 2], [0.1], [1]),
        Series("loss", None, [math.nan], [1]),
    ]
    with pytest.raises(InvalidArgument) as raised:
        check_series(bad, "batch.series", 5000)
    fields = {v.field for v in raised.value.violations}
    assert fields == {"batch.series[0].steps", "batch.series[1].metric", "batch.series[1].values"}


def test_a_batch_over_the_vertex_write_limit_is_rejected() -> None:
    series = [Series("loss", list(range(5001)), [0.0] * 5001, [0] * 5001)]
    with pytest.raises(InvalidArgument, match="5001 points; at most 5000"):
        check_series(series, "batch.series", 5000)


@pytest.mark.parametrize("step", [-1, 2**62 + 1])
def test_steps_outside_zero_to_two_to_the_62_are_rejected(step: int) -> None:
    with pytest.raises(InvalidArgument) as raised:
        check_series([Series("loss", [step], [0.1], [1])], "batch.series", 5000)
    assert raised.value.violations[0].field == "batch.series[0].steps"


def test_numpy_columns_are_checked_whole_and_each_bad_series_named() -> None:
    steps = np.arange(1, 50_001)
    values = np.linspace(0.0, 1.0, 50_000)
    late_inf, late_step = values.copy(), steps.copy()
    late_inf[49_999], late_step[49_999] = np.inf, -5
    series = [
        Series("a", steps, values, steps),
        Series("b", steps, late_inf, steps),
        Series("c", late_step, values, steps),
        Series("d", None, values, steps[:10]),
    ]
    with pytest.raises(InvalidArgument) as raised:
        check_series(series, "batch.series", 250_000)
    assert [v.field for v in raised.value.violations] == [
        "batch.series[1].values",
        "batch.series[2].steps",
        "batch.series[3].wall_time_micros",
    ]
    check_series(series[:1], "batch.series", 50_000)  # the good one alone passes


def _files(*paths: str) -> list[ModelFile]:
    return [ModelFile(path, 0, "0" * 64) for path in paths]


@pytest.mark.parametrize(
    ("paths", "bad"),
    [
        (("x", "x/y"), 1),
        (("a/b/c", "a/b"), 0),
        (("m/w.bin", "m/w.bin/part"), 1),
        (("ok", "a", "a"), 2),
        (("d/" + "s" * 256,), 0),
        (("d/" + "é" * 128,), 0),  # 256 bytes in UTF-8
        (("/".join(["p" * 200] * 6),), 0),
    ],
)
def test_model_paths_that_cannot_share_one_directory_tree_are_named(paths: tuple[str, ...], bad: int) -> None:
    with pytest.raises(InvalidArgument) as raised:
        check_model_files(_files(*paths), "header.files")
    assert raised.value.violations[0].field == f"header.files[{bad}].path"


def test_model_paths_at_the_limits_are_accepted() -> None:
    segment = "s" * limits.MODEL_PATH_SEGMENT_MAX_BYTES
    check_model_files(_files("x/y", "x/z", "xy", f"d/{segment}", "x/y2/z"), "header.files")


def test_a_long_summary_key_is_quoted_short_in_its_field_path() -> None:
    with pytest.raises(InvalidArgument) as raised:
        check_summary({"k" * 5000: 1.0}, "params")
    field = raised.value.violations[0].field
    assert field.startswith("params['kkk")
    assert "(5000 characters)" in field
    assert len(field) < limits.QUOTED_VALUE_MAX_CHARS + 50


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (limits.MODEL_MAX_TOTAL_BYTES, "2 GiB"),
        (limits.MODEL_CHUNK_MAX_BYTES, "1 MiB"),
        (200 * 1024, "200 KiB"),
        (1500, "1500 bytes"),
    ],
)
def test_a_byte_limit_reads_in_its_largest_whole_unit(size: int, text: str) -> None:
    assert limits.size_text(size) == text


def test_limit_messages_quote_the_limits_module() -> None:
    too_many = {f"k{i}": 1.0 for i in range(limits.SUMMARY_MAX_KEYS_PER_CALL + 1)}
    with pytest.raises(InvalidArgument, match=f"at most {limits.SUMMARY_MAX_KEYS_PER_CALL} per call"):
        check_summary(too_many, "params")
    curve = tuple(0.5 for _ in range(limits.CLASSIFICATION_MAX_CURVE_POINTS + 1))
    with pytest.raises(
        InvalidArgument, match=f"at most {limits.CLASSIFICATION_MAX_CURVE_POINTS} curve points"
    ):
        check_classification_metrics(cm(fpr=curve, tpr=curve, threshold=curve), "classification_metrics")
