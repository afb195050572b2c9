"""Demo data for a fresh install: users, groups, the sample routes, upcoming outings, meeting points and posts.

Idempotent: every row is looked up by a natural key first, so a second run creates nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from planner.extensions import db
from planner.models import Event, Group, MeetingPoint, Membership, Post, Route, Rsvp, User
from planner.services import accounts, meeting_points, notify, routes, rsvp
from planner.services.markdown import render_markdown
from planner.times import at_local

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_routes"
DEMO_PASSWORD = "planner-demo"
DEMO_USERS = {  # key -> display name; emails are KEY@demo.planner.example
    "ana": "Ana Lin",
    "ben": "Ben Okafor",
    "chen": "Chen Wei",
    "dara": "Dara Schmidt",
    "eli": "Eli Moreau",
    "fatima": "Fatima Noor",
}


@dataclass(frozen=True)
class DemoGroup:
    """A demo group with its outing."""

    name: str
    interest: str
    lat: float
    lon: float
    timezone: str
    owner: str
    members: tuple[str, ...]
    route_file: str
    title: str
    difficulty: str
    weekday: int  # 5 = Saturday
    hour: int
    capacity: int
    description: str
    visibility: str = "public"


GROUPS = (
    DemoGroup(
        "Hangzhou Weekend Hikers",
        "hiking",
        30.2500,
        120.1450,
        "Asia/Shanghai",
        "ana",
        ("ben", "chen", "eli"),
        "hangzhou-west-lake-hills-hike.gpx",
        "West Lake hills: Baoshi Hill to Leifeng Pagoda",
        "easy",
        5,
        8,
        12,
        "Easy-going hikes in the hills around West Lake, most Saturdays. Tea afterwards.",
    ),
    DemoGroup(
        "Hangzhou Weekend Hikers",
        "hiking",
        30.2500,
        120.1450,
        "Asia/Shanghai",
        "ana",
        (),
        "hangzhou-jiuxi-longjing-maojiabu-route.gpx",
        "Tea villages: Jiuxi, Longjing and Maojiabu",
        "easy",
        6,
        9,
        15,
        "",
    ),
    DemoGroup(
        "Beijing Western Hills Hiking Club",
        "hiking",
        39.9900,
        116.1900,
        "Asia/Shanghai",
        "chen",
        ("ana", "fatima"),
        "beijing-fragrant-hills-loop.gpx",
        "Fragrant Hills loop to Xianglu Peak",
        "moderate",
        5,
        8,
        10,
        "Hikes in Beijing's Western Hills. Bring water: there is little on the ridges.",
    ),
    DemoGroup(
        "Shenzhen Peak Baggers",
        "hiking",
        22.5800,
        114.2000,
        "Asia/Shanghai",
        "chen",
        ("ben",),
        "shenzhen-wutong-mountain-hike.gpx",
        "Wutong Mountain by the Hero Slope",
        "hard",
        6,
        7,
        8,
        "Steep climbs around Shenzhen. Sturdy shoes, 2 litres of water, no flip-flops.",
    ),
    DemoGroup(
        "Shanghai Riverside Riders",
        "cycling",
        31.1900,
        121.4700,
        "Asia/Shanghai",
        "eli",
        ("ana", "dara"),
        "shanghai-west-bund-riverside-ride.gpx",
        "West Bund riverside spin",
        "easy",
        6,
        7,
        20,
        "Relaxed rides along the Huangpu greenways. Any bike welcome; helmets required.",
    ),
    DemoGroup(
        "Hangzhou Lakeside Cycling",
        "cycling",
        30.2590,
        120.1630,
        "Asia/Shanghai",
        "ben",
        ("chen",),
        "hangzhou-west-lake-loop-ride.gpx",
        "Sunrise lap of West Lake",
        "easy",
        5,
        6,
        16,
        "Early laps of West Lake before the crowds.",
    ),
    DemoGroup(
        "Zürichsee Road Cycling Club",
        "cycling",
        47.3668,
        8.5448,
        "Europe/Zurich",
        "dara",
        ("eli", "fatima"),
        "zurich-lakeshore-ride.gpx",
        "Round the lake to Rapperswil",
        "moderate",
        5,
        9,
        14,
        "Road rides around Lake Zurich at a chatty 25 km/h. Coffee stop in Rapperswil.",
    ),
    DemoGroup(
        "Richmond Park Runners",
        "running",
        51.4496,
        -0.2957,
        "Europe/London",
        "fatima",
        ("dara", "ben"),
        "london-richmond-park-run.gpx",
        "Tamsin Trail long run",
        "moderate",
        6,
        9,
        25,
        "Weekend long runs around Richmond Park. All paces, nobody left behind.",
    ),
    DemoGroup(
        "Berlin Wald & Wasser Wanderer",
        "hiking",
        52.4883,
        13.2610,
        "Europe/Berlin",
        "dara",
        ("eli",),
        "berlin-grunewald-havel-hike.gpx",
        "Grunewald and the Havel: Teufelsberg to Nikolassee",
        "easy",
        6,
        10,
        18,
        "Forest and lakeside walks in Berlin's Grunewald.",
    ),
    DemoGroup(
        "Tiergarten Morning Runners",
        "running",
        52.5163,
        13.3770,
        "Europe/Berlin",
        "eli",
        ("dara",),
        "berlin-tiergarten-run.gpx",
        "Tiergarten figure of eight",
        "easy",
        2,
        7,
        30,
        "Wednesday morning runs through the Tiergarten. Members only; ask to join.",
        "private",
    ),
)

POSTS = (
    ("Who is bringing the tea? I can carry a thermos for four.", "Count me in for snacks."),
    ("Forecast looks dry. Meet 10 minutes early to sort the car-share.", "I'll be at the first meeting point."),
)


def run() -> dict[str, int]:
    """Create whatever demo data is missing; returns counts of rows created by kind."""
    created: Counter[str] = Counter()
    users = {key: _user(key, name, created) for key, name in DEMO_USERS.items()}
    for demo in GROUPS:
        group = _group(demo, users, created)
        route = _route(demo, group, users[demo.owner], created)
        event = _event(demo, group, route, users[demo.owner], created)
        _meeting_points(event, route, users[demo.owner], created)
        _rsvps(event, [users[demo.owner], *(users[k] for k in demo.members)], created)
        _posts(group, event, users[demo.owner], [users[k] for k in demo.members], created)
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
    """The demo outing's start: the next demo.weekday at demo.hour local time, at least two days ahead."""
    day = date.today() + timedelta(days=2)
    day += timedelta(days=(demo.weekday - day.weekday()) % 7)
    return at_local(day, time(demo.hour, 0), demo.timezone)


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
            description=f"{demo.description}\n\nWe follow the route below; see the meeting points.",
        )
        db.session.add(event)
        db.session.flush()
        notify.outing_created(event, owner.id)  # the members hear of it, so a fresh `make run` has mail to show
        db.session.commit()
        created["events"] += 1
    return event


