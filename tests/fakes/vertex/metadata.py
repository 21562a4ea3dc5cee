"""MetadataService: metadata stores, contexts, artifacts, executions, their links and events.

Modelled on the v1 proto docs: IDs 4-128 `[a-z0-9-]` (a 32-hex UUID when none is given), ALREADY_EXISTS
on a taken ID, metadata at most 200 KB serialized (top-level keys trimmed), at most 10 parents per
context and no cycles, string etags counting updates (a stale etag on Update gives ABORTED with the
message the SDK's retry parses; on Delete, FAILED_PRECONDITION), Update without `update_mask`
replacing every mutable field (metadata wholesale), server-set create/update times, AIP-160 filters
(see filters.py), `order_by` on create_time/update_time/display_name, and paging (100 by default,
at most 1000). DeleteContext drops the context and its links; artifacts and executions stay.
The caller holds the fake's lock around every method.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc
from google.cloud.aiplatform_v1.types import (
    AddContextArtifactsAndExecutionsRequest,
    AddContextArtifactsAndExecutionsResponse,
    AddContextChildrenRequest,
    AddContextChildrenResponse,
    AddExecutionEventsRequest,
    AddExecutionEventsResponse,
    Artifact,
    Context,
    CreateArtifactRequest,
    CreateContextRequest,
    CreateExecutionRequest,
    CreateMetadataStoreOperationMetadata,
    CreateMetadataStoreRequest,
    DeleteArtifactRequest,
    DeleteContextRequest,
    DeleteExecutionRequest,
    Event,
    Execution,
    GetArtifactRequest,
    GetContextRequest,
    GetExecutionRequest,
    GetMetadataStoreRequest,
    LineageSubgraph,
    ListArtifactsRequest,
    ListArtifactsResponse,
    ListContextsRequest,
    ListContextsResponse,
    ListExecutionsRequest,
    ListExecutionsResponse,
    MetadataStore,
    QueryContextLineageSubgraphRequest,
    QueryExecutionInputsAndOutputsRequest,
    RemoveContextChildrenRequest,
    RemoveContextChildrenResponse,
    UpdateArtifactRequest,
    UpdateContextRequest,
    UpdateExecutionRequest,
)
from google.longrunning import operations_pb2  # type: ignore[import-untyped]
from google.protobuf import struct_pb2

from tests.fakes.vertex import clock, filters, names, paging
from tests.fakes.vertex.errors import FakeError, already_exists, failed_precondition, invalid, not_found
from tests.fakes.vertex.methods import Method
from tests.fakes.vertex.operations import Operations, generic_metadata

SERVICE = "google.cloud.aiplatform.v1.MetadataService"
METADATA_MAX_BYTES = 200 * 1024  # "The size of this field should not exceed 200KB."
MAX_PARENT_CONTEXTS = 10  # "A Context may have at most 10 parent_contexts."
MAX_DISPLAY_NAME = 128  # "May be up to 128 Unicode characters."
MAX_LABELS = 64
LINEAGE_LIMIT = 1000  # QueryContextLineageSubgraph: FAILED_PRECONDITION past 1000 artifacts/executions/events

Resource = Context | Artifact | Execution
R = TypeVar("R", Context, Artifact, Execution)

_TIMES = frozenset({"create_time", "update_time"})
_COMMON = ("display_name", "labels", "schema_title", "schema_version", "metadata", "description")


@dataclass(frozen=True)
class _Kind:
    noun: str
    collections: tuple[str, ...]
    mutable: tuple[str, ...]
    schema: filters.Schema


CONTEXT = _Kind(
    "Context",
    names.CONTEXT,
    _COMMON,
    filters.Schema(
        strings=frozenset({"display_name", "schema_title"}),
        names=frozenset({"name"}),
        times=_TIMES,
        metadata=True,
        has=frozenset({"parent_contexts", "child_contexts"}),
    ),
)
ARTIFACT = _Kind(
    "Artifact",
    names.ARTIFACT,
    (*_COMMON, "uri", "state"),
    filters.Schema(
        strings=frozenset({"display_name", "schema_title", "uri"}),
        names=frozenset({"name"}),
        enums={"state": frozenset(Artifact.State.__members__)},
        times=_TIMES,
        metadata=True,
        in_context=True,
    ),
)
EXECUTION = _Kind(
    "Execution",
    names.EXECUTION,
    (*_COMMON, "state"),
    filters.Schema(
        strings=frozenset({"display_name", "schema_title"}),
        names=frozenset({"name"}),
        enums={"state": frozenset(Execution.State.__members__)},
        times=_TIMES,
        metadata=True,
        in_context=True,
    ),
)
_ORDER_FIELDS = frozenset({"create_time", "update_time", "display_name"})


def clone(message: R) -> R:
    """A deep copy of a proto-plus message."""
    cls = type(message)
    copy = type(cls.pb(message))()
    copy.CopyFrom(cls.pb(message))
    return cls.wrap(copy)  # type: ignore[no-any-return]


@dataclass
class _Store:
    proto: MetadataStore
    tables: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"Context": {}, "Artifact": {}, "Execution": {}}
    )
    parents: dict[str, list[str]] = field(default_factory=dict)  # context ID → parent context IDs
    attributed: dict[str, dict[str, dict[str, None]]] = field(
        default_factory=lambda: {"Artifact": {}, "Execution": {}}
    )  # kind → context ID → ordered set of artifact/execution IDs
    events: list[Event] = field(default_factory=list)


def _trim_top_level_keys(struct: struct_pb2.Struct) -> struct_pb2.Struct:
    """ "Top level metadata keys' heading and trailing spaces will be trimmed." """
    trimmed = struct_pb2.Struct()
    for key, value in struct.fields.items():
        trimmed.fields[key.strip()].CopyFrom(value)
    return trimmed


def _validate(kind: _Kind, resource: Resource) -> None:
    if len(resource.display_name) > MAX_DISPLAY_NAME:
        raise invalid(f"{kind.noun} display_name is longer than {MAX_DISPLAY_NAME} characters.")
    if len(resource.labels) > MAX_LABELS:
        raise invalid(f"{kind.noun} has more than {MAX_LABELS} labels.")
    for key, value in resource.labels.items():
        if len(key) > 64 or len(value) > 64:
            raise invalid(f"{kind.noun} label {key!r} is longer than 64 characters (key or value).")
    size = type(resource).pb(resource).metadata.ByteSize()
    if size > METADATA_MAX_BYTES:
        raise invalid(
            f"{kind.noun} metadata is {size} bytes; it must not exceed 200KB ({METADATA_MAX_BYTES} bytes)."
        )


def _bump(etag: str) -> str:
    return str(int(etag) + 1) if etag.isdigit() else "1"


class MetadataService:
    def __init__(self, projects: names.Projects, operations: Operations) -> None:
        self._projects = projects
        self._operations = operations
        self._stores: dict[names.Key, _Store] = {}

    def reset(self) -> None:
        self._stores.clear()

    # --- helpers shared with other modules ------------------------------------------------------

    def ensure_store(self, project: str, location: str, store_id: str = "default") -> str:
        key = (self._projects.number(project), location, store_id)
        if key not in self._stores:
            self._add_store(key, MetadataStore())
        return names.format_name(key, names.STORE)

    def put_context(self, store_name: str, context_id: str, context: Context) -> Context:
        """CreateContext without the RPC, for helpers that play a backend (pipelines)."""
        return self._create(CONTEXT, store_name, context, context_id)

    # --- metadata stores ------------------------------------------------------------------------

    def _add_store(self, key: names.Key, proto: MetadataStore) -> MetadataStore:
        now = clock.now()
        store = clone(proto)
        store.name = names.format_name(key, names.STORE)
        store.create_time = now
        store.update_time = now
        self._stores[key] = _Store(store)
        return store

    def _store(self, store_name: str) -> tuple[names.Key, _Store]:
        key = names.parse(store_name, names.STORE, self._projects)
        store = self._stores.get(key)
        if store is None:
            raise not_found("MetadataStore", store_name)
        return key, store

    def get_metadata_store(self, request: GetMetadataStoreRequest) -> MetadataStore:
        return clone(self._store(request.name)[1].proto)

    def create_metadata_store(self, request: CreateMetadataStoreRequest) -> operations_pb2.Operation:
        location = names.parse(request.parent, (), self._projects)
        store_id = request.metadata_store_id or uuid.uuid4().hex
        names.check_id(store_id, names.METADATA_ID, "metadata_store_id", names.METADATA_ID_RULE)
        key = (*location, store_id)
        if key in self._stores:
            raise already_exists("MetadataStore", names.format_name(key, names.STORE))
        store = self._add_store(key, request.metadata_store)
        metadata = CreateMetadataStoreOperationMetadata(generic_metadata=generic_metadata(store.create_time))
        return self._operations.finish(
            location, MetadataStore.pb(store), CreateMetadataStoreOperationMetadata.pb(metadata)
        )

    # --- generic create/get/update/list/delete ------------------------------------------------------

    def _locate(self, kind: _Kind, name: str) -> tuple[names.Key, _Store, str]:
        key = names.parse(name, kind.collections, self._projects)
        store_key = key[:3]
        store = self._stores.get(store_key)
        if store is None:
            raise not_found("MetadataStore", names.format_name(store_key, names.STORE))
        return store_key, store, key[3]

    def _find(self, kind: _Kind, name: str) -> tuple[names.Key, _Store, str, Any]:
        store_key, store, resource_id = self._locate(kind, name)
        found = store.tables[kind.noun].get(resource_id)
        if found is None:
            raise not_found(kind.noun, name)
        return store_key, store, resource_id, found

    def _name(self, kind: _Kind, store_key: names.Key, resource_id: str) -> str:
        return names.format_name((*store_key, resource_id), kind.collections)

    def _render(self, kind: _Kind, store_key: names.Key, store: _Store, resource: R) -> R:
        shown = clone(resource)
        if isinstance(shown, Context):
            shown.parent_contexts = [
                self._name(CONTEXT, store_key, parent)
                for parent in store.parents.get(resource.name.rsplit("/", 1)[1], [])
            ]
        return shown

    def _create(self, kind: _Kind, parent: str, resource: R, resource_id: str) -> R:
        store_key, store = self._store(parent)
        if resource_id:
            names.check_id(resource_id, names.METADATA_ID, f"{kind.noun.lower()}_id", names.METADATA_ID_RULE)
        else:
            resource_id = uuid.uuid4().hex
        table = store.tables[kind.noun]
        name = self._name(kind, store_key, resource_id)
        if resource_id in table:
            raise already_exists(kind.noun, name)
        created = clone(resource)
        cls_pb = type(created).pb(created)
        cls_pb.metadata.CopyFrom(_trim_top_level_keys(cls_pb.metadata))
        _validate(kind, created)
        now = clock.now()
        created.name = name
        created.etag = "1"
        created.create_time = now
        created.update_time = now
        if isinstance(created, Context):
            del created.parent_contexts[:]
        table[resource_id] = created
        return self._render(kind, store_key, store, created)

    def _get(self, kind: _Kind, name: str) -> Any:
        store_key, store, _, found = self._find(kind, name)
        return self._render(kind, store_key, store, found)

    def _update(self, kind: _Kind, resource: R, paths: Iterable[str], allow_missing: bool) -> R:
        store_key, store, resource_id = self._locate(kind, resource.name)
        current: R | None = store.tables[kind.noun].get(resource_id)
        if current is None:
            if allow_missing:
                return self._create(kind, names.format_name(store_key, names.STORE), resource, resource_id)
            raise not_found(kind.noun, resource.name)
        if resource.etag and resource.etag != current.etag:
            # The SDK's Context.update retry parses exactly this message (metadata/context.py).
            raise FakeError(
                grpc.StatusCode.ABORTED,
                f"Specified {kind.noun} `etag`: `{resource.etag}` "
                f"does not match server `etag`: `{current.etag}`",
            )
        fields = list(paths) or list(kind.mutable)
        for path in fields:
            if path not in kind.mutable:
                raise invalid(f"update_mask path {path!r} is not an updatable {kind.noun} field.")
        updated = clone(current)
        source, target = type(resource).pb(resource), type(updated).pb(updated)
        for path in fields:
            if path == "metadata":
                target.metadata.CopyFrom(_trim_top_level_keys(source.metadata))
            elif path == "labels":
                target.labels.clear()
                target.labels.update(source.labels)
            else:
                setattr(target, path, getattr(source, path))
        _validate(kind, updated)
        updated.etag = _bump(current.etag)
        updated.update_time = clock.now()
        store.tables[kind.noun][resource_id] = updated
        return self._render(kind, store_key, store, updated)

    def _delete(self, kind: _Kind, name: str, etag: str) -> tuple[names.Key, _Store, str]:
        store_key, store, resource_id, found = self._find(kind, name)
        if etag and etag != found.etag:
            raise failed_precondition(
                f"Specified {kind.noun} etag {etag!r} does not match server etag {found.etag!r}."
            )
        del store.tables[kind.noun][resource_id]
        return store_key, store, resource_id

    def _list(
        self, kind: _Kind, parent: str, filter_text: str, order_by: str, page_size: int, page_token: str
    ) -> tuple[list[Any], str]:
        store_key, store = self._store(parent)
        predicate = filters.compile_filter(
            filter_text, kind.schema, lambda text: names.with_project_number(text, self._projects)
        )
        subjects = self._subjects(kind, store_key, store)
        items = [
            item
            for resource_id, item in store.tables[kind.noun].items()
            if predicate(subjects(resource_id, item))
        ]
        items = paging.ordered(items, order_by, _ORDER_FIELDS)
        request_key = "|".join((kind.noun, names.format_name(store_key, names.STORE), filter_text, order_by))
        page, token = paging.page(items, page_size, page_token, paging.METADATA, request_key)
        return [self._render(kind, store_key, store, item) for item in page], token

    def _subjects(
        self, kind: _Kind, store_key: names.Key, store: _Store
    ) -> Callable[[str, Any], filters.Subject]:
        def context_names(ids: Iterable[str]) -> frozenset[str]:
            return frozenset(self._name(CONTEXT, store_key, context_id) for context_id in ids)

        children: dict[str, list[str]] = {}
        for child, parents in store.parents.items():
            for parent in parents:
                children.setdefault(parent, []).append(child)
        member_of: dict[str, list[str]] = {}
        if kind is not CONTEXT:
            for context_id, members in store.attributed[kind.noun].items():
                for member in members:
                    member_of.setdefault(member, []).append(context_id)

        def subject(resource_id: str, item: Any) -> filters.Subject:
            values: dict[str, object] = {
                "name": item.name,
                "display_name": item.display_name,
                "schema_title": item.schema_title,
                "create_time": item.create_time,
                "update_time": item.update_time,
            }
            if isinstance(item, Artifact):
                values["uri"] = item.uri
            if isinstance(item, Artifact | Execution):
                values["state"] = item.state.name
            return filters.Subject(
                values=values,
                metadata=type(item).pb(item).metadata,
                contexts=context_names(member_of.get(resource_id, ())),
                parents=context_names(store.parents.get(resource_id, ())),
                children=context_names(children.get(resource_id, ())),
            )

        return subject

    # --- contexts --------------------------------------------------------------------------------

    def create_context(self, request: CreateContextRequest) -> Context:
        return self._create(CONTEXT, request.parent, request.context, request.context_id)

    def get_context(self, request: GetContextRequest) -> Context:
        return self._get(CONTEXT, request.name)  # type: ignore[no-any-return]

    def update_context(self, request: UpdateContextRequest) -> Context:
        paths = request.update_mask.paths if request.update_mask else ()
        return self._update(CONTEXT, request.context, paths, request.allow_missing)

    def list_contexts(self, request: ListContextsRequest) -> ListContextsResponse:
        items, token = self._list(
            CONTEXT, request.parent, request.filter, request.order_by, request.page_size, request.page_token
        )
        return ListContextsResponse(contexts=items, next_page_token=token)

    def delete_context(self, request: DeleteContextRequest) -> operations_pb2.Operation:
        store_key, store, context_id = self._delete(CONTEXT, request.name, request.etag)
        store.parents.pop(context_id, None)
        for parents in store.parents.values():
            if context_id in parents:
                parents.remove(context_id)
        for attributed in store.attributed.values():
            attributed.pop(context_id, None)
        return self._operations.deleted(store_key, clock.now())

    def _context_ids(self, store_key: names.Key, store: _Store, context_names: Iterable[str]) -> list[str]:
        ids = []
        for name in context_names:
            child_store, _, child_id, _ = self._find(CONTEXT, name)
            if child_store != store_key:
                raise invalid(
                    f"Context {name} is not in the store {names.format_name(store_key, names.STORE)}."
                )
            ids.append(child_id)
        return ids

    def _ancestors(self, store: _Store, context_id: str) -> set[str]:
        seen: set[str] = set()
        pending = [context_id]
        while pending:
            for parent in store.parents.get(pending.pop(), []):
                if parent not in seen:
                    seen.add(parent)
                    pending.append(parent)
        return seen

    def add_context_children(self, request: AddContextChildrenRequest) -> AddContextChildrenResponse:
        store_key, store, parent_id, _ = self._find(CONTEXT, request.context)
        children = self._context_ids(store_key, store, request.child_contexts)
        ancestors = self._ancestors(store, parent_id) | {parent_id}
        planned: dict[str, list[str]] = {}
        for child in children:
            if child in ancestors:
                raise invalid(f"Adding {child} as a child of {parent_id} would make a cycle.")
            parents = planned.setdefault(child, list(store.parents.get(child, [])))
            if parent_id in parents:
                continue  # "re-adding is a no-op"
            if len(parents) >= MAX_PARENT_CONTEXTS:
                raise invalid(f"Context {child} would have more than {MAX_PARENT_CONTEXTS} parent contexts.")
            parents.append(parent_id)
        store.parents.update(planned)
        return AddContextChildrenResponse()

    def remove_context_children(self, request: RemoveContextChildrenRequest) -> RemoveContextChildrenResponse:
        store_key, store, parent_id, _ = self._find(CONTEXT, request.context)
        for child in self._context_ids(store_key, store, request.child_contexts):
            parents = store.parents.get(child, [])
            if parent_id in parents:
                parents.remove(parent_id)
        return RemoveContextChildrenResponse()

    def add_context_artifacts_and_executions(
        self, request: AddContextArtifactsAndExecutionsRequest
    ) -> AddContextArtifactsAndExecutionsResponse:
        store_key, store, context_id, _ = self._find(CONTEXT, request.context)
        planned: list[tuple[str, str]] = []
        for kind, members in ((ARTIFACT, request.artifacts), (EXECUTION, request.executions)):
            for name in members:
                member_store, _, member_id, _ = self._find(kind, name)
                if member_store != store_key:
                    raise invalid(f"{kind.noun} {name} is not in the metadata store of {request.context}.")
                planned.append((kind.noun, member_id))
        for noun, member_id in planned:
            store.attributed[noun].setdefault(context_id, {})[member_id] = None
        return AddContextArtifactsAndExecutionsResponse()

    def query_context_lineage_subgraph(self, request: QueryContextLineageSubgraphRequest) -> LineageSubgraph:
        store_key, store, context_id, _ = self._find(CONTEXT, request.context)
        artifact_ids = list(store.attributed["Artifact"].get(context_id, {}))
        execution_ids = list(store.attributed["Execution"].get(context_id, {}))
        execution_names = {self._name(EXECUTION, store_key, execution_id) for execution_id in execution_ids}
        events = [event for event in store.events if event.execution in execution_names]
        if max(len(artifact_ids), len(execution_ids), len(events)) > LINEAGE_LIMIT:
            raise failed_precondition(
                f"The lineage of {request.context} has more than {LINEAGE_LIMIT} nodes or events."
            )
        return LineageSubgraph(
            artifacts=[store.tables["Artifact"][artifact_id] for artifact_id in artifact_ids],
            executions=[store.tables["Execution"][execution_id] for execution_id in execution_ids],
            events=events,
        )

    def query_execution_inputs_and_outputs(
        self, request: QueryExecutionInputsAndOutputsRequest
    ) -> LineageSubgraph:
        """The execution, its events and the artifacts they name (each once)."""
        store_key, store, execution_id, execution = self._find(EXECUTION, request.execution)
        name = self._name(EXECUTION, store_key, execution_id)
        events = [event for event in store.events if event.execution == name]
        artifact_ids = list(dict.fromkeys(event.artifact.rsplit("/", 1)[1] for event in events))
        return LineageSubgraph(
            artifacts=[store.tables["Artifact"][a] for a in artifact_ids if a in store.tables["Artifact"]],
            executions=[execution],
            events=events,
        )

    # --- artifacts -------------------------------------------------------------------------------

    def create_artifact(self, request: CreateArtifactRequest) -> Artifact:
        return self._create(ARTIFACT, request.parent, request.artifact, request.artifact_id)

    def get_artifact(self, request: GetArtifactRequest) -> Artifact:
        return self._get(ARTIFACT, request.name)  # type: ignore[no-any-return]

    def update_artifact(self, request: UpdateArtifactRequest) -> Artifact:
        paths = request.update_mask.paths if request.update_mask else ()
        return self._update(ARTIFACT, request.artifact, paths, request.allow_missing)

    def list_artifacts(self, request: ListArtifactsRequest) -> ListArtifactsResponse:
        items, token = self._list(
            ARTIFACT, request.parent, request.filter, request.order_by, request.page_size, request.page_token
        )
        return ListArtifactsResponse(artifacts=items, next_page_token=token)

    def delete_artifact(self, request: DeleteArtifactRequest) -> operations_pb2.Operation:
        store_key, store, artifact_id = self._delete(ARTIFACT, request.name, request.etag)
        for members in store.attributed["Artifact"].values():
            members.pop(artifact_id, None)
        name = self._name(ARTIFACT, store_key, artifact_id)
        store.events = [event for event in store.events if event.artifact != name]
        return self._operations.deleted(store_key, clock.now())

    # --- executions ------------------------------------------------------------------------------

    def create_execution(self, request: CreateExecutionRequest) -> Execution:
        return self._create(EXECUTION, request.parent, request.execution, request.execution_id)

    def get_execution(self, request: GetExecutionRequest) -> Execution:
        return self._get(EXECUTION, request.name)  # type: ignore[no-any-return]

    def update_execution(self, request: UpdateExecutionRequest) -> Execution:
        paths = request.update_mask.paths if request.update_mask else ()
        return self._update(EXECUTION, request.execution, paths, request.allow_missing)

    def list_executions(self, request: ListExecutionsRequest) -> ListExecutionsResponse:
        items, token = self._list(
            EXECUTION, request.parent, request.filter, request.order_by, request.page_size, request.page_token
        )
        return ListExecutionsResponse(executions=items, next_page_token=token)

    def delete_execution(self, request: DeleteExecutionRequest) -> operations_pb2.Operation:
        store_key, store, execution_id = self._delete(EXECUTION, request.name, request.etag)
        for members in store.attributed["Execution"].values():
            members.pop(execution_id, None)
        name = self._name(EXECUTION, store_key, execution_id)
        store.events = [event for event in store.events if event.execution != name]
        return self._operations.deleted(store_key, clock.now())

    def add_execution_events(self, request: AddExecutionEventsRequest) -> AddExecutionEventsResponse:
        store_key, store, execution_id, _ = self._find(EXECUTION, request.execution)
        execution_name = self._name(EXECUTION, store_key, execution_id)
        now = clock.now()
        added = []
        for event in request.events:
            if event.type_ == Event.Type.TYPE_UNSPECIFIED:
                raise invalid("Event.type is required: INPUT or OUTPUT.")
            artifact_store, _, artifact_id, _ = self._find(ARTIFACT, event.artifact)
            if artifact_store != store_key:
                raise invalid(
                    f"Artifact {event.artifact} is not in the metadata store of {request.execution}."
                )
            stored = clone(event)
            stored.artifact = self._name(ARTIFACT, store_key, artifact_id)
            stored.execution = execution_name
            if not stored.event_time:
                stored.event_time = now
            added.append(stored)
        store.events.extend(added)
        return AddExecutionEventsResponse()

    # --- registration ----------------------------------------------------------------------------

    def methods(self) -> list[Method]:
        def unary(name: str, handler: Callable[[Any], Any], request: Any, response: Any) -> Method:
            return Method(SERVICE, name, handler, request.deserialize, response.serialize)

        def lro(name: str, handler: Callable[[Any], Any], request: Any) -> Method:
            return Method(
                SERVICE, name, handler, request.deserialize, operations_pb2.Operation.SerializeToString
            )

        return [
            unary("GetMetadataStore", self.get_metadata_store, GetMetadataStoreRequest, MetadataStore),
            lro("CreateMetadataStore", self.create_metadata_store, CreateMetadataStoreRequest),
            unary("CreateContext", self.create_context, CreateContextRequest, Context),
            unary("GetContext", self.get_context, GetContextRequest, Context),
            unary("UpdateContext", self.update_context, UpdateContextRequest, Context),
            unary("ListContexts", self.list_contexts, ListContextsRequest, ListContextsResponse),
            lro("DeleteContext", self.delete_context, DeleteContextRequest),
            unary(
                "AddContextChildren",
                self.add_context_children,
                AddContextChildrenRequest,
                AddContextChildrenResponse,
            ),
            unary(
                "RemoveContextChildren",
                self.remove_context_children,
                RemoveContextChildrenRequest,
                RemoveContextChildrenResponse,
            ),
            unary(
                "AddContextArtifactsAndExecutions",
                self.add_context_artifacts_and_executions,
                AddContextArtifactsAndExecutionsRequest,
                AddContextArtifactsAndExecutionsResponse,
            ),
            unary(
                "QueryContextLineageSubgraph",
                self.query_context_lineage_subgraph,
                QueryContextLineageSubgraphRequest,
                LineageSubgraph,
            ),
            unary(
                "QueryExecutionInputsAndOutputs",
                self.query_execution_inputs_and_outputs,
                QueryExecutionInputsAndOutputsRequest,
                LineageSubgraph,
            ),
            unary("CreateArtifact", self.create_artifact, CreateArtifactRequest, Artifact),
            unary("GetArtifact", self.get_artifact, GetArtifactRequest, Artifact),
            unary("UpdateArtifact", self.update_artifact, UpdateArtifactRequest, Artifact),
            unary("ListArtifacts", self.list_artifacts, ListArtifactsRequest, ListArtifactsResponse),
            lro("DeleteArtifact", self.delete_artifact, DeleteArtifactRequest),
            unary("CreateExecution", self.create_execution, CreateExecutionRequest, Execution),
            unary("GetExecution", self.get_execution, GetExecutionRequest, Execution),
            unary("UpdateExecution", self.update_execution, UpdateExecutionRequest, Execution),
            unary("ListExecutions", self.list_executions, ListExecutionsRequest, ListExecutionsResponse),
            lro("DeleteExecution", self.delete_execution, DeleteExecutionRequest),
            unary(
                "AddExecutionEvents",
                self.add_execution_events,
                AddExecutionEventsRequest,
                AddExecutionEventsResponse,
            ),
        ]
