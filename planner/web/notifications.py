"""(filled in by the notifications work)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notifications", __name__)
