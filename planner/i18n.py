"""Languages: which locale a request is shown in, and saving a person's choice.

The order: the logged-in user's saved setting, else the `lang` cookie the header's switcher sets, else the
browser's Accept-Language, else English. Locale names are Babel's ("zh_Hans"); `<html lang>` takes the BCP 47
form ("zh-Hans").
"""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from planner.extensions import db

DEFAULT_LOCALE = "en"
LOCALES = ("en", "zh_Hans")
# Each language's name in itself, for the switcher.
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "中文"}
COOKIE = "lang"
COOKIE_MAX_AGE_S = 365 * 86400
# Chinese written in traditional characters: zh_Hans is not their language, so such a tag matches nothing.
_TRADITIONAL = ("hant", "tw", "hk", "mo")


def known(value: object) -> str | None:
    """value when it names a locale of ours, else None."""
    return value if isinstance(value, str) and value in LOCALES else None


def from_language_tag(tag: str) -> str | None:
    """Our locale for one Accept-Language tag ("zh-CN" -> zh_Hans, "en-GB" -> en), or None."""
    parts = tag.strip().lower().replace("_", "-").split("-")
    if parts[0] == "en":
        return "en"
    if parts[0] == "zh" and not any(part in _TRADITIONAL for part in parts[1:]):
        return "zh_Hans"
    return None


def select_locale() -> str:
    """The locale of this request: saved setting > cookie > Accept-Language > English."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if current_user.is_authenticated and known(getattr(current_user, "locale", None)):
        return current_user.locale
    cookie = known(request.cookies.get(COOKIE))
    if cookie:
        return cookie
    for tag, _quality in request.accept_languages:  # best first
        match = from_language_tag(tag)
        if match:
            return match
    return DEFAULT_LOCALE


def current_locale() -> str:
    """The selected locale's name, e.g. "zh_Hans"."""
    return str(get_locale() or DEFAULT_LOCALE)


def html_lang(locale: str | None = None) -> str:
    """The BCP 47 tag of locale (default: the current one) for `<html lang>`: "en", "zh-Hans"."""
    return (locale or current_locale()).replace("_", "-")


def save_user_locale(user, locale: str) -> None:
    """Keep locale as user's language setting (commits)."""
    user.locale = locale
    db.session.commit()
