"""Who is told what: each change reaches the people it concerns, once, never the person who made it."""

from __future__ import annotations

from planner.extensions import db
from planner.models import GroupNotificationSetting, NotificationSettings
from planner.services import discussion, events, groups, meeting_points, notify, rsvp
from planner.services.notify_text import text_of
from tests import factories as f
from tests.notifications.conftest import add_member, inbox, kinds, queued, run_jobs

OUTING = {
    "title": "Lake loop",
    "starts_at": "2030-01-05T08:30",
    "ends_at": "2030-01-05T12:00",
    "timezone": "Europe/Berlin",
    "capacity": 2,
    "activity": "hiking",
    "lat": 52.5,
    "lon": 13.4,
}


def _outing(cast, **changes):
    """An outing of the cast's group created by its organiser, with its jobs run."""
    return events.create_event(cast.group.id, cast.organiser, {**OUTING, **changes})


class TestNewOuting:
    def test_members_are_told_but_not_the_organiser_or_outsiders(self, app, cast):
        event = _outing(cast)
        assert [row.task_name for row in queued()] == ["planner.jobs.fan_out"]
        run_jobs(app)
        for person in (cast.owner, cast.member):
            assert kinds(person) == ["new_outing"]
            assert text_of("new_outing", inbox(person)[0].params).startswith(
                f"New outing in {cast.group.name}: Lake loop"
            )
            assert inbox(person)[0].url == f"/events/{event.id}"
        assert kinds(cast.organiser) == [] and kinds(cast.outsider) == []

    def test_per_group_choice_digest_or_off_is_not_told_each_time(self, app, cast):
        digest, off = f.user(), f.user()
        for person, choice in ((digest, "digest"), (off, "off")):
            add_member(cast.group, person)
            db.session.add(GroupNotificationSetting(user_id=person.id, group_id=cast.group.id, new_outings=choice))
        db.session.commit()
        _outing(cast)
        run_jobs(app)
        assert kinds(digest) == [] and kinds(off) == [] and kinds(cast.member) == ["new_outing"]

    def test_channel_choice_decides_email_and_off_means_nothing(self, app, cast):
        db.session.add(NotificationSettings(user_id=cast.member.id, channels={"new_outing": "app"}))
        db.session.add(NotificationSettings(user_id=cast.owner.id, channels={"new_outing": "off"}))
        db.session.commit()
        _outing(cast)
        run_jobs(app)
        assert [n.email_status for n in inbox(cast.member)] == ["none"]
        assert kinds(cast.owner) == []

    def test_email_is_delivered_once_by_the_mail_job(self, app, cast):
        _outing(cast)
        ran = run_jobs(app)
        assert ran == ["planner.jobs.fan_out", "planner.jobs.deliver_mail"]
        assert [n.email_status for n in inbox(cast.member)] == ["sent"]

    def test_a_retried_job_inserts_nothing_new(self, app, cast):
        _outing(cast)
        (job,) = queued()
        assert notify.fan_out(job.args["change"]) == 2
        assert notify.fan_out(job.args["change"]) == 0
        assert len(inbox(cast.member)) == 1

    def test_a_refused_change_queues_nothing(self, app, cast):
        try:
            _outing(cast, ends_at="2030-01-05T07:00")
        except Exception:
            db.session.rollback()
        assert queued() == []


