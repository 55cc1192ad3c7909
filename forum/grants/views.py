"""Funds, applications and participatory votes: residents' pages."""

from flask import Blueprint

bp = Blueprint("grants", __name__, url_prefix="/funds")
