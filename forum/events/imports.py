"""Staff import the council's existing calendar from an .ics file or address: all of it or
none of it, deduplicated by UID, so importing again updates what was imported before."""

import urllib.error
import urllib.request

from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.core import audit, content
from forum.core.policy import require
from forum.errors import Invalid
from forum.events import ics
from forum.events.models import Event, EventException
from forum.events.services import new_repeats_until, zone
from forum.extensions import db

MAX_BYTES = 5 * 1024 * 1024
FETCH_SECONDS = 15


def fetch_calendar(url):
    """The bytes of a calendar published at `url` (http or https only)."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://", "webcal://")):
        raise Invalid("url", "Give the calendar's web address, starting https://.")
    url = "https://" + url[len("webcal://"):] if url.lower().startswith("webcal://") else url
    request = urllib.request.Request(url, headers={"User-Agent": "CommonGround-import/1"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise Invalid("url", f"We couldn't fetch that address ({reason}).") from None
    if len(data) > MAX_BYTES:
        raise Invalid("url", "That calendar is larger than 5 MB; import it in parts.")
    return data


def import_calendar(actor, data, source, official=True, category="council", field="file"):
    """Create or update events from calendar bytes. Returns (created, updated) counts.

    :raises Invalid: on `field`, naming the first event that can't be read; nothing is saved.
    """
    require(actor, "event.import")
    if len(data) > MAX_BYTES:
        raise Invalid(field, "That file is larger than 5 MB; import it in parts.")
    try:
        found = ics.read_calendar(data, zone())
    except ics.CalendarFileError as error:
        raise Invalid(field, f"Nothing was imported. {error}") from None
    existing = {event.uid: event for event in db.session.execute(
        select(Event).where(Event.uid.in_([item.uid for item in found]))).scalars()}
    created = updated = 0
    for item in found:
        event = existing.get(item.uid)
        if event is None:
            event = Event(uid=item.uid, author_id=actor.id, is_official=official,
                          category=category, status="published", imported_from=source[:500])
            db.session.add(event)
            created += 1
        else:
            event.sequence += 1
            updated += 1
        _fill(event, item)
    db.session.flush()
    audit.record(actor, "event.import", None, reason=source[:200],
                 after={"created": created, "updated": updated})
    db.session.commit()
    return created, updated


def _fill(event, item):
    rendered = content.render(item.description)
    event.title = item.title
    event.description_source = item.description
    event.description_html = rendered
    event.description_text = content.plain_text(rendered)
    event.starts_at, event.ends_at, event.all_day = item.starts_at, item.ends_at, item.all_day
    event.venue = item.location or event.venue or "See details"
    event.rrule = item.rrule
    wanted = {start: (None, None) for start in item.skipped} | dict(item.moved)
    kept = {exception.original_start: exception for exception in event.exceptions}
    # Changed in place (a delete and an insert of the same date would collide in one flush).
    event.exceptions[:] = [exception for start, exception in kept.items() if start in wanted]
    for start, (new_start, new_end) in wanted.items():
        exception = kept.get(start)
        if exception is None:
            exception = EventException(original_start=start)
            event.exceptions.append(exception)
        exception.new_starts_at, exception.new_ends_at = new_start, new_end
    event.cancelled_at = (event.cancelled_at or utcnow()) if item.cancelled else None
    event.repeats_until = new_repeats_until(event)
    event.updated_at = utcnow()
