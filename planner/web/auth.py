"""Register, log in, log out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from planner.errors import ServiceError
from planner.services import accounts
from planner.web.forms import LoginForm, LogoutForm, RegisterForm

bp = Blueprint("auth", __name__)


def _safe_next(default: str) -> str:
    """The ?next= target when it is a local path, else default (no open redirects)."""
    target = request.args.get("next", "")
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
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            login_user(user)
            flash(f"Welcome, {user.display_name}!", "success")
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
            form.password.errors.append(error.message)
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
        flash("You are logged out.", "info")
    return redirect(url_for("main.home"))
