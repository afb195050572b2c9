"""Group pages: list, create, edit, join/leave, members and approvals, the group board, posts, home area."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from planner.errors import N_, ServiceError, Unauthorized
from planner.geo import maps
from planner.i18n import DEFAULT_LOCALE, current_locale, translate
from planner.services import access, discussion, events, groups, suggestions
from planner.web import group_list
from planner.web.community_forms import (
    FORM_MESSAGES,
    LABELS,
    ActionForm,
    GroupForm,
    HomeAreaForm,
    PostForm,
    RoleForm,
)
from planner.web.maps import embed, tile_options

bp = Blueprint("groups", __name__)


def labels() -> dict:
    """The closed vocabularies' labels for the community templates ({{ labels.role[p.role] }})."""
    return {"labels": LABELS}


bp.context_processor(labels)


def me():
    """The logged-in user, or None (services take None for anonymous)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def login_page(view):
    """Like login_required for GET (redirect to the log-in page); a POST without a session is a 401."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            if request.method != "GET":
                raise Unauthorized("unauthorized", N_("Log in first."))
            # Flask-Login's init_app sets app.login_manager at run time; Flask's stubs do not declare it.
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    return wrapper


def field_message(error: ServiceError, form: FlaskForm) -> str:
    """error's message on form: in English the service's words; translated, naming the inputs as the form does."""
    if current_locale() == DEFAULT_LOCALE:
        return error.message
    if error.template in FORM_MESSAGES:
        return str(FORM_MESSAGES[error.template])
    field = getattr(form, error.field or "", None)
    if field is not None and error.params.get("field") == error.field:
        return translate(error.template, {**error.params, "field": str(field.label.text)})
    return error.message


def form_error(form: FlaskForm, error: ServiceError) -> None:
    """Show a 400 ServiceError on its form field (or the first field); re-raise any other status."""
    if error.status != 400:
        raise error
    field = getattr(form, error.field or "", None) or next(iter(form))
    field.errors = [*field.errors, field_message(error, form)]


def thread_url(post_id: int) -> str:
    """The page showing the thread a post is on."""
    kind, thread_id = discussion.thread_of(post_id)
    if kind == "event":
        return url_for("events.show", event_id=thread_id) + "#thread"
    return url_for("groups.show", group_id=thread_id) + "#thread"


@bp.get("/groups")
def index():
    """Public groups and the private groups you belong to, with place, members and next outing, and a map."""
    return group_list.render_index(me())


