"""Names and helpers shared by the SDK interop tests.

The project `interop-project` has the number 987654321 in the fake, so a test can tell the names
requests carry (project ID) from the names Vertex returns (project number).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from google.cloud.aiplatform_v1 import MetadataServiceClient
from google.protobuf import json_format

PROJECT = "interop-project"
NUMBER = "987654321"
LOCATION = "us-central1"
TENSORBOARD_ID = "tb1"
TENSORBOARD = f"projects/{NUMBER}/locations/{LOCATION}/tensorboards/{TENSORBOARD_ID}"
STORE = f"projects/{NUMBER}/locations/{LOCATION}/metadataStores/default"


def unique_experiment(test_name: str) -> str:
    """An experiment ID that names its test and never repeats; short enough that
    `{experiment}-{run}` stays well inside Vertex's 121 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", test_name.lower()).strip("-")[:24].strip("-")
    return f"{slug}-{uuid.uuid4().hex[:8]}"


def context_metadata(metadata: MetadataServiceClient, experiment: str, run: str) -> dict[str, Any]:
    """The run context's metadata as the SDK sees it (`MessageToDict`, numbers as floats)."""
    context = metadata.get_context(name=f"{STORE}/contexts/{experiment}-{run}")
    found: dict[str, Any] = json_format.MessageToDict(type(context).pb(context).metadata)
    return found
