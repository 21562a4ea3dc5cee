"""The Vertex fake's own tests: that it behaves as Vertex AI's documentation says, judged by the
official SDK and GAPIC clients."""
