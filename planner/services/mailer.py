"""Delivering the notification e-mails that wait: each once, claimed with SKIP LOCKED so workers never share one.

A message the server refuses for good (a 5xx answer, a refused recipient) is marked failed with the server's
answer; anything else (the server down, a 4xx, a timeout) raises so the job retries with backoff, and the
messages not yet sent stay pending. A batch is committed as soon as it is sent, so a worker killed in the middle
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

BATCH = 20


def _claim() -> list[Notification]:
    """Up to BATCH pending e-mails no other worker holds, oldest first, locked until the next commit."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.email_status == "pending")
            .order_by(Notification.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    )


def _refused_for_good(error: Exception) -> bool:
    """Whether the server's answer means this message will never be taken (5xx, or every recipient refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def deliver_pending() -> int:
    """Send every pending notification e-mail; returns how many were sent. Raises on a passing failure."""
    sent = 0
    config = current_app.config
    with mail.outbox(config) as send:
        while batch := _claim():
            users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({n.user_id for n in batch})))}
            for row in batch:
                row.email_attempts += 1
                try:
                    send(mail_compose.compose(row, users[row.user_id], config))
                except Exception as error:
                    row.email_error = f"{type(error).__name__}: {error}"[:2000]
                    if not _refused_for_good(error):
                        db.session.commit()
                        raise
                    row.email_status = "failed"
                    continue
                row.email_status, row.emailed_at, row.email_error = "sent", now_utc(), None
                sent += 1
            db.session.commit()
    return sent
