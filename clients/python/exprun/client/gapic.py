"""`aiplatform.gapic`, as far as experiment code names things through it.

The SDK's docs name states as `aiplatform.gapic.Execution.State.FAILED`; here that is
`RunState.FAILED`, the same name and number, so it works wherever a state is taken.
"""

from __future__ import annotations

from exprun.client.resources import RunState


class Execution:
    """`google.cloud.aiplatform_v1.Execution`: only its `State` enum is used by experiment code."""

    State = RunState


__all__ = ["Execution"]
