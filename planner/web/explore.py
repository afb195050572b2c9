"""Pages: explore."""
from flask import Blueprint

bp = Blueprint("explore", __name__)
