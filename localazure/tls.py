"""The endpoint's certificate authority (made once, kept in the state dir) and its server certificate."""

from __future__ import annotations

import ssl
from pathlib import Path

import trustme

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
SERVER_CERT = "server.pem"  # certificate chain followed by the private key
SERVER_NAMES = ("127.0.0.1", "localhost")


def load_or_create_ca(state_dir: Path) -> trustme.CA:
    cert_path, key_path = state_dir / CA_CERT, state_dir / CA_KEY
    if cert_path.exists() and key_path.exists():
        return trustme.CA.from_pem(cert_path.read_bytes(), key_path.read_bytes())
    ca = trustme.CA(organization_name="localazure", organization_unit_name="local Azure endpoint test CA")
    key_path.write_bytes(ca.private_key_pem.bytes())
    key_path.chmod(0o600)
    cert_path.write_bytes(ca.cert_pem.bytes())
    (state_dir / SERVER_CERT).unlink(missing_ok=True)  # a server certificate from an earlier CA
    return ca


def server_context(state_dir: Path) -> ssl.SSLContext:
    """A TLS server context with a certificate for 127.0.0.1 and localhost, issued by the state dir's CA."""
    ca = load_or_create_ca(state_dir)
    server_cert_path = state_dir / SERVER_CERT
    if not server_cert_path.exists():
        issued = ca.issue_cert(*SERVER_NAMES)
        server_cert_path.write_bytes(
            b"".join(blob.bytes() for blob in issued.cert_chain_pems) + issued.private_key_pem.bytes()
        )
        server_cert_path.chmod(0o600)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(server_cert_path)
    return context
