"""(filled in by the feeds work)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("feeds", __name__)
