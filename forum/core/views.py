"""The home page and the health check."""

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum.accounts import services as accounts
from forum.core.home import home_for
from forum.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
def home():
    """Show what matters now: announcements, news, events, topics and skill offers."""
    home = home_for(current_user)
    return render_template("home.html", home=home,
                           wards=[] if home.signed_in else accounts.list_wards())


@bp.route("/health")
def health():
    """Report whether the app can reach its database (for load balancers and monitoring)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="degraded", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
