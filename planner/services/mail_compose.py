"""One notification as an e-mail: a text and an HTML part from templates/mail/, with one-click unsubscribe headers.

Rendering needs an app context (the jobs run in one); links are absolute, from config BASE_URL. The message's
policy writes List-Unsubscribe as it is: Python's default would fold a long URL into encoded words, which mail
clients do not read as a URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from email import policy
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

from flask import render_template

from planner.models import Notification, User
from planner.services import unsubscribe
from planner.services.notify_text import text_of
from planner.times import now_utc

SUBJECT_CHARS = 120

# The words of the link to the page a notification is about (the default: "See the outing").
ACTIONS = {
    "outing_digest": "See the group",
    "join_request": "See the requests",
    "join_approved": "See the group",
    "post_reply": "Read the reply",
    "thread_post": "Read the post",
}


class VerbatimHeader(UnstructuredHeader):
    """A header written on one line as given (a URL must not be folded or encoded)."""

    def fold(self, *, policy: policy.Policy) -> str:
        """name: value and the line end, unfolded."""
        return f"{self.name}: {self}{policy.linesep}"  # type: ignore[attr-defined]  # name: the registry's BaseHeader


def _policy() -> policy.EmailPolicy[EmailMessage]:
    """The default e-mail policy, with List-Unsubscribe written verbatim."""
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", VerbatimHeader)  # type: ignore[arg-type]  # the registry adds BaseHeader
    return policy.default.clone(header_factory=registry)


MAIL_POLICY = _policy()


def subject_of(kind: str, params: dict) -> str:
    """The subject line: the notification's sentence (short forms for reminders and digests), at most 120 chars."""
    if kind == "reminder":
        subject = f"Reminder: {params['title']}, {params['when']}"
    elif kind == "outing_digest":
        subject = f"New outings in {params['group_name']}"
    else:
        subject = text_of(kind, params)
    return subject if len(subject) <= SUBJECT_CHARS else subject[: SUBJECT_CHARS - 1] + "…"


def headline_of(kind: str, params: dict) -> str:
    """The sentence on top: text_of's, but without what a reminder's or a digest's details list below it."""
    if kind == "reminder":
        return f"Reminder: {params['title']} starts {params['when']}."
    if kind == "outing_digest":
        count = len(params["outings"])
        return f"{count} new {'outing' if count == 1 else 'outings'} in {params['group_name']} this week:"
    return text_of(kind, params)


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
        "link": {"url": base + row.url, "text": ACTIONS.get(row.kind, "See the outing")},
        "outings": [{**o, "url": f"{base}/events/{o['id']}"} for o in params.get("outings", [])],
        "stop": {"kind": stop(row.kind), "all": stop(unsubscribe.ALL), "about": unsubscribe.ABOUT[row.kind]},
        "base_url": base,
    }


def _message_id(row: Notification, host: str) -> str:
    """The same Message-ID each time a row is composed, so a message resent after a crash is seen as one."""
    if row.id is None or row.created_at is None:
        return make_msgid(domain=host)
    return f"<notification.{row.id}.{int(row.created_at.timestamp())}@{host}>"


def compose(row: Notification, user: User, config: Mapping) -> EmailMessage:
    """The e-mail telling user of row: a text and an HTML part, and the headers for one-click unsubscribe."""
    context = context_of(row, user, config)
    host = urlsplit(config["BASE_URL"]).hostname or "planner"
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = subject_of(row.kind, row.params)
    message["From"] = config["MAIL_FROM"]
    message["To"] = Address(display_name=user.display_name, addr_spec=user.email)
    message["Date"] = format_datetime(now_utc())
    message["Message-ID"] = _message_id(row, host)
    message["Auto-Submitted"] = "auto-generated"
    message["List-Unsubscribe"] = f"<{context['stop']['kind']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # base64: smtplib writes ">From" for a line starting "From " in any other encoding (mbox escaping).
    message.set_content(render_template("mail/notification.txt", **context), cte="base64")
    message.add_alternative(render_template("mail/notification.html", **context), subtype="html", cte="base64")
    return message
