"""Reminders before outings and weekly digests: due ones only, once, never for cancelled outings or withdrawals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from planner.extensions import db
from planner.models import GroupNotificationSetting, NotificationSettings
from planner.services import events, meeting_points, reminders, rsvp
from planner.services.notify_text import text_of
from tests import factories as f
from tests.notifications.conftest import add_member, inbox, kinds, run_jobs


def _outing_in(cast, hours: float, route=None):
    """An outing starting in `hours` h, created (and answered) two days ago, the member going."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
    event = f.event(
        cast.group,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        title="Ridge walk",
        route_id=route.id if route else None,
        description="Bring water.",
    )
    rsvp.rsvp(event.id, cast.member)
    _age(event.id)
    return event


def _age(event_id: int) -> None:
    """Make an outing and its answers two days old."""
    db.session.execute(
        text("UPDATE events SET created_at = now() - interval '2 days' WHERE id = :id"), {"id": event_id}
    )
    db.session.execute(
        text("UPDATE rsvps SET queued_at = now() - interval '2 days' WHERE event_id = :id"), {"id": event_id}
    )
    db.session.commit()


class TestReminders:
    def test_the_24_hour_reminder_says_where_and_when_with_the_route(self, app, cast, route):
        event = _outing_in(cast, 23, route)
        point = meeting_points.add(event.id, cast.owner, {"name": "Col", "lat": 30.25, "lon": 120.10})
        rsvp.rsvp(event.id, cast.member, point.id)
        assert reminders.send_due() == 1
        (note,) = inbox(cast.member)
        assert note.kind == "reminder" and note.params["offset_h"] == 24
        said = text_of("reminder", note.params)
        assert said.startswith("Reminder: Ridge walk starts ") and "You meet at Col." in said
        assert "Route: 11.1 km, 100 m climb, about " in said
        assert note.params["description"] == "Bring water."
        assert reminders.send_due() == 0  # the next run finds it sent

    def test_only_the_nearest_due_offset_and_each_offset_once(self, app, cast):
        event = _outing_in(cast, 1.5)
        reminders.send_due()
        assert [n.params["offset_h"] for n in inbox(cast.member)] == [2]
        assert reminders.send_due() == 0
        assert event.status == "scheduled"

    def test_not_yet_due_nothing(self, app, cast):
        _outing_in(cast, 30)
        assert reminders.send_due() == 0

    def test_own_offsets(self, app, cast):
        db.session.add(NotificationSettings(user_id=cast.member.id, reminder_offsets_h=[6]))
        db.session.commit()
        _outing_in(cast, 23)
        assert reminders.send_due() == 0
        _outing_in(cast, 5)
        assert reminders.send_due() == 1 and inbox(cast.member)[0].params["offset_h"] == 6

    def test_no_reminder_for_a_cancelled_outing_or_after_withdrawing(self, app, cast):
        cancelled, left = _outing_in(cast, 20), _outing_in(cast, 21)
        events.cancel_event(cancelled.id, cast.owner)
        rsvp.cancel(left.id, cast.member)
        run_jobs(app)
        assert reminders.send_due() == 0
        assert "reminder" not in kinds(cast.member)

    def test_a_moved_outing_is_reminded_of_again(self, app, cast):
        event = _outing_in(cast, 20)
        assert reminders.send_due() == 1
        later = event.starts_at + timedelta(hours=1)
        events.update_event(
            event.id, cast.owner, {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=4)).isoformat()}
        )
        assert reminders.send_due() == 1
        assert kinds(cast.member).count("reminder") == 2

    def test_the_person_who_joined_after_the_due_time_gets_only_later_offsets(self, app, cast):
        event = _outing_in(cast, 20)
        late = f.user()
        add_member(cast.group, late)
        rsvp.rsvp(event.id, late)  # joins now: 4 h after the 24 h reminder was due
        assert reminders.send_due() == 1
        assert kinds(late) == []


class TestDigest:
    def test_weekly_digest_lists_the_new_outings_of_digest_readers_groups(self, app, cast):
        db.session.add(GroupNotificationSetting(user_id=cast.member.id, group_id=cast.group.id, new_outings="digest"))
        db.session.commit()
        f.event(cast.group, title="Night ride", days=3)
        now = datetime.now(UTC)
        assert reminders.send_digests(now) == 1
        (note,) = inbox(cast.member)
        assert text_of("outing_digest", note.params).startswith(
            f"1 new outing in {cast.group.name} this week: Night ride"
        )
        assert reminders.send_digests(now) == 0
        assert kinds(cast.owner) == []
