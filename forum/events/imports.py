"""Staff import the council's existing calendar from an .ics file or address: all of it or
none of it, deduplicated by UID, so importing again updates what was imported before."""

import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request

from flask import current_app
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.core import audit, content
from forum.core.policy import require
from forum.errors import Invalid
from forum.events import ics
from forum.events.models import CATEGORIES, Event, EventException
from forum.events.services import carry_answers, new_repeats_until, zone
from forum.extensions import db

FETCH_SECONDS = 15


def max_bytes():
    """The same limit as any upload (MAX_CONTENT_LENGTH), so the file and address agree."""
    return current_app.config["MAX_CONTENT_LENGTH"]


def _too_large():
    return f"That calendar is larger than {max_bytes() // (1024 * 1024)} MB; import it in parts."


def _refuse_private_host(url):
    """Staff may fetch public calendars only: not this server, the cloud's metadata address
    or the council's intranet (a request forgery risk). IMPORT_ALLOW_PRIVATE_ADDRESSES lifts
    this for tests against a local server."""
    if current_app.config.get("IMPORT_ALLOW_PRIVATE_ADDRESSES"):
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        raise Invalid("url", "We couldn't find that address; check it and try again.") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise Invalid("url", "That address is on a private network; give the calendar's "
                                 "public address.")


def fetch_calendar(url):
    """The bytes of a calendar published at `url` (http, https or webcal)."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://", "webcal://")):
        raise Invalid("url", "Give the calendar's web address, starting https://.")
    url = "https://" + url[len("webcal://"):] if url.lower().startswith("webcal://") else url
    _refuse_private_host(url)
    request = urllib.request.Request(url, headers={"User-Agent": "CommonGround-import/1"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_SECONDS) as response:  # noqa: S310
            data = response.read(max_bytes() + 1)
    except urllib.error.HTTPError as error:
        error.close()
        raise Invalid("url", f"That address answered \"{error.code} {error.reason}\", not a "
                             "calendar.") from None
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise Invalid("url", f"We couldn't fetch that address ({reason}).") from None
    if len(data) > max_bytes():
        raise Invalid("url", _too_large())
    return data


def import_calendar(actor, data, source, official=True, category="council", field="file"):
    """Create or update events from calendar bytes. Returns (created, updated) counts.

    :raises Invalid: on `field`, naming the first event that can't be read; nothing is saved.
    """
    require(actor, "event.import")
    if len(data) > max_bytes():
        raise Invalid(field, _too_large())
    if category not in CATEGORIES:
        raise Invalid("category", "Choose a category from the list.")
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
    first_before = event.starts_at
    rendered = content.render(item.description)
    event.title = item.title
    event.description_source = item.description
    event.description_html = rendered
    event.description_text = content.plain_text(rendered)
    event.starts_at, event.ends_at, event.all_day = item.starts_at, item.ends_at, item.all_day
    event.venue = item.location or event.venue or "See details"
    event.rrule = item.rrule
    if first_before is not None and first_before != event.starts_at:
        # The council moved it: RSVPs and counters move with it, before the file's own
        # exceptions (already in the new times) replace the old ones.
        carry_answers(event, first_before)
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
