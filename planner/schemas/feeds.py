"""Calendar feeds: the answer carrying your private feed's URL."""

from __future__ import annotations

from planner.schemas.common import Out


class FeedOut(Out):
    """Your private iCalendar feed: the outings you are going to or waitlisted for, at your meeting points."""

    url: str
