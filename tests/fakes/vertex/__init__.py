"""An in-process fake of the Vertex AI services exprun's vertex store and the Vertex SDK call.

    fake = VertexFake(project_numbers={"my-project": "123456789"})
    address = fake.start()                                   # "127.0.0.1:PORT", plaintext
    board = fake.create_tensorboard("my-project", "us-central1", "tb1")
    channel = grpc.aio.insecure_channel(address)
    client = MetadataServiceAsyncClient(transport=MetadataServiceGrpcAsyncIOTransport(channel=channel))
    fake.faults = Faults({"WriteTensorboardRunData": Fault(latency=0.025, error_rate=0.2)}, seed=1)
    ... fake.calls, fake.faults.injected, fake.reset(), fake.stop()

`VertexFake` serves MetadataService, TensorboardService, PipelineService (GetPipelineJob) and
google.longrunning.Operations (GetOperation) of `google.cloud.aiplatform.v1` over plaintext gRPC, on the
real proto-plus message types, behaving as the v1 proto docs say (see each module's docstring).
`Faults`/`Fault` inject latency and errors; `tests.fakes.vertex.sdk.sdk_against` points the official SDK
at it.
"""

from tests.fakes.vertex.faults import Fault, Faults
from tests.fakes.vertex.server import Call, VertexFake

__all__ = ["Call", "Fault", "Faults", "VertexFake"]
