"""TensorBoard's data-provider messages, generated from data_provider.proto here (see it for why a copy)."""