def _meeting_points(event: Event, route: Route, owner: User, created: Counter) -> None:
    """A meeting point at the start and one about 40 % along the route, snapped by the meeting-point service."""
    for name, fraction, notes in (
        ("Start", 0.0, "Look for the green flag."),
        ("Halfway regroup", 0.4, "Short break; late joiners welcome."),
    ):
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


def _rsvps(event: Event, members: list[User], created: Counter) -> None:
    """Members going to the demo outing (through the RSVP service, so the waitlist rules apply)."""
    for user in members:
        if db.session.scalar(select(Rsvp.id).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id)) is None:
            rsvp.rsvp(event.id, user)
            created["rsvps"] += 1


def _posts(group: Group, event: Event, owner: User, members: list[User], created: Counter) -> None:
    """A welcome post on the group board and a short thread under the outing."""
    _post(owner, f"Welcome to **{group.name}**! Introduce yourself below.", created, group_id=group.id)
    if not members:
        return
    question, answer = POSTS[event.id % len(POSTS)]
    parent = _post(owner, question, created, event_id=event.id)
    _post(members[0], answer, created, event_id=event.id, parent_id=parent.id)


def _post(author: User, body: str, created: Counter, **thread) -> Post:
    """The post with this author, body and thread, created when missing."""
    post = db.session.scalar(select(Post).filter_by(author_id=author.id, body_md=body, **thread))
    if post is None:
        post = Post(author_id=author.id, body_md=body, body_html=render_markdown(body), **thread)
        db.session.add(post)
        db.session.commit()
        created["posts"] += 1
    return post
