"""Calendar feeds: the public feeds' events, and each person's private feed at a secret
address (an HMAC of their id and a version, so it can be shown again and reset)."""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, utcnow
from forum.events.models import CalendarFeed, Event, Rsvp
from forum.extensions import db


def _feed_secret(user_id, version):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar-feed:{user_id}:{version}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def feed_token(user):
    """The secret part of the person's private feed address (made on first use)."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, version=1)
        db.session.add(feed)
        db.session.commit()
    return f"{user.id}-{_feed_secret(user.id, feed.version)}"


def reset_feed(user):
    """A new secret address; the old one stops working at once."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, version=1)
        db.session.add(feed)
    feed.version += 1
    feed.reset_at = utcnow()
    db.session.commit()
    return feed_token(user)


def user_for_feed(token):
    user_id, _, secret = (token or "").partition("-")
    if not (user_id.isdigit() and len(user_id) <= 9):  # larger ids can't be in the database
        return None
    feed = db.session.get(CalendarFeed, int(user_id))
    if feed is None or not hmac.compare_digest(secret, _feed_secret(int(user_id), feed.version)):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.state == "active" else None


def events_for_feed(user):
    """Events with an occurrence the person is going to, and those occurrences' starts."""
    rows = db.session.execute(
        select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.state == "going",
                           Rsvp.occurrence_start >= utcnow() - timedelta(days=90))
        .options(selectinload(Rsvp.event))
    ).scalars().all()
    chosen = {}
    for row in rows:
        if row.event.is_published:
            chosen.setdefault(row.event, set()).add(row.occurrence_start)
    return chosen


def public_events(ward=None, category=None):
    """Published events for the public feeds (cancelled ones too, marked, so calendars that
    subscribed see the cancellation)."""
    query = (select(Event).where(Event.status == "published",
                                 or_(Event.repeats_until.is_(None),
                                     Event.repeats_until > utcnow() - timedelta(days=90)))
             .options(selectinload(Event.ward)).order_by(Event.starts_at))
    if ward is not None:
        query = query.where(Event.ward_id == ward.id)
    if category:
        query = query.where(Event.category == category)
    return db.session.execute(query).scalars().all()
