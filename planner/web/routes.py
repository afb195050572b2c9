"""Route pages: upload a GPX file, see it on a map with its stats and elevation profile, download it."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner.downloads import attachment
from planner.errors import ServiceError
from planner.geo import maps
from planner.services import access, privacy, routes
from planner.web.community_forms import ActionForm
from planner.web.forms import PrivacyZoneForm, RouteUploadForm
from planner.web.groups import form_error, login_page, me
from planner.web.maps import embed, tile_options
from planner.web.route_views import route_page_map

bp = Blueprint("routes", __name__)


def _viewer_id() -> int | None:
    """The logged-in user's id, or None."""
    return current_user.id if current_user.is_authenticated else None


@bp.route("/routes/new", methods=["GET", "POST"])
@login_required
def upload():
    """Upload form; on success, the new route's page."""
    form = RouteUploadForm()
    if form.validate_on_submit():
        try:
            route = routes.import_gpx(
                current_user.id, form.file.data.read(), name=form.name.data, activity=form.activity.data
            )
        except ServiceError as error:
            form.file.errors.append(error.message)
        else:
            return redirect(url_for("routes.show", route_id=route.id))
    return render_template("routes/new.html", form=form), 400 if form.errors else 200


@bp.get("/routes/mine")
@login_required
def mine():
    """The logged-in user's routes."""
    return render_template("routes/mine.html", routes=routes.routes_of(current_user.id))


@bp.get("/routes/<int:route_id>")
def show(route_id: int):
    """A route's map, stats, elevation profile and downloads."""
    route = access.get_route(route_id, _viewer_id())
    data = routes.map_data(route, _viewer_id())
    route_map, profile_svg = route_page_map(data)
    return render_template(
        "routes/show.html",
        route=routes.route_dict(route, _viewer_id()),
        route_owner_id=route.owner_id,
        cut_for_viewer=access.is_cut_for(route, _viewer_id()),
        cut_for_others=route.public_stats is not None,
        route_map=route_map,
        profile_svg=profile_svg,
        waypoints=data["waypoints"],
    )


@bp.get("/routes/<int:route_id>/download.gpx")
def download(route_id: int):
    """The route as GPX 1.1."""
    route = access.get_route(route_id, _viewer_id())
    return attachment(routes.route_gpx(route, _viewer_id()), f"route-{route.id}.gpx")


@bp.get("/routes/<int:route_id>/download.geojson")
def download_geojson(route_id: int):
    """The route as a GeoJSON Feature, as the logged-in viewer sees it (the API answers bearer tokens only)."""
    route = access.get_route(route_id, _viewer_id())
    feature = json.dumps(routes.route_geojson(route, _viewer_id()), separators=(",", ":")).encode()
    return attachment(feature, f"route-{route.id}.geojson", "application/geo+json")


@bp.get("/routes/<int:route_id>/original.gpx")
def original(route_id: int):
    """The file as it was uploaded, byte for byte (to its owner only: it may hold times and private places)."""
    route = access.original_route(route_id, _viewer_id())
    return attachment(route.gpx_original, f"route-{route.id}-original.gpx")


@bp.route("/me/privacy", methods=["GET", "POST"])
@login_page
def privacy_zones():
    """The user's privacy zones on a map, and a form to add one (click the map to fill the centre)."""
    form = PrivacyZoneForm()
    if form.validate_on_submit():
        data = {"name": form.name.data, "lat": form.lat.data, "lon": form.lon.data, "radius_m": form.radius_m.data}
        try:
            added = privacy.add_zone(me(), data)
        except ServiceError as error:
            if error.status == 409:
                flash(error.message, "error")
            else:
                form_error(form, error)
        else:
            flash(_("Privacy zone added: others now see your routes without the parts around it."), "success")
            if added["outings_starting_inside"]:
                flash(
                    _(
                        "%(num)s upcoming outing(s) on your routes start near this zone, and zones do not move an "
                        "outing's start: edit them to meet somewhere else.",
                        num=len(added["outings_starting_inside"]),
                    ),
                    "error",
                )
            return redirect(url_for("routes.privacy_zones"))
    zones = privacy.list_zones(me())
    zones_map = maps.zones_map(zones, unnamed=_("Privacy zone"), **tile_options())
    return render_template(
        "routes/privacy.html",
        form=form,
        zones=zones,
        zones_map=embed(zones_map),
        map_name=zones_map.get_name(),
        action_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.post("/me/privacy/<int:zone_id>/delete")
@login_page
def delete_privacy_zone(zone_id: int):
    """Remove one of the user's privacy zones."""
    privacy.delete_zone(me(), zone_id)
    flash(_("Privacy zone removed."), "info")
    return redirect(url_for("routes.privacy_zones"))
