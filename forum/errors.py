"""Domain errors raised by services, and the friendly HTTP error pages."""

import contextlib

from flask import current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A use-case could not go ahead; the message is safe to show to the person acting."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The actor may not do this (policy said no)."""

    def __init__(self, message="You don't have permission to do that."):
        super().__init__(message)


class NotFound(DomainError):
    """The thing asked for does not exist, or is not visible to the actor."""

    def __init__(self, message="We couldn't find that."):
        super().__init__(message)


class Invalid(DomainError):
    """One field's value was refused; views show the message beside that field."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


# What each error page says, in plain words.
ERROR_PAGES = {
    400: ("Something was wrong with that request",
          "The page couldn't understand what was sent. Go back, check the form and try again."),
    403: ("You can't do that here",
          "Your account doesn't have permission for this page or action."),
    404: ("Page not found",
          "The page may have been moved, removed, or the link may be mistyped."),
    405: ("That doesn't work here",
          "This page can't be used that way. Go back and use the links or buttons on the page."),
    413: ("That was too large",
          "What you sent is larger than we accept. Shorten it and try again."),
    429: ("Too many attempts",
          "You've tried this too many times in a short while. Please wait a few minutes "
          "and try again."),
    500: ("Something went wrong on our side",
          "The problem has been logged. Please try again in a moment."),
    503: ("Common Ground is briefly unavailable",
          "We can't reach our database right now. Please try again in a minute; "
          "nothing you've already saved has been lost."),
}


def wants_json():
    return request.path.startswith("/api/") or request.path == "/health"


def error_response(code, detail=None, name=None):
    title, explanation = ERROR_PAGES.get(code, (name or "Something went wrong", ""))
    if wants_json():
        return jsonify(error=title, detail=detail or explanation, status=code), code
    # With the database down, the page must not ask who is signed in: Flask-Login's template
    # context would load the user from the database again, and that error would be a 500.
    if code == 503:
        g._login_user = current_app.login_manager.anonymous_user()
    return render_template(
        "errors/error.html", code=code, title=title, explanation=detail or explanation,
        bare=code == 503,
    ), code


def register_error_handlers(app):
    def handle_http(error):
        if error.code == 413:
            _drain_body()
        # A rate limit's own description ("10 per 1 minute") is not for people.
        detail = error.description if _is_custom(error) and error.code != 429 else None
        response = app.make_response(error_response(error.code or 500, detail, error.name))
        if getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    def handle_csrf(error):
        return error_response(
            400,
            "This form had expired or came from somewhere else, so nothing was saved. "
            "Go back, refresh the page and send it again.",
        )

    def handle_domain(error):
        if isinstance(error, NotFound):
            return error_response(404, error.message)
        if isinstance(error, NotAllowed):
            return error_response(403, error.message)
        return error_response(400, error.message)

    def handle_unexpected(error):
        from forum.extensions import db

        # The connection may have died with the database; the pool replaces it.
        with contextlib.suppress(OperationalError):
            db.session.rollback()
        if isinstance(error, OperationalError):
            app.logger.warning("Database unavailable: %s", error)
            return error_response(503)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500)

    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    # A database outage has a page of its own; tests see every other traceback.
    app.register_error_handler(OperationalError, handle_unexpected)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)


def _is_custom(error):
    """True when a view gave abort() its own description (werkzeug's default is generic)."""
    return type(error).description != error.description


# Bodies up to this size are read and thrown away before a 413 page is sent.
DRAIN_LIMIT = 32 * 1024 * 1024


def _drain_body():
    """Read the rest of a refused body, so that the client, still sending it, gets the 413 page.

    A server that answers and closes while a browser is still uploading resets the connection,
    and the browser shows "connection reset" instead of our page. Bigger bodies are not read.
    """
    length = request.content_length or 0
    if not 0 < length <= DRAIN_LIMIT:
        return
    stream = request.environ.get("wsgi.input")
    left = length
    try:
        while left > 0:
            chunk = stream.read(min(left, 64 * 1024))
            if not chunk:
                break
            left -= len(chunk)
    except OSError:
        pass
