"""Event use-cases: the calendar (lists by day, week and weekend, the month grid), and
adding, changing, cancelling and rescheduling events and series. RSVPs are in
`events/rsvps.py`; feeds in `events/feeds.py` and `events/ics.py`."""

import calendar as month_calendar
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from forum.accounts.models import Ward, utcnow
from forum.core import audit, content, signals, timezones
from forum.core.policy import can, require
from forum.errors import DomainError, Invalid, NotFound
from forum.events import recurrence
from forum.events.models import (
    CATEGORIES,
    SUITABILITY,
    Event,
    EventException,
    OccurrenceCount,
    Rsvp,
)
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications.mail import send_email
from forum.notifications.services import notify_person

TITLE_MIN, TITLE_MAX = 3, 150
DESCRIPTION_MAX = 10_000
MAX_CAPACITY = 100_000


def zone():
    return current_app.config["TIMEZONE"]


# --- reading: the calendar ---------------------------------------------------------------------


@dataclass
class Filters:
    ward: str | None = None          # ward slug
    category: str | None = None
    under_18: bool = False           # only events suitable for under-18s
    official: bool = False           # only the council's own events


def may_happen_between(since, until):
    """SQL: the event may have an occurrence in [since, until) — expand it to be sure."""
    # A series' first date may have been moved earlier than the series' own start.
    moved_into = select(EventException.event_id).where(EventException.new_starts_at < until)
    return and_(or_(Event.starts_at < until, Event.id.in_(moved_into)),
                or_(Event.repeats_until.is_(None), Event.repeats_until > since))


def _visible_events(viewer, since, until, filters):
    """Events that may have an occurrence in [since, until), visible to the viewer."""
    query = (select(Event)
             .where(Event.visible_to(viewer), may_happen_between(since, until))
             .options(selectinload(Event.ward), selectinload(Event.author)))
    if filters.ward:
        query = query.join(Ward, Event.ward_id == Ward.id).where(Ward.slug == filters.ward)
    if filters.category in CATEGORIES:
        query = query.where(Event.category == filters.category)
    if filters.under_18:
        query = query.where(Event.suitable_for.in_(("everyone", "under_18")))
    if filters.official:
        query = query.where(Event.is_official.is_(True))
    return db.session.execute(query).scalars().all()


def list_occurrences(viewer, since, until, filters=None):
    """Every occurrence in [since, until) (naive UTC) the viewer may see, in time order."""
    found = []
    for event in _visible_events(viewer, since, until, filters or Filters()):
        found.extend(recurrence.occurrences(event, since, until, zone()))
    return sorted(found, key=lambda occurrence: (occurrence.starts_at, occurrence.event.id))


def list_public_occurrences(since, until, filters=None):
    """Occurrences in [since, until) of published events that are going ahead, in time order:
    what everyone sees, whoever asks (no one's own held events, nothing cancelled). For the
    home page."""
    # No viewer: Event.visible_to(None) is "published" only, even for a moderator's home page.
    return [occurrence for occurrence in list_occurrences(None, since, until, filters)
            if not occurrence.event.is_cancelled]


def window(when, today=None):
    """(since, until, heading) for "today", "week" (the next 7 days), "weekend" (this coming
    Saturday and Sunday, or today and tomorrow at the weekend) or "upcoming" (four weeks: a
    list longer than that is a month calendar's job)."""
    today = today or local_today()
    if when == "today":
        days, heading = (today, today + timedelta(days=1)), "Today"
    elif when == "week":
        days, heading = (today, today + timedelta(days=7)), "The next 7 days"
    elif when == "weekend":
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:  # Sunday: the weekend is today
            saturday = today - timedelta(days=1)
        days, heading = (max(saturday, today), saturday + timedelta(days=2)), "This weekend"
    else:
        days, heading = (today, today + timedelta(days=28)), "The next four weeks"
    since = recurrence.local_midnight_utc(days[0], zone())
    if when != "today" and days[0] == today:
        since = max(since, utcnow() - timedelta(hours=3))  # not what ended hours ago
    return since, recurrence.local_midnight_utc(days[1], zone()), heading


def local_today():
    return timezones.local_today(zone())


@dataclass
class Day:
    date: date
    in_month: bool
    occurrences: list = field(default_factory=list)


