"""The staff side of small grants: open funds, assess and decide, publish vote results."""

from flask import Blueprint

bp = Blueprint("grants_staff", __name__, url_prefix="/staff/funds")
