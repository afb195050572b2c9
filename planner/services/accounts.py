"""Registration, password log-in and API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from planner.errors import Conflict, ServiceError, Unauthorized
from planner.extensions import db
from planner.models import ApiToken, User

MIN_PASSWORD_CHARS = 8
# Compared against when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    """The canonical form of an email address (trimmed, lower-case)."""
    return (email or "").strip().lower()


def validate_registration(email: str, password: str, display_name: str) -> tuple[str, str]:
    """Check registration input; returns (email, display_name) cleaned or raises ServiceError."""
    email = normalise_email(email)
    display_name = (display_name or "").strip()
    if "@" not in email or email.startswith("@") or len(email) > 254 or any(c.isspace() for c in email):
        raise ServiceError("invalid_email", "Enter a valid email address.", "email")
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_CHARS:
        raise ServiceError("weak_password", f"Use a password of at least {MIN_PASSWORD_CHARS} characters.", "password")
    if len(password) > 1024:
        raise ServiceError("invalid_password", "That password is too long.", "password")
    if not 1 <= len(display_name) <= 80:
        raise ServiceError("invalid_display_name", "Enter a display name of 1 to 80 characters.", "display_name")
    return email, display_name


def register(email: str, password: str, display_name: str) -> User:
    """Create an account; raises Conflict("email_taken") when the email is in use."""
    email, display_name = validate_registration(email, password, display_name)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("email_taken", "An account with this email already exists.", "email")
    user = User(email=email, password_hash=generate_password_hash(password), display_name=display_name)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("email_taken", "An account with this email already exists.", "email") from None
    return user


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or Unauthorized("bad_credentials")."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if not isinstance(password, str):
        password = ""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthorized("bad_credentials", "Email or password is wrong.")
    if not check_password_hash(user.password_hash, password):
        raise Unauthorized("bad_credentials", "Email or password is wrong.")
    return user


def _digest(token: str) -> str:
    """SHA-256 hex digest of a token; only digests are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, ttl_days: int) -> tuple[str, datetime]:
    """A new bearer token for user and its expiry; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires_at = now + timedelta(days=ttl_days)
    db.session.add(ApiToken(user_id=user.id, token_sha256=_digest(token), created_at=now, expires_at=expires_at))
    db.session.commit()
    return token, expires_at


def user_for_token(token: str) -> User | None:
    """The user a live bearer token belongs to, or None."""
    if not token or len(token) > 200:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_sha256 == _digest(token), ApiToken.expires_at > func.now())
    ).first()
    return row.User if row else None


def get_user(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def user_by_email(email: str) -> User | None:
    """The user with this email, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))
