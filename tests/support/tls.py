"""A throw-away federation CA and two nodes serving the exchange over mutual TLS."""

from __future__ import annotations

import os
import ssl
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chuanyu.core.config import Settings
from tests.support.nodes import LiveNode, free_port


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


class Pki:
    """A CA in `root` that issues loopback certificates (CN = name, SAN 127.0.0.1)."""

    def __init__(self, root: Path, ca_name: str = "川渝联合办公室 测试 CA") -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        self.ca_cert = (x509.CertificateBuilder().subject_name(_name(ca_name))
                        .issuer_name(_name(ca_name)).public_key(self.ca_key.public_key())
                        .serial_number(x509.random_serial_number())
                        .not_valid_before(now - timedelta(minutes=5))
                        .not_valid_after(now + timedelta(days=1))
                        .add_extension(x509.BasicConstraints(ca=True, path_length=0), True)
                        .sign(self.ca_key, hashes.SHA256()))
        self.ca = root / "ca.pem"
        self.ca.write_bytes(self.ca_cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, name: str) -> tuple[Path, Path]:
        """Certificate and key files for `name`, valid for client and server use on loopback."""
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        cert = (x509.CertificateBuilder().subject_name(_name(name))
                .issuer_name(self.ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(minutes=5))
                .not_valid_after(now + timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName([
                    x509.IPAddress(IPv4Address("127.0.0.1")), x509.DNSName("localhost")]), False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
                .sign(self.ca_key, hashes.SHA256()))
        cert_path, key_path = self.root / f"{name}.pem", self.root / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, key_path)
        return cert_path, key_path

    def client(self, cert: tuple[Path, Path] | None = None) -> httpx.Client:
        """An HTTP client trusting the CA, presenting `cert` when given."""
        context = ssl.create_default_context(cafile=str(self.ca))
        if cert is not None:
            context.load_cert_chain(str(cert[0]), str(cert[1]))
        return httpx.Client(verify=context, timeout=10)


class TlsNode(LiveNode):
    """A live node served over mutual TLS with its own certificate."""

    def __init__(self, member: str, root: Path, port: int, env: dict[str, str], pki: Pki,
                 cert: tuple[Path, Path]) -> None:
        super().__init__(member, root, port, {
            **env, "CHUANYU_TLS_CERT": str(cert[0]), "CHUANYU_TLS_KEY": str(cert[1]),
            "CHUANYU_TLS_CLIENT_CA": str(pki.ca)})
        self.url = f"https://127.0.0.1:{port}"
        self.pki = pki
        self.cert = cert

    @property
    def settings(self) -> Settings:
        """Settings of this node, certificate included (its in-process client presents it)."""
        return super().settings.model_copy(update={
            "tls_cert": self.cert[0], "tls_key": self.cert[1], "tls_client_ca": self.pki.ca})

    def healthy(self) -> bool:
        """True when the node answers its health check over mutual TLS."""
        if self.proc is not None and self.proc.poll() is not None:
            raise AssertionError(f"{self.member} exited: {self.log.read_text()[-2000:]}")
        try:
            with self.pki.client(self.cert) as client:
                return client.get(f"{self.url}/api/health").status_code == 200
        except httpx.HTTPError:
            return False


class TlsFederation:
    """CQ and SC over mutual TLS, each member's certificate pinned in the descriptor."""

    def __init__(self, root: Path) -> None:
        from chuanyu import domains
        from chuanyu.exchange import federation, transport
        from chuanyu.exchange.registry import SERVICES, STREAMS

        self.pki = Pki(root / "pki")
        certs = {m: self.pki.issue(m) for m in ("CQ", "SC")}
        ports = {"CQ": free_port(), "SC": free_port()}
        domains.load_handlers()
        self.fed_dir = root / "federation"
        federation.init(self.fed_dir, urls={m: f"https://127.0.0.1:{p}" for m, p in ports.items()},
                        services={m: sorted(SERVICES) for m in ports},
                        streams={m: sorted(STREAMS) for m in ports},
                        tls_fingerprints={m: transport.file_fingerprint(c[0])
                                          for m, c in certs.items()})
        env = {k: v for k, v in os.environ.items() if not k.startswith("CHUANYU_")}
        env.update({"CHUANYU_VAR_DIR": str(root), "CHUANYU_FEDERATION_DIR": str(self.fed_dir),
                    "CHUANYU_RELAY_POLL_S": "0.2"})
        self.cq = TlsNode("CQ", root, ports["CQ"], {**env, "CHUANYU_MEMBER": "CQ"}, self.pki,
                          certs["CQ"])
        self.sc = TlsNode("SC", root, ports["SC"], {**env, "CHUANYU_MEMBER": "SC"}, self.pki,
                          certs["SC"])

    def start(self) -> None:
        """Start both nodes."""
        self.cq.start()
        self.sc.start()

    def stop(self) -> None:
        """Stop both nodes."""
        self.cq.stop()
        self.sc.stop()
