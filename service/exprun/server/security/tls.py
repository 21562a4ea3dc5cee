"""Server TLS credentials from PEM files, checked before gRPC sees them.

gRPC's own errors for a wrong file are vague ("Handshake failed") and come at the first
connection; here a missing file, an encrypted key, or a key that is not the certificate's fails
start-up with the file named. Files are read once at start: renewed certificates take effect on
restart (a rolling restart in Kubernetes).
"""

from __future__ import annotations

import datetime
import logging
import pathlib

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from exprun.server.security.files import ConfigFileError

log = logging.getLogger("exprun.server.security")


def server_credentials(
    cert: pathlib.Path, key: pathlib.Path, client_ca: pathlib.Path | None
) -> grpc.ServerCredentials:
    cert_pem, key_pem = check_pair(cert, key)
    ca_pem = check_certificates(client_ca, "--tls-client-ca") if client_ca is not None else None
    return grpc.ssl_server_credentials(
        [(key_pem, cert_pem)], root_certificates=ca_pem, require_client_auth=ca_pem is not None
    )


def check_pair(cert: pathlib.Path, key: pathlib.Path) -> tuple[bytes, bytes]:
    cert_pem = check_certificates(cert, "--tls-cert")
    leaf = x509.load_pem_x509_certificates(cert_pem)[0]
    key_pem = _read(key)
    try:
        private_key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise ConfigFileError(
            f"{key}: the key is encrypted; give it unencrypted (mount it as a secret)"
        ) from None
    except ValueError:
        raise ConfigFileError(f"{key} is not a PEM private key") from None
    spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    if private_key.public_key().public_bytes(*spki) != leaf.public_key().public_bytes(*spki):
        raise ConfigFileError(f"{key} is not the private key of the first certificate in {cert}")
    if leaf.not_valid_after_utc < datetime.datetime.now(datetime.UTC):
        log.warning("the server certificate in %s expired on %s", cert, leaf.not_valid_after_utc.date())
    return cert_pem, key_pem


def check_certificates(path: pathlib.Path, flag: str) -> bytes:
    pem = _read(path)
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        certificates = []
    if not certificates:
        raise ConfigFileError(f"{path} ({flag}) holds no PEM certificate")
    return pem


def _read(path: pathlib.Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
