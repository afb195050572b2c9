"""A notification's words, made from its kind and params when it is read (in the app, the API or an e-mail).

They are written in the current language: the request's, or the recipient's while their e-mail is composed
(flask_babel.force_locale). Times are written afresh from the instants and the time zone in params; rows stored
before those were kept show the English "when", "where" and "label" texts they were stored with.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from planner.i18n import current_locale, km_text, metres_text
from planner.times import clock_text, duration_text, local_text

DIGEST_LISTED = 5  # outings a digest's sentence names


def _instant(value: str) -> datetime:
    """An ISO 8601 instant as stored in params ("2030-01-05T00:30:00Z")."""
    return datetime.fromisoformat(value)


def _has_start(p: dict) -> bool:
    """Whether p carries its outing's start instant and time zone."""
    return bool(p.get("starts_at") and p.get("timezone"))


def when_text(p: dict) -> str:
    """The outing's start in the reader's language: "Sat 05 Jan 2030, 08:30 CET", "2030年1月5日 周六 08:30 CET"."""
    if _has_start(p):
        return local_text(_instant(p["starts_at"]), p["timezone"], current_locale())
    return p["when"]


def joining_text(name: str | None, meet_at: datetime | None, starts_at: datetime, tz_name: str) -> str:
    """Where and when someone joins: "at Bridge, 08:00", "at Bridge", or (no meeting point) "at the start, 08:30"."""
    locale = current_locale()
    if name is None:
        return _("at the start, %(time)s", time=clock_text(starts_at, tz_name, starts_at, locale))
    if meet_at is None:
        return _("at %(place)s", place=name)
    return _("at %(place)s, %(time)s", place=name, time=clock_text(meet_at, tz_name, starts_at, locale))


def where_text(p: dict) -> str:
    """Where the reader joins the outing of p: from its meeting point ("meet", None for the start) when stored."""
    if not _has_start(p) or "meet" not in p:
        return p["where"]
    meet = p["meet"]
    starts_at = _instant(p["starts_at"])
    if meet is None:
        return joining_text(None, None, starts_at, p["timezone"])
    meet_at = _instant(meet["meet_at"]) if meet.get("meet_at") else None
    return joining_text(meet["name"], meet_at, starts_at, p["timezone"])


def start_text(p: dict) -> str:
    """Where those whose meeting point was removed join now: "at the start, 08:30"."""
    if not _has_start(p):
        return p["where"]
    return joining_text(None, None, _instant(p["starts_at"]), p["timezone"])


def label_text(point: dict, p: dict) -> str:
    """A meeting point as a notification names it: "Lake break, 12:00" (its time when it has one)."""
    if not _has_start(p) or "name" not in point:
        return point["label"]
    if not point.get("meet_at"):
        return point["name"]
    starts_at = _instant(p["starts_at"])
    clock = clock_text(_instant(point["meet_at"]), p["timezone"], starts_at, current_locale())
    return _("%(place)s, %(time)s", place=point["name"], time=clock)


def _outing_changed(p: dict) -> str:
    """What changed about an outing, in one sentence."""
    what = p.get("what", [])
    parts = []
    if "time" in what:
        parts.append(_("now starts %(when)s", when=when_text(p)))
    if "place" in what:
        parts.append(_("starts from a new place"))
    if "route" in what:
        parts.append(_("has a new route"))
    if not parts:
        return _("%(title)s has changed.", title=p["title"])
    return _("%(title)s %(changes)s.", title=p["title"], changes=_(" and ").join(parts))


def _meeting_point_changed(p: dict) -> str:
    """Where someone's meeting point went: moved (old and new place and time) or removed."""
    old = label_text(p["old"], p)
    if p.get("new") is None:
        return _(
            "%(title)s: your meeting point %(old)s was removed; you now meet %(where)s.",
            title=p["title"],
            old=old,
            where=start_text(p),
        )
    return _(
        "%(title)s: your meeting point moved from %(old)s to %(new)s.",
        title=p["title"],
        old=old,
        new=label_text(p["new"], p),
    )


def _reminder(p: dict) -> str:
    """When the outing starts and where this person joins, with the route's numbers."""
    said = {"title": p["title"], "when": when_text(p), "where": where_text(p)}
    if p.get("length_m") is None:
        return _("Reminder: %(title)s starts %(when)s. You meet %(where)s.", **said)
    said.update(length=km_text(p["length_m"]), duration=duration_text(p["estimated_duration_s"], current_locale()))
    if p.get("ascent_m") is None:
        return _(
            "Reminder: %(title)s starts %(when)s. You meet %(where)s. Route: %(length)s, about %(duration)s.", **said
        )
    return _(
        "Reminder: %(title)s starts %(when)s. You meet %(where)s. "
        "Route: %(length)s, %(climb)s climb, about %(duration)s.",
        climb=metres_text(p["ascent_m"]),
        **said,
    )


def reminder_headline(p: dict) -> str:
    """A reminder's first sentence: "Reminder: Ridge walk starts Sat 05 Jan 2030, 08:30 CET."."""
    return _("Reminder: %(title)s starts %(when)s.", title=p["title"], when=when_text(p))


def digest_headline(p: dict) -> str:
    """A digest's first words: "2 new outings in Hikers this week:"."""
    return ngettext(
        "%(num)s new outing in %(group)s this week:",
        "%(num)s new outings in %(group)s this week:",
        len(p["outings"]),
        group=p["group_name"],
    )


def _digest(p: dict) -> str:
    """How many new outings a group announced this week, naming the first few."""
    listed = _("; ").join(
        _("%(title)s (%(when)s)", title=o["title"], when=when_text(o)) for o in p["outings"][:DIGEST_LISTED]
    )
    return ngettext(
        "%(num)s new outing in %(group)s this week: %(outings)s",
        "%(num)s new outings in %(group)s this week: %(outings)s",
        len(p["outings"]),
        group=p["group_name"],
        outings=listed,
    )


TEXTS: dict[str, Callable[[dict], str]] = {
    "new_outing": lambda p: _(
        "New outing in %(group)s: %(title)s, %(when)s.", group=p["group_name"], title=p["title"], when=when_text(p)
    ),
    "outing_digest": _digest,
    "outing_changed": _outing_changed,
    "outing_cancelled": lambda p: _("%(title)s (%(when)s) is cancelled.", title=p["title"], when=when_text(p)),
    "meeting_point_changed": _meeting_point_changed,
    "waitlist_promoted": lambda p: _(
        "A place freed up: you're going to %(title)s (%(when)s).", title=p["title"], when=when_text(p)
    ),
    "reminder": _reminder,
    "join_request": lambda p: _("%(name)s asks to join %(group)s.", name=p["name"], group=p["group_name"]),
    "join_approved": lambda p: _("You're now a member of %(group)s.", group=p["group_name"]),
    "post_reply": lambda p: _("%(author)s replied to your post in %(thread)s.", author=p["author"], thread=p["thread"]),
    "thread_post": lambda p: _("%(author)s wrote in %(thread)s.", author=p["author"], thread=p["thread"]),
}


def text_of(kind: str, params: dict) -> str:
    """The sentence a person reads for a notification, in the current language."""
    return TEXTS[kind](params)
