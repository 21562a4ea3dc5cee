"""The gRPC edge: servicers, interceptors and proto ⇄ domain mappers. Only this layer knows protobuf."""
