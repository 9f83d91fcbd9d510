"""Real servers on loopback for tests: an SMTP server (aiosmtpd) and a webhook receiver."""

import asyncio
import datetime as dt
import email
import email.policy
import errno
import ipaddress
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RecordingHandler:
    """Accepts mail, refusing recipients whose local part starts with 'tempfail' or 'reject'."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.contents: list[bytes] = []  # each message as the server took it in, byte for byte
        self.mail_options: list[list[str]] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.stall_after: int | None = None
        self.stalled = threading.Event()
        self.busy = False  # answer every recipient 451, as a server under load does

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.busy or address.startswith("tempfail"):
            return "451 4.3.0 mailbox busy, try again later"
        if address.startswith("reject"):
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stall_after is not None and len(self.messages) >= self.stall_after:
            self.stalled.set()
            await asyncio.sleep(30)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.contents.append(envelope.original_content)
        self.mail_options.append(list(envelope.mail_options))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 accepted"


def _authenticator(user: str, password: str) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


@dataclass
class SmtpServer:
    """An aiosmtpd server that can be stopped and started again on the same port."""

    port: int = field(default_factory=free_port)
    handler: RecordingHandler = field(default_factory=RecordingHandler)
    options: dict[str, Any] = field(default_factory=dict)
    controller: Controller | None = None
    first_start: bool = True

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        """Start serving; the first time, on another free port if this one was taken since."""
        for attempt in range(3 if self.first_start else 1):
            self.controller = Controller(
                self.handler,
                hostname="127.0.0.1",
                port=self.port,
                ready_timeout=120,
                **self.options,
            )
            try:
                self.controller.start()
            except OSError as error:  # another process (an xdist worker) bound it first
                self.controller = None
                if error.errno != errno.EADDRINUSE or attempt == 2 or not self.first_start:
                    raise
                self.port = free_port()
            else:
                break
        self.first_start = False

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def tls_options(
    cert: Path, key: Path, *, implicit: bool, user: str, password: str
) -> dict[str, Any]:
    """Controller options for STARTTLS (required) or implicit TLS, with LOGIN/PLAIN auth."""
    context = server_tls_context(cert, key)
    auth = {"authenticator": _authenticator(user, password), "auth_require_tls": not implicit}
    if implicit:  # aiosmtpd does not count implicit TLS as TLS for its AUTH check
        return {"ssl_context": context, **auth}
    return {"tls_context": context, "require_starttls": True, **auth}


@dataclass
class WebhookReceiver:
    """A threaded HTTP server that records POSTs and answers with scripted status codes."""

    statuses: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/concord"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append((dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]
