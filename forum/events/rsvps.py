"""RSVPs: going, not going, the waiting list and its promotions; attendee lists; reminders.

Places are counted in `event_occurrence_counts` and taken with one conditional UPDATE
("going = going + 1 WHERE going < capacity"), so an occurrence is never overbooked however
many people press "Going" at once, on SQLite or PostgreSQL.
"""

from datetime import timedelta

from flask import url_for
from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, utcnow
from forum.core import signals
from forum.core.policy import require
from forum.errors import DomainError, NotFound
from forum.events import recurrence
from forum.events.models import Event, OccurrenceCount, Rsvp
from forum.events.services import local_label, may_happen_between, occurrence_param, zone
from forum.extensions import db
from forum.notifications.mail import send_email
from forum.notifications.services import notify_person

# --- reading -------------------------------------------------------------------------------------


def going_counts(occurrences):
    """{(event id, original start): people going} for these occurrences, in one query."""
    keys = {occurrence.key for occurrence in occurrences}
    if not keys:
        return {}
    rows = db.session.execute(
        select(OccurrenceCount.event_id, OccurrenceCount.occurrence_start, OccurrenceCount.going)
        .where(OccurrenceCount.event_id.in_({event_id for event_id, _ in keys}),
               OccurrenceCount.occurrence_start.in_({start for _, start in keys}))
    ).all()
    return {(event_id, start): going for event_id, start, going in rows
            if (event_id, start) in keys}


def my_answers(viewer, occurrences):
    """{(event id, original start): "going" | "waitlist" | "not_going"} for the viewer."""
    if not getattr(viewer, "is_authenticated", False) or not occurrences:
        return {}
    keys = {occurrence.key for occurrence in occurrences}
    rows = db.session.execute(
        select(Rsvp.event_id, Rsvp.occurrence_start, Rsvp.state)
        .where(Rsvp.user_id == viewer.id,
               Rsvp.event_id.in_({event_id for event_id, _ in keys}))
    ).all()
    return {(event_id, start): state for event_id, start, state in rows
            if (event_id, start) in keys}


def waitlist_position(viewer, occurrence):
    mine = db.session.execute(
        select(Rsvp).where(Rsvp.event_id == occurrence.event.id,
                           Rsvp.occurrence_start == occurrence.original_start,
                           Rsvp.user_id == viewer.id, Rsvp.state == "waitlist")
    ).scalar_one_or_none()
    if mine is None:
        return None
    return db.session.execute(
        select(func.count(Rsvp.id)).where(
            Rsvp.event_id == mine.event_id, Rsvp.occurrence_start == mine.occurrence_start,
            Rsvp.state == "waitlist",
            or_(Rsvp.created_at < mine.created_at,
                (Rsvp.created_at == mine.created_at) & (Rsvp.id <= mine.id)))
    ).scalar_one()


def list_attendees(actor, event, original_start):
    """(going, waiting) for one occurrence, for its organiser and staff."""
    require(actor, "event.attendees", event)
    rows = db.session.execute(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.occurrence_start == original_start,
                           Rsvp.state.in_(("going", "waitlist")))
        .options(selectinload(Rsvp.user)).order_by(Rsvp.created_at, Rsvp.id)
    ).scalars().all()
    return ([row for row in rows if row.state == "going"],
            [row for row in rows if row.state == "waitlist"])


def list_my_events(user, limit=50):
    """Occurrences the person is going to or waiting for, soonest first."""
    rows = db.session.execute(
        select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.state.in_(("going", "waitlist")),
                           Rsvp.occurrence_start >= utcnow() - timedelta(days=1))
        .options(selectinload(Rsvp.event)).order_by(Rsvp.occurrence_start).limit(limit)
    ).scalars().all()
    found = []
    for row in rows:
        occurrence = recurrence.occurrence_at(row.event, row.occurrence_start, zone())
        if occurrence is not None and not row.event.is_cancelled:
            found.append((occurrence, row.state))
    # Ordered by when they happen: a moved date may now come before others.
    return sorted(found, key=lambda pair: (pair[0].starts_at, pair[0].event.id))


# --- answering -------------------------------------------------------------------------------


def _counter_insert():
    dialect = db.session.get_bind().dialect.name
    return (postgres_insert if dialect == "postgresql" else sqlite_insert)(
        OccurrenceCount.__table__)


