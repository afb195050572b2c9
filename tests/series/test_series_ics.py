"""A series as iCalendar: one VEVENT with RRULE, EXDATE and RECURRENCE-ID overrides that calendar software expands
(recurring-ical-events) into exactly the app's occurrences, across DST changes too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import recurring_ical_events
from icalendar import Calendar

from planner.services import series
from planner.times import now_utc
from tests.series.conftest import BERLIN, bearer, create, next_weekday, offset_changes, soon


def _expanded(client, series_id: int) -> set[tuple[datetime, datetime, str]]:
    """(start, end, summary) of every instance a calendar would show for the series' .ics."""
    response = client.get(f"/api/v1/series/{series_id}.ics")
    assert (response.status_code, response.mimetype) == (200, "text/calendar")
    calendar = Calendar.from_ical(response.data)
    instances = recurring_ical_events.of(calendar).between(
        now_utc() - timedelta(days=400), now_utc() + timedelta(days=800)
    )
    return {(i["DTSTART"].dt.astimezone(UTC), i["DTEND"].dt.astimezone(UTC), str(i["SUMMARY"])) for i in instances}


def _apps(client, series_id: int) -> set[tuple[datetime, datetime, str]]:
    """(start, end, title) of the series' scheduled occurrences, as the API lists them."""
    rows = client.get(f"/api/v1/series/{series_id}").get_json()["occurrences"]
    return {
        (datetime.fromisoformat(o["starts_at"]), datetime.fromisoformat(o["ends_at"]), o["title"])
        for o in rows
        if o["status"] == "scheduled"
    }


def test_cancelled_and_edited_occurrences_expand_to_exactly_the_apps(client, cast):
    starts = next_weekday(5, soon(), 9, BERLIN)
    first = create(client, cast, starts, "FREQ=WEEKLY;BYDAY=SA;COUNT=6").get_json()
    ids = [o["id"] for o in client.get(f"/api/v1/series/{first['series_id']}").get_json()["occurrences"]]
    headers = bearer(cast.organiser)
    client.post(f"/api/v1/events/{ids[2]}/cancel", headers=headers)
    client.patch(f"/api/v1/events/{ids[1]}", json={"title": "Lake ride"}, headers=headers)
    moved = (starts + timedelta(weeks=4)).replace(hour=7, minute=30)
    client.patch(
        f"/api/v1/events/{ids[4]}",
        json={"starts_at": moved.isoformat(), "ends_at": (moved + timedelta(hours=2)).isoformat()},
        headers=headers,
    )
    calendar = Calendar.from_ical(client.get(f"/api/v1/series/{first['series_id']}.ics").data)
    vevents = calendar.walk("VEVENT")
    master = [v for v in vevents if "RRULE" in v]
    assert len(master) == 1 and "EXDATE" in master[0]
    assert len([v for v in vevents if "RECURRENCE-ID" in v]) == 2
    assert {str(v["UID"]) for v in vevents} == {f"series-{first['series_id']}@planner"}
    apps = _apps(client, first["series_id"])
    assert len(apps) == 5
    assert _expanded(client, first["series_id"]) == apps


def test_a_series_across_both_dst_changes_expands_to_exactly_the_apps(client, cast):
    first_change, second_change = offset_changes(BERLIN, now_utc() + timedelta(days=8))
    starts = next_weekday(5, (first_change - timedelta(days=15)).date(), 9, BERLIN)
    until = (second_change + timedelta(days=14)).strftime("%Y%m%d")
    first = create(client, cast, starts, f"FREQ=WEEKLY;BYDAY=SA;UNTIL={until}").get_json()
    now = now_utc()
    while now <= second_change + timedelta(days=14):
        series.fill_all(now)
        now += timedelta(weeks=4)
    apps = _apps(client, first["series_id"])
    assert len(apps) > 30
    assert _expanded(client, first["series_id"]) == apps
