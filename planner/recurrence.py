"""Recurrence rules (RFC 5545 RRULE through python-dateutil): checked, canonical text, local dates, a label. Pure.

A series repeats at one local time of day in its IANA zone, so an occurrence is a local date; the rule's
DTSTART is the first occurrence (aware, local), and dateutil keeps the wall-clock time across DST changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from babel.lists import format_list
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule, rrulestr

from planner.errors import N_, ServiceError

FIELD = "recurrence.rrule"
MAX_OCCURRENCES = 200
HORIZON = relativedelta(years=2)  # no occurrence may start later than this after now
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ORDER = ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST")
MONTHLY_ONLY = ("BYMONTHDAY", "BYSETPOS")  # only with FREQ=MONTHLY or YEARLY (else a rule can be endless and empty)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # at most, leap years included
# Numbers each part may hold (0 never): an out-of-range value would make dateutil search for centuries or fail.
RANGES = {"INTERVAL": (1, 99), "BYMONTH": (1, 12), "BYMONTHDAY": (-31, 31), "BYSETPOS": (-5, 5)}
BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
# A day name's width per language: "every Saturday", "每周六".
DAY_WIDTH: dict[str, Literal["abbreviated", "wide"]] = {"zh_Hans": "abbreviated"}
NTH = {
    1: N_("first %(day)s of every month"),
    2: N_("second %(day)s of every month"),
    3: N_("third %(day)s of every month"),
    4: N_("fourth %(day)s of every month"),
    -1: N_("last %(day)s of every month"),
}


def _parts(text: object) -> dict[str, str]:
    """The rule's NAME=VALUE parts, upper case; 400 for anything but one RRULE of the parts we take."""
    if not isinstance(text, str) or not text.strip():
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' must be an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=SA;COUNT=10."),
            FIELD,
        )
    body = text.strip()
    body = body[6:] if body.upper().startswith("RRULE:") else body
    parts: dict[str, str] = {}
    for item in body.split(";"):
        name, sep, value = (s.strip().upper() for s in item.partition("="))
        if not sep or not value or not name.isalpha():
            raise ServiceError(
                "invalid_rrule",
                N_("'recurrence.rrule' must be an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=SA;COUNT=10."),
                FIELD,
            )
        if name not in ORDER:
            raise ServiceError(
                "invalid_rrule",
                N_("'recurrence.rrule' may not use %(part)s (the time of day comes from 'starts_at')."),
                FIELD,
                part=name,
            )
        if name in parts:
            raise ServiceError("invalid_rrule", N_("'recurrence.rrule' gives %(part)s twice."), FIELD, part=name)
        parts[name] = value
    if parts.get("FREQ") not in FREQS:
        raise ServiceError(
            "invalid_rrule", N_("'recurrence.rrule' needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."), FIELD
        )
    monthly = parts["FREQ"] in ("MONTHLY", "YEARLY")
    numbered = any(m and m[1] for m in (BYDAY.fullmatch(d) for d in parts.get("BYDAY", "").split(",") if d))
    if not monthly and (numbered or any(name in parts for name in MONTHLY_ONLY)):
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' may number days or use BYMONTHDAY and BYSETPOS only with FREQ=MONTHLY or YEARLY."),
            FIELD,
        )
    for name, (low, high) in RANGES.items():
        for number in parts.get(name, "1").split(","):
            if not re.fullmatch(r"[+-]?\d{1,3}", number) or int(number) == 0 or not low <= int(number) <= high:
                raise ServiceError(
                    "invalid_rrule",
                    N_("'recurrence.rrule' has %(part)s out of range (%(low)s to %(high)s, not 0)."),
                    FIELD,
                    part=name,
                    low=low,
                    high=high,
                )
    if any(
        m is None or (m[1] and not 1 <= abs(int(m[1])) <= 5)
        for m in (BYDAY.fullmatch(d) for d in parts.get("BYDAY", "MO").split(","))
    ):
        raise ServiceError(
            "invalid_rrule", N_("'recurrence.rrule' has a BYDAY that is no day such as SA, 1SA or -1SU."), FIELD
        )
    if not _possible(parts):
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' gives no occurrence from 'starts_at' on: check its days, interval and end."),
            FIELD,
        )
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise ServiceError(
            "invalid_rrule", N_("'recurrence.rrule' needs an end: COUNT or UNTIL, within two years."), FIELD
        )
    if "COUNT" in parts and (not parts["COUNT"].isdigit() or not 1 <= int(parts["COUNT"]) <= MAX_OCCURRENCES):
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' may have at most %(limit)s occurrences."),
            FIELD,
            limit=MAX_OCCURRENCES,
        )
    return parts


def _possible(parts: dict[str, str]) -> bool:
    """False for combinations no date meets (dateutil would look for one until the year 9999): BYSETPOS without
    BYDAY or with BYMONTHDAY, numbered days with BYMONTHDAY, and month days none of BYMONTH's months has."""
    numbered = any(day[:1] in "+-0123456789" for day in parts.get("BYDAY", "").split(",") if day)
    if "BYSETPOS" in parts and ("BYDAY" not in parts or "BYMONTHDAY" in parts):
        return False
    if numbered and "BYMONTHDAY" in parts:
        return False
    longest = max((MONTH_DAYS[int(m) - 1] for m in parts.get("BYMONTH", "1").split(",")), default=31)
    return "BYMONTHDAY" not in parts or any(abs(int(d)) <= longest for d in parts["BYMONTHDAY"].split(","))


