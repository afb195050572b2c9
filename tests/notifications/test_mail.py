"""Notification e-mails through a real SMTP server on loopback: one per person with e-mail on, a text and an HTML
part, one-click unsubscribe headers, UTF-8 names; and what each kind shows beyond its sentence."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from planner.extensions import db
from planner.models import GroupNotificationSetting, Notification, NotificationSettings
from planner.services import events, mail_compose, mailer, meeting_points, notify, reminders, rsvp
from planner.services.notify_text import text_of
from planner.times import local_text, now_utc
from tests import factories as f
from tests.notifications.conftest import add_member, inbox, run_jobs
from tests.notifications.smtp_server import smtp_fixture  # noqa: F401  (the smtp fixture)

OUTING = {
    "title": "长城徒步",
    "starts_at": "2030-01-05T08:30",
    "ends_at": "2030-01-05T12:00",
    "timezone": "Asia/Shanghai",
    "capacity": 10,
    "activity": "hiking",
    "lat": 40.43,
    "lon": 116.57,
}
UNSUBSCRIBE_HEADER = re.compile(r"<(?P<url>\S+/unsubscribe/[A-Za-z0-9_.-]+)>")


def _parts(message) -> tuple[str, str]:
    """(text part, HTML part) of a received message."""
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def event_when(event) -> str:
    """The outing's start as its notifications write it."""
    return local_text(event.starts_at, event.timezone)


def notify_settings(user_id: int, channels: dict) -> None:
    """Give user_id these channel choices."""
    db.session.add(NotificationSettings(user_id=user_id, channels=channels))
    db.session.commit()


def _outing(cast, **changes):
    """An outing of the cast's group, created by its organiser."""
    return events.create_event(cast.group.id, cast.organiser, {**OUTING, **changes})


class TestNewOutingByMail:
    def test_each_member_with_email_on_gets_one_message_with_both_parts_and_the_headers(self, app, cast, smtp):
        chinese = f.user("张伟")
        add_member(cast.group, chinese)
        cast.group.name = "北京徒步俱乐部"
        db.session.commit()
        event = _outing(cast)
        run_jobs(app)
        expected = {cast.owner.email, cast.member.email, chinese.email}
        assert sorted(a for r in smtp.inbox.received for a in r.rcpt_tos) == sorted(expected)
        (message,) = smtp.inbox.to(chinese.email)
        assert message["To"].addresses[0].display_name == "张伟"
        assert message["To"].addresses[0].addr_spec == chinese.email
        assert message["Subject"] == f"New outing in 北京徒步俱乐部: 长城徒步, {event_when(event)}."
        assert message["From"] == app.config["MAIL_FROM"]
        assert message["Message-ID"].startswith("<notification.") and message["Message-ID"].endswith(">")
        assert abs(parsedate_to_datetime(message["Date"]) - now_utc()) < timedelta(hours=1)
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = UNSUBSCRIBE_HEADER.fullmatch(message["List-Unsubscribe"])
        assert unsubscribe and unsubscribe["url"].startswith(app.config["BASE_URL"] + "/unsubscribe/")
        text, html = _parts(message)
        link = f"{app.config['BASE_URL']}/events/{event.id}"
        for part in (text, html):
            assert "Hello 张伟," in part and "长城徒步" in part and "北京徒步俱乐部" in part
            assert link in part and unsubscribe["url"] in part
        assert f'href="{link}"' in html and "<!doctype html>" in html
        assert [n.email_status for n in inbox(chinese)] == ["sent"]

    def test_people_with_email_off_for_the_kind_get_none(self, app, cast, smtp):
        notify_settings(cast.member.id, {"new_outing": "app"})
        _outing(cast)
        run_jobs(app)
        assert smtp.inbox.to(cast.member.email) == [] and len(smtp.inbox.to(cast.owner.email)) == 1

    def test_user_text_is_escaped_in_the_html_part(self, app, cast, smtp):
        cast.organiser.display_name = "<b>Oren</b>"
        db.session.commit()
        _outing(cast, title="<script>alert(1)</script> & co")
        run_jobs(app)
        text, html = _parts(smtp.inbox.to(cast.member.email)[0])
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
        assert "<script>alert(1)</script> & co" in text  # the text part is plain text: nothing to escape

    def test_the_list_unsubscribe_header_is_one_line_however_long_the_url(self, app, cast, smtp, monkeypatch):
        monkeypatch.setitem(app.config, "BASE_URL", "https://planner.example.org/" + "x" * 60)
        _outing(cast)
        run_jobs(app)
        (raw,) = smtp.inbox.raw_to(cast.member.email)
        (line,) = [line for line in raw.split(b"\n") if line.startswith(b"List-Unsubscribe:")]
        assert b"=?" not in line and b"/unsubscribe/" in line and line.rstrip().endswith(b">")


