"""TensorBoard over exprun on a run of 1,000,000 points: how long the first chart takes.

`exprun serve` and `exprun tensorboard` as a user starts them, one run streamed with 1,000,000
points of one metric. Two figures, each best of 5 (median beside it):

- the chart's data: TensorBoard's `GET /data/plugin/scalars/scalars?run=R&tag=T`, the request a
  chart makes, from the call to the JSON received (TensorBoard → `ReadScalars` downsampled to
  1,000 points on the server → JSON);
- in the browser (headless system Chromium via Playwright, when installed): from the page's
  request of the chart's data (`scalars_multirun`) to its line drawn (a `path.line` with a
  path), polled every 10 ms; a fresh page each time, so nothing is cached.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import statistics
import time
import urllib.request
from typing import Any

from bench import cpu, serving, streaming
from bench.table import INFO, Row, verdict
from tests.support.tensorboard_process import TensorBoardProcess

POINTS = 1_000_000
METRIC = "loss-0"
REPEATS = 5
TARGET_SECONDS = 1.0
PAGE_TIMEOUT_MS = 60_000
POLL_MS = 10


def run(workdir: pathlib.Path, quick: bool) -> list[Row]:
    points = POINTS // 10 if quick else POINTS
    default = f"projects/{serving.PROJECT}/locations/{serving.LOCATION}/experiments/{serving.EXPERIMENT}"
    with serving.exprun_server(workdir, "tensorboard", "--tensorboard-experiment", default) as server:
        (run_name,) = serving.create_runs(server.target, ["million"])
        streaming.connect(server.target)
        steps, columns = streaming.workload(1, points, prefix="loss")
        written = streaming.stream(server.target, run_name, steps, columns, 100_000)
        if written != points:
            raise RuntimeError(f"only {written:,} of {points:,} points were acknowledged")
        board = TensorBoardProcess(server.target, workdir / "tensorboard" / "tensorboard.log")
        board.start()
        try:
            assert server.process is not None
            assert board.process is not None
            pids = {"server": server.process.pid, "tensorboard": board.process.pid, "client": os.getpid()}
            rows = [_data_row(board, points, pids)]
            rows.append(_browser_row(board, points, pids))
        finally:
            board.stop()
        return rows


def _data_row(board: TensorBoardProcess, points: int, pids: dict[str, int]) -> Row:
    url = f"{board.url}data/plugin/scalars/scalars?run=million&tag={METRIC}"
    window = cpu.CpuWindow(pids)
    window.start()
    seconds, returned = [], 0
    for _ in range(REPEATS):
        began = time.perf_counter()
        with urllib.request.urlopen(url, timeout=60) as reply:
            returned = len(json.load(reply))
        seconds.append(time.perf_counter() - began)
    usages, machine = window.stop()
    best = min(seconds)
    return Row(
        f"TensorBoard chart data, run of {points:,} points",
        f"{_ms(best)} best of {REPEATS} (median {_ms(statistics.median(seconds))})",
        f"≤ {_ms(TARGET_SECONDS)}",
        verdict(best <= TARGET_SECONDS),
        (
            f"GET /data/plugin/scalars/scalars from a Python client: TensorBoard 2.21 → exprun "
            f"ReadScalars (downsample 1,000) → {returned:,} points of JSON",
            cpu.limit_note(usages, machine),
        ),
    )


def _browser_row(board: TensorBoardProcess, points: int, pids: dict[str, int]) -> Row:
    name = f"TensorBoard first chart drawn, run of {points:,} points"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        return Row(name, "not measured: no chromium (scripts/install_chromium.sh)", "-", INFO)
    from playwright.sync_api import sync_playwright

    window = cpu.CpuWindow(pids)
    window.start()
    seconds = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            for _ in range(REPEATS):
                seconds.append(_first_chart(browser, board.url))
        finally:
            browser.close()
    usages, machine = window.stop()
    best = min(seconds)
    return Row(
        name,
        f"{_ms(best)} best of {REPEATS} (median {_ms(statistics.median(seconds))})",
        f"≤ {_ms(TARGET_SECONDS)}",
        verdict(best <= TARGET_SECONDS),
        (
            "headless Chromium on the scalars dashboard: from the page's request of the chart's data "
            f"(scalars_multirun) to the chart's line drawn, polled every {POLL_MS} ms",
            cpu.limit_note(usages, machine),
        ),
    )


def _first_chart(browser: Any, url: str) -> float:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        requested: list[float] = []
        page.on(
            "request",
            lambda request: (
                requested.append(time.perf_counter())
                if request.url.endswith("/data/plugin/scalars/scalars_multirun")
                else None
            ),
        )
        page.goto(f"{url}#scalars")
        line = page.locator("tf-scalar-card path.line")
        deadline = time.perf_counter() + PAGE_TIMEOUT_MS / 1000
        while time.perf_counter() < deadline:
            drawn = line.evaluate_all("paths => paths.some(p => (p.getAttribute('d') || '').length > 100)")
            if drawn and requested:
                return time.perf_counter() - requested[0]
            page.wait_for_timeout(POLL_MS)
        raise RuntimeError("the chart was not drawn in time")
    finally:
        page.close()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
