"""From settings to what the server runs with: port credentials and the auth interceptor.

`check` runs with the other settings checks, so a wrong flag or file stops `exprun serve`
before anything starts, naming the flag and its variable. `build` loads the files again at
start (and fetches a JWKS URL); nothing is re-read while serving except the JWKS (see `jwks`).
The modules that need PyJWT or cryptography are imported only when a feature is configured.
"""

from __future__ import annotations

import ipaddress
import logging
import pathlib
from dataclasses import dataclass, field
from typing import Any

import grpc
from exprun.server.security.files import ConfigFileError
from exprun.server.security.page_token_key import PageTokenKeyError, read_key
from exprun.server.settings import Settings, SettingsError, flag

log = logging.getLogger("exprun.server.security")

TLS_CERT = flag("tls_cert")
TLS_KEY = flag("tls_key")
TLS_CLIENT_CA = flag("tls_client_ca")
TOKENS_FILE = flag("auth_tokens_file")
JWKS = flag("auth_jwks")
ISSUER = flag("auth_issuer")
AUDIENCE = flag("auth_audience")
POLICY = flag("auth_policy")
INSECURE = flag("insecure")
LISTEN = flag("listen")


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other host name may resolve to a public address


def token_auth(settings: Settings) -> bool:
    return settings.auth_tokens_file is not None or settings.auth_jwks is not None


def check(settings: Settings) -> None:
    """Raises SettingsError naming the flag and variable at fault."""

    def fail(setting: str, message: str) -> SettingsError:
        return SettingsError(f"{setting}: {message}")

    if (settings.tls_cert is None) != (settings.tls_key is None):
        raise fail(TLS_CERT, f"the certificate and {TLS_KEY} go together")
    if settings.tls_client_ca is not None and settings.tls_cert is None:
        raise fail(TLS_CLIENT_CA, f"client certificates need server TLS: set {TLS_CERT} and {TLS_KEY}")
    if settings.auth_jwks is not None and (settings.auth_issuer is None or settings.auth_audience is None):
        raise fail(JWKS, f"JWT verification needs {ISSUER} and {AUDIENCE}")
    if settings.auth_jwks is None and (
        settings.auth_issuer is not None or settings.auth_audience is not None
    ):
        raise fail(ISSUER if settings.auth_issuer else AUDIENCE, f"only used with {JWKS}")
    if settings.auth_policy is not None and not token_auth(settings):
        raise fail(POLICY, f"a policy needs authentication: set {TOKENS_FILE} or {JWKS}")
    try:
        if settings.tls_cert is not None and settings.tls_key is not None:
            from exprun.server.security import tls

            tls.check_pair(settings.tls_cert, settings.tls_key)
            if settings.tls_client_ca is not None:
                tls.check_certificates(settings.tls_client_ca, TLS_CLIENT_CA)
    except ConfigFileError as exc:
        raise fail("--tls-cert / --tls-key / --tls-client-ca", str(exc)) from None
    _check_file(settings.auth_tokens_file, TOKENS_FILE, _load_tokens)
    _check_file(settings.auth_policy, POLICY, _load_policy)
    if settings.auth_jwks is not None:
        from exprun.server.security.jwks import Jwks, JwksError

        try:
            jwks = Jwks(settings.auth_jwks)
            if not settings.auth_jwks.startswith("https://"):  # a URL is fetched at start
                jwks.read()
        except JwksError as exc:
            raise fail(JWKS, str(exc)) from None
    host = settings.listen.rpartition(":")[0]
    mutual_tls = settings.tls_client_ca is not None
    if not is_loopback(host) and not token_auth(settings) and not mutual_tls and not settings.insecure:
        raise fail(
            LISTEN,
            f"{settings.listen} is not a loopback address and authentication is off. Set {TOKENS_FILE} "
            f"or {JWKS} (with {ISSUER} and {AUDIENCE}), or require client certificates with "
            f"{TLS_CLIENT_CA}; or, to serve every caller unauthenticated (e.g. behind an "
            f"authenticating proxy), pass {INSECURE}=true",
        )
    if settings.page_token_key_file is not None:
        try:
            read_key(settings.page_token_key_file)
        except PageTokenKeyError as exc:
            raise SettingsError(str(exc)) from None


