"""Notification pages: the list (open one, mark all read), the settings form, and the header bell's count."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from planner.errors import ServiceError
from planner.schemas.notifications import CHANNELS, GROUP_CHOICES, KINDS
from planner.services import inbox
from planner.web.community_forms import ActionForm
from planner.web.groups import login_page, me

bp = Blueprint("notifications", __name__)

BELL_CAP = 100  # the bell counts up to this many (shown as "99+"), so its query stays small
REMINDER_CHOICES_H = (1, 2, 6, 24, 48, 168)  # the offsets offered as checkboxes (plus any the person has)
_BELL_KEY = "planner.unread_notifications"
# Which part of the settings form a field named by a ServiceError belongs to.
FIELDSETS = {"channels": "channels", "email_all": "channels", "reminder_offsets_h": "reminders", "groups": "groups"}


@bp.app_context_processor
def _bell() -> dict:
    """Templates get unread_notifications(): the logged-in person's unread count (counted once per request)."""
    return {"unread_notifications": unread_for_bell}


def unread_for_bell() -> int:
    """The logged-in person's unread notifications, at most BELL_CAP; 0 when logged out or outside a request."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    cache = request.environ  # per request (g outlives a request when a test shares one app context)
    if _BELL_KEY not in cache:
        cache[_BELL_KEY] = inbox.bell_count(current_user.id, BELL_CAP)
    return cache[_BELL_KEY]


@bp.get("/me/notifications")
@login_page
def index():
    """The person's notifications, newest first, unread ones marked; each opens the page it is about."""
    page = inbox.page_of(me(), request.args.get("page"))
    return render_template("notifications/index.html", page=page, action_form=ActionForm())


@bp.get("/me/notifications/<int:notification_id>")
@login_page
def open_one(notification_id: int):
    """Mark one notification read and go to the page it is about (only its owner; 404 for anyone else)."""
    return redirect(inbox.open_notification(me(), notification_id))


@bp.post("/me/notifications/read-all")
@login_page
def read_all():
    """Mark every notification of the person read."""
    inbox.mark_read(me(), {"all": True})
    flash(_("All notifications marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/me/notifications/settings", methods=["GET", "POST"])
@login_page
def settings():
    """The settings form: a channel per kind, no e-mail at all, reminder offsets, new outings per group."""
    current = inbox.settings(me())
    error = None
    if request.method == "POST":
        body = submitted(request.form)
        try:
            inbox.update_settings(me(), body)
        except ServiceError as refused:
            if refused.status != 400:
                raise
            error, current = refused, overlay(current, body)
        else:
            flash(_("Notification settings saved"), "success")
            return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        settings=current,
        error=error,
        error_in=FIELDSETS.get(error.field or "", "form") if error else None,
        kinds=KINDS,
        kind_labels=texts(inbox.KIND_LABELS),
        channels=CHANNELS,
        channel_labels=texts(inbox.CHANNEL_LABELS),
        group_choices=GROUP_CHOICES,
        group_choice_labels=texts(inbox.GROUP_CHOICE_LABELS),
        reminder_choices=reminder_choices(current["reminder_offsets_h"]),
        action_form=ActionForm(),
    ), 400 if error else 200


def texts(labels: Mapping[str, object]) -> dict[str, str]:
    """Lazily translated labels as text in the current language (so the page escapes them like any text)."""
    return {key: str(label) for key, label in labels.items()}


def submitted(form: MultiDict) -> dict:
    """The settings form as the API's PUT body: only what the form holds (a whole form holds every part)."""
    body: dict = {}
    channels = {kind: form[f"channel_{kind}"] for kind in KINDS if f"channel_{kind}" in form}
    if channels:
        body["channels"] = channels
    if form.get("settings_form"):  # the whole form: unticked boxes mean "no"
        body["email_all"] = not form.get("email_off")
        body["reminder_offsets_h"] = form.getlist("reminder_offsets_h")
    groups = [
        {"group_id": key.removeprefix("group_"), "new_outings": value}
        for key, value in form.items()
        if key.startswith("group_")
    ]
    if groups:
        body["groups"] = groups
    return body


def overlay(current: dict, body: dict) -> dict:
    """The settings as the refused form showed them, so a person correcting one thing loses none of the others."""
    shown = {**current, "channels": dict(current["channels"])}
    for kind, channel in body.get("channels", {}).items():
        if channel in CHANNELS:
            shown["channels"][kind] = channel
    if "email_all" in body:
        shown["email_all"] = body["email_all"]
    if "reminder_offsets_h" in body:
        shown["reminder_offsets_h"] = [int(h) for h in body["reminder_offsets_h"] if h.isdigit() and len(h) < 4]
    chosen = {str(g["group_id"]): g["new_outings"] for g in body.get("groups", ())}
    shown["groups"] = [
        {**g, "new_outings": chosen.get(str(g["group_id"]), g["new_outings"])} for g in current["groups"]
    ]
    return shown


def reminder_choices(offsets_h: list[int]) -> list[tuple[int, str]]:
    """(hours, label) of the reminder checkboxes: the usual offsets and the person's own, soonest first."""
    return [(hours, hours_text(hours)) for hours in sorted({*REMINDER_CHOICES_H, *offsets_h})]


def hours_text(hours: int) -> str:
    """An offset's checkbox label as people say it: "1 hour before", "2 days before", "1 week before"."""
    if hours == 168:
        return _("1 week before")
    if hours % 24 == 0:
        return ngettext("%(num)s day before", "%(num)s days before", hours // 24)
    return ngettext("%(num)s hour before", "%(num)s hours before", hours)
