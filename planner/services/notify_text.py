"""A notification's words, made from its kind and params when it is read (in the app, the API or an e-mail)."""

from __future__ import annotations

from collections.abc import Callable

from planner.times import duration_text


def _outing_changed(p: dict) -> str:
    """What changed about an outing, in one sentence."""
    parts = []
    if "time" in p.get("what", []):
        parts.append(f"now starts {p['when']}")
    if "place" in p.get("what", []):
        parts.append("starts from a new place")
    if "route" in p.get("what", []):
        parts.append("has a new route")
    return f"{p['title']} {' and '.join(parts) or 'has changed'}."


def _meeting_point_changed(p: dict) -> str:
    """Where someone's meeting point went: moved (old and new place and time) or removed."""
    old = p["old"]
    if p.get("new") is None:
        return f"{p['title']}: your meeting point {old['label']} was removed; you now meet {p['where']}."
    return f"{p['title']}: your meeting point moved from {old['label']} to {p['new']['label']}."


def _reminder(p: dict) -> str:
    """When the outing starts and where this person joins, with the route's numbers."""
    text = f"Reminder: {p['title']} starts {p['when']}. You meet {p['where']}."
    if p.get("length_m") is not None:
        climb = f", {round(p['ascent_m'])} m climb" if p.get("ascent_m") is not None else ""
        text += f" Route: {p['length_m'] / 1000:.1f} km{climb}, about {duration_text(p['estimated_duration_s'])}."
    return text


def _digest(p: dict) -> str:
    """How many new outings a group announced this week."""
    count = len(p["outings"])
    noun = "outing" if count == 1 else "outings"
    return f"{count} new {noun} in {p['group_name']} this week: " + "; ".join(
        f"{o['title']} ({o['when']})" for o in p["outings"][:5]
    )


TEXTS: dict[str, Callable[[dict], str]] = {
    "new_outing": lambda p: f"New outing in {p['group_name']}: {p['title']}, {p['when']}.",
    "outing_digest": _digest,
    "outing_changed": _outing_changed,
    "outing_cancelled": lambda p: f"{p['title']} ({p['when']}) is cancelled.",
    "meeting_point_changed": _meeting_point_changed,
    "waitlist_promoted": lambda p: f"A place freed up: you're going to {p['title']} ({p['when']}).",
    "reminder": _reminder,
    "join_request": lambda p: f"{p['name']} asks to join {p['group_name']}.",
    "join_approved": lambda p: f"You're now a member of {p['group_name']}.",
    "post_reply": lambda p: f"{p['author']} replied to your post in {p['thread']}.",
    "thread_post": lambda p: f"{p['author']} wrote in {p['thread']}.",
}


def text_of(kind: str, params: dict) -> str:
    """The sentence a person reads for a notification."""
    return TEXTS[kind](params)
