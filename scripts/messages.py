"""Bring the message catalogues up to date with the code: `make messages`.

Extracts every message (babel.cfg; gettext/_/ngettext/N_ plus the lazy forms), updates
planner/translations/<locale>/LC_MESSAGES/messages.po for each locale, makes English say its own msgid, drops
messages the code no longer has, and, given other .po files (a translator's work), takes their Chinese for
messages still untranslated. Then compile with `pybabel compile -d planner/translations` (set-up does).
"""

from __future__ import annotations

import contextlib
import copy
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "planner" / "translations"
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2"]
HEADER = {
    "en": "planner's English messages: each says its own msgid (scripts/messages.py keeps it so).",
    "zh_Hans": "planner's Simplified Chinese messages, written by hand (not machine-translated).",
}


def extract() -> Catalog:
    """The messages the code and templates use."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(ROOT):  # locations relative to the root
        pot = Path(tmp) / "messages.pot"
        CommandLineInterface().run(
            ["pybabel", "-q", "extract", "-F", "babel.cfg", *KEYWORDS, "--sort-output", "-o", str(pot), "."]
        )
        with open(pot, "rb") as f:
            return read_po(f)


def read(path: Path, locale: str) -> Catalog:
    """One .po file."""
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def untranslated(message) -> bool:
    """Whether message still needs a translation."""
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return message.fuzzy or not all(strings)


def update(locale: str, template: Catalog, donors: list[Catalog]) -> int:
    """Rewrite locale's catalogue against template; the number of messages left untranslated."""
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    catalogue = read(path, locale)
    catalogue.update(copy.deepcopy(template), no_fuzzy_matching=True)  # update shares the template's messages
    catalogue.obsolete.clear()
    catalogue.header_comment = f"# {HEADER[locale]}\n# Update with `make messages`; tests/web/test_i18n.py checks them."
    left = 0
    for message in catalogue:
        if not message.id:
            continue
        if locale == "en":
            message.string = message.id if not message.pluralizable else tuple(message.id)
            message.flags.discard("fuzzy")
            continue
        for donor in donors:
            given = donor.get(message.id)
            if untranslated(message) and given is not None and not untranslated(given):
                message.string = given.string
                message.flags.discard("fuzzy")
        left += untranslated(message)
    partial = path.with_suffix(".po.tmp")
    with open(partial, "wb") as f:
        write_po(f, catalogue, width=120, include_lineno=False, sort_output=True)
    partial.replace(path)  # whole or not at all, also while another run reads it
    return left


def main(donor_paths: list[str]) -> int:
    """Update every catalogue; 1 when a message is still untranslated."""
    template = extract()
    donors = [read(Path(p), "zh_Hans") for p in donor_paths]
    left = {locale: update(locale, template, donors) for locale in HEADER}
    for locale, count in left.items():
        print(f"{locale}: {len(template) - 1} messages, {count} untranslated")
    return 1 if any(left.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
