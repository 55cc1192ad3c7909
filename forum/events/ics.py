"""iCalendar (RFC 5545): write events and feeds with the icalendar library, and read a
council's existing calendar file for import.

A series is written once, with its RRULE, an EXDATE for each skipped date and a separate
VEVENT (same UID, RECURRENCE-ID) for each moved one, so calendar apps expand it themselves.
Times carry TZID=Europe/London with the matching VTIMEZONE.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from forum.events import recurrence
from forum.events.models import CATEGORIES

PRODID = "-//Common Ground//Events calendar//EN"
MAX_IMPORT_EVENTS = 2000


def _local(moment, zone):
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def _vevent(event, zone, base_url, recurrence_id=None, starts=None, ends=None):
    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", datetime.now(UTC))
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    starts, ends = starts or event.starts_at, ends or event.ends_at
    if event.all_day:
        item.add("dtstart", _local(starts, zone).date())
        item.add("dtend", _local(ends, zone).date())
    else:
        item.add("dtstart", _local(starts, zone))
        item.add("dtend", _local(ends, zone))
    if recurrence_id is not None:
        item.add("recurrence-id", _local(recurrence_id, zone).date() if event.all_day
                 else _local(recurrence_id, zone))
    location = ", ".join(part for part in (event.venue, event.address) if part)
    if location:
        item.add("location", location)
    details = [event.description_text]
    if event.cost:
        details.append(f"Cost: {event.cost}")
    if event.accessibility:
        details.append(f"Accessibility: {event.accessibility}")
    item.add("description", "\n\n".join(part for part in details if part))
    item.add("url", f"{base_url}/events/{event.id}")
    item.add("categories", [CATEGORIES.get(event.category, event.category)])
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    item.add("last-modified", event.updated_at.replace(tzinfo=UTC))
    organiser = "Council" if event.is_official else (event.organiser_name or "")
    if organiser:
        item.add("x-commonground-organiser", organiser)
    return item


def event_components(event, zone, base_url, only=None):
    """The VEVENTs of one event: the master (with RRULE and EXDATEs) and one per moved date.

    :param only: original starts to keep (a private feed lists only the dates someone is going
        to): each becomes a one-off VEVENT of its own.
    """
    if only is not None:
        # Each date someone is going to stands alone (its own UID): calendar apps ignore a
        # RECURRENCE-ID whose series they were never sent.
        found = []
        for original in sorted(only):
            occurrence = recurrence.occurrence_at(event, original, zone)
            if occurrence is None:
                continue
            item = _vevent(event, zone, base_url, starts=occurrence.starts_at,
                           ends=occurrence.ends_at)
            if event.is_recurring:
                item["uid"] = f"{original:%Y%m%dT%H%M%S}-{event.uid}"
            found.append(item)
        return found
    master = _vevent(event, zone, base_url)
    components = [master]
    if event.rrule:
        master.add("rrule", icalendar.vRecur.from_ical(event.rrule))
        for exception in event.exceptions:
            if exception.skipped:
                # An EXDATE takes the value type of the DTSTART it removes (a date, all day).
                skipped = _local(exception.original_start, zone)
                master.add("exdate", skipped.date() if event.all_day else skipped)
            else:
                components.append(_vevent(event, zone, base_url,
                                          recurrence_id=exception.original_start,
                                          starts=exception.new_starts_at,
                                          ends=exception.new_ends_at))
    return components


def calendar(events, zone, base_url, name, only=None):
    """A VCALENDAR of events, as bytes. `only`: {event: original starts} for a private feed."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    first = last = None
    for event in events:
        for component in event_components(event, zone, base_url,
                                          only=None if only is None else only[event]):
            cal.add_component(component)
        first = min(first or event.starts_at, event.starts_at)
        last = max(last or event.ends_at, event.repeats_until or event.ends_at)
    if first is not None:
        # Only the clock changes the calendar spans (a VTIMEZONE since 1970 is 8 KB of noise).
        # A series without end gets the next ten years.
        end = max(last, first) + timedelta(days=3650 if any(
            event.rrule and event.repeats_until is None for event in events) else 366)
        cal.add_missing_timezones(first_date=first.date() - timedelta(days=366),
                                  last_date=end.date())
    return cal.to_ical()