def _lock_date(event, original_start):
    """Lock one occurrence's place counter for the rest of the transaction and return it.

    Every change to who is going to a date goes through this lock, so answers for one date
    happen one after another: SELECT … FOR UPDATE on PostgreSQL; on SQLite the INSERT that
    makes sure the row exists already holds the database's write lock.
    """
    db.session.execute(_counter_insert().values(
        event_id=event.id, occurrence_start=original_start, going=0
    ).on_conflict_do_nothing(index_elements=["event_id", "occurrence_start"]))
    query = select(OccurrenceCount).where(OccurrenceCount.event_id == event.id,
                                          OccurrenceCount.occurrence_start == original_start)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one()


def _has_room(event, counter):
    return event.capacity is None or counter.going < event.capacity


def rsvp(actor, event, original_start, going):
    """Answer for one occurrence. Returns the state: "going", "waitlist" or "not_going".

    Going takes a place while there is one, otherwise a place on the waiting list. Not going
    gives a place back, and the first person waiting gets it (and is told). Answers for one
    date are taken one at a time (`_lock_date`), so the date is never overbooked and no place
    is ever lost, however many people answer at once.
    """
    occurrence = recurrence.occurrence_at(event, original_start, zone())
    require(actor, "event.rsvp", event, message=rsvp_refusal(actor, event))
    if occurrence is None:
        raise NotFound("This event doesn't happen on that date.")
    if occurrence.ends_at <= utcnow():
        raise DomainError("This event has already happened.")
    counter = _lock_date(event, original_start)
    mine = db.session.execute(
        select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.occurrence_start == original_start,
                           Rsvp.user_id == actor.id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    current = mine.state if mine else "not_going"
    if (going and current in ("going", "waitlist")) or (not going and current == "not_going"):
        db.session.commit()  # nothing to change; end the transaction and its lock
        return current
    now = utcnow()
    if mine is None:
        mine = Rsvp(event_id=event.id, occurrence_start=original_start, user_id=actor.id,
                    state="not_going", created_at=now)
        db.session.add(mine)
    if going:
        if _has_room(event, counter):
            mine.state = "going"
            counter.going += 1
        else:
            mine.state = "waitlist"
        mine.created_at = now  # a place in the queue dates from asking
    else:
        mine.state = "not_going"
        if current == "going":
            counter.going -= 1
    mine.updated_at = now
    db.session.flush()
    _promote(event, original_start, counter)
    db.session.commit()
    return mine.state


def rsvp_refusal(actor, event):
    """Why `actor` may not answer for `event`, in plain words (for when policy says no)."""
    if not getattr(actor, "is_authenticated", False):
        return "Sign in to say you're going."
    if event.is_cancelled:
        return "This event is cancelled."
    if event.suitable_for == "adults" and actor.is_minor:
        return "This event is for adults (18 and over)."
    if not actor.is_verified:
        return "Confirm your e-mail address before you say you're going."
    return "You can't answer for this event."


def _promote(event, original_start, counter):
    """Give free places to the people waiting longest, and tell each one. The caller holds
    the date's lock (`counter`) and commits."""
    while _has_room(event, counter):
        waiting = db.session.execute(
            select(Rsvp).where(Rsvp.event_id == event.id,
                               Rsvp.occurrence_start == original_start,
                               Rsvp.state == "waitlist")
            .order_by(Rsvp.created_at, Rsvp.id).limit(1)
        ).scalar_one_or_none()
        if waiting is None:
            return
        waiting.state, waiting.promoted_at, waiting.updated_at = "going", utcnow(), utcnow()
        counter.going += 1
        db.session.flush()
        _tell_promoted(waiting, event, original_start)


def _tell_promoted(row, event, original_start):
    summary = f"A place came up: you're going to {event.title} on {local_label(original_start)}"
    link = url_for("events.event", event_id=event.id, on=occurrence_param(original_start))
    notify_person(row.user_id, "event", summary, link)
    user = db.session.get(User, row.user_id)
    if user is not None and user.email and user.state == "active":
        send_email(user.email, "A place came up for you", "event_promoted", user=user,
                   event=event, when=local_label(original_start),
                   link=url_for("events.event", event_id=event.id,
                                on=occurrence_param(original_start), _external=True))


def fill_from_waiting_lists(event):
    """After places were added: give them to the people waiting, date by date, for dates that
    still happen and haven't ended (the caller commits)."""
    starts = db.session.execute(
        select(Rsvp.occurrence_start).where(Rsvp.event_id == event.id,
                                            Rsvp.state == "waitlist").distinct()
    ).scalars().all()
    for start in sorted(starts):
        occurrence = recurrence.occurrence_at(event, start, zone())
        if occurrence is None or occurrence.ends_at <= utcnow():
            continue
        _promote(event, start, _lock_date(event, start))




# --- reminders ------------------------------------------------------------------------------------


def send_reminders(now=None):
    """Remind everyone going to something tomorrow (local day): in-app and by e-mail.

    Safe to run twice: each RSVP is claimed with a conditional UPDATE before its reminder is
    sent. Returns how many reminders were sent.
    """
    now = now or utcnow()
    tomorrow = recurrence.to_local(now, zone()).date() + timedelta(days=1)
    since, until = recurrence.local_day_bounds(tomorrow, zone())
    sent = 0
    events = db.session.execute(
        select(Event).where(Event.status == "published", Event.cancelled_at.is_(None),
                            may_happen_between(since, until))
    ).scalars().all()
    for event in events:
        for occurrence in recurrence.occurrences(event, since, until, zone()):
            if occurrence.starts_at < since:
                continue  # began before tomorrow: reminded then
            rows = db.session.execute(
                select(Rsvp).where(Rsvp.event_id == event.id,
                                   Rsvp.occurrence_start == occurrence.original_start,
                                   Rsvp.state == "going", Rsvp.reminded_at.is_(None))
                .options(selectinload(Rsvp.user))
            ).scalars().all()
            for row in rows:
                claimed = db.session.execute(
                    update(Rsvp).where(Rsvp.id == row.id, Rsvp.reminded_at.is_(None))
                    .values(reminded_at=now)).rowcount
                if not claimed:
                    continue
                _remind(row.user, event, occurrence)
                db.session.commit()
                sent += 1
    return sent


def _remind(user, event, occurrence):
    when = local_label(occurrence.starts_at)
    link = url_for("events.event", event_id=event.id,
                   on=occurrence_param(occurrence.original_start))
    notify_person(user.id, "event", f"Tomorrow: {event.title}, {when}", link)
    if user.email and user.state == "active" and user.is_verified:
        send_email(user.email, f"Tomorrow: {event.title}", "event_reminder", user=user,
                   event=event, when=when,
                   link=url_for("events.event", event_id=event.id,
                                on=occurrence_param(occurrence.original_start),
                                _external=True))


# --- people leaving, and their data ----------------------------------------------------------


@signals.account_deleted.connect
def _release_places(user_id, **extra):
    """A deleted account's places at dates still to come go to the people waiting."""
    rows = db.session.execute(
        select(Rsvp).where(Rsvp.user_id == user_id, Rsvp.state.in_(("going", "waitlist")),
                           Rsvp.occurrence_start > utcnow() - timedelta(days=1))
        .options(selectinload(Rsvp.event))
    ).scalars().all()
    for row in rows:
        counter = _lock_date(row.event, row.occurrence_start)
        if row.state == "going":
            counter.going -= 1
        row.state, row.updated_at = "not_going", utcnow()
        db.session.flush()
        _promote(row.event, row.occurrence_start, counter)
        db.session.commit()


@signals.personal_data_requested.connect
def _export_events(user, **extra):
    organised = db.session.execute(
        select(Event).where(Event.author_id == user.id).order_by(Event.starts_at)).scalars()
    answers = db.session.execute(
        select(Rsvp).where(Rsvp.user_id == user.id).options(selectinload(Rsvp.event))
        .order_by(Rsvp.occurrence_start)).scalars()
    return "events", {
        "organised": [{"title": event.title, "description": event.description_source,
                       "starts_at": event.starts_at.isoformat() + "Z", "venue": event.venue,
                       "status": event.status} for event in organised],
        "rsvps": [{"event": row.event.title, "date": row.occurrence_start.isoformat() + "Z",
                   "answer": row.state} for row in answers],
    }
