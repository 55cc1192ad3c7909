"""Community projects: browse, propose, join, and the group's page."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")