def _check_file(path: pathlib.Path | None, setting: str, load: Any) -> None:
    if path is None:
        return
    try:
        load(path)
    except ConfigFileError as exc:
        raise SettingsError(f"{setting}: {exc}") from None


def _load_tokens(path: pathlib.Path) -> Any:
    from exprun.server.security.tokens import StaticTokens

    return StaticTokens.load(path)


def _load_policy(path: pathlib.Path) -> Any:
    from exprun.server.security.policy import Policy

    return Policy.load(path)


@dataclass
class Security:
    credentials: grpc.ServerCredentials | None = None
    interceptors: list[grpc.aio.ServerInterceptor] = field(default_factory=list)

    def add_port(self, server: grpc.aio.Server, listen: str) -> int:
        """The bound port, or 0 when `listen` cannot be bound (in use, not a local address)."""
        try:
            if self.credentials is None:
                port: int = server.add_insecure_port(listen)
            else:
                port = server.add_secure_port(listen, self.credentials)
        except RuntimeError:  # grpc's "Failed to bind to address"
            return 0
        return port


async def build(settings: Settings) -> Security:
    """Raises OSError (which `exprun serve` reports and exits 1 on) when a file changed into
    something unusable since `check`, or the JWKS URL cannot be fetched."""
    try:
        return await _build(settings)
    except ConfigFileError as exc:
        raise OSError(str(exc)) from None


async def _build(settings: Settings) -> Security:
    security = Security()
    described = []
    if settings.tls_cert is not None and settings.tls_key is not None:
        from exprun.server.security import tls

        security.credentials = tls.server_credentials(
            settings.tls_cert, settings.tls_key, settings.tls_client_ca
        )
        described.append("TLS with client certificates" if settings.tls_client_ca else "TLS")
    if not token_auth(settings):
        described.append("no authentication")
        log.info("security: %s", ", ".join(described))
        return security

    from exprun.server.security.interceptor import Authenticator, AuthInterceptor
    from exprun.server.security.oidc import JwtVerifier
    from exprun.server.security.policy import Policy
    from exprun.server.security.tokens import StaticTokens

    tokens = None
    if settings.auth_tokens_file is not None:
        tokens = StaticTokens.load(settings.auth_tokens_file)
        described.append(f"{len(tokens)} static tokens")
    verifier = None
    if settings.auth_jwks is not None and settings.auth_issuer and settings.auth_audience:
        from exprun.server.security.jwks import Jwks, JwksError

        jwks = Jwks(settings.auth_jwks)
        try:
            keys = await jwks.load()
        except JwksError as exc:
            raise OSError(f"{JWKS}: {exc}") from None
        verifier = JwtVerifier(jwks, issuer=settings.auth_issuer, audience=settings.auth_audience)
        described.append(f"JWTs from {settings.auth_issuer} ({keys} keys)")
    policy = Policy.load(settings.auth_policy) if settings.auth_policy is not None else Policy.empty()
    from exprun.server.core.tensorboard import ExperimentIds

    tensorboard_ids = ExperimentIds.from_setting(settings.tensorboard_experiment)
    security.interceptors.append(AuthInterceptor(Authenticator(tokens, verifier), policy, tensorboard_ids))
    log.info("security: %s", ", ".join(described))
    host = settings.listen.rpartition(":")[0]
    if security.credentials is None and not is_loopback(host):
        log.warning(
            "without TLS, clients' tokens cross the network in plaintext on %s: set %s and %s, "
            "or terminate TLS in front of this server",
            settings.listen,
            TLS_CERT,
            TLS_KEY,
        )
    return security
