"""SMTP over STARTTLS and over implicit TLS with a log-in, against a real server with a certificate made for the test
(trusted through SSL_CERT_FILE, as an operator would trust a private CA); an untrusted certificate sends nothing."""

from __future__ import annotations

import shutil
import smtplib
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from planner.services import events
from tests.notifications.conftest import inbox, run_jobs
from tests.notifications.smtp_server import serve, server_context
from tests.notifications.test_mail import OUTING

USER, PASSWORD = "planner", "s3cret pass"

pytestmark = [
    pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command makes the certificate"),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),  # implicit TLS: it is TLS
]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """(cert file, key file) of a self-signed certificate for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Accept only USER with PASSWORD."""
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


def _secure_server(app, monkeypatch, certificate, security: str):
    """A server that takes mail only over TLS (STARTTLS or implicit) from USER, and the app pointed at it."""
    context = server_context(*certificate)
    if security == "starttls":
        tls = {"tls_context": context, "require_starttls": True}
    else:  # aiosmtpd offers AUTH on a TLS connection only when it made it itself (STARTTLS), unless told
        tls = {"ssl_context": context, "auth_require_tls": False}
    server = serve(app, monkeypatch, security, authenticator=_authenticator, auth_required=True, **tls)
    monkeypatch.setitem(app.config, "SMTP_USER", USER)
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", PASSWORD)
    return server


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_goes_over_tls_with_a_log_in(app, cast, monkeypatch, certificate, security):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    server = _secure_server(app, monkeypatch, certificate, security)
    try:
        events.create_event(cast.group.id, cast.organiser, OUTING)
        run_jobs(app)
    finally:
        server.stop()
    assert len(server.inbox.to(cast.member.email)) == 1 and len(server.inbox.received) == 2
    assert [n.email_status for n in inbox(cast.member)] == ["sent"]


def test_an_untrusted_certificate_sends_nothing_and_keeps_them_pending(app, cast, monkeypatch, certificate):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    server = _secure_server(app, monkeypatch, certificate, "starttls")
    try:
        events.create_event(cast.group.id, cast.organiser, OUTING)
        with pytest.raises(ssl.SSLCertVerificationError):
            run_jobs(app)
    finally:
        server.stop()
    assert server.inbox.received == [] and [n.email_status for n in inbox(cast.member)] == ["pending"]


def test_a_wrong_password_sends_nothing_and_keeps_them_pending(app, cast, monkeypatch, certificate):
    monkeypatch.setenv("SSL_CERT_FILE", certificate[0])
    server = _secure_server(app, monkeypatch, certificate, "starttls")
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "wrong")
    try:
        events.create_event(cast.group.id, cast.organiser, OUTING)
        with pytest.raises(smtplib.SMTPAuthenticationError):
            run_jobs(app)
    finally:
        server.stop()
    assert server.inbox.received == [] and [n.email_status for n in inbox(cast.member)] == ["pending"]
