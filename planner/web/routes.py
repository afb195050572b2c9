"""Pages: routes."""
from flask import Blueprint

bp = Blueprint("routes", __name__)
