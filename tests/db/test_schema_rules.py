"""The database itself refuses rows that break the rules, whatever the Python code does."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from planner.extensions import db
from planner.models import Event, Membership, Post, Rsvp
from tests import factories as f


def refused(fn, error=IntegrityError):
    """Run fn in a savepoint and assert the database refuses it."""
    with pytest.raises(error):
        with db.session.begin_nested():
            fn()
            db.session.flush()


@pytest.fixture
def world(ctx):
    owner = f.user()
    grp = f.group(owner)
    return {"owner": owner, "group": grp, "event": f.event(grp)}


class TestEventRules:
    def test_capacity_zero_is_refused(self, world):
        refused(lambda: db.session.add(_event(world, capacity=0)))

    def test_ends_before_starts_is_refused(self, world):
        e = _event(world)
        e.ends_at = e.starts_at - timedelta(minutes=1)
        refused(lambda: db.session.add(e))

    def test_unknown_timezone_is_refused(self, world):
        refused(lambda: db.session.add(_event(world, timezone="Mars/Olympus_Mons")), DBAPIError)

    def test_unknown_activity_is_refused(self, world):
        refused(lambda: db.session.add(_event(world, activity="teleporting")))

    def test_a_valid_event_is_accepted(self, world):
        db.session.add(_event(world))
        db.session.flush()


class TestRsvpRules:
    def test_a_second_rsvp_by_the_same_user_is_refused(self, world):
        db.session.add(Rsvp(event_id=world["event"].id, user_id=world["owner"].id, status="going"))
        db.session.flush()
        refused(
            lambda: db.session.add(Rsvp(event_id=world["event"].id, user_id=world["owner"].id, status="waitlisted"))
        )

    def test_an_unknown_status_is_refused(self, world):
        refused(lambda: db.session.add(Rsvp(event_id=world["event"].id, user_id=world["owner"].id, status="maybe")))

    def test_a_meeting_point_of_another_event_is_refused(self, world):
        other = f.event(world["group"])
        mp_id = db.session.execute(
            text(
                "INSERT INTO meeting_points (event_id, name, point) VALUES (:e, 'Gate', 'SRID=4326;POINT(120 30)') RETURNING id"
            ),
            {"e": other.id},
        ).scalar_one()
        refused(
            lambda: db.session.add(
                Rsvp(event_id=world["event"].id, user_id=world["owner"].id, status="going", meeting_point_id=mp_id)
            )
        )


class TestPostRules:
    def test_a_post_on_both_an_event_and_a_group_is_refused(self, world):
        refused(lambda: db.session.add(_post(world, event_id=world["event"].id, group_id=world["group"].id)))

    def test_a_post_on_no_thread_is_refused(self, world):
        refused(lambda: db.session.add(_post(world)))

    def test_a_reply_on_another_thread_is_refused(self, world):
        parent = _post(world, group_id=world["group"].id)
        db.session.add(parent)
        db.session.flush()
        refused(lambda: db.session.add(_post(world, event_id=world["event"].id, parent_id=parent.id)))

    def test_a_reply_on_the_same_thread_is_accepted(self, world):
        parent = _post(world, group_id=world["group"].id)
        db.session.add(parent)
        db.session.flush()
        db.session.add(_post(world, group_id=world["group"].id, parent_id=parent.id))
        db.session.flush()


class TestMembershipRules:
    def test_a_second_owner_is_refused(self, world):
        other = f.user()
        refused(lambda: db.session.add(Membership(group_id=world["group"].id, user_id=other.id, role="owner")))

    def test_a_second_membership_is_refused(self, world):
        refused(lambda: db.session.add(Membership(group_id=world["group"].id, user_id=world["owner"].id)))

    def test_a_pending_organiser_is_refused(self, world):
        other = f.user()
        refused(
            lambda: db.session.add(
                Membership(group_id=world["group"].id, user_id=other.id, role="organiser", status="pending")
            )
        )


class TestUserRules:
    def test_an_upper_case_email_is_refused(self, ctx):
        refused(
            lambda: db.session.execute(
                text("INSERT INTO users (email, password_hash, display_name) VALUES ('A@B.org', 'x', 'A')")
            )
        )


def _event(world, **kw) -> Event:
    """An unsaved event of the world's group."""
    base = world["event"]
    fields = dict(
        group_id=base.group_id,
        title="T",
        starts_at=base.starts_at,
        ends_at=base.ends_at,
        timezone="Asia/Shanghai",
        capacity=5,
        activity="hiking",
        start=f.point(30.2, 120.1),
    )
    fields.update(kw)
    return Event(**fields)


def _post(world, **kw) -> Post:
    """An unsaved post by the world's owner."""
    return Post(author_id=world["owner"].id, body_md="hi", body_html="<p>hi</p>", **kw)
