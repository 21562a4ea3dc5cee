"""Kubernetes exec probe for an exprun server that serves TLS.

The kubelet's native gRPC probes speak plaintext only, so a pod serving TLS is probed from inside
with this: `python health_probe.py [SERVICE]` calls grpc.health.v1.Health/Check over TLS on
127.0.0.1 and exits 0 only for SERVING (SERVICE "" is the process, "readiness" is readiness).

It reads the server's own settings from the container's environment: the port of EXPRUN_LISTEN,
EXPRUN_TLS_CERT and EXPRUN_TLS_KEY. It trusts `ca.crt` beside the certificate (the layout of
cert-manager's Secrets), else the certificate itself (self-signed), and checks the certificate's
first DNS name. The pod's certificate and key are offered as a client certificate, which a
server with --tls-client-ca (mTLS) then requires to be signed by that CA for client use.
"""

from __future__ import annotations

import os
import pathlib
import sys

import grpc
from cryptography import x509
from grpc_health.v1 import health_pb2, health_pb2_grpc

TIMEOUT_SECONDS = 3.0


def main() -> int:
    service = sys.argv[1] if len(sys.argv) > 1 else ""
    cert = pathlib.Path(os.environ["EXPRUN_TLS_CERT"])
    key = pathlib.Path(os.environ["EXPRUN_TLS_KEY"])
    port = os.environ.get("EXPRUN_LISTEN", "0.0.0.0:50051").rpartition(":")[2]
    chain = cert.read_bytes()
    ca = cert.with_name("ca.crt")
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ca.read_bytes() if ca.exists() else chain,
        private_key=key.read_bytes(),
        certificate_chain=chain,
    )
    leaf = x509.load_pem_x509_certificates(chain)[0]
    try:
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = san.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    options = [("grpc.ssl_target_name_override", names[0])] if names else []
    with grpc.secure_channel(f"127.0.0.1:{port}", credentials, options=options) as channel:
        request = health_pb2.HealthCheckRequest(service=service)
        try:
            status = health_pb2_grpc.HealthStub(channel).Check(request, timeout=TIMEOUT_SECONDS).status
        except grpc.RpcError as exc:
            print(f"health {service!r}: {exc.code().name}: {exc.details()}", file=sys.stderr)
            return 1
    name = health_pb2.HealthCheckResponse.ServingStatus.Name(status)
    print(f"health {service!r}: {name}")
    return 0 if status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main())
