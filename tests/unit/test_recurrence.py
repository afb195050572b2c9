"""planner.recurrence: rules are checked, canonical and read aloud; any rule text is a rule or a 400, never a crash."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import recurrence
from planner.errors import ServiceError

NOW = datetime(2026, 12, 7, tzinfo=UTC)
START = datetime(2027, 3, 20, 8, 0, tzinfo=UTC)  # Saturday 09:00 in Berlin (CET)


class TestCheck:
    def test_weekly_keeps_the_wall_clock_across_the_march_change(self):
        rule = recurrence.check("FREQ=WEEKLY;COUNT=3", START, "Europe/Berlin", NOW)
        starts = [recurrence.occurrence_start(day, time(9), "Europe/Berlin") for day in rule.dates]
        assert [s.hour for s in starts] == [8, 8, 7]  # 09:00 CET twice, then 09:00 CEST (from 28 March)
        assert rule.dates == (date(2027, 3, 20), date(2027, 3, 27), date(2027, 4, 3))

    def test_until_is_stored_in_utc_and_a_date_means_the_whole_local_day(self):
        rule = recurrence.check("rrule:freq=weekly;until=20270403", START, "Europe/Berlin", NOW)
        assert rule.text == "FREQ=WEEKLY;UNTIL=20270403T215959Z"
        assert rule.dates[-1] == date(2027, 4, 3)

    def test_a_skipped_local_time_moves_on_by_the_gap(self):
        assert recurrence.occurrence_start(date(2027, 3, 28), time(2, 30), "Europe/Berlin") == datetime(
            2027, 3, 28, 1, 30, tzinfo=UTC
        )

    def test_split_keeps_the_count_of_what_is_left(self):
        rule = recurrence.check("FREQ=WEEKLY;COUNT=6", START, "Europe/Berlin", NOW)
        head, tail = recurrence.split(rule.text, list(rule.dates), rule.dates[2], datetime(2027, 4, 3, 7, tzinfo=UTC))
        assert (head, tail) == ("FREQ=WEEKLY;UNTIL=20270403T065959Z", "FREQ=WEEKLY;COUNT=4")


@pytest.mark.parametrize(
    ("rule", "locale", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=SA;COUNT=3", "en", ("every %(days)s", {"days": "Saturday"})),
        ("FREQ=WEEKLY;BYDAY=SA;COUNT=3", "zh_Hans", ("every %(days)s", {"days": "周六"})),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=3",
            "en",
            ("every %(n)s weeks on %(days)s", {"n": 2, "days": "Tuesday and Thursday"}),
        ),
        ("FREQ=MONTHLY;BYDAY=-1SU;COUNT=3", "en", ("last %(day)s of every month", {"day": "Sunday"})),
        ("FREQ=MONTHLY;COUNT=3", "en", ("every month on day %(day)s", {"day": "20"})),
        ("FREQ=DAILY;COUNT=3", "en", ("every day", {})),
        ("FREQ=YEARLY;COUNT=2", "en", ("repeats", {})),
    ],
)
def test_labels(rule, locale, text):
    assert recurrence.label(rule, date(2027, 3, 20), locale) == text


PARTS = st.fixed_dictionaries(
    {},
    optional={
        "FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "X"]),
        "INTERVAL": st.integers(-2, 120).map(str),
        "COUNT": st.integers(-1, 260).map(str),
        "UNTIL": st.sampled_from(["20270101", "20271231T120000Z", "20290101", "2027", "20270230"]),
        "BYDAY": st.lists(
            st.builds(
                lambda n, d: n + d,
                st.sampled_from(["", "1", "-1", "5", "9", "+2"]),
                st.sampled_from(["MO", "SA", "XX"]),
            ),
            min_size=1,
            max_size=3,
        ).map(",".join),
        "BYMONTH": st.lists(st.integers(0, 13).map(str), min_size=1, max_size=2).map(",".join),
        "BYMONTHDAY": st.lists(st.integers(-32, 32).map(str), min_size=1, max_size=2).map(",".join),
        "BYSETPOS": st.integers(-6, 6).map(str),
        "BYHOUR": st.just("9"),
    },
)


@settings(max_examples=300, deadline=None)
@given(PARTS)
def test_any_rule_is_checked_or_refused_naming_the_field(parts):
    text = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        rule = recurrence.check(text, START, "Europe/Berlin", NOW)
    except ServiceError as error:
        assert (error.code, error.field) == ("invalid_rrule", "recurrence.rrule")
        return
    assert 1 <= len(rule.dates) <= recurrence.MAX_OCCURRENCES
    assert len(set(rule.dates)) == len(rule.dates)
    assert recurrence.local_dates(rule.text, rule.dates[0], time(9), "Europe/Berlin") == list(rule.dates)
