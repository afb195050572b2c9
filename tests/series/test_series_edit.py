"""Editing a series through an occurrence: this one, this and following, all; cancelling one; past ones never change."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from planner.extensions import db
from planner.models import Event
from planner.services import series
from planner.times import now_utc
from tests.series.conftest import BERLIN, bearer, create, next_weekday, soon


@pytest.fixture
def made(client, cast) -> dict:
    """A weekly Saturday 09:00 Berlin series of 6 (all within the window); its series id and occurrence ids."""
    starts = next_weekday(5, soon(), 9, BERLIN)
    first = create(client, cast, starts, "FREQ=WEEKLY;BYDAY=SA;COUNT=6").get_json()
    rows = client.get(f"/api/v1/series/{first['series_id']}").get_json()["occurrences"]
    assert len(rows) == 6
    return {"series_id": first["series_id"], "ids": [o["id"] for o in rows]}


def _patch(client, cast, event_id: int, **body):
    return client.patch(f"/api/v1/events/{event_id}", json=body, headers=bearer(cast.organiser))


def _events(ids: list[int]) -> list[dict]:
    db.session.expire_all()
    rows = [db.session.get(Event, event_id) for event_id in ids]
    return [
        {
            "title": e.title,
            "capacity": e.capacity,
            "clock": e.starts_at.astimezone(ZoneInfo(e.timezone)).time(),
            "series_id": e.series_id,
            "own": e.own_fields,
            "status": e.status,
        }
        for e in rows
    ]


class TestScopes:
    def test_this_one_changes_alone_and_remembers_what_it_changed(self, client, cast, made):
        response = _patch(client, cast, made["ids"][1], title="Ride to the lake")
        assert response.status_code == 200
        rows = _events(made["ids"])
        assert [r["title"] for r in rows] == ["Saturday ride", "Ride to the lake", *["Saturday ride"] * 4]
        assert rows[1]["own"] == ["title"] and rows[0]["own"] == []

    def test_all_reaches_every_upcoming_occurrence_but_not_what_one_changed_on_its_own(self, client, cast, made):
        _patch(client, cast, made["ids"][1], title="Ride to the lake")
        _patch(client, cast, made["ids"][2], starts_at=_at(made["ids"][2], 8).isoformat())
        response = _patch(client, cast, made["ids"][4], scope="all", title="Club ride", capacity=9)
        assert response.status_code == 200, response.get_json()
        rows = _events(made["ids"])
        assert [r["title"] for r in rows] == ["Club ride", "Ride to the lake", *["Club ride"] * 4]
        assert {r["capacity"] for r in rows} == {9}
        assert rows[2]["clock"] == time(8)  # its own time stays
        series_row = client.get(f"/api/v1/series/{made['series_id']}").get_json()
        assert series_row["title"] == "Club ride"

    def test_all_moves_the_time_of_day_except_an_occurrence_with_its_own_time(self, client, cast, made):
        _patch(client, cast, made["ids"][3], starts_at=_at(made["ids"][3], 8).isoformat())
        response = _patch(
            client,
            cast,
            made["ids"][0],
            scope="all",
            starts_at=_at(made["ids"][0], 10).isoformat(),
            ends_at=_at(made["ids"][0], 14).isoformat(),
        )
        assert response.status_code == 200, response.get_json()
        rows = _events(made["ids"])
        assert [r["clock"] for r in rows] == [time(10)] * 3 + [time(8)] + [time(10)] * 2
        assert all(
            e.ends_at - e.starts_at == timedelta(hours=4) for e in map(_row, made["ids"]) if e.id != made["ids"][3]
        )

    def test_this_and_following_splits_the_series_there(self, client, cast, made):
        response = _patch(client, cast, made["ids"][2], scope="following", title="Summer ride", capacity=20)
        assert response.status_code == 200, response.get_json()
        rows = _events(made["ids"])
        assert [r["title"] for r in rows] == ["Saturday ride"] * 2 + ["Summer ride"] * 4
        assert [r["capacity"] for r in rows] == [5, 5, 20, 20, 20, 20]
        head = client.get(f"/api/v1/series/{made['series_id']}").get_json()
        tail = client.get(f"/api/v1/series/{rows[2]['series_id']}").get_json()
        assert rows[2]["series_id"] != made["series_id"]
        assert [o["id"] for o in head["occurrences"]] == made["ids"][:2]
        assert [o["id"] for o in tail["occurrences"]] == made["ids"][2:]
        assert "UNTIL=" in head["rrule"] and "COUNT" not in head["rrule"]
        assert "COUNT=4" in tail["rrule"]
        assert series.fill_all(now_utc() + timedelta(weeks=10)) == 0  # neither part makes anything again

    def test_past_occurrences_never_change(self, client, cast, made):
        past = made["ids"][0]
        db.session.execute(
            update(Event)
            .where(Event.id == past)
            .values(starts_at=Event.starts_at - timedelta(days=30), ends_at=Event.ends_at - timedelta(days=30))
        )
        db.session.commit()
        _patch(
            client, cast, made["ids"][1], scope="all", title="Club ride", starts_at=_at(made["ids"][1], 11).isoformat()
        )
        rows = _events(made["ids"])
        assert (rows[0]["title"], rows[0]["clock"]) == ("Saturday ride", time(9))
        assert [r["title"] for r in rows[1:]] == ["Club ride"] * 5

    def test_a_series_change_to_another_day_is_a_400_and_changes_nothing(self, client, cast, made):
        sunday = _at(made["ids"][1], 9) + timedelta(days=1)
        ends = sunday + timedelta(hours=3)
        response = _patch(
            client, cast, made["ids"][1], scope="all", starts_at=sunday.isoformat(), ends_at=ends.isoformat(), title="X"
        )
        assert response.status_code == 400
        assert response.get_json()["error"]["field"] == "starts_at"
        assert {r["title"] for r in _events(made["ids"])} == {"Saturday ride"}

    def test_a_bad_scope_is_a_400(self, client, cast, made):
        response = _patch(client, cast, made["ids"][1], scope="everything", title="X")
        assert (response.status_code, response.get_json()["error"]["field"]) == (400, "scope")


class TestCancelOne:
    def test_cancelling_one_leaves_the_rest_and_the_job_does_not_bring_it_back(self, client, cast, made):
        response = client.post(f"/api/v1/events/{made['ids'][2]}/cancel", headers=bearer(cast.organiser))
        assert response.status_code == 200
        series.fill_all(now_utc())
        statuses = [o["status"] for o in client.get(f"/api/v1/series/{made['series_id']}").get_json()["occurrences"]]
        assert statuses == ["scheduled", "scheduled", "cancelled", "scheduled", "scheduled", "scheduled"]


def _row(event_id: int) -> Event:
    row = db.session.get(Event, event_id)
    assert row is not None
    return row


def _at(event_id: int, hour: int) -> datetime:
    """The occurrence's local day at hour:00 in Berlin."""
    local = _row(event_id).starts_at.astimezone(ZoneInfo(BERLIN))
    return local.replace(hour=hour, minute=0)
