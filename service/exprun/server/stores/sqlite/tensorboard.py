"""A run's backing TensorBoard run, recorded the way the SDK records it.

The SDK finds a run's TensorBoard run through the `{E}-{R}-tb-run` artifact in the run's
context, so the embedded store writes that artifact too: `ListArtifacts` then matches
`run.get_artifacts()`, and a replay into Vertex carries the link along.
"""

from __future__ import annotations

import sqlite3

from exprun.server.core import layouts
from exprun.server.core.errors import FailedPrecondition
from exprun.server.core.model import Artifact, Run
from exprun.server.core.names import RunName
from exprun.server.stores.sqlite import artifacts, runs


def tensorboard_run(name: RunName, tensorboard: str) -> str:
    """The SDK creates the TensorBoard experiment as `E` and the TensorBoard run as `R`."""
    return f"{tensorboard}/experiments/{name.experiment}/runs/{name.run}"


def assign(conn: sqlite3.Connection, name: RunName, tensorboard: str) -> Run:
    pk, run = runs.require(conn, name)
    tb_run = tensorboard_run(name, tensorboard)
    if run.backing_tensorboard_run == tb_run:
        return run
    if run.backing_tensorboard_run:
        raise FailedPrecondition(
            f"run {name.run} is already associated to tensorboard resource {run.backing_tensorboard_run}",
            reason="TENSORBOARD_ALREADY_ASSIGNED",
            metadata={
                "resource_name": name.path,
                "backing_tensorboard_run": run.backing_tensorboard_run,
                "requested_tensorboard": tensorboard,
            },
        )
    artifacts.add_artifact(
        conn,
        pk,
        name.parent.parent,
        Artifact(
            artifact_id=f"{name.resource_id}{layouts.TB_RUN_ARTIFACT_SUFFIX}",
            schema_title=layouts.TENSORBOARD_RUN,
            uri=f"https://{name.location}-aiplatform.googleapis.com/v1/{tb_run}",
            metadata={"resourceName": tb_run, "vertex_experiment_tracking": True},
        ),
    )
    runs.set_backing_tensorboard_run(conn, pk, tb_run)
    return runs.get(conn, name)
