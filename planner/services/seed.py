"""Demo data for a fresh install: users, groups, the sample routes, upcoming outings, meeting points and posts.

Idempotent: every row is looked up by a natural key first, so a second run creates nothing. What is loaded is
in planner.services.seed_data (English groups, and Chinese ones in Hangzhou, Beijing and Shenzhen).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Route, Rsvp, User
from planner.services import accounts, meeting_points, notify, routes, rsvp
from planner.services.markdown import render_markdown
from planner.services.seed_data import DEMO_USERS, GROUPS, POSTS, DemoGroup
from planner.times import at_local

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "GROUPS", "SAMPLE_DIR", "DemoGroup", "run"]
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_routes"
DEMO_PASSWORD = "planner-demo"


def run() -> dict[str, int]:
    """Create whatever demo data is missing; returns counts of rows created by kind."""
    created: Counter[str] = Counter()
    users = {key: _user(key, name, created) for key, name in DEMO_USERS.items()}
    for demo in GROUPS:
        group = _group(demo, users, created)
        route = _route(demo, group, users[demo.owner], created)
        event = _event(demo, group, route, users[demo.owner], created)
        _meeting_points(demo, event, route, users[demo.owner], created)
        _rsvps(demo, event, users, created)
        _posts(demo, group, event, users, created)
    db.session.commit()
    return {kind: created[kind] for kind in ("users", "groups", "routes", "events", "meeting points", "rsvps", "posts")}


def _user(key: str, name: str, created: Counter) -> User:
    """The demo user key, created when missing."""
    user = accounts.user_by_email(f"{key}@demo.planner.example")
    if user is None:
        user = accounts.register(f"{key}@demo.planner.example", DEMO_PASSWORD, name)
        created["users"] += 1
    return user


def _group(demo: DemoGroup, users: dict[str, User], created: Counter) -> Group:
    """The demo group with its owner and members, created when missing."""
    group = db.session.scalar(select(Group).where(Group.name == demo.name))
    if group is None:
        group = Group(
            name=demo.name,
            interest=demo.interest,
            description=demo.description,
            home=f"SRID=4326;POINT({demo.lon} {demo.lat})",
            visibility=demo.visibility,
        )
        db.session.add(group)
        db.session.flush()
        created["groups"] += 1
    roles = {demo.owner: "owner", **{k: "member" for k in demo.members}}
    for key, role in roles.items():
        exists = db.session.scalar(
            select(Membership.id).where(Membership.group_id == group.id, Membership.user_id == users[key].id)
        )
        if exists is None:
            db.session.add(Membership(group_id=group.id, user_id=users[key].id, role=role, status="active"))
    db.session.commit()
    return group


def _route(demo: DemoGroup, group: Group, owner: User, created: Counter) -> Route:
    """The demo route from sample_routes/, imported when missing."""
    data = (SAMPLE_DIR / demo.route_file).read_bytes()
    route = db.session.scalar(
        select(Route).where(
            Route.owner_id == owner.id, Route.group_id == group.id, Route.gpx_sha256 == hashlib.sha256(data).hexdigest()
        )
    )
    if route is None:
        activity = {"hiking": "hiking", "cycling": "cycling", "running": "running"}[demo.interest]
        route = routes.import_gpx(owner.id, data, activity=activity, group_id=group.id)
        created["routes"] += 1
    return route


def _next_start(demo: DemoGroup) -> datetime:
    """The demo outing's start: the next demo.weekday at demo.hour:demo.minute local time, at least two days ahead."""
    day = date.today() + timedelta(days=2)
    day += timedelta(days=(demo.weekday - day.weekday()) % 7)
    return at_local(day, time(demo.hour, demo.minute), demo.timezone)


def _event(demo: DemoGroup, group: Group, route: Route, owner: User, created: Counter) -> Event:
    """The demo outing, created when missing."""
    event = db.session.scalar(select(Event).where(Event.group_id == group.id, Event.title == demo.title))
    if event is None:
        starts_at = _next_start(demo)
        event = Event(
            group_id=group.id,
            created_by_id=owner.id,
            title=demo.title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(seconds=route.estimated_duration_s + 3600),
            timezone=demo.timezone,
            capacity=demo.capacity,
            activity=route.activity,
            difficulty=demo.difficulty,
            start=route.start_point,
            route_id=route.id,
            description=demo.details or f"{demo.description}\n\nWe follow the route below; see the meeting points.",
        )
        db.session.add(event)
        db.session.flush()
        notify.outing_created(event, owner.id)  # the members hear of it, so a fresh `make run` has mail to show
        db.session.commit()
        created["events"] += 1
    return event


def _meeting_points(demo: DemoGroup, event: Event, route: Route, owner: User, created: Counter) -> None:
    """The demo's meeting points, each a fraction of the way along the route, snapped by the meeting-point service."""
    for name, fraction, notes in demo.meeting_points:
        exists = db.session.scalar(
            select(MeetingPoint.id).where(MeetingPoint.event_id == event.id, MeetingPoint.name == name)
        )
        if exists is not None:
            continue
        lat, lon = routes.point_along(route, fraction)
        meet_at = event.starts_at + timedelta(seconds=round(fraction * route.estimated_duration_s, -2))
        meeting_points.add(
            event.id, owner, {"name": name, "lat": lat, "lon": lon, "notes": notes, "meet_at": meet_at.isoformat()}
        )
        created["meeting points"] += 1


def _rsvps(demo: DemoGroup, event: Event, users: dict[str, User], created: Counter) -> None:
    """The owner and members going (through the RSVP service, so the waitlist rules apply), some joining on the way."""
    rows = db.session.execute(select(MeetingPoint.name, MeetingPoint.id).where(MeetingPoint.event_id == event.id))
    points = {name: point_id for name, point_id in rows}
    joins = dict(demo.joins)
    for key in (demo.owner, *demo.members):
        user = users[key]
        if db.session.scalar(select(Rsvp.id).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id)) is None:
            rsvp.rsvp(event.id, user, points[joins[key]] if key in joins else None)
            created["rsvps"] += 1


def _posts(demo: DemoGroup, group: Group, event: Event, users: dict[str, User], created: Counter) -> None:
    """A welcome post on the group board and a short thread under the outing (replies to its first post)."""
    welcome = demo.welcome or f"Welcome to **{group.name}**! Introduce yourself below."
    _post(users[demo.owner], welcome, created, group_id=group.id)
    thread = demo.thread
    if not thread and demo.members:
        question, answer = POSTS[event.id % len(POSTS)]
        thread = ((demo.owner, question), (demo.members[0], answer))
    if not thread:
        return
    (author, body), *replies = thread
    parent = _post(users[author], body, created, event_id=event.id)
    for author, body in replies:
        _post(users[author], body, created, event_id=event.id, parent_id=parent.id)


def _post(author: User, body: str, created: Counter, **thread) -> Post:
    """The post with this author, body and thread, created when missing."""
    post = db.session.scalar(select(Post).filter_by(author_id=author.id, body_md=body, **thread))
    if post is None:
        post = Post(author_id=author.id, body_md=body, body_html=render_markdown(body), **thread)
        db.session.add(post)
        db.session.commit()
        created["posts"] += 1
    return post
