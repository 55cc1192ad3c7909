"""iCalendar addresses: one event, the public feeds (all, a ward, a category) and each
person's private feed. Their routes join the events blueprint (`forum.events.views.bp`)."""

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user

from forum.accounts import services as accounts
from forum.events import feeds, ics, services
from forum.events.models import CATEGORIES
from forum.events.views import bp


def _calendar(events, name, filename, only=None, private=False):
    body = ics.calendar(events, services.zone(), request.url_root.rstrip("/"),
                        f"{current_app.config['SITE_NAME']}: {name}", only=only)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = ("private" if private else "public") + ", max-age=300"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/<int:event_id>.ics")
def event_ics(event_id):
    """One event (a series with its rule) for a calendar app."""
    event = services.get_event(event_id, current_user)
    if not event.is_published:
        abort(404)
    return _calendar([event], event.title, f"event-{event.id}.ics")


@bp.route("/calendar.ics")
def calendar_feed():
    """Every public event, for calendar apps to subscribe to."""
    return _calendar(feeds.public_events(), "events", "calendar.ics")


@bp.route("/ward/<slug>.ics")
def ward_feed(slug):
    """A ward's public events."""
    ward, is_alias = accounts.resolve_ward(slug)
    if is_alias:  # a merged ward: calendar apps follow to the ward that remains
        return redirect(url_for("events.ward_feed", slug=ward.slug), 301)
    return _calendar(feeds.public_events(ward=ward), f"events in {ward.name}",
                     f"ward-{ward.slug}.ics")


@bp.route("/category/<name>.ics")
def category_feed(name):
    """One category's public events."""
    if name not in CATEGORIES:
        abort(404)
    return _calendar(feeds.public_events(category=name), CATEGORIES[name],
                     f"category-{name}.ics")


@bp.route("/feed/<token>.ics")
def private_feed(token):
    """A person's own feed: the dates they're going to, at a secret address."""
    user = feeds.user_for_feed(token)
    if user is None:
        abort(404)
    chosen = feeds.events_for_feed(user)
    return _calendar(list(chosen), "my events", "my-events.ics", only=chosen, private=True)