def month_grid(viewer, year, month, filters=None):
    """Weeks (Monday first) of Days with their occurrences, for a month's calendar page."""
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    since = recurrence.local_midnight_utc(weeks[0][0], zone())
    until = recurrence.local_midnight_utc(weeks[-1][-1] + timedelta(days=1), zone())
    by_day = {}
    for occurrence in list_occurrences(viewer, since, until, filters):
        # An event over several days (a weekend fair) appears on each of them.
        day = recurrence.to_local(occurrence.starts_at, zone()).date()
        last = recurrence.to_local(occurrence.ends_at - timedelta(seconds=1), zone()).date()
        while day <= last:
            by_day.setdefault(day, []).append(occurrence)
            day += timedelta(days=1)
    return [[Day(day, day.month == month, by_day.get(day, [])) for day in week]
            for week in weeks]


def get_event(event_id, viewer):
    event = db.session.get(Event, event_id)
    if event is None or not content.visible(event, viewer):
        raise NotFound("This event doesn't exist, or has been removed.")
    return event


def get_occurrence(event, original_start=None):
    """The occurrence `original_start` names, or the event's next one (the first, for past
    one-off events). Raises NotFound for a date the series doesn't have."""
    if original_start is not None:
        occurrence = recurrence.occurrence_at(event, original_start, zone())
        if occurrence is None:
            raise NotFound("This event doesn't happen on that date.")
        return occurrence
    upcoming = recurrence.occurrences(event, utcnow(), utcnow() + recurrence.HORIZON, zone())
    if upcoming:
        return upcoming[0]
    return recurrence.occurrence_at(event, event.starts_at, zone()) or recurrence.Occurrence(
        event, event.starts_at, event.starts_at, event.ends_at)


def next_occurrences(event, limit=8):
    return recurrence.occurrences(event, utcnow(), utcnow() + recurrence.HORIZON,
                                  zone())[:limit]


# --- writing events -----------------------------------------------------------------------------


@dataclass
class EventFields:
    """What the event form (or an import) says; times are local to the council."""

    title: str
    description: str
    start_day: date | None
    start_time: time | None
    end_day: date | None
    end_time: time | None
    all_day: bool = False
    venue: str = ""
    address: str = ""
    ward_slug: str = ""
    category: str = "community"
    capacity: int | None = None
    cost: str = ""
    accessibility: str = ""
    suitable_for: str = "everyone"
    official: bool = False
    organiser_name: str = ""
    repeat: str = ""
    repeat_until: date | None = None


def _times(fields):
    """(starts_at, ends_at) naive UTC from local days and times; all-day events take whole
    local days (the end day included)."""
    if fields.start_day is None:
        raise Invalid("start_day", "Say which day the event starts.")
    end_day = fields.end_day or fields.start_day
    if fields.all_day:
        if end_day < fields.start_day:
            raise Invalid("end_day", "The last day must be on or after the first day.")
        return (recurrence.local_midnight_utc(fields.start_day, zone()),
                recurrence.local_midnight_utc(end_day + timedelta(days=1), zone()))
    if fields.start_time is None:
        raise Invalid("start_time", "Say what time it starts, like 18:30.")
    if fields.end_time is None:
        raise Invalid("end_time", "Say what time it ends, like 20:00.")
    local = ZoneInfo(zone())
    starts = datetime.combine(fields.start_day, fields.start_time, tzinfo=local)
    ends = datetime.combine(end_day, fields.end_time, tzinfo=local)
    if ends <= starts:
        raise Invalid("end_time", "The event must end after it starts.")
    if ends - starts > timedelta(days=14):
        raise Invalid("end_day", "An event can last at most two weeks; for longer, make it "
                                 "repeat.")
    return recurrence.to_utc(starts), recurrence.to_utc(ends)


