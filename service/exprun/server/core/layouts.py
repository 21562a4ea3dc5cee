"""The SDK's artifact layouts: how classification metrics and models sit in Vertex Metadata.

Both stores keep them as artifacts in this exact layout (vertex-mapping.md §4, §6.2), so the
SDK reads what exprun wrote and `ListArtifacts` shows them like `run.get_artifacts()` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exprun.server.core.model import Artifact, ClassificationMetrics, ExperimentModel, ModelFile

CLASSIFICATION_METRICS = "google.ClassificationMetrics"
EXPERIMENT_MODEL = "google.ExperimentModel"
TENSORBOARD_RUN = "google.VertexTensorboardRun"
TB_RUN_ARTIFACT_SUFFIX = "-tb-run"


def classification_metrics_artifact(cm: ClassificationMetrics) -> Artifact:
    metadata: dict[str, Any] = {}
    if cm.labels:
        metadata["confusionMatrix"] = {
            "annotationSpecs": [{"displayName": label} for label in cm.labels],
            "rows": [list(row) for row in cm.matrix],
        }
    if cm.fpr:
        metadata["confidenceMetrics"] = [
            {"confidenceThreshold": t, "recall": r, "falsePositiveRate": f}
            for t, r, f in zip(cm.threshold, cm.tpr, cm.fpr, strict=True)
        ]
    return Artifact(
        artifact_id="",
        schema_title=CLASSIFICATION_METRICS,
        display_name=cm.display_name,
        metadata=metadata,
    )


def classification_metrics_from(artifact: Artifact) -> ClassificationMetrics:
    """Reads leniently: an artifact the SDK wrote with no arguments has empty metadata."""
    matrix: Mapping[str, Any] = artifact.metadata.get("confusionMatrix") or {}
    curve: list[Mapping[str, Any]] = artifact.metadata.get("confidenceMetrics") or []
    return ClassificationMetrics(
        artifact_id=artifact.artifact_id,
        display_name=artifact.display_name,
        labels=tuple(str(s.get("displayName", "")) for s in matrix.get("annotationSpecs", [])),
        matrix=tuple(tuple(float(v) for v in row) for row in matrix.get("rows", [])),
        fpr=tuple(float(p.get("falsePositiveRate", 0.0)) for p in curve),
        tpr=tuple(float(p.get("recall", 0.0)) for p in curve),
        threshold=tuple(float(p.get("confidenceThreshold", 0.0)) for p in curve),
        create_time=artifact.create_time,
    )


def model_artifact(model: ExperimentModel) -> Artifact:
    metadata: dict[str, Any] = {
        "frameworkName": model.framework_name,
        "frameworkVersion": model.framework_version,
        "modelFile": model.model_file,
        "modelClass": model.model_class,
    }
    if model.input_example is not None:
        metadata["predictSchemata"] = {"instanceSchemaUri": f"{model.uri.rstrip('/')}/instance.yaml"}
        metadata["inputExample"] = model.input_example
    if model.files:
        metadata["files"] = [
            {"path": f.path, "sizeBytes": f.size_bytes, "sha256": f.sha256} for f in model.files
        ]
    return Artifact(
        artifact_id=model.artifact_id,
        schema_title=EXPERIMENT_MODEL,
        display_name=model.display_name,
        uri=model.uri,
        metadata=metadata,
    )


def model_from(artifact: Artifact) -> ExperimentModel:
    meta = artifact.metadata
    return ExperimentModel(
        artifact_id=artifact.artifact_id,
        display_name=artifact.display_name,
        framework_name=str(meta.get("frameworkName", "")),
        framework_version=str(meta.get("frameworkVersion", "")),
        model_file=str(meta.get("modelFile", "")),
        model_class=str(meta.get("modelClass", "")),
        uri=artifact.uri,
        input_example=meta.get("inputExample"),
        files=tuple(
            ModelFile(str(f["path"]), int(f["sizeBytes"]), str(f["sha256"])) for f in meta.get("files", [])
        ),
        create_time=artifact.create_time,
    )


def custom_job_console_uri(custom_job: str) -> str:
    """The 2.7 SDK's `CustomJob._dashboard_uri()` form."""
    parts = custom_job.split("/")
    project, location, job_id = parts[1], parts[3], parts[5]
    return (
        f"https://console.cloud.google.com/agent-platform/locations/{location}/training/"
        f"{job_id}?project={project}"
    )