class TestOutingChanges:
    def _going(self, app, cast):
        """An outing (capacity 2: the organiser and the member go, a third person waits)."""
        event = _outing(cast)
        waiting = f.user()
        add_member(cast.group, waiting)
        rsvp.rsvp(event.id, cast.member)
        rsvp.rsvp(event.id, waiting)
        run_jobs(app)
        return event, waiting

    def test_a_new_time_reaches_going_and_waitlisted_but_not_the_changer(self, app, cast):
        event, waiting = self._going(app, cast)
        events.update_event(event.id, cast.organiser, {"starts_at": "2030-01-05T09:30", "ends_at": "2030-01-05T13:00"})
        run_jobs(app)
        assert kinds(cast.member)[-1] == "outing_changed" and kinds(waiting)[-1] == "outing_changed"
        assert "outing_changed" not in kinds(cast.organiser) and "outing_changed" not in kinds(cast.owner)
        assert "now starts Sat 05 Jan 2030, 09:30 CET" in text_of("outing_changed", inbox(cast.member)[-1].params)
        assert event.version == 2

    def test_a_new_title_alone_tells_nobody(self, app, cast):
        event, _ = self._going(app, cast)
        events.update_event(event.id, cast.organiser, {"title": "Lake loop, renamed"})
        assert queued() == [] and event.version == 1

    def test_cancelling_tells_those_going_and_waiting(self, app, cast):
        event, waiting = self._going(app, cast)
        events.cancel_event(event.id, cast.owner)
        run_jobs(app)
        assert kinds(cast.member)[-1] == kinds(waiting)[-1] == kinds(cast.organiser)[-1] == "outing_cancelled"
        assert "outing_cancelled" not in kinds(cast.owner)

    def test_moving_up_from_the_waitlist_is_told(self, app, cast):
        event, waiting = self._going(app, cast)
        rsvp.cancel(event.id, cast.member)
        run_jobs(app)
        assert kinds(waiting)[-1] == "waitlist_promoted"
        assert text_of("waitlist_promoted", inbox(waiting)[-1].params).startswith("A place freed up: you're going to")


class TestMeetingPoints:
    def test_a_moved_point_reaches_only_those_who_picked_it_with_old_and_new(self, app, cast):
        event = _outing(cast, capacity=10)
        point = meeting_points.add(
            event.id, cast.organiser, {"name": "Bridge", "lat": 52.51, "lon": 13.41, "meet_at": "2030-01-05T09:00"}
        )
        other = f.user()
        add_member(cast.group, other)
        rsvp.rsvp(event.id, cast.member, point.id)
        rsvp.rsvp(event.id, other)
        run_jobs(app)
        meeting_points.update(
            point.id, cast.organiser, {"name": "Old mill", "lat": 52.52, "lon": 13.41, "meet_at": "2030-01-05T09:15"}
        )
        run_jobs(app)
        assert kinds(cast.member)[-1] == "meeting_point_changed"
        assert "meeting_point_changed" not in kinds(other)
        said = text_of("meeting_point_changed", inbox(cast.member)[-1].params)
        assert said == "Lake loop: your meeting point moved from Bridge, 09:00 to Old mill, 09:15."

    def test_a_removed_point_says_where_they_meet_now(self, app, cast):
        event = _outing(cast, capacity=10)
        point = meeting_points.add(event.id, cast.organiser, {"name": "Bridge", "lat": 52.51, "lon": 13.41})
        rsvp.rsvp(event.id, cast.member, point.id)
        meeting_points.delete(point.id, cast.organiser)
        run_jobs(app)
        said = text_of("meeting_point_changed", inbox(cast.member)[-1].params)
        assert said == "Lake loop: your meeting point Bridge was removed; you now meet at the start, 08:30."


class TestGroupsAndThreads:
    def test_join_requests_reach_staff_and_approval_reaches_the_member(self, app, private_cast):
        newcomer = f.user()
        assert groups.join(private_cast.group.id, newcomer) == "pending"
        run_jobs(app)
        assert kinds(private_cast.owner) == kinds(private_cast.organiser) == ["join_request"]
        assert kinds(private_cast.member) == []
        groups.approve(private_cast.group.id, private_cast.organiser, newcomer.id)
        run_jobs(app)
        assert kinds(newcomer) == ["join_approved"]

    def test_replies_and_thread_posts_with_one_email_per_thread_an_hour(self, app, cast):
        event = _outing(cast, capacity=10)
        rsvp.rsvp(event.id, cast.member)
        first = discussion.create_post("event", event.id, cast.member, "Who brings the map?")
        discussion.create_post("event", event.id, cast.owner, "I do", parent_id=first.id)
        discussion.create_post("event", event.id, cast.owner, "And a compass")
        run_jobs(app)
        assert kinds(cast.member) == ["new_outing", "post_reply", "thread_post"]
        organiser_mail = [n.email_status for n in inbox(cast.organiser) if n.kind == "thread_post"]
        assert organiser_mail == ["sent", "none", "none"]  # three posts by others, one e-mail
        assert kinds(cast.owner) == ["new_outing"]  # not going: no thread posts; wrote the reply: not told of it
