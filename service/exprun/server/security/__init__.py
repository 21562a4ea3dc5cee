"""Transport security: TLS and mTLS, bearer-token authentication (static tokens and JWTs verified
against a JWKS) and per-project authorization, wired into the server by `config.build`."""
