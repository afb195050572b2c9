"""docs/permissions.md is the contract: every state-changing route, as every role, on a public and a private group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Rsvp, User
from planner.services import accounts
from tests.factories import PASSWORD, point
from tests.web.helpers import submit

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
ROLES = ("anonymous", "non-member", "member", "organiser", "owner")
DENIED = {401, 403, 404, 409}
NOT_GROUP_SCOPED = {"/api/v1/groups", "/api/v1/users/me/home-area", "/groups/new", "/me/home-area"}
TABLES = ("users", "groups", "memberships", "events", "rsvps", "meeting_points", "posts", "routes")
PASSWORD_HASH = generate_password_hash(PASSWORD)
STARTS = "2031-03-01T08:00:00+01:00"

API_BODIES = {
    ("POST", "/api/v1/groups"): {"name": "New", "interest": "hiking", "lat": 30, "lon": 120},
    ("PATCH", "/api/v1/groups/{group}"): {"name": "Renamed"},
    ("PATCH", "/api/v1/groups/{group}/members/{target}"): {"role": "organiser"},
    ("POST", "/api/v1/groups/{group}/events"): {
        "title": "T",
        "starts_at": STARTS,
        "ends_at": "2031-03-01T12:00:00+01:00",
        "capacity": 5,
        "lat": 52.5,
        "lon": 13.4,
    },
    ("PATCH", "/api/v1/events/{event}"): {"capacity": 40},
    ("POST", "/api/v1/events/{event}/meeting-points"): {"name": "Bridge", "lat": 30.2, "lon": 120.1},
    ("PATCH", "/api/v1/meeting-points/{point}"): {"name": "Renamed"},
    ("POST", "/api/v1/events/{event}/posts"): {"body": "Hello"},
    ("POST", "/api/v1/groups/{group}/posts"): {"body": "Hello"},
    ("PATCH", "/api/v1/posts/{post}"): {"body": "Changed"},
    ("PUT", "/api/v1/users/me/home-area"): {"lat": 30.2, "lon": 120.1},
}
WEB_FORMS = {
    "/groups/new": {
        "name": "New",
        "interest": "hiking",
        "description": "",
        "visibility": "public",
        "lat": "30",
        "lon": "120",
    },
    "/groups/{group}/edit": {
        "name": "Renamed",
        "interest": "hiking",
        "description": "",
        "visibility": "public",
        "lat": "30",
        "lon": "120",
    },
    "/groups/{group}/members/{target}/role": {"role": "organiser"},
    "/groups/{group}/posts": {"body": "Hello"},
    "/events/{event}/posts": {"body": "Hello"},
    "/posts/{post}/edit": {"body": "Changed"},
    "/me/home-area": {"lat": "30.2", "lon": "120.1"},
    "/groups/{group}/events/new": {
        "title": "T",
        "starts_at": "2031-03-01T08:00",
        "ends_at": "2031-03-01T12:00",
        "timezone": "",
        "capacity": "5",
        "activity": "hiking",
        "difficulty": "",
        "route_id": "",
        "lat": "52.5",
        "lon": "13.4",
    },
    "/events/{event}/edit": {
        "title": "T2",
        "starts_at": "2031-03-01T08:00",
        "ends_at": "2031-03-01T12:00",
        "timezone": "Europe/Berlin",
        "capacity": "40",
        "activity": "hiking",
        "difficulty": "",
        "route_id": "",
        "lat": "52.5",
        "lon": "13.4",
    },
    "/events/{event}/meeting-points": {
        "name": "Bridge",
        "lat": "30.2",
        "lon": "120.1",
        "place": "",
        "meet_at": "",
        "notes": "",
    },
}


@dataclass(frozen=True)
class Row:
    """One row of the permissions table."""

    channel: str
    method: str
    path: str
    expected: dict

    def expected_on_private(self, role: str) -> int:
        """The documented status on a private group."""
        if role != "non-member" or self.path in NOT_GROUP_SCOPED:
            return self.expected[role]
        return self.expected[role] if self.path.endswith("/join") else 404


def read_table() -> list[Row]:
    """The rows of docs/permissions.md's table of state-changing routes."""
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 8 and cells[0] in ("API", "web"):
            rows.append(Row(cells[0], cells[1], cells[2], dict(zip(ROLES, map(int, cells[3:])))))
    return rows


TABLE = read_table()


def _person(name: str) -> User:
    user = User(email=f"{name.lower()}@example.org", password_hash=PASSWORD_HASH, display_name=name)
    db.session.add(user)
    return user