def _clean(actor, fields, event=None):
    title = " ".join((fields.title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise Invalid("title", f"Give the event a title of {TITLE_MIN} to {TITLE_MAX} "
                               "characters.")
    description = (fields.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid("description", f"Keep the description to {DESCRIPTION_MAX:,} characters; "
                                     f"this one has {len(description):,}.")
    starts_at, ends_at = _times(fields)
    # A new event starts in the future; an all-day one may be today.
    if event is None and (ends_at if fields.all_day else starts_at) <= utcnow():
        raise Invalid("start_day", "That time has already passed.")
    venue = " ".join((fields.venue or "").split())
    if not 2 <= len(venue) <= 150:
        raise Invalid("venue", "Say where it is, like \"St Mark's church hall\" (or "
                               "\"Online\").")
    if fields.category not in CATEGORIES:
        raise Invalid("category", "Choose a category.")
    if fields.suitable_for not in SUITABILITY:
        raise Invalid("suitable_for", "Say who the event is suitable for.")
    capacity = fields.capacity
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise Invalid("capacity", "Places must be a whole number of 1 or more; leave it empty "
                                  "when there's no limit.")
    ward = None
    if fields.ward_slug:
        ward = db.session.execute(select(Ward).where(Ward.slug == fields.ward_slug)
                                  ).scalar_one_or_none()
        if ward is None:
            raise Invalid("ward", "Choose a ward from the list.")
    if fields.official and not can(actor, "event.publish_official"):
        raise Invalid("official", "Only council staff can publish official events.")
    if fields.repeat == "keep" and event is not None:
        rule = event.rrule  # an imported rule the form can't show: left as it was
    elif fields.repeat not in recurrence.REPEATS:
        raise Invalid("repeat", "Choose how often the event repeats.")
    else:
        try:
            rule = recurrence.build_rrule(fields.repeat, recurrence.to_local(starts_at, zone()),
                                          until=fields.repeat_until)
        except recurrence.RuleError as error:
            raise Invalid("repeat_until", str(error)) from None
    return {"title": title, "description": description, "starts_at": starts_at,
            "ends_at": ends_at, "all_day": bool(fields.all_day), "venue": venue,
            "address": " ".join((fields.address or "").split())[:250], "ward": ward,
            "category": fields.category, "capacity": capacity,
            "cost": " ".join((fields.cost or "").split())[:60] or "Free",
            "accessibility": (fields.accessibility or "").strip()[:2000],
            "suitable_for": fields.suitable_for, "is_official": bool(fields.official),
            "organiser_name": " ".join((fields.organiser_name or "").split())[:100],
            "rrule": rule}


def _apply(event, cleaned, prepared):
    for name in ("title", "starts_at", "ends_at", "all_day", "venue", "address", "ward",
                 "category", "capacity", "cost", "accessibility", "suitable_for",
                 "is_official", "organiser_name", "rrule"):
        setattr(event, name, cleaned[name])
    event.description_source = prepared.source
    event.description_html = prepared.html
    event.description_text = prepared.text
    event.repeats_until = new_repeats_until(event)
    event.updated_at = utcnow()


def new_repeats_until(event):
    """When the series (moved dates included) ends, or None when it never does."""
    end = recurrence.series_end(event.rrule, event.starts_at, event.duration, zone())
    moved = [exception.new_ends_at for exception in event.exceptions
             if exception.new_ends_at is not None]
    if end is None:
        return None
    return max([end, *moved])


@signals.wards_merging.connect
def _move_ward_events(ward, into, **extra):
    """Events in a merged ward are in the ward that remains (one at a time, so the search index
    hears of each)."""
    events = db.session.execute(select(Event).where(Event.ward_id == ward.id)).scalars().all()
    for event in events:
        event.ward_id = into.id
    return {"events": len(events)}


def new_uid():
    return f"{uuid.uuid4()}@commonground"


def create_event(actor, fields, nudge_id=None):
    """Add an event (or series). Residents' events are screened like posts; staff may publish
    official council events."""
    require(actor, "event.create", message=_why_not_write(actor))
    cleaned = _clean(actor, fields)
    prepared = content.prepare(cleaned["description"],
                               {"kind": "event", "author_id": actor.id}, title=cleaned["title"])
    status = _screen(actor, prepared, "event", nudge_id)
    event = Event(uid=new_uid(), author_id=actor.id)
    _apply(event, cleaned, prepared)
    event.apply_verdict(prepared.verdict, status)
    db.session.add(event)
    db.session.flush()
    moderation.record_screening(event, prepared.verdict)
    if event.is_official:
        audit.record(actor, "event.official_published", event, after={"title": event.title})
    db.session.commit()
    return event


def _screen(actor, prepared, kind, nudge_id):
    """Moderation's screening, with a blocked text's message beside the description."""
    try:
        return moderation.screen(actor, prepared.verdict, kind, nudge_id)
    except Invalid as error:
        raise Invalid("description", error.message) from None


def _is_staff_action(actor, event):
    """Changing someone else's event, or the council's own, is audited (organisers changing
    their own events are not)."""
    return actor.id != event.author_id or event.is_official


def _why_not_write(actor):
    if getattr(actor, "is_muted", False):
        return "You've been muted, so you can't add events for now."
    return "Confirm your e-mail address before you add an event."


def update_event(actor, event, fields, nudge_id=None):
    """Change an event; people going to what's still to come are told when the time or place
    changes."""
    require(actor, "event.edit", event)
    cleaned = _clean(actor, fields, event)
    prepared = content.prepare(cleaned["description"],
                               {"kind": "event", "author_id": actor.id}, title=cleaned["title"])
    status = _screen(actor, prepared, "edit", nudge_id)
    before = (event.starts_at, event.ends_at, event.venue, event.rrule)
    first_before = event.starts_at
    capacity_before = event.capacity
    _apply(event, cleaned, prepared)
    if event.starts_at != first_before:
        carry_answers(event, first_before)
    event.sequence += 1
    if status == "held" and event.status == "published":
        event.apply_verdict(prepared.verdict, "held")
    db.session.flush()
    moderation.record_screening(event, prepared.verdict)
    if _is_staff_action(actor, event):
        audit.record(actor, "event.edit", event, after={"title": event.title})
    if before != (event.starts_at, event.ends_at, event.venue, event.rrule):
        _tell_attendees(event, None, f"Changed: {event.title} — check the new details")
    if event.capacity is None or (capacity_before or 0) < event.capacity:
        from forum.events.rsvps import fill_from_waiting_lists

        fill_from_waiting_lists(event)
    db.session.commit()
    return event


def carry_answers(event, first_before):
    """The event moved: RSVPs, place counters and exceptions follow their occurrences.

    Occurrences are named by their start, so each key moves by the same local-time shift as
    the first occurrence did (19:00 → 18:30 every week). Keys are moved one row at a time,
    furthest first in the direction of the move, so none lands on a key not yet moved.
    """
    tz = ZoneInfo(zone())
    shift = (recurrence.to_local(event.starts_at, zone()).replace(tzinfo=None)
             - recurrence.to_local(first_before, zone()).replace(tzinfo=None))

    def moved(start):
        local = recurrence.to_local(start, zone()).replace(tzinfo=None) + shift
        return recurrence.to_utc(local.replace(tzinfo=tz))

    for model, column in ((Rsvp, Rsvp.occurrence_start),
                          (OccurrenceCount, OccurrenceCount.occurrence_start)):
        rows = db.session.execute(
            select(model).where(model.event_id == event.id)
            .order_by(column.desc() if shift > timedelta(0) else column)
        ).scalars().all()
        for row in rows:
            row.occurrence_start = moved(row.occurrence_start)
            db.session.flush()
    for exception in sorted(event.exceptions, key=lambda item: item.original_start,
                            reverse=shift > timedelta(0)):
        exception.original_start = moved(exception.original_start)
        db.session.flush()


def cancel_event(actor, event, reason):
    """Cancel a whole event or series; everyone going or waiting is told."""
    require(actor, "event.edit", event)
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise Invalid("reason", "Say briefly why it's cancelled; attendees will read it.")
    if event.is_cancelled:
        raise DomainError("This event is already cancelled.")
    event.cancelled_at = utcnow()
    event.cancel_reason = reason[:500]
    event.sequence += 1
    _tell_attendees(event, None, f"Cancelled: {event.title} — {reason[:120]}", email=True)
    if _is_staff_action(actor, event):
        audit.record(actor, "event.cancel", event, reason=reason)
    db.session.commit()


def skip_occurrence(actor, event, original_start, note=""):
    """Leave one date out of a series (the rest stays); its attendees are told."""
    require(actor, "event.edit", event)
    occurrence = _future_occurrence(event, original_start)
    _set_exception(event, original_start, None, None, note)
    why = f" ({note.strip()[:120]})" if (note or "").strip() else ""
    # The skipped date has no page any more: the link goes to the series.
    _tell_attendees(event, original_start,
                    f"Not happening on {local_label(occurrence.starts_at)}: {event.title}{why}",
                    email=True, link_to_date=False)
    if _is_staff_action(actor, event):
        audit.record(actor, "event.skip_date", event, reason=(note or "").strip(),
                     before={"starts_at": occurrence.starts_at.isoformat()})
    db.session.commit()


def move_occurrence(actor, event, original_start, day, start_time, end_time, note=""):
    """Move one date of a series to another day or time; its RSVPs move with it."""
    require(actor, "event.edit", event)
    _future_occurrence(event, original_start)
    if day is None or start_time is None or end_time is None:
        raise Invalid("day", "Say the new day, start and end times.")
    local = ZoneInfo(zone())
    starts = recurrence.to_utc(datetime.combine(day, start_time, tzinfo=local))
    ends = recurrence.to_utc(datetime.combine(day, end_time, tzinfo=local))
    if ends <= starts:
        raise Invalid("end_time", "It must end after it starts.")
    if starts <= utcnow():
        raise Invalid("day", "Choose a time in the future.")
    _set_exception(event, original_start, starts, ends, note)
    why = f" ({note.strip()[:120]})" if (note or "").strip() else ""
    _tell_attendees(event, original_start,
                    f"Moved to {local_label(starts)}: {event.title}{why}", email=True)
    if _is_staff_action(actor, event):
        audit.record(actor, "event.move_date", event, reason=(note or "").strip(),
                     before={"starts_at": original_start.isoformat()},
                     after={"starts_at": starts.isoformat()})
    db.session.commit()


def _future_occurrence(event, original_start):
    if not event.is_recurring:
        raise DomainError("Only a repeating event has dates to skip or move; edit this one.")
    occurrence = recurrence.occurrence_at(event, original_start, zone())
    if occurrence is None:
        raise NotFound("The series has no such date (it may be skipped already).")
    if occurrence.ends_at <= utcnow():
        raise DomainError("That date has passed.")
    return occurrence


def _set_exception(event, original_start, starts, ends, note):
    exception = next((item for item in event.exceptions
                      if item.original_start == original_start), None)
    if exception is None:
        exception = EventException(original_start=original_start)
        event.exceptions.append(exception)
    exception.new_starts_at, exception.new_ends_at = starts, ends
    exception.note = (note or "").strip()[:200]
    event.sequence += 1
    event.repeats_until = new_repeats_until(event)
    event.updated_at = utcnow()


def local_label(moment):
    local = recurrence.to_local(moment, zone())
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _tell_attendees(event, original_start, summary, email=False, link_to_date=True):
    """Tell everyone going to (or waiting for) what's still to come, or one occurrence."""
    query = select(Rsvp).where(Rsvp.event_id == event.id,
                               Rsvp.state.in_(("going", "waitlist")))
    if original_start is not None:
        query = query.where(Rsvp.occurrence_start == original_start)
    else:
        query = query.where(Rsvp.occurrence_start >= utcnow() - event.duration)
    people = {}
    for row in db.session.execute(query.options(selectinload(Rsvp.user))).scalars():
        people.setdefault(row.user_id, row.user)
    on = occurrence_param(original_start) if original_start is not None and link_to_date \
        else None
    for user in people.values():
        notify_person(user.id, "event", summary,
                      url_for("events.event", event_id=event.id, on=on))
        if email and user.email and user.state == "active":
            send_email(user.email, summary[:150], "event_changed", user=user, event=event,
                       summary=summary, link=url_for("events.event", event_id=event.id, on=on,
                                                     _external=True))


def redact_event(event, redacted_text):
    """A moderator's redaction of the description (the caller commits)."""
    prepared = content.prepare(redacted_text, {"kind": "redaction"})
    event.description_source = redacted_text
    event.description_html, event.description_text = prepared.html, prepared.text
    event.sequence += 1


# --- naming one occurrence in addresses -----------------------------------------------------


def occurrence_param(original_start):
    """How an occurrence is named in addresses: its original start, as UTC."""
    return f"{original_start:%Y%m%dT%H%M%S}Z"


def parse_occurrence_param(text):
    try:
        return datetime.strptime((text or "").rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise NotFound("That date isn't one this event happens on.") from None
