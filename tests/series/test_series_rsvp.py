"""Going to every occurrence: answered for each one (waitlisted where full), withdrawing from one, the waitlists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from planner.services import series
from planner.times import now_utc
from tests.series.conftest import BERLIN, bearer, create, next_weekday, soon


@pytest.fixture
def made(client, cast) -> dict:
    """A weekly series of 4 for two people (the organiser goes to every one)."""
    starts = next_weekday(5, soon(), 9, BERLIN)
    first = create(client, cast, starts, "FREQ=WEEKLY;COUNT=12", capacity=2).get_json()
    return {"series_id": first["series_id"]}


def _mine(client, user, made) -> list[str | None]:
    """user's answer to each occurrence made so far, soonest first."""
    rows = client.get(f"/api/v1/series/{made['series_id']}").get_json()["occurrences"]
    answers = [client.get(f"/api/v1/events/{o['id']}", headers=bearer(user)).get_json()["my_rsvp"] for o in rows]
    return [a and (a["status"] + (f" {a['waitlist_position']}" if a.get("waitlist_position") else "")) for a in answers]


def test_going_to_every_one_then_withdrawing_from_one_moves_that_waitlist_only(client, cast, made):
    url = f"/api/v1/series/{made['series_id']}/rsvp"
    assert client.post(url, headers=bearer(cast.member)).get_json() == {"going_to_every_one": True}
    assert client.post(url, headers=bearer(cast.outsider)).status_code == 200  # a public group: joins it
    count = len(_mine(client, cast.member, made))
    assert 6 <= count <= 8  # the window: 8 weeks from now
    assert _mine(client, cast.member, made) == ["going"] * count
    assert _mine(client, cast.outsider, made) == ["waitlisted 1"] * count
    third = client.get(f"/api/v1/series/{made['series_id']}").get_json()["occurrences"][2]["id"]
    assert client.delete(f"/api/v1/events/{third}/rsvp", headers=bearer(cast.member)).status_code == 200
    assert _mine(client, cast.member, made)[2] is None
    assert _mine(client, cast.outsider, made) == ["waitlisted 1"] * 2 + ["going"] + ["waitlisted 1"] * (count - 3)
    series_row = client.get(f"/api/v1/series/{made['series_id']}", headers=bearer(cast.member)).get_json()
    assert series_row["going_to_every_one"] is True


def test_occurrences_made_later_answer_the_followers_first_come_first(client, cast, made):
    client.post(f"/api/v1/series/{made['series_id']}/rsvp", headers=bearer(cast.outsider))
    client.post(f"/api/v1/series/{made['series_id']}/rsvp", headers=bearer(cast.member))
    assert series.fill_all(now_utc() + timedelta(weeks=4)) == 4
    assert _mine(client, cast.outsider, made)[-4:] == ["going"] * 4
    assert _mine(client, cast.member, made)[-4:] == ["waitlisted 1"] * 4


def test_stopping_withdraws_from_the_upcoming_ones_and_no_more_are_answered(client, cast, made):
    url = f"/api/v1/series/{made['series_id']}/rsvp"
    client.post(url, headers=bearer(cast.member))
    assert client.delete(url, headers=bearer(cast.member)).get_json() == {"going_to_every_one": False}
    series.fill_all(now_utc() + timedelta(weeks=4))
    assert set(_mine(client, cast.member, made)) == {None}
    assert client.delete(url, headers=bearer(cast.member)).status_code == 404


def test_a_private_groups_series_needs_membership(client, private_cast):
    from tests.series.conftest import create as make

    starts = next_weekday(5, soon(), 9, BERLIN)
    first = make(client, private_cast, starts, "FREQ=WEEKLY;COUNT=3").get_json()
    url = f"/api/v1/series/{first['series_id']}/rsvp"
    assert client.post(url, headers=bearer(private_cast.outsider)).status_code == 404
    assert client.get(f"/api/v1/series/{first['series_id']}").status_code == 404
    assert client.post(url).status_code == 401
