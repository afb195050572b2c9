"""Delivering the notification e-mails that wait: each once, claimed with SKIP LOCKED so workers never share one.

A message the server refuses for good (a 5xx answer, a refused recipient) is marked failed with the server's
answer, and so is one that cannot be composed (it would hold up every message after it); anything else (the
server down, a 4xx, a refused sender, a timeout) raises so the job retries with backoff, and the messages not yet
sent stay pending. A batch is committed as soon as it is sent, so a worker killed in the middle
can resend at most one batch.
"""

from __future__ import annotations

import smtplib

from flask import current_app
from sqlalchemy import select

from planner import mail
from planner.extensions import db
from planner.models import Notification, User
from planner.services import mail_compose
from planner.times import now_utc

BATCH = 50


def _claim(after_id: int) -> list[Notification]:
    """Up to BATCH pending e-mails after after_id that no other worker holds, oldest first, locked until the next
    commit. Starting after the last batch skips the index entries of the rows just sent, which stay in the
    partial index until a vacuum: scanning them again made each batch slower than the one before."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.email_status == "pending", Notification.id > after_id)
            .order_by(Notification.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )


def _refused_for_good(error: Exception) -> bool:
    """Whether the server's answer means this message will never be taken (5xx, or every recipient refused).

    A refused sender (MAIL FROM, or a log-in the server wants first) is the settings' fault, not the message's:
    every message would be refused alike, so they all wait for the settings to be fixed.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPSenderRefused):
        return False
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def _error_text(error: Exception) -> str:
    """An error as kept on its row."""
    return f"{type(error).__name__}: {error}"[:2000]


def _send(send: mail.Send, row: Notification, user: User, config) -> bool:
    """Send row's e-mail; False (row failed) if it cannot be built or is refused for good; raises otherwise."""
    row.email_attempts += 1
    try:
        message = mail_compose.compose(row, user, config)
    except Exception as error:  # it would fail alike on every retry, holding up the messages after it
        row.email_status, row.email_error = "failed", _error_text(error)
        return False
    try:
        send(message)
    except Exception as error:
        row.email_error = _error_text(error)
        if not _refused_for_good(error):
            raise
        row.email_status = "failed"
        return False
    row.email_status, row.emailed_at, row.email_error = "sent", now_utc(), None
    return True


def deliver_pending() -> int:
    """Send every pending notification e-mail; returns how many were sent. Raises on a passing failure."""
    sent, last_id = 0, 0
    config = current_app.config
    with mail.outbox(config) as send:
        while batch := _claim(last_id):
            last_id = batch[-1].id
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in batch})))}
            for row in batch:
                try:
                    sent += _send(send, row, users[row.user_id], config)
                except Exception:
                    db.session.commit()  # what was sent is marked so, and this row keeps its error
                    raise
            db.session.commit()
    return sent