class TestWhatEachKindShows:
    def test_a_reminder_lists_when_where_the_route_and_the_organisers_text(self, app, cast, route, smtp):
        event = _outing(cast, route_id=route.id, description="Bring water.\nFrom the car park: <boots> & poles.")
        point = meeting_points.add(
            event.id, cast.organiser, {"name": "Bridge", "lat": 30.21, "lon": 120.1, "meet_at": "2030-01-05T08:00"}
        )
        rsvp.rsvp(event.id, cast.member, point.id)
        run_jobs(app)
        smtp.inbox.received.clear()
        params = {"offset_h": 24, **reminders.describe(event, cast.member.id, point.id)}
        notify.commit(
            notify.insert(
                "reminder", "listed", "reminder:test", params, url=f"/events/{event.id}", user_ids=[cast.member.id]
            )
        )
        run_jobs(app)
        (message,) = smtp.inbox.to(cast.member.email)
        assert message["Subject"] == f"Reminder: 长城徒步, {event_when(event)}"
        text, html = _parts(message)
        assert f"When: {event_when(event)}" in text
        assert "Where you meet: at Bridge, 08:00" in text
        assert re.search(r"Route: \d+\.\d km, \d+ m climb, about \d+ h \d\d min", text), text
        assert "Bring water.\nFrom the car park: <boots> & poles." in text  # no mbox ">From" escaping
        assert "at Bridge, 08:00" in html and "From the car park: &lt;boots&gt; &amp; poles." in html

    def test_a_moved_meeting_point_shows_the_old_and_the_new(self, app, cast, smtp):
        event = _outing(cast)
        point = meeting_points.add(
            event.id, cast.organiser, {"name": "Bridge", "lat": 40.44, "lon": 116.57, "meet_at": "2030-01-05T08:00"}
        )
        rsvp.rsvp(event.id, cast.member, point.id)
        run_jobs(app)
        meeting_points.update(
            point.id, cast.organiser, {"name": "Old mill", "lat": 40.45, "lon": 116.57, "meet_at": "2030-01-05T08:15"}
        )
        run_jobs(app)
        message = smtp.inbox.to(cast.member.email)[-1]
        text, html = _parts(message)
        assert "Before: Bridge, 08:00\nNow: Old mill, 08:15" in text
        assert "<del>Bridge, 08:00</del>" in html and "<strong>Old mill, 08:15</strong>" in html

    def test_a_digest_lists_each_outing_with_its_link(self, app, cast, smtp):
        db.session.add(GroupNotificationSetting(user_id=cast.member.id, group_id=cast.group.id, new_outings="digest"))
        db.session.commit()
        first = _outing(cast)
        second = _outing(cast, title="Lake loop", starts_at="2030-01-06T08:30", ends_at="2030-01-06T12:00")
        run_jobs(app)
        assert smtp.inbox.to(cast.member.email) == []
        reminders.send_digests(now_utc())
        run_jobs(app)
        (message,) = smtp.inbox.to(cast.member.email)
        assert message["Subject"] == f"New outings in {cast.group.name}"
        text, html = _parts(message)
        base = app.config["BASE_URL"]
        assert text.index("- 长城徒步") < text.index("- Lake loop")
        for event in (first, second):
            assert f"{base}/events/{event.id}" in text and f'href="{base}/events/{event.id}"' in html
        assert f"See the group: {base}/groups/{cast.group.id}" in text

    def test_every_kind_composes_with_a_subject_and_both_parts(self, app, cast, smtp):
        _outing(cast)
        run_jobs(app)
        row = inbox(cast.member)[0]
        for kind, params in SAMPLES.items():
            sample = Notification(id=row.id, user_id=cast.member.id, kind=kind, key="k", params=params, url="/x")
            sample.created_at = row.created_at
            composed = mail_compose.compose(sample, cast.member, app.config)
            message = message_from_bytes(composed.as_bytes(), policy=policy.default)  # as a mail client reads it
            text, html = _parts(message)
            assert message["Subject"] and text_of(kind, params).split(":")[0] in text, kind
            assert "/unsubscribe/" in text and "/unsubscribe/" in html, kind


SAMPLES = {
    "new_outing": {"group_name": "G", "title": "T", "when": "W"},
    "outing_digest": {"group_name": "G", "outings": [{"id": 1, "title": "T", "when": "W"}]},
    "outing_changed": {"title": "T", "when": "W", "what": ["place"]},
    "outing_cancelled": {"title": "T", "when": "W"},
    "meeting_point_changed": {"title": "T", "old": {"label": "A"}, "new": None, "where": "at the start, 08:30"},
    "waitlist_promoted": {"title": "T", "when": "W"},
    "reminder": {"title": "T", "when": "W", "where": "at the start", "length_m": None, "description": ""},
    "join_request": {"name": "N", "group_name": "G"},
    "join_approved": {"group_name": "G"},
    "post_reply": {"author": "A", "thread": "T"},
    "thread_post": {"author": "A", "thread": "T"},
}


def test_the_unsubscribe_header_names_this_kind_and_the_body_also_offers_all(app, cast, smtp):
    _outing(cast)
    run_jobs(app)
    message = smtp.inbox.to(cast.member.email)[0]
    header_path = urlsplit(UNSUBSCRIBE_HEADER.fullmatch(message["List-Unsubscribe"])["url"]).path
    text, _ = _parts(message)
    paths = re.findall(r"/unsubscribe/[A-Za-z0-9_.-]+", text)
    assert paths[0] == header_path and len(set(paths)) == 2
    assert mailer.deliver_pending() == 0  # all sent already: nothing is sent twice
    assert len(smtp.inbox.to(cast.member.email)) == 1
