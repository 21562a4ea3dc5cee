"""TensorBoard over exprun in a real browser: `exprun serve` and `exprun tensorboard` as a user
starts them, two runs logged with known curves, and the scalars dashboard opened in headless
Chromium (the system's, driven by Playwright). The page must draw a chart per metric with a line
per run, from data that is what was logged; a screenshot is saved (docs/tensorboard-scalars.png
is one).

Needs Chromium (`scripts/install_chromium.sh`, which `.ci/run` runs): skipped without it on a
developer's machine, failed without it in CI (CI=true), so CI can never pass by skipping it.
"""

from __future__ import annotations

import json
import math
import os
import pathlib
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from exprun.client import Experiment, ExperimentRun, _config, init

from tests.support.server_process import ServerProcess
from tests.support.tensorboard_process import TensorBoardProcess

PROJECT = "local-project"  # `exprun tensorboard`'s defaults
LOCATION = "us-central1"
EXPERIMENT = "churn-model"
STEPS = list(range(1, 201))
# Where the screenshot goes; EXPRUN_SCREENSHOT=docs/tensorboard-scalars.png refreshes the README's.
SCREENSHOT = pathlib.Path(os.environ.get("EXPRUN_SCREENSHOT", "build/tensorboard-scalars.png"))
PAGE_TIMEOUT_MS = 30_000


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "no chromium on PATH: scripts/install_chromium.sh installs it (as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test must run in CI; {message}")
        pytest.skip(message)
    return found


def _loss(scale: float, rate: float) -> list[float]:
    """A training-loss shape with a deterministic wobble."""
    return [scale * math.exp(-step / rate) + 0.1 + 0.02 * math.sin(step / 3) for step in STEPS]


CURVES: dict[str, dict[str, list[float]]] = {
    "baseline": {"loss": _loss(2.0, 45.0), "accuracy": [0.9 - 0.5 * math.exp(-s / 50.0) for s in STEPS]},
    "wider-net": {"loss": _loss(2.4, 25.0), "accuracy": [0.95 - 0.6 * math.exp(-s / 30.0) for s in STEPS]},
}


@pytest.fixture(scope="module")
def tensorboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TensorBoardProcess]:
    """The server's default experiment (TensorBoard's bare URL) is the one the curves go to."""
    root = tmp_path_factory.mktemp("browser")
    server = ServerProcess(
        root / "data",
        root / "server.log",
        "--tensorboard-experiment",
        f"projects/{PROJECT}/locations/{LOCATION}/experiments/{EXPERIMENT}",
    )
    server.start()
    board = TensorBoardProcess(server.target, root / "tensorboard.log")
    try:
        _config.reset()
        init(target=server.target, project=PROJECT, location=LOCATION)
        Experiment.create(EXPERIMENT, description="two runs, logged through exprun")
        for run, columns in CURVES.items():
            logged = ExperimentRun.create(run, experiment=EXPERIMENT)
            logged.log_params({"lr": 0.01 if run == "baseline" else 0.003, "layers": 4})
            logged.log_time_series(columns, steps=STEPS)
            logged.end_run()
        _config.reset()
        board.start()
        yield board
    finally:
        board.stop()
        server.terminate()


def test_the_scalars_dashboard_draws_both_runs_with_the_logged_values(
    tensorboard: TensorBoardProcess,
) -> None:
    executable = _chromium()
    from playwright.sync_api import expect, sync_playwright

    loaded: dict[str, Any] = {}  # tag -> {run: [[wall_time, step, value], ...]}, as the page got it
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(PAGE_TIMEOUT_MS)

            def record(response: Any) -> None:
                if response.url.endswith("/data/plugin/scalars/scalars_multirun") and response.ok:
                    tag = _form_tag(response.request.post_data or "")
                    loaded[tag] = json.loads(response.body())

            page.on("response", record)
            page.goto(f"{tensorboard.url}#scalars")
            # One card per metric, each with a drawn line per run (Plottable's `path.line`, one
            # stroke colour per run; smoothing draws a second, fainter line of the same colour).
            cards = page.locator("tf-scalar-card")
            expect(cards).to_have_count(2, timeout=PAGE_TIMEOUT_MS)
            assert sorted(cards.nth(i).evaluate("card => card.tag") for i in range(2)) == ["accuracy", "loss"]
            for i in range(2):
                assert _drawn_runs(page, cards.nth(i)) == 2
            for run in CURVES:  # each run in the run selector, with its colour
                expect(page.locator("tf-runs-selector").get_by_text(run, exact=True)).to_be_visible(
                    timeout=PAGE_TIMEOUT_MS
                )
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            browser.close()

    assert sorted(loaded) == ["accuracy", "loss"]
    for tag, by_run in loaded.items():
        assert sorted(by_run) == sorted(CURVES)
        for run, points in by_run.items():
            assert [step for _, step, _ in points] == STEPS  # 200 points: under the 1000 asked for
            assert [value for _, _, value in points] == pytest.approx(CURVES[run][tag], rel=1e-6)
    assert SCREENSHOT.stat().st_size > 10_000


def _drawn_runs(page: Any, card: Any) -> int:
    """How many runs the card's chart has drawn a line for: distinct stroke colours of lines with
    a real path, once there are two (or the page timeout passes)."""
    strokes: set[str] = set()
    for _ in range(PAGE_TIMEOUT_MS // 100):
        drawn = card.locator("path.line").evaluate_all(
            "paths => paths.filter(p => (p.getAttribute('d') || '').length > 100)"
            ".map(p => getComputedStyle(p).stroke)"
        )
        strokes = set(drawn)
        if len(strokes) >= 2:
            break
        page.wait_for_timeout(100)
    return len(strokes)


def _form_tag(body: str) -> str:
    """The `tag` field of the page's multipart/form-data request."""
    found = re.search(r'name="tag"\r\n\r\n([^\r]*)\r\n', body)
    assert found is not None, body
    return found[1]
