"""Query budgets: the main pages and API reads run a fixed number of SQL statements, whatever N is.

Each case builds a world with 1 and with 50 members, outings or posts, logs in as a member, counts
the statements a GET runs (a before_cursor_execute hook on the test's connection) and checks that
the count is the same for both sizes and at most the budget stated for that page.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from werkzeug.security import generate_password_hash

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Rsvp, User
from planner.services import accounts, privacy, reads, routes, search
from tests.community.conftest import north_line_gpx
from tests.factories import PASSWORD, point
from tests.web.helpers import submit

pytestmark = pytest.mark.db

PASSWORD_HASH = generate_password_hash(PASSWORD)
HERE = (30.25, 120.15)
SIZES = (1, 50)


class Counter:
    """Counts the SQL statements sent on a connection while active, and the discovery reads that
    reads.rows sends straight through the psycopg cursor (which SQLAlchemy's events do not see)."""

    # The test joins every session into one outer transaction through savepoints; a request outside
    # a test opens a plain transaction instead, so the savepoint statements are not the app's.
    NOT_THE_APPS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")

    def __init__(self) -> None:
        self.statements: list[str] = []

    @contextmanager
    def counting(self, conn, monkeypatch):
        """Record every statement conn executes inside the block."""
        self.statements = []
        driver_rows = reads.rows

        def hook(_conn, _cursor, statement, _params, _context, _many):
            if not statement.startswith(self.NOT_THE_APPS):
                self.statements.append(statement)

        def rows(sql: str, params: dict) -> list[dict]:
            self.statements.append(sql)
            return driver_rows(sql, params)

        event.listen(conn, "before_cursor_execute", hook)
        monkeypatch.setattr(reads, "rows", rows)
        try:
            yield self
        finally:
            event.remove(conn, "before_cursor_execute", hook)
            monkeypatch.setattr(reads, "rows", driver_rows)


def _people(n: int, tag: str) -> list[User]:
    """n users who can log in with PASSWORD."""
    people = [
        User(email=f"{tag}{i}@example.org", password_hash=PASSWORD_HASH, display_name=f"{tag} {i}") for i in range(n)
    ]
    db.session.add_all(people)
    db.session.flush()
    return people


def _group(owner: User, members: list[User], **kw) -> Group:
    """A public group near HERE owned by owner, with members active."""
    group = Group(name=kw.pop("name", f"Group of {owner.display_name}"), interest="hiking", home=point(*HERE), **kw)
    db.session.add(group)
    db.session.flush()
    db.session.add(Membership(group_id=group.id, user_id=owner.id, role="owner", status="active"))
    db.session.add_all(Membership(group_id=group.id, user_id=u.id, role="member", status="active") for u in members)
    db.session.flush()
    return group


def _event(group: Group, days: int = 7, **kw) -> Event:
    """An upcoming outing of group starting near HERE."""
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    row = Event(
        group_id=group.id,
        title=f"Outing of {group.name}",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=5),
        timezone="Asia/Shanghai",
        capacity=100,
        activity="hiking",
        start=point(*HERE),
        **kw,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _posts(authors: list[User], **thread) -> None:
    """One post by each author on a thread, each with a reply by the first author."""
    for author in authors:
        post = Post(author_id=author.id, body_md="Hi", body_html="<p>Hi</p>", **thread)
        db.session.add(post)
        db.session.flush()
        db.session.add(Post(author_id=authors[0].id, parent_id=post.id, body_md="Re", body_html="<p>Re</p>", **thread))


def outing_world(n: int, tag: str, *, visibility: str = "public", cut: bool = False) -> tuple[User, str]:
    """An outing on a route with n members going, n meeting points and n posts; with cut, the route's start is
    inside its owner's privacy zone (so the members see it cut)."""
    owner, *members = _people(n + 1, tag)
    group = _group(owner, members, visibility=visibility)
    route = routes.import_gpx(owner.id, north_line_gpx(), activity="hiking", group_id=group.id)
    if cut:
        privacy.add_zone(owner, {"name": "Home", "lat": 30.20, "lon": 120.10, "radius_m": 500})
    outing = _event(group, route_id=route.id)
    for i in range(n):
        db.session.add(MeetingPoint(event_id=outing.id, name=f"P{i}", point=point(30.2 + i * 0.001, 120.1)))
    db.session.add_all(Rsvp(event_id=outing.id, user_id=u.id, status="going") for u in members)
    _posts(members, event_id=outing.id)
    db.session.commit()
    return members[0], f"{outing.id}"


def private_outing_world(n: int, tag: str) -> tuple[User, str]:
    """outing_world in a private group."""
    return outing_world(n, tag, visibility="private")


def cut_outing_world(n: int, tag: str) -> tuple[User, str]:
    """outing_world on a route its owner's privacy zone cuts."""
    return outing_world(n, tag, cut=True)


def group_world(n: int, tag: str) -> tuple[User, str]:
    """A group with n members, n upcoming outings and n posts on its board."""
    owner, *members = _people(n + 1, tag)
    group = _group(owner, members)
    for day in range(n):
        outing = _event(group, days=day + 1)
        db.session.add(Rsvp(event_id=outing.id, user_id=members[0].id, status="going"))
    _posts(members, group_id=group.id)
    db.session.commit()
    return members[0], f"{group.id}"


def groups_world(n: int, tag: str) -> tuple[User, str]:
    """A viewer in n groups (every other one private), each with another member."""
    viewer, other = _people(2, tag)
    for i in range(n):
        group = _group(other, [viewer], name=f"{tag} group {i}", visibility="private" if i % 2 else "public")
        _event(group)
    db.session.commit()
    return viewer, ""


def events_world(n: int, tag: str) -> tuple[User, str]:
    """n upcoming public outings near HERE, in n groups the viewer belongs to, each with someone going."""
    viewer, other = _people(2, tag)
    for i in range(n):
        group = _group(other, [viewer], name=f"{tag} group {i}")
        outing = _event(group, days=i % 20 + 1)
        db.session.add(Rsvp(event_id=outing.id, user_id=viewer.id, status="going"))
    db.session.commit()
    return viewer, ""


NEAR = f"lat={HERE[0]}&lon={HERE[1]}"
BBOX = f"bbox={HERE[1] - 0.5},{HERE[0] - 0.5},{HERE[1] + 0.5},{HERE[0] + 0.5}"
# (name, world, channel, path template, budget: the most statements the page may run, at any N)
CASES = [
    ("outing page", outing_world, "web", "/events/{id}", 15),
    ("outing page, private group", private_outing_world, "web", "/events/{id}", 15),
    ("outing page, cut route", cut_outing_world, "web", "/events/{id}", 16),
    ("group page", group_world, "web", "/groups/{id}", 10),
    ("groups list", groups_world, "web", "/groups", 5),
    ("explore events", events_world, "web", f"/explore?{NEAR}", 4),
    ("explore groups", groups_world, "web", f"/explore?{NEAR}&what=groups", 3),
    # user, memberships, your groups' area, near you, groups nearby, the header bell's unread count
    ("home page", events_world, "web", "/", 6),
    ("API event", outing_world, "api", "/api/v1/events/{id}", 8),
    ("API group", group_world, "api", "/api/v1/groups/{id}", 5),
    ("API events nearby", events_world, "api", f"/api/v1/events/nearby?{NEAR}", 1),
    ("API groups nearby", groups_world, "api", f"/api/v1/groups/nearby?{NEAR}", 1),
    ("API events in bbox", events_world, "api", f"/api/v1/events?{BBOX}", 1),
    ("API event posts", outing_world, "api", "/api/v1/events/{id}/posts", 6),
]


def measure(app, conn, monkeypatch, world, channel: str, path: str, n: int) -> list[str]:
    """Statements run by one GET of path, logged in as the viewer of a world of size n.

    The world is built and the viewer logged in under one app context; the GET runs under a fresh
    one, as a request in production does (empty session, user loaded from the session cookie).
    """
    client = app.test_client()
    headers = {}
    with app.app_context():
        viewer, world_id = world(n, f"n{n}x")
        if channel == "web":
            assert submit(client, "/login", {"email": viewer.email, "password": PASSWORD}).status_code == 302
        else:
            headers = {"Authorization": f"Bearer {accounts.issue_token(viewer, 1)[0]}"}
    counter = Counter()
    with app.app_context(), counter.counting(conn, monkeypatch):
        response = client.get(path.format(id=world_id), headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return counter.statements


class TestQueryBudgets:
    @pytest.mark.parametrize(("world", "channel", "path", "budget"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
    def test_the_count_does_not_grow_with_n(self, app, db_conn, monkeypatch, world, channel, path, budget):
        runs = [measure(app, db_conn, monkeypatch, world, channel, path, n) for n in SIZES]
        counts = [len(statements) for statements in runs]
        print(f"{path}: {dict(zip(SIZES, counts))}")
        shown = "\n".join(statement[:160].replace("\n", " ") for statement in runs[-1])
        assert counts[0] == counts[1], shown
        assert counts[1] <= budget, shown


class TestCounter:
    def test_it_counts_each_statement(self, app, db_conn, monkeypatch):
        counter = Counter()
        with app.app_context(), counter.counting(db_conn, monkeypatch):
            db.session.execute(db.select(User.id)).all()
            db.session.execute(db.select(Group.id)).all()
        assert counter.statements == ["SELECT users.id \nFROM users", "SELECT groups.id \nFROM groups"]

    def test_it_counts_the_discovery_reads_sent_through_the_driver(self, app, db_conn, monkeypatch):
        counter = Counter()
        with app.app_context(), counter.counting(db_conn, monkeypatch):
            search.groups_nearby(*HERE, 1000.0, interest=None, limit=5, offset=0)
        assert len(counter.statements) == 1
