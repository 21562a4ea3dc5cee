"""Long-running operations: every LRO of the fake finishes at once and is kept for GetOperation."""

from __future__ import annotations

import itertools
from collections import OrderedDict

from google.cloud.aiplatform_v1.types import DeleteOperationMetadata, GenericOperationMetadata
from google.longrunning import operations_pb2  # type: ignore[import-untyped]
from google.protobuf import any_pb2, empty_pb2, timestamp_pb2
from google.protobuf.message import Message

from tests.fakes.vertex import names
from tests.fakes.vertex.errors import not_found

# Only the newest operations are kept; GetOperation is needed only if a client polls.
MAX_KEPT = 10_000


def generic_metadata(now: timestamp_pb2.Timestamp) -> GenericOperationMetadata:
    return GenericOperationMetadata(create_time=now, update_time=now)


class Operations:
    def __init__(self, projects: names.Projects) -> None:
        self._projects = projects
        self._ids = itertools.count(1_000_000)
        self._done: OrderedDict[str, operations_pb2.Operation] = OrderedDict()

    def finish(
        self, location_key: names.Key, response: Message, metadata: Message
    ) -> operations_pb2.Operation:
        """A finished operation (`done=True`) holding `response`, as returned by an LRO method."""
        name = names.format_name((*location_key[:2], str(next(self._ids))), names.OPERATION)
        packed_response = any_pb2.Any()
        packed_response.Pack(response)
        packed_metadata = any_pb2.Any()
        packed_metadata.Pack(metadata)
        operation = operations_pb2.Operation(
            name=name, done=True, response=packed_response, metadata=packed_metadata
        )
        self._done[name] = operation
        while len(self._done) > MAX_KEPT:
            self._done.popitem(last=False)
        return operation

    def deleted(self, location_key: names.Key, now: timestamp_pb2.Timestamp) -> operations_pb2.Operation:
        metadata = DeleteOperationMetadata(generic_metadata=generic_metadata(now))
        return self.finish(location_key, empty_pb2.Empty(), DeleteOperationMetadata.pb(metadata))

    def get(self, request: operations_pb2.GetOperationRequest) -> operations_pb2.Operation:
        key = names.parse(request.name, names.OPERATION, self._projects)
        name = names.format_name(key, names.OPERATION)
        operation = self._done.get(name)
        if operation is None:
            raise not_found("Operation", request.name)
        return operation

    def reset(self) -> None:
        self._done.clear()
