"""Registration, password log-in and API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from planner.errors import N_, Conflict, Unauthorized
from planner.extensions import db
from planner.models import ApiToken, User
from planner.schemas import parse
from planner.schemas.accounts import RegisterIn, TokenIn, normalise_email

# Compared against when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def register(email: object, password: object, display_name: object) -> User:
    """Create an account; 400 on bad input (RegisterIn), Conflict("email_taken") when the email is in use."""
    account = parse(RegisterIn, {"email": email, "password": password, "display_name": display_name})
    email, password, display_name = account.email, account.password, account.display_name
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict("email_taken", N_("An account with this email already exists."), "email")
    user = User(email=email, password_hash=generate_password_hash(password), display_name=display_name)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("email_taken", N_("An account with this email already exists."), "email") from None
    return user


def authenticate(email: object, password: object) -> User:
    """The user with these credentials; 400 unless both are strings (TokenIn), Unauthorized("bad_credentials")."""
    credentials = parse(TokenIn, {"email": email, "password": password})
    password = credentials.password
    user = db.session.scalar(select(User).where(User.email == normalise_email(credentials.email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthorized("bad_credentials", N_("Email or password is wrong."))
    if not check_password_hash(user.password_hash, password):
        raise Unauthorized("bad_credentials", N_("Email or password is wrong."))
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
