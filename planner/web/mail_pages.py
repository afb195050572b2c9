"""Unsubscribing from e-mail without logging in (RFC 8058 one-click), and the development outbox of .eml files."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from planner.extensions import csrf
from planner.i18n import DEFAULT_LOCALE, current_locale
from planner.services import mail_outbox, unsubscribe
from planner.web.filters import when

bp = Blueprint("mail_pages", __name__)

# The HTML part of a stored message, shown in a sandboxed frame: no scripts, no requests, no top navigation.
FRAMED_HTML_HEADERS = {
    "Content-Security-Policy": (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
    ),
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


@bp.get("/unsubscribe/<token>")
def unsubscribe_page(token: str):
    """What the link stops, with a button for this kind of e-mail and one for all e-mail (no log-in needed)."""
    ticket = unsubscribe.read(token)
    return render_template(
        "mail_pages/unsubscribe.html",
        ticket=ticket,
        about=str(unsubscribe.ABOUT[ticket.kind]),
        emailing=unsubscribe.emailing(ticket),
        token=token,
    )


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session and no CSRF token
def unsubscribe_now(token: str):
    """Stop the token's kind of e-mail (scope=all: every e-mail) and confirm it."""
    ticket = unsubscribe.read(token)
    kind = unsubscribe.scope_of(ticket, request.form.get("scope"))
    unsubscribe.apply(ticket, kind)
    return render_template("mail_pages/unsubscribed.html", about=str(unsubscribe.ABOUT[kind]), kind=kind)


def _outbox() -> Path:
    """The folder of written messages; a 404 unless the app runs in debug mode or DEV_MAIL_PAGE is on."""
    if not (current_app.debug or current_app.config.get("DEV_MAIL_PAGE")):
        abort(404)
    return Path(current_app.config["MAIL_DIR"])


@bp.get("/dev/mail")
def outbox():
    """Development only: the messages written to MAIL_DIR instead of sent, newest first."""
    folder = _outbox()
    smtp = current_app.config.get("SMTP_HOST") or ""
    messages = [(m, date_text(m.date)) for m in mail_outbox.listing(folder)]
    return render_template("mail_pages/outbox.html", messages=messages, folder=folder, smtp=smtp)


def date_text(value: str) -> str:
    """A message's Date header as English readers see it (the header itself), in another language in UTC
    ("2030年1月5日 周六 00:30 UTC"); as it is if it is no date."""
    if current_locale() == DEFAULT_LOCALE:
        return value
    try:
        return when(parsedate_to_datetime(value), "UTC")
    except (TypeError, ValueError):
        return value


@bp.get("/dev/mail/<name>")
def message(name: str):
    """Development only: one written message, its headers, text part and HTML part (in a sandboxed frame)."""
    return render_template("mail_pages/message.html", message=mail_outbox.read(_outbox(), name))


@bp.get("/dev/mail/<name>/html")
def message_html(name: str):
    """Development only: the HTML part of a written message, for the sandboxed frame of its page."""
    html = mail_outbox.read(_outbox(), name).html
    if html is None:
        abort(404)
    return Response(html, mimetype="text/html", headers=FRAMED_HTML_HEADERS)


@bp.get("/dev/mail/<name>/raw")
def message_raw(name: str):
    """Development only: the .eml file itself, as a download."""
    path = mail_outbox.path_of(_outbox(), name)
    return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=path.name)
