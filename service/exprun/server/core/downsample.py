"""Downsampling for `ReadTimeSeries(max_points=...)`.

Min-max buckets: the first and last points, then each bucket's lowest and highest value in
step order. A chart drawn from it keeps every spike a plain stride would skip, and it runs in
one pass.
"""

from __future__ import annotations

from exprun.server.core.model import Series


def downsample(series: Series, max_points: int) -> Series:
    n = len(series.values)
    if max_points <= 0 or n <= max_points:
        return series
    if max_points == 1:
        keep = [n - 1]
    else:
        keep = [0]
        buckets = (max_points - 2) // 2
        interior = n - 2
        for b in range(buckets):
            lo = 1 + b * interior // buckets
            hi = 1 + (b + 1) * interior // buckets
            if lo >= hi:
                continue
            window = range(lo, hi)
            i_min = min(window, key=series.values.__getitem__)
            i_max = max(window, key=series.values.__getitem__)
            keep.extend(sorted({i_min, i_max}))
        keep.append(n - 1)
    steps = series.steps or []
    return Series(
        metric=series.metric,
        steps=[steps[i] for i in keep],
        values=[series.values[i] for i in keep],
        wall_time_micros=[series.wall_time_micros[i] for i in keep],
    )
