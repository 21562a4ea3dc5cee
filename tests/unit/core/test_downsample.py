"""Downsampled reads keep the ends and every bucket's extremes, so spikes stay visible."""

from __future__ import annotations

from exprun.server.core.downsample import downsample
from exprun.server.core.model import Series


def series(values: list[float]) -> Series:
    n = len(values)
    return Series("loss", list(range(n)), values, list(range(n)))


def test_short_series_are_returned_whole() -> None:
    s = series([1.0, 2.0, 3.0])
    assert downsample(s, 10) is s


def test_downsampling_keeps_first_last_and_a_lone_spike() -> None:
    values = [0.0] * 100_000
    values[54_321] = 99.0
    out = downsample(series(values), 1000)
    assert len(out.values) <= 1000
    assert out.steps is not None
    assert out.steps[0] == 0
    assert out.steps[-1] == 99_999
    assert 54_321 in out.steps
    assert list(out.steps) == sorted(out.steps)


def test_downsampled_points_are_real_points() -> None:
    values = [float(i % 17) for i in range(10_000)]
    out = downsample(series(values), 100)
    assert out.steps is not None
    assert all(values[s] == v for s, v in zip(out.steps, out.values, strict=True))
