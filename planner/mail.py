"""An adapter for sending e-mail: SMTP from the settings, or .eml files in a folder when no SMTP host is set."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

Send = Callable[[Message], object]


@contextmanager
def outbox(settings: Mapping) -> Iterator[Send]:
    """A send(message) function for the length of the block: one SMTP connection, or a folder of .eml files."""
    host = settings.get("SMTP_HOST")
    if not host:
        yield _folder(Path(settings["MAIL_DIR"]))
        return
    port, timeout_s = int(settings["SMTP_PORT"]), float(settings["SMTP_TIMEOUT_S"])
    security = settings["SMTP_SECURITY"]
    context = ssl.create_default_context()
    if security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout_s, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout_s)
    with smtp:
        if security == "starttls":
            smtp.starttls(context=context)
        if settings.get("SMTP_USER"):
            smtp.login(settings["SMTP_USER"], settings.get("SMTP_PASSWORD") or "")
        yield smtp.send_message


def _folder(folder: Path) -> Send:
    """A send function that writes each message to folder as <UTC time>-<random>.eml."""
    folder.mkdir(parents=True, exist_ok=True)

    def write(message: Message) -> Path:
        path = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(message.as_bytes())
        return path

    return write
