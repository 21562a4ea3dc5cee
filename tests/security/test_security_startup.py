"""Safe defaults and fail-fast settings: what `exprun serve` refuses to start with, and why."""

from __future__ import annotations

import argparse
import json
import pathlib

import pytest
from exprun.server import settings
from exprun.server.cli import build_parser, serve

from tests.security.security_support import Authority, Certificate, new_token, serve_command, write_tokens
from tests.support.server_process import ServerProcess, free_port


def parse(*args: str) -> settings.Settings:
    namespace: argparse.Namespace = build_parser().parse_args(["serve", *args])
    return serve.load_settings(namespace)


def refusal(*args: str) -> str:
    with pytest.raises(settings.SettingsError) as raised:
        parse(*args)
    return str(raised.value)


@pytest.fixture(autouse=True)
def no_security_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flags' EXPRUN_* defaults are read when the parser is built: a developer's own must not leak in."""
    for name in (
        "EXPRUN_LISTEN",
        "EXPRUN_INSECURE",
        "EXPRUN_TLS_CERT",
        "EXPRUN_TLS_KEY",
        "EXPRUN_TLS_CLIENT_CA",
        "EXPRUN_AUTH_TOKENS_FILE",
        "EXPRUN_AUTH_JWKS",
        "EXPRUN_AUTH_ISSUER",
        "EXPRUN_AUTH_AUDIENCE",
        "EXPRUN_AUTH_POLICY",
        "EXPRUN_REFLECTION",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def tokens_file(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "tokens.json"
    write_tokens(path, [{"token": new_token(), "principal": "ops", "projects": "*"}])
    return path


# -- the listen address -----------------------------------------------------------------------


@pytest.mark.parametrize("listen", ["127.0.0.1:50051", "127.0.0.2:0", "localhost:50051", "[::1]:50051"])
def test_loopback_without_authentication_is_the_default_developer_setup(listen: str) -> None:
    parsed = parse("--listen", listen)
    assert parsed.auth_tokens_file is None
    assert parsed.auth_jwks is None
    assert not parsed.insecure
    assert parse().listen == "127.0.0.1:50051"


def test_a_non_loopback_address_without_authentication_stops_the_server(tmp_path: pathlib.Path) -> None:
    result = serve_command("--listen", "0.0.0.0:0", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "0.0.0.0:0 is not a loopback address and authentication is off" in result.stderr
    for named in (
        "--insecure / EXPRUN_INSECURE",
        "--auth-tokens-file / EXPRUN_AUTH_TOKENS_FILE",
        "--auth-jwks",
    ):
        assert named in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("listen", ["[::]:0", "10.1.2.3:50051", "exprun.example.com:50051"])
def test_any_other_address_needs_authentication_too(listen: str) -> None:
    assert "is not a loopback address and authentication is off" in refusal("--listen", listen)


def test_insecure_lets_an_unauthenticated_server_listen_on_every_address(tmp_path: pathlib.Path) -> None:
    process = ServerProcess(tmp_path / "data", tmp_path / "server.log", "--insecure", listen_host="0.0.0.0")
    process.start()
    assert process.terminate() == 0
    assert "security: no authentication" in process.log_path.read_text()


def test_exprun_insecure_in_the_environment_is_the_same_as_the_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPRUN_INSECURE", "true")
    assert parse("--listen", "0.0.0.0:0").insecure


def test_authentication_or_client_certificates_let_a_server_listen_on_every_address(
    tokens_file: pathlib.Path, server_certificate: Certificate, authority: Authority
) -> None:
    parse("--listen", "0.0.0.0:0", "--auth-tokens-file", str(tokens_file))
    parse(
        "--listen",
        "0.0.0.0:0",
        "--tls-cert",
        str(server_certificate.cert_path),
        "--tls-key",
        str(server_certificate.key_path),
        "--tls-client-ca",
        str(authority.cert_path),
    )


def test_tokens_over_plaintext_on_a_non_loopback_address_log_a_warning(
    tmp_path: pathlib.Path, tokens_file: pathlib.Path
) -> None:
    process = ServerProcess(
        tmp_path / "data",
        tmp_path / "server.log",
        "--auth-tokens-file",
        str(tokens_file),
        listen_host="0.0.0.0",
    )
    process.start()
    process.terminate()
    log = process.log_path.read_text()
    assert "warning" in log.lower()  # as text or as a JSON line, whichever the log format
    assert "tokens cross the network in plaintext" in log
    assert "--tls-cert / EXPRUN_TLS_CERT" in log


# -- settings that go together ----------------------------------------------------------------


def test_a_jwks_needs_an_issuer_and_an_audience(tmp_path: pathlib.Path) -> None:
    message = refusal("--auth-jwks", str(tmp_path / "jwks.json"))
    assert "--auth-jwks / EXPRUN_AUTH_JWKS" in message
    assert "--auth-issuer / EXPRUN_AUTH_ISSUER" in message
    assert "--auth-audience / EXPRUN_AUTH_AUDIENCE" in message


def test_an_issuer_without_a_jwks_is_refused() -> None:
    assert "only used with --auth-jwks" in refusal("--auth-issuer", "https://issuer.test")


def test_a_policy_without_authentication_is_refused(tmp_path: pathlib.Path) -> None:
    (tmp_path / "policy.json").write_text('{"principals": {}}')
    assert "--auth-policy / EXPRUN_AUTH_POLICY" in refusal("--auth-policy", str(tmp_path / "policy.json"))


def test_a_certificate_without_its_key_is_refused(server_certificate: Certificate) -> None:
    message = refusal("--tls-cert", str(server_certificate.cert_path))
    assert "--tls-cert / EXPRUN_TLS_CERT" in message
    assert "--tls-key / EXPRUN_TLS_KEY" in message


def test_client_certificates_need_server_tls(authority: Authority) -> None:
    assert "--tls-client-ca / EXPRUN_TLS_CLIENT_CA" in refusal("--tls-client-ca", str(authority.cert_path))


def test_a_key_that_is_not_the_certificates_is_refused(
    server_certificate: Certificate, client_certificate: Certificate
) -> None:
    message = refusal(
        "--tls-cert", str(server_certificate.cert_path), "--tls-key", str(client_certificate.key_path)
    )
    assert "is not the private key of the first certificate" in message


def test_a_missing_certificate_file_is_named(tmp_path: pathlib.Path, server_certificate: Certificate) -> None:
    missing = tmp_path / "nope.pem"
    message = refusal("--tls-cert", str(missing), "--tls-key", str(server_certificate.key_path))
    assert str(missing) in message


def test_a_certificate_file_with_no_certificate_is_refused(
    tmp_path: pathlib.Path, server_certificate: Certificate
) -> None:
    (tmp_path / "empty.pem").write_text("not a certificate\n")
    message = refusal(
        "--tls-cert", str(tmp_path / "empty.pem"), "--tls-key", str(server_certificate.key_path)
    )
    assert "holds no PEM certificate" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not JSON"),
        ('{"tokens": {}}', 'expected {"tokens": [...]}'),
        ('{"tokens": [{"sha256": "abc", "principal": "p"}]}', "sha256 must be 64 hex digits"),
        ('{"tokens": [{"token": "plain", "principal": "p"}]}', "unknown keys token"),
        ('{"tokens": [{"sha256": "' + "a" * 64 + '"}]}', "principal must be a non-empty string"),
        (
            '{"tokens": [{"sha256": "' + "a" * 64 + '", "principal": "p", "projects": "all"}]}',
            "projects must be",
        ),
    ],
)
def test_a_malformed_tokens_file_is_refused_with_what_is_wrong(
    tmp_path: pathlib.Path, content: str, expected: str
) -> None:
    (tmp_path / "tokens.json").write_text(content)
    message = refusal("--auth-tokens-file", str(tmp_path / "tokens.json"))
    assert message.startswith("--auth-tokens-file / EXPRUN_AUTH_TOKENS_FILE:")
    assert expected in message


def test_a_tokens_file_must_not_list_a_hash_twice(tmp_path: pathlib.Path) -> None:
    entry = {"sha256": "b" * 64, "principal": "p"}
    (tmp_path / "tokens.json").write_text(json.dumps({"tokens": [entry, entry]}))
    assert "the same sha256 appears twice" in refusal("--auth-tokens-file", str(tmp_path / "tokens.json"))


def test_a_jwks_without_a_usable_key_is_refused(tmp_path: pathlib.Path) -> None:
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]}))
    message = refusal(
        "--auth-jwks", str(tmp_path / "jwks.json"), "--auth-issuer", "https://i.test", "--auth-audience", "a"
    )
    assert "no signing key with a kid for RS256 or ES256" in message


def test_a_plain_http_jwks_url_is_refused() -> None:
    message = refusal(
        "--auth-jwks", "http://issuer.test/jwks", "--auth-issuer", "https://i", "--auth-audience", "a"
    )
    assert "https://" in message


def test_an_unreachable_jwks_url_stops_the_server_at_start(tmp_path: pathlib.Path) -> None:
    url = f"https://127.0.0.1:{free_port()}/jwks"
    result = serve_command(
        "--data-dir",
        str(tmp_path / "data"),
        "--auth-jwks",
        url,
        "--auth-issuer",
        "https://issuer.test",
        "--auth-audience",
        "exprun",
    )
    assert result.returncode == 1
    assert f"--auth-jwks / EXPRUN_AUTH_JWKS: cannot fetch {url}" in result.stderr


def test_reflection_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse().reflection
    assert not parse("--no-reflection").reflection
    monkeypatch.setenv("EXPRUN_REFLECTION", "false")
    assert not parse().reflection
