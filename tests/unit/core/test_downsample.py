"""Downsampled reads keep the ends and every bucket's extremes, so spikes stay visible."""

from __future__ import annotations

from array import array

from exprun.server.core.downsample import downsample
from exprun.server.core.model import Series


def series(values: list[float], first_step: int = 0) -> Series:
    steps = list(range(first_step, first_step + len(values)))
    return Series("loss", array("q", steps), array("d", values), array("q", [s * 10 for s in steps]))


def chunks(values: list[float], size: int) -> list[Series]:
    return [series(values[i : i + size], first_step=i) for i in range(0, len(values), size)]


def test_short_series_are_returned_whole() -> None:
    s = series([1.0, 2.0, 3.0])
    assert downsample([s], 10) is s


def test_downsampling_keeps_first_last_and_a_lone_spike() -> None:
    values = [0.0] * 100_000
    values[54_321] = 99.0
    out = downsample([series(values)], 1000)
    assert len(out.values) <= 1000
    assert out.steps is not None
    assert out.steps[0] == 0
    assert out.steps[-1] == 99_999
    assert 54_321 in out.steps
    assert list(out.steps) == sorted(out.steps)


def test_downsampled_points_are_real_points_with_their_own_steps_and_wall_times() -> None:
    values = [float((i * 7) % 17) for i in range(10_000)]
    out = downsample(chunks(values, 999), 100)
    assert out.steps is not None
    assert len(out.values) <= 100
    assert all(values[s] == v for s, v in zip(out.steps, out.values, strict=True))
    assert list(out.wall_time_micros) == [s * 10 for s in out.steps]


def test_chunked_and_whole_input_downsample_alike() -> None:
    values = [float((i * 31) % 101) for i in range(50_000)]
    whole = downsample([series(values)], 500)
    pieces = downsample(chunks(values, 4096), 500)
    assert list(whole.steps or []) == list(pieces.steps or [])
    assert list(whole.values) == list(pieces.values)


def test_one_point_requested_is_the_latest() -> None:
    out = downsample([series([1.0, 2.0, 3.0])], 1)
    assert list(out.steps or []) == [2]
