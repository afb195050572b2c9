"""A series keeps its local time of day through daylight-saving changes, north and south, as the window job runs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.services import series
from planner.times import now_utc
from tests.series.conftest import BERLIN, SYDNEY, create, next_weekday, offset_changes


def _run_the_job_weekly_until(moment: datetime) -> None:
    """The hourly window job as weeks pass (its `now` given), up to moment."""
    now = now_utc()
    while now <= moment:
        series.fill_all(now)
        now += timedelta(weeks=1)


@pytest.mark.parametrize(
    ("tz", "weekday", "hour"),
    [(BERLIN, 5, 9), (SYDNEY, 6, 7)],
    ids=["Berlin Saturdays 09:00 (March and October)", "Sydney Sundays 07:00 (April and October)"],
)
def test_every_occurrence_is_at_the_same_local_time_across_both_changes(client, cast, tz, weekday, hour):
    first_change, second_change = offset_changes(tz, now_utc() + timedelta(days=8))
    starts = next_weekday(weekday, (first_change - timedelta(days=15)).date(), hour, tz)
    until = (second_change + timedelta(days=14)).strftime("%Y%m%d")
    first = create(client, cast, starts, f"FREQ=WEEKLY;BYDAY={'SA' if weekday == 5 else 'SU'};UNTIL={until}")
    assert first.status_code == 201, first.get_json()
    _run_the_job_weekly_until(second_change + timedelta(days=14))
    rows = client.get(f"/api/v1/series/{first.get_json()['series_id']}").get_json()["occurrences"]
    locals_ = [datetime.fromisoformat(o["starts_at"]).astimezone(ZoneInfo(tz)) for o in rows]
    assert locals_[0] < first_change < second_change < locals_[-1]
    assert {moment.time() for moment in locals_} == {time(hour)}
    assert all((b.date() - a.date()).days == 7 for a, b in zip(locals_, locals_[1:]))
    offsets = [moment.utcoffset() for moment in locals_]
    assert len(set(offsets)) == 2  # both offsets seen: the UTC instant moved, the local time did not
    utc_gaps = {b.astimezone(ZoneInfo("UTC")) - a.astimezone(ZoneInfo("UTC")) for a, b in zip(locals_, locals_[1:])}
    assert utc_gaps == {timedelta(weeks=1), timedelta(weeks=1, hours=1), timedelta(weeks=1, hours=-1)}
    assert [o["going_count"] for o in rows] == [1] * len(rows)  # the job answered for the organiser on each new one


def test_the_job_makes_nothing_twice_and_nothing_past_the_rules_end(client, cast):
    starts = next_weekday(5, (now_utc() + timedelta(days=7)).date(), 9, BERLIN)
    first = create(client, cast, starts, "FREQ=WEEKLY;COUNT=12").get_json()
    _run_the_job_weekly_until(now_utc() + timedelta(weeks=20))
    assert series.fill_all(now_utc() + timedelta(weeks=4)) == 0
    rows = client.get(f"/api/v1/series/{first['series_id']}").get_json()["occurrences"]
    assert len(rows) == 12
    assert len({o["occurrence_date"] for o in rows}) == 12
