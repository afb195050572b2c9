"""One notification as an e-mail: a text and an HTML part from templates/mail/, with one-click unsubscribe headers.

Each message is written in its recipient's language (users.locale, else English): flask_babel.force_locale switches
the app context's language while it is composed. Rendering needs an app context (the jobs run in one); links are
absolute, from config BASE_URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, make_msgid
from urllib.parse import urlsplit

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from planner.i18n import DEFAULT_LOCALE, known
from planner.models import Notification, User
from planner.services import unsubscribe
from planner.services.notify_text import (
    digest_headline,
    label_text,
    reminder_headline,
    start_text,
    text_of,
    when_text,
    where_text,
)
from planner.times import now_utc

SUBJECT_CHARS = 120
# Headers up to RFC 5322's line limit stay on one line: a folded List-Unsubscribe URL is misread by mail clients.
ONE_LINE_HEADERS = compat32.clone(max_line_length=998)

# The words of the link to the page a notification is about (the default: SEE_OUTING).
SEE_OUTING = _l("See the outing")
ACTIONS = {
    "outing_digest": _l("See the group"),
    "join_request": _l("See the requests"),
    "join_approved": _l("See the group"),
    "post_reply": _l("Read the reply"),
    "thread_post": _l("Read the post"),
}


def locale_of(user: User) -> str:
    """The language user's e-mails are written in: their saved setting, else English."""
    return known(user.locale) or DEFAULT_LOCALE


def subject_of(kind: str, params: dict) -> str:
    """The subject line: the notification's sentence (short forms for reminders and digests), at most 120 chars."""
    if kind == "reminder":
        subject = _("Reminder: %(title)s, %(when)s", title=params["title"], when=when_text(params))
    elif kind == "outing_digest":
        subject = _("New outings in %(group)s", group=params["group_name"])
    else:
        subject = text_of(kind, params)
    return subject if len(subject) <= SUBJECT_CHARS else subject[: SUBJECT_CHARS - 1] + "…"


def headline_of(kind: str, params: dict) -> str:
    """The sentence on top: text_of's, but without what a reminder's or a digest's details list below it."""
    if kind == "reminder":
        return reminder_headline(params)
    if kind == "outing_digest":
        return digest_headline(params)
    return text_of(kind, params)


def _shown(kind: str, params: dict) -> dict:
    """The details below the sentence, in the reader's language: when, where they meet, old and new meeting point."""
    if kind == "reminder":
        return {"when": when_text(params), "where": where_text(params)}
    if kind == "meeting_point_changed":
        new = params.get("new")
        return {
            "old": label_text(params["old"], params),
            "new": label_text(new, params) if new else None,
            "where": start_text(params),
        }
    if kind == "outing_changed":
        return {"when": when_text(params)}
    return {}


def context_of(row: Notification, user: User, config: Mapping) -> dict:
    """What the mail templates show: the sentence, the kind's details, absolute links and unsubscribe links."""
    base = config["BASE_URL"]
    params = row.params

    def stop(kind: str) -> str:
        return f"{base}/unsubscribe/{unsubscribe.token(config['SECRET_KEY'], user.id, kind)}"

    return {
        "kind": row.kind,
        "p": params,
        "name": user.display_name,
        "headline": headline_of(row.kind, params),
        "shown": _shown(row.kind, params),
        "link": {"url": base + row.url, "text": str(ACTIONS.get(row.kind, SEE_OUTING))},
        "outings": [{**o, "when": when_text(o), "url": f"{base}/events/{o['id']}"} for o in params.get("outings", [])],
        "stop": {"kind": stop(row.kind), "all": stop(unsubscribe.ALL), "about": str(unsubscribe.ABOUT[row.kind])},
        "base_url": base,
    }


def _message_id(row: Notification, host: str) -> str:
    """The same Message-ID each time a row is composed, so a message resent after a crash is seen as one."""
    if row.id is None or row.created_at is None:
        return make_msgid(domain=host)
    return f"<notification.{row.id}.{int(row.created_at.timestamp())}@{host}>"


def _header(value: str) -> str | Header:
    """A header value as it is when ASCII, else as UTF-8 encoded words."""
    return value if value.isascii() else Header(value, "utf-8")


def _part(body: str, subtype: str) -> MIMEText:
    """A UTF-8 text part in base64 (smtplib writes ">From" for a line starting "From " in any other encoding)."""
    return MIMEText(body, subtype, "utf-8")


def compose(row: Notification, user: User, config: Mapping) -> MIMEMultipart:
    """The e-mail telling user of row, in user's language (locale_of): a text and an HTML part, and the headers
    for one-click unsubscribe."""
    with force_locale(locale_of(user)):
        return _message(row, user, config)


def _message(row: Notification, user: User, config: Mapping) -> MIMEMultipart:
    """compose's message in the current language.

    Built with the email package's compat32 classes: the modern EmailMessage API parses every header it is
    given into an object and took about as long per message as sending it (bench/notify.py).
    """
    context = context_of(row, user, config)
    host = urlsplit(config["BASE_URL"]).hostname or "planner"
    message = MIMEMultipart("alternative", policy=ONE_LINE_HEADERS)
    message["Subject"] = _header(subject_of(row.kind, row.params))  # type: ignore[assignment]  # compat32 takes Header
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((user.display_name, user.email), charset="utf-8")
    message["Date"] = format_datetime(now_utc())
    message["Message-ID"] = _message_id(row, host)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{context['stop']['kind']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.attach(_part(render_template("mail/notification.txt", **context), "plain"))
    message.attach(_part(render_template("mail/notification.html", **context), "html"))
    return message
