"""Times are stored as naive UTC; people give and read them in the council's time zone."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo


def to_local(moment, zone):
    """A stored (naive UTC) time → aware, in `zone`."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def to_utc(local_moment):
    """An aware time → naive UTC, as stored."""
    return local_moment.astimezone(UTC).replace(tzinfo=None)


def local_to_utc(day, clock, zone):
    """A day and a clock time in `zone` → naive UTC, as stored."""
    return to_utc(datetime.combine(day, clock, tzinfo=ZoneInfo(zone)))


def local_midnight_utc(day, zone):
    """The start of a local day, as naive UTC."""
    return local_to_utc(day, time(0), zone)


def local_today(zone=None):
    """Today's date in `zone`, by default the council's (dates people pick are local dates)."""
    if zone is None:
        from flask import current_app

        zone = current_app.config["TIMEZONE"]
    return datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
