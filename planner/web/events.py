"""Outing pages: create, edit and cancel; the event page with map, stats, profile, RSVP, meeting points, thread."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from planner.downloads import attachment
from planner.errors import ServiceError
from planner.i18n import DEFAULT_LOCALE, current_locale
from planner.services import (
    access,
    calendar,
    discussion,
    events,
    meeting_points,
    routes,
    rsvp,
    series,
    series_edit,
    suggestions,
)
from planner.web import series as series_web
from planner.web.community_forms import ActionForm, EventForm, MeetingPointForm, PostForm, RsvpForm, zone_label
from planner.web.groups import field_message, form_error, labels, login_page, me
from planner.web.maps import tile_options
from planner.web.route_views import outing_map

bp = Blueprint("events", __name__)
bp.context_processor(labels)
EVENT_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "activity",
    "difficulty",
    "route_id",
    "lat",
    "lon",
)


def _route_choices(group_id: int) -> list[tuple[str, str]]:
    """Select options: no route, the group's routes and the user's own."""
    options = events.attachable_routes(group_id, me().id)
    return [("", _("No route")), *((str(r["id"]), r["name"]) for r in options)]


def _event_data(form: EventForm, group_id: int) -> dict:
    """The service input from the event form, importing an uploaded GPX file as the route first."""
    data = {key: form[key].data for key in EVENT_FIELDS}
    upload = form.gpx.data
    if upload and getattr(upload, "filename", ""):
        # Check everything else before the import writes the route; the start may come from the file.
        placeholder = {"lat": data["lat"] or 0, "lon": data["lon"] or 0, "timezone": data["timezone"] or "UTC"}
        events.validate_new(group_id, me(), {**data, "route_id": None, **placeholder})
        route = routes.import_gpx(
            me().id, upload.read(), name=data["title"], activity=data["activity"], group_id=group_id
        )
        data["route_id"] = route.id
    return data


def _zone_name(zone: str) -> str:
    """The outing's time zone as its page names it: the IANA id in English, its city and country in Chinese."""
    locale = current_locale()
    return zone if locale == DEFAULT_LOCALE else zone_label(zone, locale)


def _create(form: EventForm, group_id: int):
    """A new outing, or a series when the form asks for a repeat."""
    first_day = form.starts_at.data.date() if form.starts_at.data else None
    rule = series_web.form_rule(form.repeat.data, form.repeat_count.data, (form.rrule.data or "").strip(), first_day)
    if rule is None:
        return events.create_event(group_id, me(), _event_data(form, group_id))
    return series.create_series(group_id, me(), {**_event_data(form, group_id), "recurrence": {"rrule": rule}})


def _form_error(error: ServiceError, form: EventForm) -> ServiceError:
    """error aimed at the form's field: the upload for "file", the rule or the count for the recurrence."""
    if error.field == "file":
        return ServiceError(error.code, error.template, "gpx", **error.params)
    if error.field and error.field.startswith("recurrence"):
        field = "rrule" if form.repeat.data == "custom" else "repeat_count"
        return ServiceError(error.code, error.template, field, **error.params)
    return error


@bp.route("/groups/<int:group_id>/events/new", methods=["GET", "POST"])
@login_page
def create(group_id: int):
    """New outing form (organisers)."""
    group = access.staff_group(group_id, me())
    form = EventForm()
    form.route_id.choices = _route_choices(group_id)
    if form.validate_on_submit():
        try:
            event = _create(form, group_id)
        except ServiceError as error:
            form_error(form, _form_error(error, form))
        else:
            flash(
                _("Series created: you're going to every one")
                if event.series_id
                else _("Outing created: you're going"),
                "success",
            )
            return redirect(url_for("events.show", event_id=event.id))
    return render_template(
        "events/form.html", form=form, event=None, group_name=group.name, picker_tiles=tile_options()["tiles"]
    ), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_page
def edit(event_id: int):
    """Edit an outing (organisers)."""
    event = access.staff_event(event_id, me())
    form = EventForm(data=events.form_values(event))
    form.route_id.choices = _route_choices(event.group_id)
    if form.validate_on_submit():
        try:
            data = {**_event_data(form, event.group_id), "scope": form.scope.data or "this"}
            series_edit.edit(event_id, me(), data)
        except ServiceError as error:
            form_error(form, _form_error(error, form))
        else:
            flash(_("Outing updated"), "success")
            return redirect(url_for("events.show", event_id=event_id))
    return render_template(
        "events/form.html", form=form, event=event, group_name=event.group.name, picker_tiles=tile_options()["tiles"]
    ), 400 if form.errors else 200


