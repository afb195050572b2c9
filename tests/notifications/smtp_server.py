"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives and can be told to refuse, for the mail tests."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

ACCEPTED = "250 2.0.0 OK"


@dataclass
class Received:
    """One message the server took: the envelope's recipients, the bytes as received and the parsed message."""

    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class Inbox:
    """An aiosmtpd handler that collects messages; its fields make it refuse, as real servers do.

    mail_answer: the answer to MAIL FROM instead of 250. rcpt_answers: an answer per refused recipient.
    data_answer: the answer to DATA instead of 250 once `accept` more messages have been taken (None: always 250).
    """

    received: list[Received] = field(default_factory=list)
    mail_answer: str | None = None
    rcpt_answers: dict[str, str] = field(default_factory=dict)
    data_answer: str | None = None
    accept: int = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mail_answer:
            return self.mail_answer
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return ACCEPTED

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return ACCEPTED

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer is not None:
            if self.accept <= 0:
                return self.data_answer
            self.accept -= 1
        raw = envelope.original_content or envelope.content
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), raw, message))
        return ACCEPTED

    def to(self, address: str) -> list[EmailMessage]:
        """The messages received for address."""
        return [r.message for r in self.received if address in r.rcpt_tos]

    def raw_to(self, address: str) -> list[bytes]:
        """The messages received for address, as the bytes that came over the wire."""
        return [r.raw for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SmtpServer:
    """The running server: its handler, its port, and stop()/start() to take it down and bring it back."""

    inbox: Inbox
    port: int
    options: dict = field(default_factory=dict)
    controller: Controller | None = None

    def start(self) -> None:
        """Listen on the same port again (a new server, the same inbox)."""
        assert self.controller is None
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until start()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def serve(app, monkeypatch, security: str = "none", **options) -> SmtpServer:
    """Start a server and point app's SMTP settings at it (monkeypatch restores them after the test)."""
    server = SmtpServer(Inbox(), free_port(), options)
    server.start()
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": server.port,
        "SMTP_SECURITY": security,
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "SMTP_TIMEOUT_S": 10.0,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return server


@pytest.fixture(name="smtp")
def smtp_fixture(app, monkeypatch):
    """A plain SMTP server on loopback that the app sends to, for this test."""
    server = serve(app, monkeypatch)
    yield server
    server.stop()


def server_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """The server side of TLS with the given certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context
