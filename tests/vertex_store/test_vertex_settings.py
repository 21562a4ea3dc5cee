"""`--vertex-max-inflight-writes` / EXPRUN_VERTEX_MAX_INFLIGHT_WRITES reaches the store's config."""

from __future__ import annotations

import pytest
from exprun.server import settings
from exprun.server.cli import build_parser


def parsed(*args: str) -> settings.Settings:
    return settings.from_arguments(build_parser().parse_args(["serve", *args]))


def test_eight_writes_in_flight_by_default_and_the_flag_or_variable_change_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert parsed().vertex_max_inflight_writes == 8
    assert parsed("--vertex-max-inflight-writes", "3").vertex_max_inflight_writes == 3
    monkeypatch.setenv("EXPRUN_VERTEX_MAX_INFLIGHT_WRITES", "16")
    assert parsed().vertex_max_inflight_writes == 16


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_a_count_below_one_is_refused_naming_the_setting(value: str) -> None:
    with pytest.raises(
        settings.SettingsError, match="--vertex-max-inflight-writes / EXPRUN_VERTEX_MAX_INFLIGHT_WRITES"
    ):
        parsed("--vertex-max-inflight-writes", value)
