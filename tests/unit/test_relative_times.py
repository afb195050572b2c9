"""planner.times: relative post times ("2 h ago", "yesterday", "3 Dec") and wall-clock meeting times."""

from datetime import UTC, datetime, timedelta

import pytest

from planner.times import clock_text, relative_text

NOW = datetime(2026, 12, 4, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=-30), "just now"),  # a clock a little ahead is not "in the future"
        (timedelta(minutes=1), "1 min ago"),
        (timedelta(minutes=59, seconds=59), "59 min ago"),
        (timedelta(hours=1), "1 h ago"),
        (timedelta(hours=2, minutes=40), "2 h ago"),
        (timedelta(hours=23, minutes=59), "23 h ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=2, hours=1), "2 Dec"),
        (timedelta(days=340), "29 Dec 2025"),
    ],
)
def test_relative_text_in_utc(ago, expected):
    assert relative_text(NOW - ago, NOW, "UTC") == expected


def test_yesterday_is_counted_in_the_viewers_zone():
    # At 20:30 UTC on 4 Dec it is 09:30 on 5 Dec in Auckland (UTC+13) and 12:30 on 4 Dec in Los Angeles (UTC-8).
    moment = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert relative_text(moment, NOW, "Pacific/Auckland") == "3 Dec"  # 23:00 on 3 Dec there
    assert relative_text(moment, NOW, "America/Los_Angeles") == "yesterday"  # 02:00 on 3 Dec there
    assert relative_text(moment, NOW, "UTC") == "yesterday"


def test_clock_text_shows_the_day_only_when_it_differs_from_the_outing_start():
    start = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # 09:00 on Sat 5 Dec in Shanghai
    assert clock_text(start, "Asia/Shanghai", start) == "09:00"
    assert clock_text(start + timedelta(hours=3), "Asia/Shanghai", start) == "12:00"
    assert clock_text(start + timedelta(hours=16), "Asia/Shanghai", start) == "Sun 06 Dec, 01:00"
    assert clock_text(start, "Europe/Berlin", start) == "02:00"
    assert clock_text(start, "Asia/Shanghai") == "Sat 05 Dec, 09:00"
