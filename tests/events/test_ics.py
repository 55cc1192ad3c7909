"""iCalendar output and private calendar feeds: every calendar written is read back with the
icalendar library, as a calendar program would read it."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest

from forum.accounts.models import User
from forum.events import feeds, ics, services
from forum.extensions import db
from tests.events.factories import (
    ZONE,
    answer,
    create_event,
    create_series,
    create_through_nudge,
    first_of_a_month_ahead,
    local,
    next_weekday,
    starts,
    today,
)

BASE_URL = "https://commonground.example"


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


def read(events, only=None):
    """Write a calendar of `events` and read it back."""
    return icalendar.Calendar.from_ical(ics.calendar(events, ZONE, BASE_URL, "Test", only=only))


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def as_utc(value):
    """An aware date-time property value as the naive UTC the database holds."""
    return value.astimezone(UTC).replace(tzinfo=None)


def a_day_in(month):
    """The 10th of the next `month` (1-12) still to come."""
    return first_of_a_month_ahead((month - today().month) % 12 or 12).replace(day=10)


# --- events ---------------------------------------------------------------------------------


def test_a_one_off_event_is_one_vevent_in_london_time(organiser):
    day = a_day_in(7)
    event = create_event(organiser, title="Summer fair", start_day=day, start_time=time(11),
                         end_time=time(16), address="1 Mill Lane", cost="£2 a stall")
    (item,) = vevents(read([event]))
    assert item["DTSTART"].params["TZID"] == ZONE
    assert item.decoded("DTSTART").replace(tzinfo=None) == datetime.combine(day, time(11))
    assert as_utc(item.decoded("DTSTART")) == event.starts_at == local(day, "11:00")
    assert as_utc(item.decoded("DTEND")) == event.ends_at
    assert str(item["UID"]) == event.uid
    assert str(item["SUMMARY"]) == "Summer fair"
    assert str(item["LOCATION"]) == "Riverside Library, 1 Mill Lane"
    assert str(item["URL"]) == f"{BASE_URL}/events/{event.id}"
    assert str(item["STATUS"]) == "CONFIRMED"
    assert int(item["SEQUENCE"]) == 0
    assert "Cost: £2 a stall" in str(item["DESCRIPTION"])
    assert "RRULE" not in item


def test_an_all_day_event_is_written_with_dates(organiser):
    day = next_weekday(5)
    event = create_event(organiser, title="Weekend festival", all_day=True, start_day=day,
                         end_day=day + timedelta(days=1), start_time=None, end_time=None)
    (item,) = vevents(read([event]))
    assert item["DTSTART"].params.get("VALUE") == "DATE"
    assert item.decoded("DTSTART") == day
    assert item.decoded("DTEND") == day + timedelta(days=2)  # the day after the last, per RFC


def test_a_series_keeps_its_rule_with_an_exdate_for_a_skipped_date_and_a_vevent_for_a_moved_one(
        organiser):
    tuesday = next_weekday(1)
    event = create_series(organiser, title="Tuesday yoga", start_day=tuesday)
    first, second, third = starts(event, 3)
    services.skip_occurrence(organiser, event, second)
    services.move_occurrence(organiser, event, third, tuesday + timedelta(days=15), time(10),
                             time(12))
    master, moved = vevents(read([event]))
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert as_utc(master.decoded("DTSTART")) == first
    exdates = [moment.dt for moment in master["EXDATE"].dts]
    assert [as_utc(moment) for moment in exdates] == [second]
    assert master["EXDATE"].params["TZID"] == ZONE
    assert str(moved["UID"]) == str(master["UID"]) == event.uid
    assert as_utc(moved.decoded("RECURRENCE-ID")) == third
    assert moved["RECURRENCE-ID"].params["TZID"] == ZONE
    assert as_utc(moved.decoded("DTSTART")) == local(tuesday + timedelta(days=15), "10:00")
    assert as_utc(moved.decoded("DTEND")) == local(tuesday + timedelta(days=15), "12:00")
    assert "RRULE" not in moved
    assert int(master["SEQUENCE"]) == int(moved["SEQUENCE"]) == 2


def test_an_all_day_series_skips_a_date_with_a_date_exdate(organiser):
    saturday = next_weekday(5)
    event = create_series(organiser, title="Saturday market", all_day=True, start_day=saturday,
                          start_time=None, end_time=None)
    second = starts(event, 2)[1]
    services.skip_occurrence(organiser, event, second)
    (master,) = vevents(read([event]))
    assert master["DTSTART"].params.get("VALUE") == "DATE"
    # RFC 5545 (erratum 6316): an EXDATE has the value type of the DTSTART it excludes.
    assert [moment.dt for moment in master["EXDATE"].dts] == [saturday + timedelta(days=7)]


def test_a_cancelled_event_says_so(organiser):
    event = create_event(organiser)
    services.cancel_event(organiser, event, "The hall flooded.")
    (item,) = vevents(read([event]))
    assert str(item["STATUS"]) == "CANCELLED"
    assert int(item["SEQUENCE"]) == 1


def test_the_calendar_carries_the_london_time_zone_its_times_need(organiser):
    summer = create_event(organiser, title="Summer fair", start_day=a_day_in(7))
    winter = create_event(organiser, title="Winter fair", start_day=a_day_in(1))
    calendar = read([summer, winter])
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == ZONE
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    # A program that knows no zone names must get the same times from the VTIMEZONE alone.
    london = zone.to_tz(lookup_tzid=False)
    for item, event in zip(vevents(calendar), [summer, winter], strict=True):
        wall_clock = item.decoded("DTSTART").replace(tzinfo=None)
        assert as_utc(wall_clock.replace(tzinfo=london)) == event.starts_at


def test_a_calendar_with_no_events_is_still_a_calendar():
    calendar = read([])
    assert str(calendar["VERSION"]) == "2.0"
    assert vevents(calendar) == []


# --- private feeds ---------------------------------------------------------------------------


def test_a_private_feed_lists_only_the_dates_the_person_is_going_to(organiser, resident):
    tuesday = next_weekday(1)
    event = create_series(organiser, title="Tuesday yoga", start_day=tuesday, capacity=5)
    first, second, third, fourth = starts(event, 4)
    answer(event, second, True, resident)
    answer(event, fourth, True, resident)
    answer(event, first, True, resident)
    answer(event, first, False, resident)
    services.move_occurrence(organiser, event, fourth, tuesday + timedelta(days=22), time(10),
                             time(12))
    chosen = feeds.events_for_feed(resident)
    assert chosen == {event: {second, fourth}}
    items = vevents(read(list(chosen), only=chosen))
    assert [as_utc(item.decoded("DTSTART")) for item in items] == [
        second, local(tuesday + timedelta(days=22), "10:00")]
    # Each date stands alone: no rule to expand, and a UID of its own that stays the same
    # from one fetch of the feed to the next, so calendar apps update rather than duplicate.
    assert all("RRULE" not in item and "EXDATE" not in item for item in items)
    uids = [str(item["UID"]) for item in items]
    assert len(set(uids)) == 2
    assert uids == [str(item["UID"]) for item in vevents(read(list(chosen), only=chosen))]


def test_a_private_feed_leaves_out_waiting_lists_and_skipped_dates(organiser, resident,
                                                                    neighbour):
    one_off = create_event(organiser, title="Talk", capacity=1)
    answer(one_off, one_off.starts_at, True, neighbour, resident)
    series = create_series(organiser, title="Tuesday yoga", start_day=next_weekday(1))
    first, second = starts(series, 2)
    answer(series, first, True, resident)
    answer(series, second, True, resident)
    services.skip_occurrence(organiser, series, first)
    chosen = feeds.events_for_feed(resident)
    items = vevents(read(list(chosen), only=chosen))
    assert [(str(item["SUMMARY"]), as_utc(item.decoded("DTSTART"))) for item in items] == [
        ("Tuesday yoga", second)]


def test_a_one_off_event_in_a_private_feed_keeps_its_uid(organiser, resident):
    event = create_event(organiser)
    answer(event, event.starts_at, True, resident)
    chosen = feeds.events_for_feed(resident)
    (item,) = vevents(read(list(chosen), only=chosen))
    assert "RECURRENCE-ID" not in item
    assert str(item["UID"]) == event.uid
    assert as_utc(item.decoded("DTSTART")) == event.starts_at


def test_the_feed_token_is_the_same_every_time_it_is_shown(resident, neighbour):
    token = feeds.feed_token(resident)
    assert feeds.feed_token(resident) == token
    assert token.startswith(f"{resident.id}-")
    assert feeds.feed_token(neighbour) != token
    assert feeds.user_for_feed(token) == resident


def test_resetting_the_feed_stops_the_old_address_working(resident):
    old = feeds.feed_token(resident)
    new = feeds.reset_feed(resident)
    assert new != old
    assert feeds.user_for_feed(old) is None
    assert feeds.user_for_feed(new) == resident
    assert feeds.feed_token(resident) == new


def test_resetting_a_feed_never_shown_makes_a_new_address(resident):
    new = feeds.reset_feed(resident)
    assert feeds.user_for_feed(new) == resident


def test_a_forged_token_finds_nobody(resident, neighbour):
    token = feeds.feed_token(resident)
    secret = token.partition("-")[2]
    feeds.feed_token(neighbour)
    for forged in (f"{resident.id}-{'0' * 32}", f"{neighbour.id}-{secret}",
                   f"{resident.id}-{secret[:-1]}", f"{resident.id}", "", None, "x-y",
                   f"-{secret}", f"999-{secret}", f"{'9' * 30}-{secret}"):
        assert feeds.user_for_feed(forged) is None, forged


def test_a_suspended_persons_feed_stops_working(resident):
    token = feeds.feed_token(resident)
    db.session.get(User, resident.id).state = "suspended"
    db.session.commit()
    assert feeds.user_for_feed(token) is None


def test_the_public_feed_has_published_events_including_cancelled_ones(organiser, says):
    create_event(organiser, title="Kept event", start_time=time(10), end_time=time(11))
    called_off = create_event(organiser, title="Called off", start_time=time(12),
                              end_time=time(13))
    services.cancel_event(organiser, called_off, "The hall flooded.")
    says("hold", 0.8, "insult:general")
    create_through_nudge(organiser, title="Held event")
    assert [event.title for event in feeds.public_events()] == ["Kept event", "Called off"]
    statuses = {str(item["SUMMARY"]): str(item["STATUS"])
                for item in vevents(read(feeds.public_events()))}
    assert statuses == {"Kept event": "CONFIRMED", "Called off": "CANCELLED"}
