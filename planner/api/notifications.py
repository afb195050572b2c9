"""(filled in by the notifications work)"""

from __future__ import annotations

OPENAPI: dict = {}