@bp.route("/groups/new", methods=["GET", "POST"])
@login_page
def create():
    """Create a group."""
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.create_group(
                me(), {k: form[k].data for k in ("name", "interest", "description", "visibility", "lat", "lon")}
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            return redirect(url_for("groups.show", group_id=group.id))
    return render_template(
        "groups/form.html", form=form, group=None, picker_tiles=tile_options()["tiles"]
    ), 400 if form.errors else 200


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_page
def edit(group_id: int):
    """Edit a group (owner, organisers)."""
    group = access.staff_group(group_id, me())
    current = groups.group_dict(group, me())
    form = GroupForm(data=current)
    if form.validate_on_submit():
        try:
            groups.update_group(
                group_id,
                me(),
                {k: form[k].data for k in ("name", "interest", "description", "visibility", "lat", "lon")},
            )
        except ServiceError as error:
            form_error(form, error)
        else:
            return redirect(url_for("groups.show", group_id=group_id))
    return render_template(
        "groups/form.html", form=form, group=current, picker_tiles=tile_options()["tiles"]
    ), 400 if form.errors else 200


@bp.get("/groups/<int:group_id>")
def show(group_id: int):
    """A group: its upcoming outings, a map of its area and its discussion board."""
    group_row = access.visible_group(group_id, me())
    group = groups.group_dict(group_row, me())
    area_map = embed(maps.point_map(group["lat"], group["lon"], label=group["name"], **tile_options()))
    return render_template(
        "groups/show.html",
        group=group,
        area_map=area_map,
        action_form=ActionForm(),
        upcoming=events.group_events(group_id, me()),
        post_form=PostForm(),
        thread=discussion.list_posts("group", group_id, me(), request.args.get("page")),
        is_staff=access.is_staff(group_row.id, me()),
        me_id=current_user.get_id(),
        post_url=url_for("groups.post", group_id=group_id),
    )


@bp.post("/groups/<int:group_id>/join")
def join(group_id: int):
    """Join a group (or ask to, for private ones)."""
    status = groups.join(group_id, me())
    flash(
        _("Welcome to the group!") if status == "member" else _("Request sent; an organiser will approve it."), "info"
    )
    return redirect(url_for("groups.show", group_id=group_id) if status == "member" else url_for("groups.index"))


@bp.post("/groups/<int:group_id>/leave")
def leave(group_id: int):
    """Leave a group."""
    groups.leave(group_id, me())
    flash(_("You left the group."), "info")
    return redirect(url_for("groups.index"))


@bp.get("/groups/<int:group_id>/members")
def members(group_id: int):
    """Members, pending requests (organisers) and role changes (owner)."""
    group = groups.group_dict(access.visible_group(group_id, me()), me())
    return render_template(
        "groups/members.html",
        group=group,
        people=groups.members(group_id, me()),
        action_form=ActionForm(),
        role_form=RoleForm(),
        me_id=current_user.get_id(),
    )


@bp.post("/groups/<int:group_id>/members/<int:user_id>/approve")
def approve(group_id: int, user_id: int):
    """Accept a request to join."""
    groups.approve(group_id, me(), user_id)
    return redirect(url_for("groups.members", group_id=group_id))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/remove")
def remove(group_id: int, user_id: int):
    """Turn down a request or remove a member."""
    groups.remove_member(group_id, me(), user_id)
    return redirect(url_for("groups.members", group_id=group_id))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/role")
def role(group_id: int, user_id: int):
    """Promote, demote or hand over the group (owner only)."""
    groups.set_role(group_id, me(), user_id, RoleForm().role.data)
    return redirect(url_for("groups.members", group_id=group_id))


@bp.post("/groups/<int:group_id>/posts")
def post(group_id: int):
    """Post on the group's board."""
    form = PostForm()
    created = discussion.create_post("group", group_id, me(), form.body.data, form.parent_id.data or None)
    return redirect(url_for("groups.show", group_id=group_id) + f"#post-{created.id}")


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_page
def edit_post(post_id: int):
    """Edit your own post."""
    form = PostForm()
    if form.validate_on_submit():
        try:
            discussion.edit_post(post_id, me(), form.body.data)
        except ServiceError as error:
            form_error(form, error)
        else:
            return redirect(thread_url(post_id))
    elif request.method == "GET":
        form.body.data = discussion.editable_body(post_id, me())
    return render_template(
        "groups/post_edit.html", form=form, back_url=thread_url(post_id)
    ), 400 if form.errors else 200


@bp.post("/posts/<int:post_id>/delete")
def delete_post(post_id: int):
    """Delete a post (author) or remove it (organisers); replies stay under a tombstone."""
    back = thread_url(post_id)
    discussion.delete_post(post_id, me())
    return redirect(back)


@bp.route("/me/home-area", methods=["GET", "POST"])
@login_page
def home_area():
    """Opt in or out of sharing an approximate home area for fair meeting points."""
    form = HomeAreaForm()
    if request.form.get("action") == "forget":
        suggestions.clear_home_area(me())
        flash(_("Your home area is forgotten."), "info")
        return redirect(url_for("groups.home_area"))
    if form.validate_on_submit():
        try:
            suggestions.set_home_area(me(), form.lat.data, form.lon.data)
        except ServiceError as error:
            form_error(form, error)
        else:
            flash(_("Thanks: your home area is stored to about 1 km and never shown."), "success")
            return redirect(url_for("groups.home_area"))
    return render_template(
        "groups/home_area.html",
        form=form,
        action_form=ActionForm(),
        sharing=current_user.share_home_area,
        picker_tiles=tile_options()["tiles"],
    ), 400 if form.errors else 200
