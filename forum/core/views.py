"""The home page and the health check."""

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum.accounts import services as accounts
from forum.core.home import home_for
from forum.core.jobs import redis_connection
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
    """Report whether the app can reach its database and Redis (for load balancers and
    monitoring). Without its database a server can do nothing useful (503: take it out of
    rotation); without Redis it still serves, with limits in memory and jobs run inline."""
    report = {"status": "ok", "database": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        report.update(status="degraded", database="unavailable")
    if current_app.config.get("REDIS_URL"):
        try:
            redis_connection(current_app).ping()
            report["redis"] = "ok"
        except Exception:
            report.update(status="degraded", redis="unavailable")
    return jsonify(report), 503 if report["database"] != "ok" else 200
