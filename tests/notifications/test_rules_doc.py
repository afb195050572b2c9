"""docs/notifications.md is the contract: its table names exactly the rules planner.services.notify applies."""

from __future__ import annotations

from pathlib import Path

from planner.models.notification import KINDS
from planner.services.notify import AUDIENCES, RULES
from planner.services.notify_text import TEXTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "notifications.md"
PERIODIC_KINDS = {"reminder", "outing_digest"}


def _change_rows() -> dict[str, tuple[str, str]]:
    """{change: (kind, audience)} from the doc's first table."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] not in ("change", "---"):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


class TestTheDocIsTheRules:
    def test_every_change_is_in_the_doc_with_its_kind_and_audience(self):
        assert _change_rows() == {change: (rule.kind, rule.audience) for change, rule in RULES.items()}

    def test_every_audience_is_defined_and_every_kind_has_words(self):
        assert {rule.audience for rule in RULES.values()} <= AUDIENCES.keys()
        assert {rule.kind for rule in RULES.values()} | PERIODIC_KINDS == set(KINDS) == TEXTS.keys()
