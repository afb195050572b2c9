"""While the SMTP server is down or refusing for now, nothing is lost and nothing is sent twice; a message refused
for good is marked failed with the server's answer and holds up no other."""

from __future__ import annotations

import smtplib
from collections import Counter

import pytest
from sqlalchemy import select, text

from planner.extensions import db
from planner.models import JobError, Membership, User
from planner.services import events, mail_compose, mailer
from tests import factories as f
from tests.notifications.conftest import add_member, inbox, run_jobs
from tests.notifications.smtp_server import smtp_fixture  # noqa: F401  (the smtp fixture)
from tests.notifications.test_mail import OUTING

MAIL_JOB = "planner.jobs.deliver_mail"


def _outing(cast) -> None:
    """A new outing: the owner, the member and two more members are each told by e-mail."""
    for _ in range(2):
        add_member(cast.group, f.user())
    events.create_event(cast.group.id, cast.organiser, OUTING)


def _members(cast) -> list:
    """The people told of the outing (everyone in the group but the organiser who made it)."""
    rows = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id).where(Membership.group_id == cast.group.id)
    )
    return [u for u in rows if u.id != cast.organiser.id]


def _statuses(people) -> list[str]:
    """Each person's e-mail states, in order."""
    return [n.email_status for person in people for n in inbox(person)]


def _retry_failed_jobs() -> None:
    """What procrastinate does after a failed attempt's wait: the job is to do again."""
    db.session.execute(text("UPDATE procrastinate_jobs SET status = 'todo' WHERE status = 'doing'"))


def _received_once_each(smtp, people) -> bool:
    """Whether each person got exactly one message, and nobody else any."""
    counts = Counter(a for r in smtp.inbox.received for a in r.rcpt_tos)
    return counts == Counter(p.email for p in people)


class TestServerDown:
    def test_nothing_is_lost_while_it_is_down_and_each_arrives_once_when_it_is_back(self, app, cast, smtp):
        smtp.stop()
        _outing(cast)
        with pytest.raises(OSError):
            run_jobs(app)
        people = _members(cast)
        assert _statuses(people) == ["pending"] * 4
        assert db.session.scalars(select(JobError.task_name)).all() == [MAIL_JOB]
        smtp.start()
        _retry_failed_jobs()
        assert run_jobs(app) == [MAIL_JOB]
        assert _received_once_each(smtp, people) and _statuses(people) == ["sent"] * 4
        assert mailer.deliver_pending() == 0 and len(smtp.inbox.received) == 4

    def test_a_server_that_goes_away_mid_batch_leaves_the_rest_pending(self, app, cast, smtp):
        smtp.inbox.data_answer, smtp.inbox.accept = "421 4.3.2 Shutting down", 1
        _outing(cast)
        with pytest.raises(smtplib.SMTPException):
            run_jobs(app)
        people = _members(cast)
        assert sorted(_statuses(people)) == ["pending", "pending", "pending", "sent"]
        smtp.inbox.data_answer = None
        _retry_failed_jobs()
        run_jobs(app)
        assert _received_once_each(smtp, people) and _statuses(people) == ["sent"] * 4


class TestRefusals:
    def test_a_temporary_refusal_keeps_them_pending_with_the_servers_answer(self, app, cast, smtp):
        smtp.inbox.data_answer = "451 4.7.1 Greylisted, try again later"
        _outing(cast)
        with pytest.raises(smtplib.SMTPDataError):
            run_jobs(app)
        people = _members(cast)
        assert _statuses(people) == ["pending"] * 4 and smtp.inbox.received == []
        tried = [n for person in people for n in inbox(person) if n.email_attempts]
        assert len(tried) == 1 and "Greylisted" in tried[0].email_error
        smtp.inbox.data_answer = None
        _retry_failed_jobs()
        run_jobs(app)
        assert _received_once_each(smtp, people)

    def test_a_refused_recipient_is_failed_with_the_answer_and_the_others_are_sent(self, app, cast, smtp):
        smtp.inbox.rcpt_answers[cast.member.email] = "550 5.1.1 No such mailbox here"
        _outing(cast)
        assert run_jobs(app)[-1] == MAIL_JOB  # no error: nothing to retry
        (row,) = inbox(cast.member)
        assert row.email_status == "failed" and "550" in row.email_error and "No such mailbox" in row.email_error
        others = [p for p in _members(cast) if p.id != cast.member.id]
        assert _received_once_each(smtp, others) and _statuses(others) == ["sent"] * 3
        assert mailer.deliver_pending() == 0 and smtp.inbox.to(cast.member.email) == []

    def test_a_message_refused_for_good_at_data_is_failed(self, app, cast, smtp):
        smtp.inbox.data_answer, smtp.inbox.accept = "554 5.6.0 Message content rejected", 3
        _outing(cast)
        run_jobs(app)
        people = _members(cast)
        assert sorted(_statuses(people)) == ["failed", "sent", "sent", "sent"]
        (failed,) = [n for p in people for n in inbox(p) if n.email_status == "failed"]
        assert "554" in failed.email_error and "content rejected" in failed.email_error

    def test_a_refused_sender_is_the_settings_fault_so_every_message_waits(self, app, cast, smtp):
        smtp.inbox.mail_answer = "530 5.7.0 Authentication required"
        _outing(cast)
        with pytest.raises(smtplib.SMTPSenderRefused):
            run_jobs(app)
        people = _members(cast)
        assert _statuses(people) == ["pending"] * 4
        smtp.inbox.mail_answer = None
        _retry_failed_jobs()
        run_jobs(app)
        assert _received_once_each(smtp, people)

    def test_a_message_that_cannot_be_composed_is_failed_and_holds_up_no_other(self, app, cast, smtp, monkeypatch):
        compose = mail_compose.compose

        def broken_for_the_member(row, user, config):
            if user.id == cast.member.id:
                raise KeyError("title")
            return compose(row, user, config)

        monkeypatch.setattr(mail_compose, "compose", broken_for_the_member)
        _outing(cast)
        run_jobs(app)
        (row,) = inbox(cast.member)
        assert row.email_status == "failed" and "KeyError" in row.email_error
        others = [p for p in _members(cast) if p.id != cast.member.id]
        assert _received_once_each(smtp, others)
