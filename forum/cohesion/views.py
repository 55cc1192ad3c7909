"""The pulse survey (residents) and the cohesion dashboard (staff)."""

from flask import Blueprint

bp = Blueprint("cohesion", __name__)
