"""Register, log in, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from planner import i18n
from planner.errors import ServiceError
from planner.extensions import login_manager
from planner.services import accounts
from planner.web.forms import LoginForm, LogoutForm, RegisterForm

bp = Blueprint("auth", __name__)

# The services' messages on these pages, by error code, as people read them (the codes stay English).
MESSAGES = {
    "email_taken": _l("An account with this email already exists."),
    "bad_credentials": _l("Email or password is wrong."),
    # Flask-Login's own flash when a page needs a log-in (its default text, translated by localize_callback).
    "login_required": _l("Please log in to access this page."),
}
login_manager.localize_callback = _


def _message(error: ServiceError) -> str:
    """error's message in the request's language."""
    return str(MESSAGES.get(error.code, error.message))


def _safe_next(default: str, target: str | None = None) -> str:
    """target (default: the ?next= parameter) when it is a local path, else default (no open redirects)."""
    target = request.args.get("next", "") if target is None else target
    if "\\" in target or any(ord(c) < 0x20 for c in target):
        return default  # browsers read "/\\host" and "/<tab>/host" as "//host"
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


@bp.route("/register", methods=["GET", "POST"])
def register():
    """Sign-up page."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.email.data, form.password.data, form.display_name.data)
        except ServiceError as error:
            getattr(form, error.field or "email").errors.append(_message(error))
        else:
            login_user(user)
            flash(_("Welcome, %(name)s!", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except ServiceError as error:
            form.password.errors.append(_message(error))
        else:
            login_user(user)
            return redirect(_safe_next(url_for("main.home")))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """End the session (POST with CSRF, so a link elsewhere cannot log people out)."""
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.post("/language")
def language():
    """The header's language switcher: set the `lang` cookie (and a logged-in user's setting), then go back.

    CSRF is checked by CSRFProtect before this runs; an unknown language is a 400; only a local path is followed."""
    locale = i18n.known(request.form.get("locale"))
    if locale is None:
        abort(400, description="Unknown language.")
    if current_user.is_authenticated:
        i18n.save_user_locale(current_user, locale)
    response = redirect(_safe_next(url_for("main.home"), request.form.get("next", "")))
    response.set_cookie(
        i18n.COOKIE,
        locale,
        max_age=i18n.COOKIE_MAX_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response