# --- reading a calendar file, for staff imports ---------------------------------------------------


class CalendarFileError(ValueError):
    """The file can't be imported; the message says what and where, in plain words."""


@dataclass
class ImportedEvent:
    uid: str
    title: str
    description: str
    starts_at: datetime      # naive UTC
    ends_at: datetime
    all_day: bool
    location: str
    rrule: str | None
    skipped: list            # original starts (naive UTC)
    moved: dict              # original start → (new start, new end)
    cancelled: bool


def _as_utc(value, zone):
    """A DTSTART/DTEND value → (naive UTC, all day?)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(zone))
        return aware.astimezone(UTC).replace(tzinfo=None), False
    if isinstance(value, date):
        return recurrence.local_midnight_utc(value, zone), True
    raise CalendarFileError("a date or time can't be read")


def _text(component, name):
    value = component.get(name)
    return str(value).strip() if value is not None else ""


def read_calendar(data, zone):
    """Every VEVENT in an .ics file, checked; raises CalendarFileError for the first problem, naming
    the event, so that nothing is imported from a file with a fault."""
    try:
        cal = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise CalendarFileError(f"This isn't a calendar file we can read ({error}).") from None
    masters, overrides = {}, []
    vevents = list(cal.walk("VEVENT"))
    if not vevents:
        raise CalendarFileError("The file has no events in it.")
    if len(vevents) > MAX_IMPORT_EVENTS:
        raise CalendarFileError(f"The file has {len(vevents):,} events; import at most "
                           f"{MAX_IMPORT_EVENTS:,} at a time.")
    for number, component in enumerate(vevents, start=1):
        where = f"Event {number}"
        uid = _text(component, "uid")
        title = _text(component, "summary")
        if title:
            where += f" (\"{title[:60]}\")"
        try:
            if not uid:
                raise CalendarFileError("it has no UID, so it couldn't be updated later")
            if not title:
                raise CalendarFileError("it has no title (SUMMARY)")
            if component.get("dtstart") is None:
                raise CalendarFileError("it has no start (DTSTART)")
            starts_at, all_day = _as_utc(component.decoded("dtstart"), zone)
            if component.get("dtend") is not None:
                ends_at, _ = _as_utc(component.decoded("dtend"), zone)
            elif component.get("duration") is not None:
                ends_at = starts_at + component.decoded("duration")
            else:
                ends_at = starts_at + (timedelta(days=1) if all_day else timedelta(hours=1))
            if ends_at <= starts_at:
                raise CalendarFileError("it ends before it starts")
            rrule = None
            if component.get("rrule") is not None:
                rrule = component.get("rrule").to_ical().decode()
                try:
                    recurrence.check_rrule(rrule, starts_at, zone)
                except recurrence.RuleError as error:
                    raise CalendarFileError(str(error)) from None
            if component.get("recurrence-id") is not None:
                original, _ = _as_utc(component.decoded("recurrence-id"), zone)
                overrides.append((uid, original, starts_at, ends_at, where))
                continue
            skipped = []
            for exdate in _list(component.get("exdate")):
                for moment in exdate.dts:
                    skipped.append(_as_utc(moment.dt, zone)[0])
        except CalendarFileError as error:
            raise CalendarFileError(f"{where}: {error}.") from None
        except (ValueError, TypeError, AttributeError) as error:
            raise CalendarFileError(f"{where}: it can't be read ({error}).") from None
        if uid in masters:
            raise CalendarFileError(f"{where}: its UID appears twice in the file.")
        masters[uid] = ImportedEvent(
            uid=uid[:255], title=title[:150], description=_text(component, "description"),
            starts_at=starts_at, ends_at=ends_at, all_day=all_day,
            location=_text(component, "location")[:150], rrule=rrule, skipped=skipped,
            moved={}, cancelled=_text(component, "status").upper() == "CANCELLED")
    for uid, original, starts_at, ends_at, where in overrides:
        if uid not in masters:
            raise CalendarFileError(f"{where}: it changes one date of a series that isn't in the "
                               "file.")
        masters[uid].moved[original] = (starts_at, ends_at)
    return list(masters.values())


def _list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
