"""Plain helpers that make events and RSVPs for tests, and read back what tests check (they need
an app context).

Events are made through the services, so every row is what an organiser would have made; only
time passing is written directly.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from forum.accounts.models import utcnow
from forum.events import recurrence, rsvps, services
from forum.events.models import Event, OccurrenceCount, Rsvp
from forum.extensions import db
from forum.moderation.services import NeedsReconsideration
from forum.notifications.models import Notification

ZONE = "Europe/London"
VENUE = "Riverside Library"


def local(day, at="18:00"):
    """A local wall-clock time on `day`, as the naive UTC the database holds."""
    hour, minute = map(int, at.split(":"))
    return recurrence.to_utc(datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(ZONE)))


def today():
    """The council's local date (the same day services.local_today() gives)."""
    return recurrence.to_local(utcnow(), ZONE).date()


def in_days(days):
    return today() + timedelta(days=days)


def next_weekday(weekday, after_days=21):
    """The first `weekday` (0 = Monday) at least `after_days` from today."""
    start = in_days(after_days)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def first_of_a_month_ahead(months=2):
    """The first day of the month `months` from now (always in the future)."""
    current = today()
    index = current.month - 1 + months
    return date(current.year + index // 12, index % 12 + 1, 1)


def event_fields(**changes):
    """What the event form sends: a Wednesday evening seed swap three weeks ahead."""
    values = {
        "title": "Seed swap at the library", "description": "Bring seeds in envelopes.",
        "start_day": in_days(21), "start_time": time(18, 0), "end_day": None,
        "end_time": time(20, 0), "venue": VENUE, "address": "1 Mill Lane",
    }
    values.update(changes)
    return services.EventFields(**values)


def create_event(author, **changes):
    return services.create_event(author, event_fields(**changes))


def create_through_nudge(author, **changes):
    """Add an event as an author asked to reconsider who sends it unchanged (the detector
    must say "nudge" or "hold")."""
    try:
        create_event(author, **changes)
    except NeedsReconsideration as prompt:
        return services.create_event(author, event_fields(**changes),
                                     nudge_id=prompt.nudge.id)
    raise AssertionError("expected the author to be asked to reconsider first")


def create_series(author, repeat="weekly", **changes):
    return create_event(author, repeat=repeat, **changes)


def starts(event, count=4):
    """The original starts of the event's next `count` occurrences."""
    since = event.starts_at - timedelta(seconds=1)
    found = recurrence.occurrences(event, since, since + recurrence.HORIZON, ZONE)
    return [occurrence.original_start for occurrence in found][:count]


def move_into_the_past(event, days=7):
    """Time passes: the event, its exceptions, RSVPs and place counters all happen `days`
    earlier than they did, at the same local time. For a series, use whole weeks."""

    def earlier(moment):
        wall_clock = recurrence.to_local(moment, ZONE).replace(tzinfo=None) - timedelta(days)
        return recurrence.to_utc(wall_clock.replace(tzinfo=ZoneInfo(ZONE)))

    event.starts_at, event.ends_at = earlier(event.starts_at), earlier(event.ends_at)
    for exception in event.exceptions:
        exception.original_start = earlier(exception.original_start)
        if exception.new_starts_at is not None:
            exception.new_starts_at = earlier(exception.new_starts_at)
            exception.new_ends_at = earlier(exception.new_ends_at)
    for model in (Rsvp, OccurrenceCount):
        # Earliest first, one at a time: each moves onto a key already vacated.
        for row in db.session.execute(select(model).where(model.event_id == event.id)
                                      .order_by(model.occurrence_start)).scalars().all():
            row.occurrence_start = earlier(row.occurrence_start)
            db.session.flush()
    event.repeats_until = services.new_repeats_until(event)
    db.session.commit()
    return event


def next_clock_change(after_days=21):
    """The next last Sunday of March or October at least `after_days` away."""
    year = today().year
    while True:
        for month in (3, 10):
            day = date(year, month, 31)
            day -= timedelta(days=(day.weekday() - 6) % 7)
            if day >= in_days(after_days):
                return day
        year += 1


def answer(event, start, going, *people):
    """Each person answers for the occurrence in turn; returns their states."""
    return [rsvps.rsvp(person, event, start, going) for person in people]


def states(event, start):
    """{username: state} for one occurrence, from the database."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.occurrence_start == start)
    ).scalars()
    return {row.user.username: row.state for row in rows}


def going_counter(event, start):
    """The place counter of one occurrence (None before anyone asked for a place)."""
    db.session.expire_all()
    return db.session.execute(
        select(OccurrenceCount.going).where(OccurrenceCount.event_id == event.id,
                                            OccurrenceCount.occurrence_start == start)
    ).scalar_one_or_none()


def notices(user):
    """The summaries of the notifications `user` has, oldest first."""
    return list(db.session.execute(
        select(Notification.summary).where(Notification.user_id == user.id)
        .order_by(Notification.id)).scalars())


def mail_to(outbox, user):
    """The subjects of the e-mails sent to `user`, oldest first (as a mail program shows them:
    a long subject comes back from the outbox folded, with a leading space)."""
    return [" ".join(message["Subject"].split()) for message in outbox()
            if message["To"] == user.email]


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def reload(event):
    db.session.expire_all()
    return db.session.get(Event, event.id)
