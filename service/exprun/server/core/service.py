"""The use-cases: one method per API operation.

Each method validates its input completely before the first store call, so a rejected request
never changes stored data, then delegates to the storage port. Arguments are plain values and
domain types; `field` names in errors are the request's field paths.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import replace

from exprun.server.core import layouts, limits, listing, uploads
from exprun.server.core.errors import FailedPrecondition, InvalidArgument, collect
from exprun.server.core.model import (
    Artifact,
    ClassificationMetrics,
    Execution,
    ExecutionChange,
    Experiment,
    ExperimentModel,
    Link,
    LinkKind,
    ListQuery,
    ModelFile,
    ParamValue,
    Run,
    RunState,
)
from exprun.server.core.names import (
    check_experiment_id,
    check_run_id,
    parse_experiment,
    parse_job,
    parse_location,
    parse_metadata_resource,
    parse_metadata_store,
    parse_run,
    parse_tensorboard,
)
from exprun.server.core.quoting import quote
from exprun.server.core.store import RunStore
from exprun.server.core.validation import (
    check_classification_metrics,
    check_metadata_reference_id,
    check_model_artifact_id,
    check_summary,
    check_text,
    metadata_size,
)

_EXECUTION_MASK = frozenset({"state", "display_name", "description", "metadata"})


def _check_execution_fields(display_name: str, description: str, metadata: Mapping[str, object]) -> None:
    violations = check_text(
        display_name, "execution.display_name", limits.DISPLAY_NAME_MAX_CHARS
    ) + check_text(description, "execution.description", limits.DESCRIPTION_MAX_CHARS)
    collect(violations)
    if metadata_size(metadata) > limits.METADATA_MAX_BYTES:
        raise InvalidArgument.field(
            "execution.metadata", f"is over {limits.size_text(limits.METADATA_MAX_BYTES)} serialized"
        )


def _new_execution(execution: Execution, execution_id: str) -> Execution:
    """An execution as it is first stored: its ID (a new one if none was given), the SDK's
    default schema and state."""
    return replace(
        execution,
        execution_id=execution_id or uuid.uuid4().hex,
        schema_title=execution.schema_title or "system.ContainerExecution",
        state=execution.state or RunState.RUNNING,
    )


def _run_state(value: str) -> str:
    name = value.upper().removeprefix("RUN_STATE_")
    if name not in RunState.__members__:
        raise ValueError(f"unknown state {quote(value)}")
    return name


_RUN_FILTERS: dict[str, listing.Normaliser] = {"state": _run_state, "run_id": str, "display_name": str}
_RUN_ORDER = ("create_time", "update_time", "run_id")


def _display_name_as_run_id(query: ListQuery) -> ListQuery:
    """A run's display name is its ID, so stores filter runs on run_id alone."""
    return replace(
        query,
        filters=tuple(replace(t, field="run_id") if t.field == "display_name" else t for t in query.filters),
    )


_TENSORBOARD_NAME = re.compile(r"projects/[^/]+/locations/[^/]+/tensorboards/[^/]+")


def _tensorboard_or_none(value: str) -> str:
    """A TensorBoard name, or "" for experiments without one: stores read the name's parts."""
    if value and not _TENSORBOARD_NAME.fullmatch(value):
        raise ValueError(
            f"{quote(value)} is not projects/{{project}}/locations/{{location}}/tensorboards/"
            '{tensorboard}, or "" for none'
        )
    return value


_EXPERIMENT_FILTERS: dict[str, listing.Normaliser] = {
    "experiment_id": str,
    "backing_tensorboard": _tensorboard_or_none,
}
_EXPERIMENT_ORDER = ("create_time", "update_time", "experiment_id")
_ARTIFACT_FILTERS: dict[str, listing.Normaliser] = {"schema_title": str}
_EXECUTION_FILTERS: dict[str, listing.Normaliser] = {
    "schema_title": str,
    "display_name": str,
    "state": _run_state,
}


