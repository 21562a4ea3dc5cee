"""The projects a request names, read generically from the message through its descriptor.

Every singular string field whose value starts with `projects/` names a project, at any depth
of singular sub-messages: `name`, `parent`, `run`, `header.run` (LogModel), `open.run`
(StreamTimeSeries), and the references to other resources (`tensorboard`, `pipeline_job`,
`experiment.backing_tensorboard`), so a caller cannot point the server at another project's
resource either. Not read, because they carry user data and not references: repeated fields
(series, files, labels, metric names), maps (params, metrics), google.protobuf messages (Struct
metadata, Value examples) and the free-text fields in FREE_TEXT.
"""

from __future__ import annotations

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

PREFIX = "projects/"
FREE_TEXT = frozenset({"description", "display_name", "filter", "order_by", "page_token"})


def projects(message: Message) -> set[str]:
    found: set[str] = set()
    _collect(message, found)
    return found


def _collect(message: Message, found: set[str]) -> None:
    for field, value in message.ListFields():
        if field.is_repeated or field.name in FREE_TEXT:
            continue
        if field.type == FieldDescriptor.TYPE_STRING:
            if value.startswith(PREFIX):
                found.add(value[len(PREFIX) :].split("/", 1)[0])
        elif field.type == FieldDescriptor.TYPE_MESSAGE and not value.DESCRIPTOR.full_name.startswith(
            "google.protobuf."
        ):
            _collect(value, found)
