"""Common Ground: a neighbourhood platform for a council and its residents."""

import json
import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter
from werkzeug.utils import import_string

import config as config_module
from forum import search
from forum.core import cache as page_cache
from forum.extensions import csrf, db, limiter, login_manager, migrate

CONFIG_NAMES = {
    "default": "config.Config",
    "development": "config.Config",
    "production": "config.ProductionConfig",
    "test": "config.TestConfig",
}

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config=None, overrides=None):
    """Build the application.

    :param config: a config class, or its name (see CONFIG_NAMES); default from FORUM_CONFIG.
    :param overrides: settings applied last, after the environment (tests use this).
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("FORUM_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config, overrides)
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)
    register_commands(app)
    from forum.errors import register_error_handlers

    register_error_handlers(app)
    return app


def load_config(app, config=None, overrides=None):
    config = config or os.environ.get("FORUM_CONFIG") or "default"
    config_class = import_string(CONFIG_NAMES.get(config, config)) if isinstance(config, str) \
        else config
    app.config.from_object(config_class)
    app.config.from_pyfile("forum.cfg", silent=True)
    for name in config_module.ENVIRONMENT_NAMES:
        if name in os.environ:
            app.config[name] = _parse_env_value(os.environ[name])
    app.config.from_prefixed_env("FORUM")
    app.config.update(overrides or {})
    # Checked before the embedded SQLite default is filled in, which production must not use.
    config_class.check(app.config)

    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'forum.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(
        app.config["DATABASE_URL"], app.config.get("DATABASE_CONNECT_TIMEOUT"))
    if app.config.get("REDIS_URL") and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    app.config.setdefault("RATELIMIT_KEY_PREFIX", f"{app.config['REDIS_KEY_PREFIX']}:limits")


def _parse_env_value(value):
    """Read numbers and booleans the way from_prefixed_env does; anything else stays a string."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    return parsed if isinstance(parsed, bool | int | float) else value


def _normalise_database_url(url, connect_timeout=None):
    # psycopg 3 is the driver we ship; hosting platforms hand out plain postgres:// URLs.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    if url.startswith("postgresql") and connect_timeout and "connect_timeout=" not in url:
        url += ("&" if "?" in url else "?") + f"connect_timeout={int(connect_timeout)}"
    return url


def configure_logging(app):
    """Send the app's and its libraries' warnings (Redis unreachable, rate limits in memory,
    database outages) to stderr, where gunicorn and systemd collect them.

    Only when nothing else has set up logging: tests and `flask run` keep their own.
    """
    import logging

    if app.testing or logging.getLogger().handlers:
        return
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s [%(name)s] %(message)s")


def register_extensions(app):
    import forum.models  # noqa: F401  (every model must be known before the first query)

    db.init_app(app)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them in
    # reverse): ending the request's session on a connection the database has just dropped
    # must be a warning, not a 500 sent after the page was ready.
    app.teardown_appcontext(_release_session)
    search.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    page_cache.init_app(app)
    login_manager.login_view = "accounts.signin"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    from forum.accounts.sessions import load_user_from_session_token

    login_manager.user_loader(load_user_from_session_token)


def _release_session(error=None):
    from sqlalchemy.exc import SQLAlchemyError

    try:
        db.session.remove()
    except SQLAlchemyError as problem:
        from flask import current_app

        current_app.logger.warning("Database connection lost while ending a request: %s",
                                   problem)
        try:  # the failed rollback invalidated the connection; closing again returns it
            db.session.remove()
        except SQLAlchemyError:
            db.session.registry.clear()


class DatabaseInt(IntegerConverter):
    """An <int:…> in an address that the database can hold: a longer number is simply a page
    that doesn't exist (404), not an overflow deep in a query (500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_blueprints(app):
    app.url_map.converters["int"] = DatabaseInt
    from forum.accounts.views import bp as accounts_bp
    from forum.api.views import bp as api_bp
    from forum.boards import feed_views as _boards_feeds  # noqa: F401  (its routes join boards)
    from forum.boards.views import bp as boards_bp
    from forum.cohesion.views import bp as cohesion_bp
    from forum.core.views import bp as core_bp
    from forum.events import feed_views  # noqa: F401  (its routes join the events blueprint)
    from forum.events.staff_views import bp as events_staff_bp
    from forum.events.views import bp as events_bp
    from forum.grants.staff_views import bp as grants_staff_bp
    from forum.grants.views import bp as grants_bp
    from forum.moderation.views import bp as moderation_bp
    from forum.news.staff_views import bp as news_staff_bp
    from forum.news.views import bp as news_bp
    from forum.notifications.views import bp as notifications_bp
    from forum.projects.views import bp as projects_bp
    from forum.search.views import bp as search_bp
    from forum.skills import match_views  # noqa: F401  (its routes join the skills blueprint)
    from forum.skills.staff_views import bp as skills_staff_bp
    from forum.skills.views import bp as skills_bp
    from forum.staff.views import bp as staff_bp

    for blueprint in (core_bp, accounts_bp, boards_bp, skills_bp, events_bp, news_bp,
                      notifications_bp, staff_bp, skills_staff_bp, events_staff_bp, news_staff_bp,
                      search_bp, moderation_bp, api_bp, projects_bp, grants_bp, grants_staff_bp,
                      cohesion_bp):
        app.register_blueprint(blueprint)


def register_request_hooks(app):
    from forum.core.security import set_security_headers

    app.after_request(set_security_headers)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # The proxy's X-Forwarded-* headers say who is really asking (rate limits, logs) and
        # whether they came over HTTPS (secure cookies, absolute links).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_template_helpers(app):
    from forum.core import templating

    templating.init_app(app)


def register_commands(app):
    from forum.cli import register

    register(app)
