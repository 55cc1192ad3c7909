"""Recurring events: build an RRULE from the form's choices, expand a series into the
occurrences in a window, and apply its exceptions (skipped or moved occurrences).

Plain functions over naive-UTC datetimes and a time zone name. A series is expanded in local
wall-clock time with python-dateutil, so a weekly 7pm class is at 7pm in both GMT and BST;
nothing writes occurrences to the database.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from dateutil.rrule import rrulestr

from forum.core.timezones import local_midnight_utc, to_local, to_utc  # noqa: F401  (used as recurrence.to_local too)

# The choices the event form offers; imports may carry any valid RRULE.
REPEATS = {
    "": "Doesn't repeat",
    "weekly": "Every week",
    "fortnightly": "Every two weeks",
    "monthly_date": "Every month, on the same date",
    "monthly_weekday": "Every month, on the same weekday (like the 2nd Tuesday)",
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# A safety net for rules with no end: how far ahead anything looks.
HORIZON = timedelta(days=2 * 366)
MAX_OCCURRENCES = 2000


class RuleError(ValueError):
    """The rule can't be read or doesn't make sense; the message says why in plain words."""


@dataclass(frozen=True)
class Occurrence:
    """One time an event happens. `original_start` identifies it (RSVPs hang on it)."""

    event: object
    original_start: datetime   # naive UTC, as the rule placed it
    starts_at: datetime        # naive UTC, after any move
    ends_at: datetime
    moved: bool = False

    @property
    def key(self):
        return (self.event.id, self.original_start)


def build_rrule(repeat, first_start_local, until=None, count=None):
    """An RRULE for the form's choice, or None for a one-off.

    :param first_start_local: the first occurrence, aware in the council's zone.
    :param until: the last local date a repeat may fall on (inclusive).
    :raises RuleError: an unknown choice, or an end before the start.
    """
    if not repeat:
        return None
    if repeat not in REPEATS:
        raise RuleError("Choose how often the event repeats.")
    weekday = WEEKDAYS[first_start_local.weekday()]
    if repeat == "weekly":
        parts = ["FREQ=WEEKLY", f"BYDAY={weekday}"]
    elif repeat == "fortnightly":
        parts = ["FREQ=WEEKLY", "INTERVAL=2", f"BYDAY={weekday}"]
    elif repeat == "monthly_date":
        parts = ["FREQ=MONTHLY", f"BYMONTHDAY={first_start_local.day}"]
    else:
        nth = (first_start_local.day - 1) // 7 + 1
        # The fifth Tuesday doesn't come every month; the last one does.
        parts = ["FREQ=MONTHLY", f"BYDAY={-1 if nth == 5 else nth}{weekday}"]
    if until is not None:
        if until < first_start_local.date():
            raise RuleError("The last date must be on or after the first one.")
        end_of_day = datetime.combine(until, time(23, 59, 59), tzinfo=first_start_local.tzinfo)
        parts.append(f"UNTIL={end_of_day.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    elif count is not None:
        if not 1 <= count <= 500:
            raise RuleError("Say how many times, from 1 to 500.")
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def _rule(rrule_text, first_start_local):
    try:
        return rrulestr(rrule_text, dtstart=first_start_local)
    except (ValueError, TypeError) as error:
        raise RuleError(f"The repeat rule can't be read ({error}).") from None


def check_rrule(rrule_text, first_start, zone):
    """Raise RuleError unless the rule is valid and yields at least one occurrence."""
    rule = _rule(rrule_text, to_local(first_start, zone))
    if rule.after(to_local(first_start, zone) - timedelta(seconds=1), inc=True) is None:
        raise RuleError("The repeat rule never happens.")


def series_end(rrule_text, first_start, duration, zone):
    """When the last occurrence ends (naive UTC), or None for a series without end."""
    if not rrule_text:
        return first_start + duration
    upper = rrule_text.upper()
    if "UNTIL=" not in upper and "COUNT=" not in upper:
        return None
    rule = _rule(rrule_text, to_local(first_start, zone))
    last = None
    for index, moment in enumerate(rule):
        last = moment
        if index >= MAX_OCCURRENCES:
            break
    return to_utc(last) + duration if last is not None else first_start + duration


def occurrences(event, since, until, zone):
    """Occurrences of `event` that overlap [since, until) (naive UTC), in time order.

    Skipped occurrences are left out; moved ones appear at their new time (and are found by
    it, even when the rule placed them outside the window).
    """
    duration = event.ends_at - event.starts_at
    exceptions = {exception.original_start: exception for exception in event.exceptions}
    found = []

    def add(original, start, end, moved=False):
        if start < until and end > since:
            found.append(Occurrence(event, original, start, end, moved))

    if not event.rrule:
        originals = [event.starts_at]
    else:
        rule = _rule(event.rrule, to_local(event.starts_at, zone))
        # Widen the window by the duration: an occurrence that started before `since` may
        # still be going on.
        window = (to_local(since - duration, zone), to_local(min(until, since + HORIZON), zone))
        originals = [to_utc(moment) for moment in rule.between(*window, inc=True)]
        originals = originals[:MAX_OCCURRENCES]
    for original in originals:
        exception = exceptions.get(original)
        if exception is None:
            add(original, original, original + duration)
    for original, exception in exceptions.items():
        if not exception.skipped:
            add(original, exception.new_starts_at, exception.new_ends_at, moved=True)
    return sorted(found, key=lambda occurrence: (occurrence.starts_at, occurrence.event.id))


def occurrence_at(event, original_start, zone):
    """The occurrence the rule places at `original_start` (naive UTC), moved if it was, or None
    if the series has no such occurrence or it was skipped."""
    exception = next((item for item in event.exceptions
                      if item.original_start == original_start), None)
    if exception is not None:
        if exception.skipped:
            return None
        return Occurrence(event, original_start, exception.new_starts_at,
                          exception.new_ends_at, moved=True)
    if not event.rrule:
        return Occurrence(event, event.starts_at, event.starts_at, event.ends_at) \
            if original_start == event.starts_at else None
    rule = _rule(event.rrule, to_local(event.starts_at, zone))
    local = to_local(original_start, zone)
    hit = rule.after(local - timedelta(seconds=1), inc=True)
    if hit is None or to_utc(hit) != original_start:
        return None
    return Occurrence(event, original_start, original_start,
                      original_start + (event.ends_at - event.starts_at))


DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                "Saturday", "Sunday"), strict=True))
ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}


def _days(byday):
    """"MO,WE" → "Monday and Wednesday"; "2TU" → "second Tuesday"."""
    names = []
    for item in byday.split(","):
        nth, code = item[:-2], item[-2:]
        name = DAY_NAMES.get(code, code)
        names.append(f"{ORDINALS.get(nth.lstrip('+'), nth)} {name}" if nth else name)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe_rrule(rrule_text, first_start, zone):
    """'Every Tuesday until 24 March 2027', 'Every two weeks on Saturday', … for people."""
    if not rrule_text:
        return ""
    parts = dict(part.split("=", 1) for part in rrule_text.upper().split(";") if "=" in part)
    local = to_local(first_start, zone)
    byday = parts.get("BYDAY") or WEEKDAYS[local.weekday()]
    freq, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1"))
    every = {1: "Every", 2: "Every two"}.get(interval, f"Every {interval}")
    if freq == "WEEKLY":
        text = f"Every {_days(byday)}" if interval == 1 else \
            f"{every} weeks on {_days(byday)}"
    elif freq == "MONTHLY" and "BYDAY" in parts:
        text = f"The {_days(byday)} of every month" if interval == 1 else \
            f"The {_days(byday)} of every {interval} months"
    elif freq == "MONTHLY":
        days = parts.get("BYMONTHDAY", str(local.day)).split(",")
        text = f"{'Every month' if interval == 1 else every + ' months'} on the " \
            + " and ".join(_ordinal(int(day)) for day in days if day.lstrip("-").isdigit())
    elif freq == "DAILY":
        text = "Every day" if interval == 1 else f"{every} days"
    elif freq == "YEARLY":
        text = "Every year"
    else:
        text = "Repeats"
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        text += f" until {until.day} {until:%B %Y}"
    elif "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    return text


def _ordinal(number):
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def local_day_bounds(day, zone):
    """[start, end) of a local date as naive UTC: 23 or 25 hours on clock-change days."""
    return local_midnight_utc(day, zone), local_midnight_utc(day + timedelta(days=1), zone)
