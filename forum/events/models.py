"""Events, their recurrence exceptions, RSVPs per occurrence with a waitlist, and private
calendar feeds.

Times are stored as naive UTC, like every time in the app; a recurring event's rule is kept
as an RFC 5545 RRULE and expanded in Europe/London wall-clock time (events/recurrence.py), so
a weekly 7pm session stays at 7pm across the clock change.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.core.content import ContentKind, Moderated, register_kind
from forum.extensions import db

CATEGORIES = {
    "community": "Community and social",
    "council": "Council and consultations",
    "youth": "Young people",
    "families": "Families and children",
    "faith": "Faith and culture",
    "sport": "Sport and fitness",
    "arts": "Arts, music and film",
    "learning": "Learning and skills",
    "health": "Health and wellbeing",
    "environment": "Environment and gardening",
    "markets": "Markets and fairs",
}
SUITABILITY = {
    "everyone": "Everyone, all ages",
    "under_18": "Young people under 18",
    "adults": "Adults only (18 and over)",
}
RSVP_STATES = {"going": "Going", "waitlist": "On the waiting list", "not_going": "Not going"}


class Event(Moderated, db.Model):
    """Something happening: once, or as a series by an RRULE."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_calendar", "status", "cancelled_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The iCalendar UID: stable across edits; imports are deduplicated by it.
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    title: Mapped[str] = mapped_column(String(150))
    description_source: Mapped[str] = mapped_column(Text, default="")
    description_html: Mapped[str] = mapped_column(Text, default="")
    description_text: Mapped[str] = mapped_column(Text, default="")
    # The first occurrence, naive UTC. All-day events run from local midnight to midnight.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    all_day: Mapped[bool] = mapped_column(default=False)
    # RFC 5545 rule without DTSTART ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"), or None.
    rrule: Mapped[str | None] = mapped_column(String(200))
    # When the series stops (naive UTC), for finding events in a window without expanding.
    repeats_until: Mapped[datetime | None] = mapped_column(index=True)
    venue: Mapped[str] = mapped_column(String(150), default="")
    address: Mapped[str] = mapped_column(String(250), default="")
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    category: Mapped[str] = mapped_column(String(20), default="community", index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    # Published by council staff as an official event ("Council" is the organiser).
    is_official: Mapped[bool] = mapped_column(default=False)
    organiser_name: Mapped[str] = mapped_column(String(100), default="")
    capacity: Mapped[int | None]
    cost: Mapped[str] = mapped_column(String(60), default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    suitable_for: Mapped[str] = mapped_column(String(10), default="everyone")
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # iCalendar SEQUENCE: bumped on every change people's calendars should pick up.
    sequence: Mapped[int] = mapped_column(default=0)
    imported_from: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")
    ward = relationship("Ward")
    exceptions: Mapped[list["EventException"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="selectin",
        order_by="EventException.original_start")

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    @property
    def is_recurring(self):
        return bool(self.rrule)

    @property
    def duration(self):
        return self.ends_at - self.starts_at


class EventException(db.Model):
    """One occurrence of a series skipped, or moved to another time."""

    __tablename__ = "event_exceptions"
    __table_args__ = (UniqueConstraint("event_id", "original_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    # The occurrence as the rule placed it (naive UTC): its identity, even once moved.
    original_start: Mapped[datetime]
    # None: skipped. Otherwise the new times (naive UTC).
    new_starts_at: Mapped[datetime | None]
    new_ends_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(200), default="")

    event: Mapped[Event] = relationship(back_populates="exceptions")

    @property
    def skipped(self):
        return self.new_starts_at is None


class OccurrenceCount(db.Model):
    """How many people are going to one occurrence: the counter that keeps it from being
    overbooked. Each RSVP changes it with one conditional UPDATE, so two people can never both
    take the last place, on SQLite or PostgreSQL."""

    __tablename__ = "event_occurrence_counts"
    __table_args__ = (UniqueConstraint("event_id", "occurrence_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    occurrence_start: Mapped[datetime]
    going: Mapped[int] = mapped_column(default=0)


class Rsvp(db.Model):
    """One person's answer for one occurrence: going, waiting for a place, or not going."""

    __tablename__ = "event_rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "occurrence_start", "user_id"),
        Index("ix_event_rsvps_occurrence", "event_id", "occurrence_start", "state",
              "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # The occurrence's original start (naive UTC); for a one-off event, its start.
    occurrence_start: Mapped[datetime]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    state: Mapped[str] = mapped_column(String(10))
    # Waiting-list order: the time the person last asked for a place.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    user = relationship("User")


class CalendarFeed(db.Model):
    """A person's private feed of the events they're going to, at a secret address.

    The secret is an HMAC of the user id and this version under the app's SECRET_KEY, so the
    address can be shown again without storing it; resetting bumps the version, and the old
    address stops working.
    """

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    reset_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- how the generic content machinery handles events -----------------------------------------


def _event_url(event):
    from flask import url_for

    return url_for("events.event", event_id=event.id)


def _event_document(event):
    if not event.is_published or event.is_cancelled:
        return None
    return {"title": event.title, "body": f"{event.venue} {event.description_text}",
            "author": event.author.username if event.author else "",
            "created": event.starts_at, "ward": event.ward.slug if event.ward else "",
            "url": f"/events/{event.id}"}


def _redact_event(event, text):
    from forum.events.services import redact_event

    redact_event(event, text)


register_kind(ContentKind(
    name="event", model=Event, url=_event_url, title=lambda event: event.title,
    text=lambda event: event.description_text, search_document=_event_document,
    redact=lambda event, text: _redact_event(event, text),
))