def _until_utc(value: str, zone: ZoneInfo) -> str:
    """UNTIL as UTC text (RFC 5545 with a zoned DTSTART): a date means the end of that local day."""
    try:
        if len(value) == 8:
            moment = datetime.combine(datetime.strptime(value, "%Y%m%d").date(), time(23, 59, 59), zone)
        elif value.endswith("Z"):
            moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        else:
            moment = datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    except (ValueError, OverflowError):
        raise ServiceError(
            "invalid_rrule", N_("'recurrence.rrule' has an UNTIL that is no date such as 20271231."), FIELD
        ) from None


def _text(parts: dict[str, str]) -> str:
    """The canonical rule text: parts in a fixed order."""
    return ";".join(f"{name}={parts[name]}" for name in ORDER if name in parts)


def _rule(text: str, first: datetime) -> rrule:
    """dateutil's rule of canonical text from first (aware, local); 400 when dateutil refuses it."""
    try:
        parsed = rrulestr(text, dtstart=first)
    except (ValueError, TypeError, OverflowError, IndexError, KeyError):
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' must be an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=SA;COUNT=10."),
            FIELD,
        ) from None
    assert isinstance(parsed, rrule)  # one RRULE and no RDATE/EXDATE: never an rruleset
    return parsed


@dataclass(frozen=True)
class Rule:
    """A checked rule: its canonical text (UNTIL in UTC) and the local dates of its occurrences, first first."""

    text: str
    dates: tuple[date, ...]


def check(text: object, starts_at: datetime, tz_name: str, now: datetime) -> Rule:
    """The rule from starts_at on in tz_name; 400 naming the field when unparseable, endless within two years
    of now, over MAX_OCCURRENCES occurrences, or empty."""
    parts = _parts(text)
    zone = ZoneInfo(tz_name)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], zone)
    canonical = _text(parts)
    limit = now + HORIZON
    found: list[date] = []
    try:
        for moment in _rule(canonical, starts_at.astimezone(zone)):
            if moment > limit:
                raise ServiceError(
                    "invalid_rrule",
                    N_("'recurrence.rrule' must end within two years: give a COUNT or an earlier UNTIL."),
                    FIELD,
                )
            found.append(moment.date())
            if len(found) > MAX_OCCURRENCES:
                raise ServiceError(
                    "invalid_rrule",
                    N_("'recurrence.rrule' may have at most %(limit)s occurrences."),
                    FIELD,
                    limit=MAX_OCCURRENCES,
                )
    except (ValueError, OverflowError, IndexError):
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' must be an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=SA;COUNT=10."),
            FIELD,
        ) from None
    if not found:
        raise ServiceError(
            "invalid_rrule",
            N_("'recurrence.rrule' gives no occurrence from 'starts_at' on: check its days, interval and end."),
            FIELD,
        )
    return Rule(canonical, tuple(found))


def local_dates(text: str, first_day: date, clock: time, tz_name: str) -> list[date]:
    """The local dates of a stored rule whose first occurrence is first_day at clock."""
    return [moment.date() for moment in _rule(text, datetime.combine(first_day, clock, ZoneInfo(tz_name)))]


def occurrence_start(day: date, clock: time, tz_name: str) -> datetime:
    """The UTC instant of clock on day in tz_name (a time skipped by a DST change moves on by the gap)."""
    return datetime.combine(day, clock, ZoneInfo(tz_name)).astimezone(UTC)


def split(text: str, dates: list[date], at: date, at_start: datetime) -> tuple[str, str]:
    """The rule cut before the occurrence on `at` (starting at the UTC instant at_start): (head, tail) texts."""
    parts = dict(item.split("=", 1) for item in text.split(";"))
    head, tail = dict(parts), dict(parts)
    head.pop("COUNT", None)
    head["UNTIL"] = (at_start - timedelta(seconds=1)).strftime("%Y%m%dT%H%M%SZ")
    if "COUNT" in parts:
        tail["COUNT"] = str(max(int(parts["COUNT"]) - sum(day < at for day in dates), 1))
    return _text(head), _text(tail)


def _day_names(codes: list[str], locale: str) -> str:
    """Day codes as words joined for the language: "Tuesday and Thursday", "周二和周四"."""
    names = get_day_names(DAY_WIDTH.get(locale, "wide"), locale=locale)
    return format_list([names[DAYS.index(code)] for code in codes], locale=locale)


def label(text: str, first_day: date, locale: str) -> tuple[str, dict]:
    """How the rule reads: an English template marked N_ and its parameters ("every %(days)s", days=...)."""
    parts = dict(item.split("=", 1) for item in text.split(";"))
    interval = int(parts.get("INTERVAL", "1"))
    days = [BYDAY.fullmatch(d) for d in parts.get("BYDAY", "").split(",") if d]
    freq = parts["FREQ"]
    if freq == "DAILY" and len(parts.keys() - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}) == 0:
        return (N_("every day"), {}) if interval == 1 else (N_("every %(n)s days"), {"n": interval})
    if freq == "WEEKLY" and "BYMONTH" not in parts:
        codes = sorted({m[2] for m in days if m} or {DAYS[first_day.weekday()]}, key=DAYS.index)
        names = _day_names(codes, locale)
        if interval == 1:
            return N_("every %(days)s"), {"days": names}
        return N_("every %(n)s weeks on %(days)s"), {"n": interval, "days": names}
    if freq == "MONTHLY" and interval == 1 and len(days) == 1 and days[0] and "BYSETPOS" not in parts:
        nth = int(days[0][1] or 0)
        if nth in NTH and "BYMONTHDAY" not in parts:
            return NTH[nth], {"day": _day_names([days[0][2]], locale)}
    if freq == "MONTHLY" and interval == 1 and not days:
        return N_("every month on day %(day)s"), {"day": parts.get("BYMONTHDAY", str(first_day.day))}
    return N_("repeats"), {}