@bp.get("/events/<int:event_id>")
def show(event_id: int):
    """The outing: map, stats, profile, RSVP, who is going, meeting points and the thread."""
    event_row = access.visible_event(event_id, me())
    event = events.event_dict(event_row, me(), current_locale())
    event_map, map_name, profile_svg = outing_map(event, event_row.route, me())
    viewer = access.viewer(me())
    is_member, is_staff = viewer.is_member(event_row.group_id), viewer.is_staff(event_row.group_id)
    rsvp_form = RsvpForm()
    rsvp_form.meeting_point_id.choices += [
        (str(p["id"]), f"{p['number']}. {p['name']}") for p in event["meeting_points"]
    ]
    mine = event["my_rsvp"]
    if mine is not None:
        rsvp_form.meeting_point_id.data = str(mine["meeting_point_id"] or "")
    return render_template(
        "events/show.html",
        event=event,
        event_map=event_map,
        map_name=map_name,
        profile_svg=profile_svg,
        group_name=event_row.group.name,
        local=events.local_texts(event_row),
        zone_name=_zone_name(event_row.timezone),
        my_state=rsvp.state_text(event_row, mine) if mine is not None else None,
        is_staff=is_staff,
        is_member=is_member,
        suggested=suggestions.suggestions(event_id, me()) if is_staff else [],
        attendees=rsvp.attendees(event_id, me()) if is_member else None,
        meeting_counts=rsvp.going_per_meeting_point(event_id),
        rsvp_form=rsvp_form,
        point_form=MeetingPointForm(),
        action_form=ActionForm(),
        post_form=PostForm(),
        thread=discussion.list_posts("event", event_id, me(), request.args.get("page")),
        me_id=current_user.get_id(),
        post_url=url_for("events.post", event_id=event_id),
        following=event_row.series_id is not None
        and me() is not None
        and me().id in series.followers(event_row.series_id),
    )


@bp.get("/events/<int:event_id>.ics")
def download_ics(event_id: int):
    """The outing as iCalendar, for the logged-in viewer (the API answers bearer tokens only)."""
    url = url_for("events.show", event_id=event_id, _external=True)
    return attachment(calendar.event_ics(event_id, me(), url), f"event-{event_id}.ics", "text/calendar")


@bp.get("/events/<int:event_id>.gpx")
def download_gpx(event_id: int):
    """The outing as GPX, its route as the logged-in viewer sees it (whole for the route's owner)."""
    return attachment(calendar.event_gpx(event_id, me()), f"event-{event_id}.gpx")


@bp.post("/events/<int:event_id>/cancel")
def cancel(event_id: int):
    """Cancel the outing (organisers)."""
    events.cancel_event(event_id, me())
    flash(_("Outing cancelled"), "info")
    return redirect(url_for("events.show", event_id=event_id))


@bp.post("/events/<int:event_id>/rsvp")
def rsvp_going(event_id: int):
    """RSVP: going, or on the waitlist."""
    answer = rsvp.rsvp(event_id, me(), RsvpForm().meeting_point_id.data or None)
    text = rsvp.state_text(access.visible_event(event_id, me()), answer)
    flash(text, "success" if answer["status"] == "going" else "info")
    return redirect(url_for("events.show", event_id=event_id))


@bp.post("/events/<int:event_id>/rsvp/cancel")
def rsvp_cancel(event_id: int):
    """Withdraw your RSVP."""
    rsvp.cancel(event_id, me())
    flash(_("You're no longer going"), "info")
    return redirect(url_for("events.show", event_id=event_id))


@bp.post("/events/<int:event_id>/meeting-points")
def add_point(event_id: int):
    """Add a meeting point (organisers)."""
    form = MeetingPointForm()
    form.validate_on_submit()
    data = {key: form[key].data for key in ("name", "lat", "lon", "place", "meet_at", "notes")}
    try:
        meeting_points.add(event_id, me(), data)
    except ServiceError as error:
        if error.status != 400:
            raise
        flash(_("Meeting point not added: %(reason)s", reason=field_message(error, form)), "error")
    else:
        flash(_("Meeting point added"), "success")
    return redirect(url_for("events.show", event_id=event_id) + "#meeting-points")


@bp.post("/meeting-points/<int:point_id>/delete")
def delete_point(point_id: int):
    """Remove a meeting point (organisers)."""
    event_id = meeting_points.event_id_of(point_id)
    meeting_points.delete(point_id, me())
    flash(_("Meeting point removed"), "info")
    return redirect(url_for("events.show", event_id=event_id) + "#meeting-points")


@bp.post("/events/<int:event_id>/posts")
def post(event_id: int):
    """Post on the outing's thread."""
    form = PostForm()
    created = discussion.create_post("event", event_id, me(), form.body.data, form.parent_id.data or None)
    flash(_("Reply posted") if created.parent_id else _("Posted"), "success")
    return redirect(url_for("events.show", event_id=event_id) + f"#post-{created.id}")
