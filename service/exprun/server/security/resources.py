"""The projects a request names, read generically from the message through its descriptor.

Every singular string field whose value starts with `projects/` names a project, at any depth
of singular sub-messages: `name`, `parent`, `run`, `header.run` (LogModel), `open.run`
(StreamTimeSeries), and the references to other resources (`tensorboard`, `pipeline_job`,
`experiment.backing_tensorboard`), so a caller cannot point the server at another project's
resource either. Not read, because they carry user data and not references: repeated fields
(series, files, labels, metric names), maps (params, metrics), google.protobuf messages (Struct
metadata, Value examples) and the free-text fields in FREE_TEXT.

TensorBoard's data-provider requests name their experiment by `experiment_id`
(`{project}.{location}.{experiment}`, "" for the server's default experiment), which names the
project as surely as a resource name does. An ID that names no experiment names no project
either: the call then needs only a valid token and ends in NOT_FOUND.
"""

from __future__ import annotations

from exprun.server.core.errors import NotFound
from exprun.server.core.tensorboard import ExperimentIds
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

PREFIX = "projects/"
FREE_TEXT = frozenset({"description", "display_name", "filter", "order_by", "page_token"})


TENSORBOARD_PACKAGE = "exprun.server.tensorboard_proto."


def projects(message: Message, tensorboard_ids: ExperimentIds | None = None) -> set[str]:
    found: set[str] = set()
    if message.DESCRIPTOR.full_name.startswith(TENSORBOARD_PACKAGE):
        if "experiment_id" in message.DESCRIPTOR.fields_by_name:
            try:
                experiment = (tensorboard_ids or ExperimentIds()).resolve(message.experiment_id)  # type: ignore[attr-defined]
            except NotFound:
                return found
            found.add(experiment.project)
        return found
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
