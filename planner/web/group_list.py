"""The groups list page: each group's place, members and next outing, beside a map of the groups."""

from __future__ import annotations

from flask import render_template, url_for

from planner.geo import maps
from planner.models import User
from planner.services import access, search
from planner.services.nearest_city import nearest_city
from planner.times import local_text
from planner.web.maps import embed, tile_options

NEAR_KM = 15.0  # a group's home closer than this to a city is "in" it


def _place(lat: float, lon: float) -> str:
    """The group's place: its nearest gazetteer city ("Hangzhou, CN" or "30 km from Hangzhou, CN"), else lat/lon."""
    city = nearest_city(lat, lon)
    if city is None:
        return f"{lat:.2f}, {lon:.2f}"
    name = f"{city['name']}, {city['country']}"
    return name if city["km"] < NEAR_KM else f"{city['km']:.0f} km from {name}"


def _listed(row: dict, viewer: access.Viewer) -> dict:
    """A groups_list row with its place, the viewer's role and its next outing's local time."""
    next_text = local_text(row["next_starts_at"], row["next_timezone"]) if row["next_id"] else None
    return {
        **row,
        "place": _place(row["lat"], row["lon"]),
        "my_role": viewer.my_role(row["id"]),
        "next_text": next_text,
    }


def _marker(group: dict) -> dict:
    """A group as an events_map marker: name, link, and place · members · next outing in the popup."""
    members = f"{group['member_count']} member{'' if group['member_count'] == 1 else 's'}"
    return {
        "id": group["id"],
        "lat": group["lat"],
        "lon": group["lon"],
        "title": group["name"],
        "url": url_for("groups.show", group_id=group["id"]),
        "starts_at_text": " · ".join(
            part for part in (group["place"], members, group["next_text"] and f"next: {group['next_text']}") if part
        ),
    }


def render_index(user: User | None) -> str:
    """The groups page for user: public groups and the private ones user is an active member of."""
    viewer = access.viewer(user)
    rows = search.groups_list([group_id for group_id in viewer.memberships if viewer.is_member(group_id)])
    listed = [_listed(row, viewer) for row in rows]
    group_map = maps.events_map(
        [_marker(g) for g in listed], center=None if listed else (20.0, 0.0), zoom=2, **tile_options()
    )
    return render_template("groups/index.html", groups=listed, group_map=embed(group_map))
