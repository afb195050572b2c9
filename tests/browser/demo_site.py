"""The demo data as `flask seed` makes it, the paths of every kind of page (and of the Chinese groups' pages), and
logging in as a demo owner."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.models import Event, Group, Post, Route
from planner.services import seed

OWNER = f"{seed.GROUPS[0].owner}@demo.planner.example"
CHINESE_GROUPS = ("西湖夜跑团", "北京周末徒步", "深圳湾骑行")


@dataclass(frozen=True)
class Site:
    """Paths of the demo data's pages, as the owner of the first demo group sees them and as anyone does.

    public starts with the English pages (tests index them), then the Chinese groups' outing pages and the first
    Chinese group's page and route (long lines of Chinese text, which wraps differently from English)."""

    public: tuple[str, ...]
    owner_only: tuple[str, ...]


@pytest.fixture(scope="module")
def site(live_app) -> Site:
    """The demo data (as `flask seed` makes it) and the paths of every kind of page."""
    with live_app.app.app_context():
        seed.run()
        group = db.session.scalar(select(Group).where(Group.name == seed.GROUPS[0].name))
        event = db.session.scalar(select(Event).where(Event.group_id == group.id))
        route = db.session.get(Route, event.route_id)
        post = db.session.scalar(select(Post).where(Post.group_id == group.id).limit(1))
        public = (
            "/",
            "/explore",
            f"/explore?lat={seed.GROUPS[0].lat}&lon={seed.GROUPS[0].lon}&radius_km=50",
            "/groups",
            f"/groups/{group.id}",
            f"/events/{event.id}",
            f"/routes/{route.id}",
            "/developers",
            "/events/999999",
            *_chinese_pages(),
        )
        owner_only = (
            "/groups/new",
            f"/groups/{group.id}/edit",
            f"/groups/{group.id}/members",
            f"/groups/{group.id}/events/new",
            f"/events/{event.id}/edit",
            "/routes/new",
            "/routes/mine",
            "/me/privacy",
            "/me/calendar",
            "/me/home-area",
            *([f"/posts/{post.id}/edit"] if post else []),
        )
        return Site(public=public, owner_only=owner_only)


def _chinese_pages() -> tuple[str, ...]:
    """The Chinese groups' outing pages, then the first Chinese group's page and its route's page."""
    events = []
    for name in CHINESE_GROUPS:
        group_id = db.session.scalar(select(Group.id).where(Group.name == name))
        events.append(db.session.scalar(select(Event).where(Event.group_id == group_id)))
    first = events[0]
    return (*(f"/events/{e.id}" for e in events), f"/groups/{first.group_id}", f"/routes/{first.route_id}")


def log_in(page, base: str) -> None:
    """Log in as the first demo group's owner."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", OWNER)
    page.fill("input[name=password]", seed.DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))
