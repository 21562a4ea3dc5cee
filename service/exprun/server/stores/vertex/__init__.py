"""The Vertex AI store: the `RunStore` port on the `google.cloud.aiplatform_v1` async GAPIC clients.

It writes and reads exactly the Metadata and TensorBoard resources the official SDK does
(/work/shared/docs/vertex-mapping.md), so runs logged through exprun look like SDK-logged runs
and the other way round. `google.cloud.aiplatform_v1` is imported only below this package: the
embedded path never pays for it.
"""
