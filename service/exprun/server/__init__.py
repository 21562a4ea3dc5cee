"""The exprun server: gRPC transport over a domain core over a storage port."""
