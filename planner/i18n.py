"""Languages: which locale a request is shown in, and saving a person's choice.

The order: the logged-in user's saved setting, else the `lang` cookie the header's switcher sets, else the
browser's Accept-Language, else English. Locale names are Babel's ("zh_Hans"); `<html lang>` takes the BCP 47
form ("zh-Hans").
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_from_dir
from babel.numbers import format_decimal
from flask import has_request_context, request
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from planner import errors
from planner.extensions import db

DEFAULT_LOCALE = "en"
LOCALES = ("en", "zh_Hans")
# Each language's name in itself, for the switcher.
LANGUAGE_NAMES = {"en": "English", "zh_Hans": "中文"}
COOKIE = "lang"
# Where planner.api.auth keeps the user of the request's bearer token (request.environ, once looked up).
API_USER_KEY = "planner.api_user"
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


def _saved_locale() -> str | None:
    """The saved language of the request's user (the API's bearer-token user, else the session's), if any.

    None while the database cannot be read: an error page must still render."""
    try:
        user = request.environ.get(API_USER_KEY) or (current_user if current_user.is_authenticated else None)
    except SQLAlchemyError:
        return None
    return known(getattr(user, "locale", None))


def select_locale() -> str:
    """The locale of this request: saved setting > cookie > Accept-Language > English."""
    if not has_request_context():
        return DEFAULT_LOCALE
    saved = _saved_locale()
    if saved:
        return saved
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


def km_text(metres: float | None, digits: int = 1) -> str:
    """Metres as kilometres in the current language: "12.3 km", "12.3 公里" ("—" when unknown)."""
    if metres is None:
        return "—"
    locale = current_locale()
    if locale == DEFAULT_LOCALE:
        number = f"{metres / 1000:.{digits}f}"
    else:
        pattern = f"#,##0.{'0' * digits}" if digits else "#,##0"
        number = format_decimal(round(metres / 1000, digits), format=pattern, locale=locale)
    return gettext("%(km)s km", km=number)


def metres_text(value: float | None) -> str:
    """A height in whole metres in the current language: "1,845 m", "1,845 米" ("—" when unknown)."""
    if value is None:
        return "—"
    return gettext("%(m)s m", m=format_decimal(round(value), locale=current_locale()))


def save_user_locale(user, locale: str) -> None:
    """Keep locale as user's language setting (commits)."""
    user.locale = locale
    db.session.commit()


def translate(template: str, params: Mapping[str, Any]) -> str:
    """template (an N_-marked message) in the current language, with params filled in."""
    return gettext(template, **params)


def install() -> None:
    """Errors raised by the pure layers (schemas, services) read in the reader's language from now on."""
    errors.translate = translate


SCRIPTS = Path(__file__).resolve().parent.parent / "static" / "js"
JS_KEYWORDS = {"gettext": None, "ngettext": (1, 2)}


@cache
def js_message_ids() -> tuple[str | tuple[str, ...], ...]:
    """The messages the page scripts ask for: gettext("…") and ngettext("…", "…", n), found by Babel's extractor."""
    found = extract_from_dir(str(SCRIPTS), [("**.js", "javascript")], keywords=JS_KEYWORDS, strip_comment_tags=True)
    return tuple(sorted({message for _file, _line, message, _comments, _context in found}, key=str))


def js_messages() -> dict[str, str | list[str]]:
    """The scripts' messages in the current language: a text, or [one, other] for a plural (our languages need
    no more: Chinese has one form, English two)."""
    translations = get_translations()  # raw texts: the script fills in %(name)s itself
    out: dict[str, str | list[str]] = {}
    for message in js_message_ids():
        if isinstance(message, tuple):
            out[message[0]] = [translations.ngettext(*message, 1), translations.ngettext(*message, 2)]
        else:
            out[message] = translations.gettext(message)
    return out
