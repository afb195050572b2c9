"""RSVP rules: going until capacity, a gap-free waitlist, promotion on cancel and on more capacity."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from planner.errors import Conflict, NotFound, ServiceError, Unauthorized
from planner.extensions import db
from planner.models import Event, Rsvp
from planner.services import access, events, meeting_points, rsvp
from tests import factories


@pytest.fixture
def full_event(cast):
    """An outing of the cast's group with capacity 2 and four people answering in order."""
    event = factories.event(cast.group, capacity=2)
    people = [factories.user(f"Person {i}") for i in range(4)]
    answers = [rsvp.rsvp(event.id, person) for person in people]
    return event, people, answers


def _statuses(event_id, people):
    return [(rsvp.my_rsvp(event_id, p) or {}).get("status") for p in people]


class TestRsvp:
    def test_going_until_capacity_then_waitlisted_with_positions(self, full_event):
        _event, _people, answers = full_event
        assert [a["status"] for a in answers] == ["going", "going", "waitlisted", "waitlisted"]
        assert [a.get("waitlist_position") for a in answers] == [None, None, 1, 2]

    def test_answering_again_keeps_the_place(self, full_event):
        event, people, _answers = full_event
        assert rsvp.rsvp(event.id, people[3])["waitlist_position"] == 2
        assert rsvp.counts(event.id) == {"going": 2, "waitlisted": 2}

    def test_a_public_group_is_joined_on_rsvp(self, cast, full_event):
        _event, people, _answers = full_event
        assert access.viewer(people[0]).role(cast.group.id) == "member"

    def test_a_private_group_needs_active_membership(self, private_cast):
        event = factories.event(private_cast.group)
        with pytest.raises(NotFound):
            rsvp.rsvp(event.id, private_cast.outsider)
        assert rsvp.rsvp(event.id, private_cast.member)["status"] == "going"

    def test_a_cancelled_outing_refuses_rsvps_and_nobody_joins_the_group(self, cast):
        event = factories.event(cast.group, status="cancelled")
        with pytest.raises(Conflict) as error:
            rsvp.rsvp(event.id, cast.outsider)
        assert error.value.code == "event_cancelled"
        assert access.viewer(cast.outsider).my_role(cast.group.id) is None

    def test_a_finished_outing_refuses_rsvps(self, cast):
        past = datetime.now(UTC) - timedelta(days=2)
        event = factories.event(cast.group, starts_at=past, ends_at=past + timedelta(hours=2))
        with pytest.raises(Conflict):
            rsvp.rsvp(event.id, cast.member)

    def test_anonymous_is_refused(self, cast):
        event = factories.event(cast.group)
        with pytest.raises(Unauthorized):
            rsvp.rsvp(event.id, None)

    def test_a_meeting_point_of_another_event_is_refused(self, cast):
        from planner.services import meeting_points

        event, other = factories.event(cast.group), factories.event(cast.group)
        point = meeting_points.add(other.id, cast.owner, {"name": "Elsewhere", "lat": 30.2, "lon": 120.1})
        with pytest.raises(ServiceError) as error:
            rsvp.rsvp(event.id, cast.member, point.id)
        assert error.value.field == "meeting_point_id"
        assert rsvp.my_rsvp(event.id, cast.member) is None


class TestCancel:
    def test_cancelling_moves_the_first_on_the_waitlist_up(self, full_event):
        event, people, _answers = full_event
        assert rsvp.cancel(event.id, people[0]) == {"status": "cancelled"}
        assert _statuses(event.id, people) == [None, "going", "going", "waitlisted"]
        assert rsvp.my_rsvp(event.id, people[3])["waitlist_position"] == 1

    def test_coming_back_after_cancelling_joins_the_end_of_the_queue(self, full_event):
        event, people, _answers = full_event
        rsvp.cancel(event.id, people[0])
        assert rsvp.rsvp(event.id, people[0]) == {
            "status": "waitlisted",
            "waitlist_position": 2,
            "meeting_point_id": None,
        }

    def test_cancelling_without_an_rsvp_is_404(self, cast):
        event = factories.event(cast.group)
        with pytest.raises(NotFound):
            rsvp.cancel(event.id, cast.member)


class TestCapacityChange:
    def test_raising_capacity_promotes_lowering_never_drops(self, cast, full_event):
        from planner.services import events

        event, people, _answers = full_event
        events.update_event(event.id, cast.owner, {"capacity": 3})
        assert _statuses(event.id, people) == ["going", "going", "going", "waitlisted"]
        events.update_event(event.id, cast.owner, {"capacity": 1})
        assert _statuses(event.id, people) == ["going", "going", "going", "waitlisted"]
        assert events.event_dict(event, cast.owner)["spots_left"] == 0
        rsvp.cancel(event.id, people[0])
        assert _statuses(event.id, people) == [None, "going", "going", "waitlisted"]


