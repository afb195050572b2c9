"""The .eml files planner.mail writes when no SMTP server is set, read back for the development outbox page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path

from planner.errors import N_, NotFound

LISTED = 200
# A file name planner.mail writes ("20301205T083000123456-1a2b3c4d.eml"): no separators, no leading dot.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.eml")
SHOWN_HEADERS = ("Date", "From", "To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post")


@dataclass(frozen=True)
class Listed:
    """One stored message as the outbox lists it."""

    name: str
    date: str
    to: str
    subject: str


@dataclass(frozen=True)
class Stored:
    """One stored message: its headers worth showing, its text part and its HTML part."""

    name: str
    subject: str
    headers: list[tuple[str, str]]
    text: str
    html: str | None


def listing(folder: Path, limit: int = LISTED) -> list[Listed]:
    """The newest messages in folder (at most limit), newest first."""
    if not folder.is_dir():
        return []
    paths = [p for p in folder.iterdir() if NAME.fullmatch(p.name) and p.is_file() and not p.is_symlink()]
    paths.sort(key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    listed = []
    for path in paths[:limit]:
        with path.open("rb") as fp:
            headers = BytesHeaderParser(policy=policy.default).parse(fp)
        listed.append(
            Listed(path.name, str(headers["Date"] or ""), str(headers["To"] or ""), str(headers["Subject"] or ""))
        )
    return listed


def path_of(folder: Path, name: str) -> Path:
    """The file of a listed message; a 404 for any name that is not a message file directly in folder."""
    if NAME.fullmatch(name):
        path = (folder / name).resolve()
        if path.parent == folder.resolve() and path.is_file() and not (folder / name).is_symlink():
            return path
    raise NotFound("message_not_found", N_("There is no such message in the outbox."))


def _part(message: EmailMessage, subtype: str) -> str | None:
    """The text of message's text/<subtype> body part, if it has one."""
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if isinstance(part, MIMEPart) else None


def read(folder: Path, name: str) -> Stored:
    """One message of folder by file name: headers, text part and HTML part."""
    with path_of(folder, name).open("rb") as fp:
        message = BytesParser(policy=policy.default).parse(fp)
    assert isinstance(message, EmailMessage)
    headers = [(key, str(message[key])) for key in SHOWN_HEADERS if message[key] is not None]
    return Stored(name, str(message["Subject"] or ""), headers, _part(message, "plain") or "", _part(message, "html"))