def build_world(visibility: str) -> dict:
    """A group with people in every role, an outing with a meeting point, posts by another member, RSVPs."""
    people = {name: _person(name) for name in ("Owner", "Organiser", "Member", "Outsider", "Target", "Pending")}
    group = Group(name="G", interest="hiking", home=point(30.2, 120.1), visibility=visibility)
    db.session.add(group)
    db.session.flush()
    for name, role, status in [
        ("Owner", "owner", "active"),
        ("Organiser", "organiser", "active"),
        ("Member", "member", "active"),
        ("Target", "member", "active"),
        ("Pending", "member", "pending"),
    ]:
        db.session.add(Membership(group_id=group.id, user_id=people[name].id, role=role, status=status))
    starts_at = datetime.now(UTC) + timedelta(days=5)
    event = Event(
        group_id=group.id,
        title="E",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        timezone="Asia/Shanghai",
        capacity=10,
        activity="hiking",
        start=point(30.2, 120.1),
    )
    db.session.add(event)
    db.session.flush()
    meeting = MeetingPoint(event_id=event.id, name="P", point=point(30.21, 120.1))
    post = Post(event_id=event.id, author_id=people["Target"].id, body_md="Hi", body_html="<p>Hi</p>")
    db.session.add_all([meeting, post])
    for name in ("Member", "Organiser", "Owner"):
        db.session.add(Rsvp(event_id=event.id, user_id=people[name].id, status="going"))
    db.session.commit()
    return {
        "people": people,
        "ids": {
            "group": group.id,
            "event": event.id,
            "point": meeting.id,
            "post": post.id,
            "target": people["Target"].id,
            "pending": people["Pending"].id,
        },
    }


def snapshot() -> dict:
    """A digest of every table a community request may write."""
    return {
        table: db.session.scalar(
            text(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM {table} t")
        )
        for table in TABLES
    }


def actor(world: dict, role: str) -> User | None:
    return None if role == "anonymous" else world["people"][{"non-member": "Outsider"}.get(role, role.title())]


def call_api(client, row: Row, world: dict, user: User | None):
    headers = {"Authorization": f"Bearer {accounts.issue_token(user, 1)[0]}"} if user else {}
    body = API_BODIES.get((row.method, row.path))
    return client.open(row.path.format(**world["ids"]), method=row.method, headers=headers, json=body)


def call_web(client, row: Row, world: dict, user: User | None):
    if user is not None:
        assert submit(client, "/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    page = "/groups" if user else "/login"
    data = WEB_FORMS.get(row.path, {})
    return submit(client, row.path.format(**world["ids"]), data, page=page)


def check(app, row: Row, role: str, visibility: str, expected: int) -> None:
    world = build_world(visibility)
    user = actor(world, role)
    before = snapshot()
    client = app.test_client()
    response = (call_api if row.channel == "API" else call_web)(client, row, world, user)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected in DENIED:
        db.session.expire_all()
        assert snapshot() == before


CASES = [
    pytest.param(row, role, id=f"{row.channel} {row.method} {row.path} as {role}") for row in TABLE for role in ROLES
]


class TestPermissionTable:
    @pytest.mark.parametrize(("row", "role"), CASES)
    def test_public_group(self, app, ctx, row, role):
        check(app, row, role, "public", row.expected[role])

    @pytest.mark.parametrize(("row", "role"), CASES)
    def test_private_group(self, app, ctx, row, role):
        check(app, row, role, "private", row.expected_on_private(role))


def _doc_path(rule: str) -> str:
    """A Flask rule written with the table's placeholders ({user} for either kind of member id)."""
    path = re.sub(r"<int:(group|event|point|post)_id>", r"{\1}", rule)
    return path.replace("<int:user_id>", "{user}")


class TestTableCoversEveryRoute:
    def test_every_state_changing_community_route_is_in_the_table(self, app):
        modules = {
            "planner.api.groups",
            "planner.api.events",
            "planner.api.meeting_points",
            "planner.api.posts",
            "planner.web.groups",
            "planner.web.events",
        }
        routes = {
            (method, _doc_path(rule.rule))
            for rule in app.url_map.iter_rules()
            if app.view_functions[rule.endpoint].__module__ in modules
            for method in rule.methods - {"GET", "HEAD", "OPTIONS"}
        }
        documented = {
            (row.method, row.path.replace("{target}", "{user}").replace("{pending}", "{user}")) for row in TABLE
        }
        assert routes == documented


class TestSnapshot:
    def test_it_sees_a_change_in_any_checked_table(self, ctx):
        world = build_world("public")
        before = snapshot()
        db.session.execute(text("UPDATE posts SET body_md = 'x' WHERE id = :id"), {"id": world["ids"]["post"]})
        assert snapshot()["posts"] != before["posts"]
