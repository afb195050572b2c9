"""Creating a series through the API: occurrences for the window, GET /series/{id}, bad rules refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.models import Event, EventSeries, Rsvp, SeriesFollower
from planner.services.series import WINDOW
from planner.times import now_utc
from tests.series.conftest import BERLIN, bearer, create, next_weekday, soon


def _counts() -> tuple[int, int, int, int]:
    """Rows in events, event_series, series_followers and rsvps."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Event, EventSeries, SeriesFollower, Rsvp)
    )


class TestCreateSeries:
    def test_a_weekly_series_answers_its_first_occurrence_and_makes_the_window(self, client, cast):
        starts = next_weekday(5, soon(), 9, BERLIN)
        response = create(client, cast, starts, "FREQ=WEEKLY;BYDAY=SA;COUNT=20")
        assert response.status_code == 201, response.get_json()
        first = response.get_json()
        assert first["series_id"] is not None
        assert first["repeats"] == "every Saturday"
        assert datetime.fromisoformat(first["starts_at"]) == starts
        series = client.get(f"/api/v1/series/{first['series_id']}").get_json()
        assert series["rrule"] == "FREQ=WEEKLY;COUNT=20;BYDAY=SA"
        assert series["timezone"] == BERLIN
        starts_list = [datetime.fromisoformat(o["starts_at"]) for o in series["occurrences"]]
        assert starts_list[0] == starts
        assert all(b - a == timedelta(weeks=1) for a, b in zip(starts_list, starts_list[1:]))
        assert max(starts_list) <= now_utc() + WINDOW < max(starts_list) + timedelta(weeks=1)
        assert all(o["going_count"] == 1 for o in series["occurrences"])  # the organiser goes to every one

    def test_the_first_occurrence_is_the_rules_first_date_from_starts_at(self, client, cast):
        friday = next_weekday(4, soon(), 18, BERLIN)
        first = create(client, cast, friday, "FREQ=WEEKLY;BYDAY=TU,SA;COUNT=4").get_json()
        local = datetime.fromisoformat(first["starts_at"]).astimezone(ZoneInfo(BERLIN))
        assert (local.weekday(), local.hour, (local.date() - friday.date()).days) == (5, 18, 1)
        assert first["repeats"] == "every Tuesday and Saturday"

    def test_monthly_on_the_first_saturday_every_two_weeks_and_until(self, client, cast):
        starts = next_weekday(5, soon(), 8, BERLIN)
        monthly = create(client, cast, starts, "FREQ=MONTHLY;BYDAY=1SA;COUNT=3").get_json()
        assert monthly["repeats"] == "first Saturday of every month"
        days = [
            o["occurrence_date"] for o in client.get(f"/api/v1/series/{monthly['series_id']}").get_json()["occurrences"]
        ]
        assert all(int(day[8:]) <= 7 and datetime.fromisoformat(day).weekday() == 5 for day in days)
        until = (starts + timedelta(weeks=4)).strftime("%Y%m%d")
        fortnightly = create(client, cast, starts, f"RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL={until}").get_json()
        series = client.get(f"/api/v1/series/{fortnightly['series_id']}").get_json()
        assert fortnightly["repeats"] == "every 2 weeks on Saturday"
        assert len(series["occurrences"]) == 3  # weeks 0, 2 and 4: UNTIL is the whole local day, inclusive

    def test_an_unknown_series_is_a_404(self, client, cast):
        assert client.get("/api/v1/series/999999").status_code == 404


BAD_RULES = [
    ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "unparseable"),
    ("every saturday", "unparseable"),
    ("FREQ=HOURLY;COUNT=3", "unparseable"),
    ("FREQ=WEEKLY;BYHOUR=9;COUNT=3", "a time of day"),
    ("FREQ=WEEKLY;BYDAY=SA", "no end"),
    ("FREQ=WEEKLY;BYDAY=SA;UNTIL=20990101", "no end within two years"),
    ("FREQ=YEARLY;COUNT=4", "no end within two years"),
    ("FREQ=WEEKLY;COUNT=201", "more than 200"),
    ("FREQ=DAILY;UNTIL={in_a_year}", "more than 200"),
    ("FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", "produces nothing"),
    ("FREQ=WEEKLY;INTERVAL=2;UNTIL={yesterday}", "produces nothing"),
    ("FREQ=WEEKLY;BYDAY=SA;UNTIL=2027", "unparseable"),
]


class TestBadRules:
    @pytest.mark.parametrize(("rule", "why"), BAD_RULES, ids=[why for _, why in BAD_RULES])
    def test_a_bad_rule_is_a_400_naming_the_field_and_writes_nothing(self, client, cast, rule, why):
        starts = next_weekday(5, soon(), 9, BERLIN)
        rule = rule.format(
            in_a_year=(starts + timedelta(days=365)).strftime("%Y%m%d"),
            yesterday=(starts - timedelta(days=1)).strftime("%Y%m%d"),
        )
        before = _counts()
        response = create(client, cast, starts, rule)
        assert response.status_code == 400, (why, response.get_json())
        error = response.get_json()["error"]
        assert (error["code"], error["field"]) == ("invalid_rrule", "recurrence.rrule")
        assert "recurrence.rrule" in error["message"]
        assert _counts() == before

    @pytest.mark.parametrize("recurrence", [{"rrule": 5}, {"rrule": ""}, {}, "FREQ=WEEKLY", ["x"]])
    def test_a_malformed_recurrence_is_a_400(self, client, cast, recurrence):
        starts = next_weekday(5, soon(), 9, BERLIN)
        response = client.post(
            f"/api/v1/groups/{cast.group.id}/events",
            json={**_plain(starts), "recurrence": recurrence},
            headers=bearer(cast.organiser),
        )
        assert response.status_code == 400
        assert response.get_json()["error"]["field"].startswith("recurrence")

    def test_members_may_not_create_a_series(self, client, cast):
        starts = next_weekday(5, soon(), 9, BERLIN)
        response = client.post(
            f"/api/v1/groups/{cast.group.id}/events",
            json={**_plain(starts), "recurrence": {"rrule": "FREQ=WEEKLY;COUNT=3"}},
            headers=bearer(cast.member),
        )
        assert response.status_code == 403


def _plain(starts: datetime) -> dict:
    return {
        "title": "Ride",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": 5,
        "lat": 52.52,
        "lon": 13.4,
    }


def test_an_occurrence_may_last_at_most_a_week(client, cast):
    starts = next_weekday(5, soon(), 9, BERLIN)
    before = _counts()
    response = create(client, cast, starts, "FREQ=MONTHLY;COUNT=3", hours=24 * 8)
    assert (response.status_code, response.get_json()["error"]["field"]) == (400, "ends_at")
    assert _counts() == before