class ExperimentRuns:
    def __init__(self, store: RunStore, page_tokens: listing.PageTokens) -> None:
        self.store = store
        self.page_tokens = page_tokens

    # -- experiments --------------------------------------------------------------------------
    async def create_experiment(
        self, parent: str, experiment_id: str, description: str, backing_tensorboard: str
    ) -> Experiment:
        location = parse_location(parent, "parent")
        check_experiment_id(experiment_id, "experiment_id")
        collect(check_text(description, "experiment.description", limits.DESCRIPTION_MAX_CHARS))
        if backing_tensorboard:
            parse_tensorboard(backing_tensorboard, "experiment.backing_tensorboard", location)
        name = parse_experiment(f"{parent}/experiments/{experiment_id}", "experiment_id")
        return await self.store.create_experiment(
            Experiment(name=name, description=description, backing_tensorboard=backing_tensorboard)
        )

    async def get_experiment(self, name: str) -> Experiment:
        return await self.store.get_experiment(parse_experiment(name, "name"))

    async def list_experiments(
        self, parent: str, page_size: int, page_token: str, filter_text: str, order_by: str
    ) -> tuple[list[Experiment], str]:
        location = parse_location(parent, "parent")
        return await self.page_tokens.page(
            lambda query: self.store.list_experiments(location, query),
            scope=parent,
            page_size=page_size,
            page_token=page_token,
            filter_text=filter_text,
            order_by=order_by,
            filter_fields=_EXPERIMENT_FILTERS,
            order_fields=_EXPERIMENT_ORDER,
        )

    async def delete_experiment(
        self, name: str, delete_backing_tensorboard_runs: bool, delete_artifacts: bool = False
    ) -> None:
        await self.store.delete_experiment(
            parse_experiment(name, "name"),
            delete_backing_tensorboard_runs=delete_backing_tensorboard_runs,
            delete_artifacts=delete_artifacts,
        )

    # -- runs ---------------------------------------------------------------------------------
    async def create_run(self, parent: str, run_id: str, state: RunState, tensorboard: str) -> Run:
        experiment = parse_experiment(parent, "parent")
        check_run_id(experiment.experiment, run_id, "run_id")
        if tensorboard:
            parse_tensorboard(tensorboard, "tensorboard", experiment.parent)
        run = Run(name=experiment.run(run_id), state=state or RunState.RUNNING)
        created = await self.store.create_run(run)
        try:
            if not tensorboard:
                tensorboard = (await self.store.get_experiment(experiment)).backing_tensorboard
            if tensorboard:
                created = await self.store.set_backing_tensorboard_run(created.name, tensorboard)
        except BaseException:
            # As the SDK does: a run whose TensorBoard could not be set up is not left half-made.
            await self.store.delete_run(
                created.name, delete_backing_tensorboard_run=True, delete_artifacts=True
            )
            raise
        return created

    async def get_run(self, name: str) -> Run:
        return await self.store.get_run(parse_run(name, "name"))

    async def list_runs(
        self, parent: str, page_size: int, page_token: str, filter_text: str, order_by: str
    ) -> tuple[list[Run], str]:
        experiment = parse_experiment(parent, "parent")
        return await self.page_tokens.page(
            lambda query: self.store.list_runs(experiment, _display_name_as_run_id(query)),
            scope=parent,
            page_size=page_size,
            page_token=page_token,
            filter_text=filter_text,
            order_by=order_by,
            filter_fields=_RUN_FILTERS,
            order_fields=_RUN_ORDER,
        )

    async def delete_run(
        self, name: str, delete_backing_tensorboard_run: bool, delete_artifacts: bool = False
    ) -> None:
        await self.store.delete_run(
            parse_run(name, "name"),
            delete_backing_tensorboard_run=delete_backing_tensorboard_run,
            delete_artifacts=delete_artifacts,
        )

    async def update_run_state(self, name: str, state: RunState) -> Run:
        run = parse_run(name, "name")
        if state == RunState.STATE_UNSPECIFIED:
            raise InvalidArgument.field("state", "must be set to a state other than RUN_STATE_UNSPECIFIED")
        return await self.store.update_run_state(run, state)

    async def end_run(self, name: str, state: RunState) -> Run:
        return await self.update_run_state(name, state or RunState.COMPLETE)

    async def log_params(self, run: str, params: Mapping[str, ParamValue]) -> Run:
        name = parse_run(run, "run")
        check_summary(params, "params")
        return await self.store.merge_summary(name, params=params)

    async def log_metrics(self, run: str, metrics: Mapping[str, ParamValue]) -> Run:
        name = parse_run(run, "run")
        check_summary(metrics, "metrics")
        return await self.store.merge_summary(name, metrics=metrics)

    async def assign_backing_tensorboard(self, run: str, tensorboard: str) -> Run:
        name = parse_run(run, "run")
        parse_tensorboard(tensorboard, "tensorboard", name.parent.parent)
        return await self.store.set_backing_tensorboard_run(name, tensorboard)

    # -- classification metrics ---------------------------------------------------------------
    async def log_classification_metrics(
        self, parent: str, cm: ClassificationMetrics
    ) -> ClassificationMetrics:
        name = parse_run(parent, "parent")
        check_classification_metrics(cm, "classification_metrics")
        artifact = await self.store.add_artifact(name, layouts.classification_metrics_artifact(cm))
        return layouts.classification_metrics_from(artifact)

    async def list_classification_metrics(
        self, parent: str, page_size: int, page_token: str
    ) -> tuple[list[ClassificationMetrics], str]:
        artifacts, token = await self._list_artifacts(
            parent, page_size, page_token, layouts.CLASSIFICATION_METRICS
        )
        return [layouts.classification_metrics_from(a) for a in artifacts], token

    # -- executions and artifacts -------------------------------------------------------------
    async def associate_execution(self, run: str, execution: Execution, name: str) -> Execution:
        run_name = parse_run(run, "run")
        execution_id = ""
        if name:
            store = run_name.parent.parent.metadata_store()
            prefix = f"{store}/executions/"
            if not name.startswith(prefix) or "/" in name[len(prefix) :] or name == prefix:
                raise InvalidArgument.field("execution.name", f"must have the format {prefix}{{execution}}")
            execution_id = name[len(prefix) :]
            check_metadata_reference_id(execution_id.lower(), "execution.name")
        _check_execution_fields(execution.display_name, execution.description, execution.metadata)
        return await self.store.associate_execution(run_name, _new_execution(execution, execution_id))

    async def create_execution(self, parent: str, execution_id: str, execution: Execution) -> Execution:
        """The SDK's `Execution.create`: in the location's metadata store, in no run yet."""
        location = parse_location(parent, "parent")
        if execution_id:
            check_model_artifact_id(execution_id, "execution_id")
        _check_execution_fields(execution.display_name, execution.description, execution.metadata)
        return await self.store.create_execution(location, _new_execution(execution, execution_id))

    async def get_execution(self, name: str) -> Execution:
        location, execution_id = parse_metadata_resource(name, "name", "executions")
        return await self.store.get_execution(location, execution_id)

    async def update_execution(self, name: str, execution: Execution, paths: Sequence[str]) -> Execution:
        """`paths` is the update mask: each of `state`, `display_name`, `description`, `metadata`."""
        location, execution_id = parse_metadata_resource(name, "execution.name", "executions")
        unknown = sorted(set(paths) - _EXECUTION_MASK)
        if unknown or not paths:
            raise InvalidArgument.field(
                "update_mask",
                f"must name some of {', '.join(sorted(_EXECUTION_MASK))}; got {unknown or 'none'}",
            )
        _check_execution_fields(execution.display_name, execution.description, execution.metadata)
        if "state" in paths and execution.state == RunState.STATE_UNSPECIFIED:
            raise InvalidArgument.field("execution.state", "must be set when the mask names it")
        change = ExecutionChange(
            execution_id=execution_id,
            state=execution.state if "state" in paths else None,
            display_name=execution.display_name if "display_name" in paths else None,
            description=execution.description if "description" in paths else None,
            metadata=execution.metadata if "metadata" in paths else None,
        )
        return await self.store.update_execution(location, change)

    async def add_execution_events(
        self, execution: str, inputs: Sequence[str], outputs: Sequence[str]
    ) -> None:
        location, execution_id = parse_metadata_resource(execution, "execution", "executions")
        ids: dict[str, list[str]] = {"input_artifacts": [], "output_artifacts": []}
        for field, names in (("input_artifacts", inputs), ("output_artifacts", outputs)):
            if len(names) > limits.EXECUTION_EVENTS_PER_CALL:
                raise InvalidArgument.field(
                    field, f"has {len(names)} artifacts; at most {limits.EXECUTION_EVENTS_PER_CALL} per call"
                )
            for i, artifact in enumerate(names):
                where = f"{field}[{i}]"
                artifact_location, artifact_id = parse_metadata_resource(artifact, where, "artifacts")
                if artifact_location != location:
                    raise InvalidArgument.field(where, "must be in the execution's project and location")
                ids[field].append(artifact_id)
        await self.store.add_execution_events(
            location, execution_id, ids["input_artifacts"], ids["output_artifacts"]
        )

    async def execution_artifacts(self, execution: str) -> tuple[list[Artifact], list[Artifact]]:
        location, execution_id = parse_metadata_resource(execution, "execution", "executions")
        return await self.store.execution_artifacts(location, execution_id)

    async def get_model(self, name: str, field: str = "name") -> ExperimentModel:
        """By artifact name, so a model stays reachable after its run is deleted."""
        location, artifact_id = parse_metadata_resource(name, field, "artifacts")
        artifact = await self.store.get_artifact(location, artifact_id)
        if artifact.schema_title != layouts.EXPERIMENT_MODEL:
            raise InvalidArgument.field(field, f"is a {artifact.schema_title} artifact, not a model")
        return layouts.model_from(artifact)

    async def download_model(self, name: str) -> AsyncIterator[tuple[str, bytes]]:
        """(path, bytes) chunks of each uploaded file, files in the model's order, at most
        MODEL_CHUNK_MAX_BYTES each; an empty file is one empty chunk."""
        model = await self.get_model(name, "model")
        _, artifact_id = parse_metadata_resource(name, "model", "artifacts")
        if not model.files:
            raise FailedPrecondition(
                f"model {artifact_id} was logged by reference; its files are at {model.uri}",
                reason="MODEL_NOT_UPLOADED",
                metadata={"resource_name": name, "uri": model.uri},
            )
        for file in model.files:
            offset = 0
            while True:
                size = min(limits.MODEL_CHUNK_MAX_BYTES, file.size_bytes - offset)
                data = await self.store.read_model_bytes(model, file.path, offset, size) if size else b""
                if len(data) != size:
                    raise FailedPrecondition(
                        f"file {file.path} of model {artifact_id} is shorter than recorded",
                        reason="MODEL_FILE_CHANGED",
                        metadata={"resource_name": name, "path": file.path},
                    )
                yield file.path, data
                offset += size
                if offset >= file.size_bytes:
                    break

    async def list_executions(
        self, parent: str, page_size: int, page_token: str, filter_text: str = "", order_by: str = ""
    ) -> tuple[list[Execution], str]:
        """A run's executions, or with a metadata store parent every execution of the location
        (the SDK's `Execution.list`), which alone takes a filter and an order."""
        location = parse_metadata_store(parent, "parent")
        if location is not None:
            return await self.page_tokens.page(
                lambda query: self.store.list_location_executions(location, query),
                scope=parent,
                page_size=page_size,
                page_token=page_token,
                filter_text=filter_text,
                order_by=order_by,
                filter_fields=_EXECUTION_FILTERS,
            )
        name = parse_run(parent, "parent")
        for field, text in (("filter", filter_text), ("order_by", order_by)):
            if text:
                raise InvalidArgument.field(field, "is only taken with a metadataStores/default parent")
        return await self.page_tokens.page(
            lambda query: self.store.list_executions(name, query),
            scope=parent,
            page_size=page_size,
            page_token=page_token,
        )

    async def list_artifacts(
        self, parent: str, page_size: int, page_token: str, filter_text: str
    ) -> tuple[list[Artifact], str]:
        parse_run(parent, "parent")
        terms = listing.parse_filter(filter_text, _ARTIFACT_FILTERS)
        if any(t.negate for t in terms) or len(terms) > 1:
            raise InvalidArgument.field("filter", 'only schema_title = "..." is supported')
        schema_title = terms[0].value if terms else ""
        return await self._list_artifacts(parent, page_size, page_token, schema_title, filter_text)

    async def _list_artifacts(
        self, parent: str, page_size: int, page_token: str, schema_title: str, filter_text: str = ""
    ) -> tuple[list[Artifact], str]:
        name = parse_run(parent, "parent")
        return await self.page_tokens.page(
            lambda query: self.store.list_artifacts(name, query, schema_title=schema_title),
            scope=f"{parent}|{schema_title}",
            page_size=page_size,
            page_token=page_token,
        )

    # -- models -------------------------------------------------------------------------------
    async def log_model(
        self,
        run: str,
        model: ExperimentModel,
        files: Sequence[ModelFile],
        chunks: AsyncIterator[tuple[str, bytes]],
    ) -> ExperimentModel:
        name = parse_run(run, "header.run")
        uploads.check_model(model, files)
        artifact_id = model.artifact_id or f"model-{uuid.uuid4().hex[:24]}"
        upload = None if model.uri else await self.store.begin_model_upload(name, artifact_id)
        try:
            uri = model.uri
            if upload is not None:
                await uploads.receive_files(files, chunks, upload)
                uri = await upload.commit()
            else:
                async for _ in chunks:
                    raise InvalidArgument.field("chunk", "a model logged by uri takes no files")
            stored = replace(model, artifact_id=artifact_id, uri=uri, files=tuple(files))
            artifact = await self.store.add_artifact(name, layouts.model_artifact(stored))
        except BaseException:
            if upload is not None:
                await upload.abort()
            raise
        return layouts.model_from(artifact)

    async def list_models(
        self, parent: str, page_size: int, page_token: str
    ) -> tuple[list[ExperimentModel], str]:
        artifacts, token = await self._list_artifacts(parent, page_size, page_token, layouts.EXPERIMENT_MODEL)
        return [layouts.model_from(a) for a in artifacts], token

    # -- job links ----------------------------------------------------------------------------
    async def log_pipeline_job(self, run: str, pipeline_job: str) -> Link:
        name = parse_run(run, "run")
        parse_job(pipeline_job, "pipeline_job", "pipelineJobs")
        return await self.store.add_link(name, Link(LinkKind.PIPELINE_JOB, pipeline_job))

    async def log_custom_job(self, run: str, custom_job: str) -> Link:
        name = parse_run(run, "run")
        parse_job(custom_job, "custom_job", "customJobs")
        return await self.store.add_link(name, Link(LinkKind.CUSTOM_JOB, custom_job))

    async def list_links(
        self, parent: str, kind: LinkKind, page_size: int, page_token: str
    ) -> tuple[list[Link], str]:
        name = parse_run(parent, "parent")
        return await self.page_tokens.page(
            lambda query: self.store.list_links(name, kind, query),
            scope=f"{parent}|{kind}",
            page_size=page_size,
            page_token=page_token,
        )
