"""The domain core: types, validation, errors and use-cases. No gRPC, SQLite or Google imports."""
