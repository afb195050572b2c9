"""Accounts and API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import Model
from planner.models._types import GeoPointNoIndex, created_at_column


class User(UserMixin, Model):
    """A person with an account."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email) AND position('@' in email) > 1", name="email_lower"),
        CheckConstraint("length(btrim(display_name)) BETWEEN 1 AND 80", name="display_name_len"),
        CheckConstraint("share_home_area OR home_area IS NULL", name="home_area_opt_in"),
        CheckConstraint("locale IN ('en', 'zh_Hans')", name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()
    # Opt-in, coarsened to a ~1 km grid, used only to suggest fair meeting points; never shown to anyone.
    share_home_area: Mapped[bool] = mapped_column(default=False, server_default="false")
    home_area = mapped_column(GeoPointNoIndex, nullable=True, deferred=True)
    # The secret in the private calendar feed's URL; replaced to revoke the old URL.
    calendar_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The language chosen in the header's switcher (a Babel name, planner.i18n.LOCALES); None: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16))

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class ApiToken(Model):
    """A bearer token for the JSON API, stored as its SHA-256 digest only."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_created"),
        Index("ix_api_tokens_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"