NEW_OUTING = {
    "title": "Ridge loop",
    "starts_at": "2030-05-01T09:00:00+08:00",
    "ends_at": "2030-05-01T15:00:00+08:00",
    "capacity": 2,
    "lat": 30.25,
    "lon": 120.15,
}


class TestOrganiserGoing:
    def test_the_organiser_who_creates_an_outing_is_going_and_counted(self, cast):
        event = events.create_event(cast.group.id, cast.organiser, NEW_OUTING)
        assert rsvp.my_rsvp(event.id, cast.organiser) == {"status": "going", "meeting_point_id": None}
        assert rsvp.counts(event.id) == {"going": 1, "waitlisted": 0}
        assert rsvp.rsvp(event.id, cast.member)["status"] == "going"
        assert rsvp.rsvp(event.id, cast.outsider) == {
            "status": "waitlisted",
            "meeting_point_id": None,
            "waitlist_position": 1,
        }

    def test_the_organiser_may_withdraw_and_the_waitlist_moves_up(self, cast):
        event = events.create_event(cast.group.id, cast.owner, {**NEW_OUTING, "capacity": 1})
        assert rsvp.rsvp(event.id, cast.member)["status"] == "waitlisted"
        rsvp.cancel(event.id, cast.owner)
        assert rsvp.my_rsvp(event.id, cast.owner) is None
        assert rsvp.my_rsvp(event.id, cast.member)["status"] == "going"

    def test_a_refused_outing_writes_no_event_and_no_rsvp(self, cast):
        def rows():
            return db.session.scalar(select(func.count()).select_from(Rsvp).where(Rsvp.user_id == cast.organiser.id))

        before = rows()
        with pytest.raises(ServiceError):
            events.create_event(cast.group.id, cast.organiser, {**NEW_OUTING, "ends_at": NEW_OUTING["starts_at"]})
        db.session.rollback()
        assert rows() == before
        assert db.session.scalar(select(func.count()).select_from(Event).where(Event.title == "Ridge loop")) == 0

    def test_the_api_create_answers_the_organiser_going(self, client, cast):
        from tests.community.conftest import bearer

        body = client.post(
            f"/api/v1/groups/{cast.group.id}/events", json=NEW_OUTING, headers=bearer(cast.organiser)
        ).get_json()
        assert (body["going_count"], body["spots_left"], body["my_rsvp"]["status"]) == (1, 1, "going")


class TestStateText:
    def test_where_and_when_you_join_in_the_outings_zone(self, cast):
        event = factories.event(
            cast.group, starts_at=datetime(2030, 5, 1, 1, 0, tzinfo=UTC), ends_at=datetime(2030, 5, 1, 8, tzinfo=UTC)
        )
        lake = meeting_points.add(
            event.id, cast.owner, {"name": "Lake break", "lat": 30.26, "lon": 120.16, "meet_at": "2030-05-01T12:00"}
        )
        bare = meeting_points.add(event.id, cast.owner, {"name": "Bridge", "lat": 30.27, "lon": 120.17})
        going = rsvp.rsvp(event.id, cast.member, lake.id)
        assert rsvp.state_text(event, going) == "You're going: meet at Lake break, 12:00"
        assert rsvp.state_text(event, rsvp.rsvp(event.id, cast.member)) == "You're going: meet at the start, 09:00"
        assert rsvp.state_text(event, rsvp.rsvp(event.id, cast.member, bare.id)) == "You're going: meet at Bridge"
        waiting = {"status": "waitlisted", "meeting_point_id": lake.id, "waitlist_position": 3}
        assert rsvp.state_text(event, waiting) == (
            "You're on the waitlist: number 3; if a place frees up, meet at Lake break, 12:00"
        )


class TestRsvpApi:
    def test_post_and_delete_answer_as_the_contract_says(self, client, cast):
        from tests.community.conftest import bearer

        event = factories.event(cast.group, capacity=1)
        url = f"/api/v1/events/{event.id}/rsvp"
        assert client.post(url, headers=bearer(cast.member)).get_json()["status"] == "going"
        waiting = client.post(url, headers=bearer(cast.outsider)).get_json()
        assert (waiting["status"], waiting["waitlist_position"]) == ("waitlisted", 1)
        assert client.delete(url, headers=bearer(cast.member)).get_json() == {"status": "cancelled"}
        mine = client.get(f"/api/v1/events/{event.id}", headers=bearer(cast.outsider)).get_json()["my_rsvp"]
        assert mine["status"] == "going"

    def test_a_body_that_is_not_an_object_is_400(self, client, cast):
        from tests.community.conftest import bearer

        event = factories.event(cast.group)
        response = client.post(
            f"/api/v1/events/{event.id}/rsvp", data="[1]", content_type="application/json", headers=bearer(cast.member)
        )
        assert response.status_code == 400
