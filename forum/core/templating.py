"""What every template can use: the navigation, `can`, and a few filters."""

from datetime import date, datetime

from flask import current_app, has_request_context, request, url_for
from flask_login import current_user

from forum.accounts.models import AGE_BAND_LABELS
from forum.core.policy import can
from forum.core.timezones import to_local

# The main sections, in header order. A section appears once its blueprint is registered,
# so the header never links to a page that does not exist.
NAVIGATION = (
    ("boards.index", "Boards"),
    ("skills.index", "Skills"),
    ("events.index", "Events"),
    ("projects.index", "Projects"),
    ("news.index", "News"),
    ("search.search", "Search"),
)


def init_app(app):
    app.context_processor(_template_context)
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["age_band_label"] = AGE_BAND_LABELS.get
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _template_context():
    # E-mails are rendered by services and commands too, outside any request.
    path = request.path if has_request_context() else None
    return {
        "site_name": current_app.config["SITE_NAME"],
        "navigation": [
            (endpoint, label, path is not None and path.startswith(url_for(endpoint)))
            for endpoint, label in NAVIGATION
            if endpoint in current_app.view_functions
        ],
        "can": lambda action, obj=None: can(current_user, action, obj),
    }


def format_date(value, style="long"):
    if value is None:
        return ""
    if style == "iso":
        return value.isoformat()
    return f"{value.day} {value:%B %Y}" if isinstance(value, date) else str(value)


def local_time(value):
    """Stored times are naive UTC; people read them in the council's time zone."""
    return to_local(value, current_app.config["TIMEZONE"])


def format_datetime(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
        return f"{value.day} {value:%B %Y, %H:%M}"
    return str(value)
