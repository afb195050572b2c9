"""(filled in by the mail_pages work)"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail_pages", __name__)
