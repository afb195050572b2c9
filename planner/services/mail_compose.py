"""One notification as an e-mail message."""

from __future__ import annotations

from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import make_msgid

from planner.models import Notification, User
from planner.services.notify_text import text_of


def compose(row: Notification, user: User, config: Mapping) -> EmailMessage:
    """The e-mail telling user of row: its sentence and a link to the page it is about."""
    sentence = text_of(row.kind, row.params)
    message = EmailMessage()
    message["Subject"] = sentence if len(sentence) <= 120 else sentence[:119] + "…"
    message["From"] = config["MAIL_FROM"]
    message["To"] = user.email
    message["Message-ID"] = make_msgid(domain="planner")
    message.set_content(f"{sentence}\n\n{config['BASE_URL']}{row.url}\n")
    return message
