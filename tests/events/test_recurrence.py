"""Recurring events, as plain functions: the rules the form builds, their expansion in London
wall-clock time across the clock changes, exceptions, and the words people read."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import forum.models  # noqa: F401  (every model mapped, so events can be built in memory)
from forum.events import recurrence
from forum.events.models import Event, EventException

ZONE = "Europe/London"
LONDON = ZoneInfo(ZONE)


def at(day, hour=19, minute=0):
    """A London wall-clock time, aware."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def utc(day, hour=19, minute=0):
    """A London wall-clock time as the naive UTC the database holds."""
    return recurrence.to_utc(at(day, hour, minute))


def series(first_day, repeat="weekly", hours=2, exceptions=(), hour=19, **rule_options):
    """An unsaved event repeating by the form's choice, first at `hour` on `first_day`."""
    starts = utc(first_day, hour)
    rule = recurrence.build_rrule(repeat, at(first_day, hour), **rule_options) if repeat else None
    return Event(id=1, uid="series@test", title="Yoga", starts_at=starts,
                 ends_at=starts + timedelta(hours=hours), rrule=rule,
                 exceptions=list(exceptions))


def local_starts(event, since_day, until_day):
    """The local start times of every occurrence between two local days."""
    found = recurrence.occurrences(event, utc(since_day, 0), utc(until_day, 0), ZONE)
    return [recurrence.to_local(occurrence.starts_at, ZONE).replace(tzinfo=None)
            for occurrence in found]


# --- the rules the form builds --------------------------------------------------------------


@pytest.mark.parametrize(("repeat", "first_day", "rule"), [
    ("weekly", date(2026, 12, 8), "FREQ=WEEKLY;BYDAY=TU"),
    ("fortnightly", date(2027, 1, 16), "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"),
    ("monthly_date", date(2027, 1, 15), "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("monthly_weekday", date(2026, 12, 8), "FREQ=MONTHLY;BYDAY=2TU"),
    ("monthly_weekday", date(2026, 12, 1), "FREQ=MONTHLY;BYDAY=1TU"),
    ("monthly_weekday", date(2026, 12, 22), "FREQ=MONTHLY;BYDAY=4TU"),
    ("monthly_weekday", date(2026, 12, 29), "FREQ=MONTHLY;BYDAY=-1TU"),
])
def test_each_repeat_choice_builds_its_rule_from_the_first_date(repeat, first_day, rule):
    assert recurrence.build_rrule(repeat, at(first_day)) == rule


def test_a_one_off_event_has_no_rule():
    assert recurrence.build_rrule("", at(date(2026, 12, 8))) is None


def test_an_unknown_repeat_choice_is_refused():
    with pytest.raises(recurrence.RuleError, match="how often"):
        recurrence.build_rrule("daily", at(date(2026, 12, 8)))


def test_weekly_series_happens_every_seven_days():
    assert local_starts(series(date(2026, 12, 8)), date(2026, 12, 1), date(2027, 1, 1)) == [
        datetime(2026, 12, 8, 19), datetime(2026, 12, 15, 19), datetime(2026, 12, 22, 19),
        datetime(2026, 12, 29, 19)]


def test_fortnightly_series_skips_every_other_week():
    event = series(date(2027, 1, 16), "fortnightly", hour=10)
    assert local_starts(event, date(2027, 1, 1), date(2027, 3, 1)) == [
        datetime(2027, 1, 16, 10), datetime(2027, 1, 30, 10), datetime(2027, 2, 13, 10),
        datetime(2027, 2, 27, 10)]


def test_monthly_by_date_series_keeps_the_day_of_the_month():
    event = series(date(2027, 1, 15), "monthly_date")
    assert local_starts(event, date(2027, 1, 1), date(2027, 5, 1)) == [
        datetime(2027, 1, 15, 19), datetime(2027, 2, 15, 19), datetime(2027, 3, 15, 19),
        datetime(2027, 4, 15, 19)]


def test_monthly_by_weekday_series_keeps_the_nth_weekday():
    event = series(date(2026, 12, 8), "monthly_weekday")  # the second Tuesday
    assert local_starts(event, date(2026, 12, 1), date(2027, 4, 1)) == [
        datetime(2026, 12, 8, 19), datetime(2027, 1, 12, 19), datetime(2027, 2, 9, 19),
        datetime(2027, 3, 9, 19)]


def test_a_fifth_weekday_series_falls_on_the_last_weekday_of_months_without_a_fifth():
    event = series(date(2026, 12, 29), "monthly_weekday")  # the fifth Tuesday of December
    assert local_starts(event, date(2026, 12, 1), date(2027, 4, 1)) == [
        datetime(2026, 12, 29, 19), datetime(2027, 1, 26, 19), datetime(2027, 2, 23, 19),
        datetime(2027, 3, 30, 19)]


# --- the clock changes -------------------------------------------------------------------------


def test_a_weekly_evening_session_stays_at_seven_when_the_clocks_go_back():
    event = series(date(2026, 10, 13))  # Tuesdays at 19:00, across Sunday 25 October 2026
    found = recurrence.occurrences(event, utc(date(2026, 10, 1), 0), utc(date(2026, 11, 4), 0),
                                   ZONE)
    assert [(occurrence.starts_at, recurrence.to_local(occurrence.starts_at, ZONE).hour)
            for occurrence in found] == [
        (datetime(2026, 10, 13, 18), 19), (datetime(2026, 10, 20, 18), 19),
        (datetime(2026, 10, 27, 19), 19), (datetime(2026, 11, 3, 19), 19)]


def test_a_weekly_evening_session_stays_at_seven_when_the_clocks_go_forward():
    event = series(date(2027, 3, 18))  # Thursdays at 19:00, across Sunday 28 March 2027
    found = recurrence.occurrences(event, utc(date(2027, 3, 1), 0), utc(date(2027, 4, 2), 0),
                                   ZONE)
    assert [(occurrence.starts_at, recurrence.to_local(occurrence.starts_at, ZONE).hour)
            for occurrence in found] == [
        (datetime(2027, 3, 18, 19), 19), (datetime(2027, 3, 25, 19), 19),
        (datetime(2027, 4, 1, 18), 19)]


@pytest.mark.parametrize(("day", "hours", "starts"), [
    (date(2026, 10, 25), 25, datetime(2026, 10, 24, 23)),
    (date(2027, 3, 28), 23, datetime(2027, 3, 28, 0)),
    (date(2027, 1, 10), 24, datetime(2027, 1, 10, 0)),
    (date(2027, 7, 10), 24, datetime(2027, 7, 9, 23)),
])
def test_a_local_day_lasts_25_or_23_hours_on_clock_change_days(day, hours, starts):
    since, until = recurrence.local_day_bounds(day, ZONE)
    assert since == starts
    assert until - since == timedelta(hours=hours)


def test_an_occurrence_is_found_in_the_window_of_its_local_day_across_a_clock_change():
    event = series(date(2026, 10, 11), hour=0, hours=1)  # Sundays at 00:00 local
    since, until = recurrence.local_day_bounds(date(2026, 10, 25), ZONE)
    found = recurrence.occurrences(event, since, until, ZONE)
    assert [occurrence.starts_at for occurrence in found] == [datetime(2026, 10, 24, 23)]


# --- exceptions ------------------------------------------------------------------------------


def test_a_skipped_date_vanishes_from_the_series():
    skipped = utc(date(2026, 12, 15))
    event = series(date(2026, 12, 8), exceptions=[EventException(original_start=skipped)])
    assert local_starts(event, date(2026, 12, 1), date(2027, 1, 1)) == [
        datetime(2026, 12, 8, 19), datetime(2026, 12, 22, 19), datetime(2026, 12, 29, 19)]


def test_a_moved_date_appears_at_its_new_time_with_its_original_start():
    original = utc(date(2026, 12, 15))
    moved = EventException(original_start=original, new_starts_at=utc(date(2026, 12, 16), 18),
                           new_ends_at=utc(date(2026, 12, 16), 21))
    event = series(date(2026, 12, 8), exceptions=[moved])
    found = recurrence.occurrences(event, utc(date(2026, 12, 14), 0), utc(date(2026, 12, 21), 0),
                                   ZONE)
    assert [(item.original_start, item.starts_at, item.ends_at, item.moved) for item in found] \
        == [(original, utc(date(2026, 12, 16), 18), utc(date(2026, 12, 16), 21), True)]


def test_a_date_moved_out_of_a_window_is_found_in_the_window_of_its_new_time():
    original = utc(date(2026, 12, 15))
    moved = EventException(original_start=original, new_starts_at=utc(date(2027, 2, 3), 18),
                           new_ends_at=utc(date(2027, 2, 3), 20))
    event = series(date(2026, 12, 8), exceptions=[moved], until=date(2026, 12, 29))
    assert datetime(2026, 12, 15, 19) not in local_starts(event, date(2026, 12, 14),
                                                          date(2026, 12, 21))
    found = recurrence.occurrences(event, utc(date(2027, 2, 3), 0), utc(date(2027, 2, 4), 0),
                                   ZONE)
    assert [(item.original_start, item.starts_at) for item in found] == [
        (original, utc(date(2027, 2, 3), 18))]


def test_an_occurrence_that_started_before_the_window_and_is_still_going_is_included():
    event = series(date(2026, 12, 8), hours=3)  # 19:00 to 22:00
    found = recurrence.occurrences(event, utc(date(2026, 12, 15), 21),
                                   utc(date(2026, 12, 16), 0), ZONE)
    assert [item.original_start for item in found] == [utc(date(2026, 12, 15))]


# --- one occurrence -----------------------------------------------------------------------


def test_occurrence_at_finds_a_date_of_the_series():
    event = series(date(2026, 12, 8))
    occurrence = recurrence.occurrence_at(event, utc(date(2026, 12, 22)), ZONE)
    assert (occurrence.original_start, occurrence.starts_at, occurrence.ends_at,
            occurrence.moved) == (utc(date(2026, 12, 22)), utc(date(2026, 12, 22)),
                                  utc(date(2026, 12, 22), 21), False)


@pytest.mark.parametrize("start", [
    utc(date(2026, 12, 22), 20),      # the right day, the wrong hour
    utc(date(2026, 12, 23)),          # the wrong day
    utc(date(2026, 12, 1)),           # before the series begins
])
def test_occurrence_at_refuses_a_start_the_rule_never_places(start):
    assert recurrence.occurrence_at(series(date(2026, 12, 8)), start, ZONE) is None


def test_occurrence_at_refuses_a_date_after_the_series_ends():
    event = series(date(2026, 12, 8), count=2)
    assert recurrence.occurrence_at(event, utc(date(2026, 12, 15)), ZONE) is not None
    assert recurrence.occurrence_at(event, utc(date(2026, 12, 22)), ZONE) is None


def test_occurrence_at_refuses_a_skipped_date_and_moves_a_moved_one():
    skipped, moved = utc(date(2026, 12, 15)), utc(date(2026, 12, 22))
    event = series(date(2026, 12, 8), exceptions=[
        EventException(original_start=skipped),
        EventException(original_start=moved, new_starts_at=utc(date(2026, 12, 23), 10),
                       new_ends_at=utc(date(2026, 12, 23), 12)),
    ])
    assert recurrence.occurrence_at(event, skipped, ZONE) is None
    occurrence = recurrence.occurrence_at(event, moved, ZONE)
    assert (occurrence.original_start, occurrence.starts_at, occurrence.moved) == (
        moved, utc(date(2026, 12, 23), 10), True)


def test_occurrence_at_for_a_one_off_event_knows_only_its_start():
    event = series(date(2026, 12, 8), repeat="")
    assert recurrence.occurrence_at(event, event.starts_at, ZONE).ends_at == event.ends_at
    assert recurrence.occurrence_at(event, event.starts_at + timedelta(days=7), ZONE) is None


# --- where a series ends ------------------------------------------------------------------------


def test_series_end_with_a_last_date_is_the_end_of_the_last_occurrence():
    rule = recurrence.build_rrule("weekly", at(date(2026, 12, 8)), until=date(2027, 1, 6))
    assert recurrence.series_end(rule, utc(date(2026, 12, 8)), timedelta(hours=2), ZONE) \
        == utc(date(2027, 1, 5), 21)


def test_series_end_with_a_count_is_the_end_of_the_last_occurrence():
    rule = recurrence.build_rrule("weekly", at(date(2026, 12, 8)), count=3)
    assert rule.endswith("COUNT=3")
    assert recurrence.series_end(rule, utc(date(2026, 12, 8)), timedelta(hours=2), ZONE) \
        == utc(date(2026, 12, 22), 21)


def test_series_end_of_a_series_without_end_is_none():
    rule = recurrence.build_rrule("weekly", at(date(2026, 12, 8)))
    assert recurrence.series_end(rule, utc(date(2026, 12, 8)), timedelta(hours=2), ZONE) is None


def test_series_end_of_a_one_off_event_is_its_end():
    assert recurrence.series_end(None, utc(date(2026, 12, 8)), timedelta(hours=2), ZONE) \
        == utc(date(2026, 12, 8), 21)


def test_a_last_date_takes_in_an_occurrence_on_that_very_day():
    rule = recurrence.build_rrule("weekly", at(date(2026, 12, 8), 23, 30),
                                  until=date(2026, 12, 22))
    assert recurrence.series_end(rule, utc(date(2026, 12, 8), 23, 30), timedelta(minutes=20),
                                 ZONE) == utc(date(2026, 12, 22), 23, 50)


# --- refusing rules that make no sense -----------------------------------------------------


def test_build_rrule_refuses_a_last_date_before_the_first():
    with pytest.raises(recurrence.RuleError, match="on or after the first"):
        recurrence.build_rrule("weekly", at(date(2026, 12, 8)), until=date(2026, 12, 7))


def test_build_rrule_accepts_a_last_date_on_the_first_day():
    rule = recurrence.build_rrule("weekly", at(date(2026, 12, 8)), until=date(2026, 12, 8))
    assert recurrence.series_end(rule, utc(date(2026, 12, 8)), timedelta(hours=1), ZONE) \
        == utc(date(2026, 12, 8), 20)


@pytest.mark.parametrize("count", [0, -1, 501])
def test_build_rrule_refuses_a_count_outside_1_to_500(count):
    with pytest.raises(recurrence.RuleError, match="from 1 to 500"):
        recurrence.build_rrule("weekly", at(date(2026, 12, 8)), count=count)


@pytest.mark.parametrize("rule", ["FREQ=FORTNIGHTLY", "FREQ=WEEKLY;BYDAY=XX", "not a rule",
                                  "FREQ=WEEKLY;UNTIL=20261201T000000Z"])
def test_check_rrule_refuses_unreadable_rules_and_rules_that_never_happen(rule):
    with pytest.raises(recurrence.RuleError):
        recurrence.check_rrule(rule, utc(date(2026, 12, 8)), ZONE)


def test_check_rrule_accepts_a_rule_that_happens():
    recurrence.check_rrule("FREQ=WEEKLY;BYDAY=TU;COUNT=4", utc(date(2026, 12, 8)), ZONE)


# --- the words people read ------------------------------------------------------------------


@pytest.mark.parametrize(("repeat", "first_day", "options", "words"), [
    ("weekly", date(2026, 12, 8), {}, "Every Tuesday"),
    ("fortnightly", date(2027, 1, 16), {}, "Every two weeks on Saturday"),
    ("monthly_date", date(2027, 1, 3), {}, "Every month on the 3rd"),
    ("monthly_date", date(2027, 1, 11), {}, "Every month on the 11th"),
    ("monthly_date", date(2027, 1, 22), {}, "Every month on the 22nd"),
    ("monthly_date", date(2027, 1, 31), {}, "Every month on the 31st"),
    ("monthly_weekday", date(2026, 12, 8), {}, "The second Tuesday of every month"),
    ("monthly_weekday", date(2026, 12, 29), {}, "The last Tuesday of every month"),
    ("weekly", date(2026, 12, 8), {"until": date(2027, 3, 24)},
     "Every Tuesday until 24 March 2027"),
    ("weekly", date(2027, 6, 1), {"until": date(2027, 7, 13)},
     "Every Tuesday until 13 July 2027"),
    ("weekly", date(2026, 12, 8), {"count": 10}, "Every Tuesday, 10 times"),
])
def test_describe_rrule_says_the_repeat_in_words(repeat, first_day, options, words):
    first_start = at(first_day)
    rule = recurrence.build_rrule(repeat, first_start, **options)
    assert recurrence.describe_rrule(rule, recurrence.to_utc(first_start), ZONE) == words


@pytest.mark.parametrize(("rule", "words"), [
    ("FREQ=WEEKLY;BYDAY=MO,WE", "Every Monday and Wednesday"),
    ("FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every Monday, Wednesday and Friday"),
    ("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU", "Every 3 weeks on Tuesday"),
    ("FREQ=MONTHLY;BYMONTHDAY=1,15", "Every month on the 1st and 15th"),
    ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU", "The first Tuesday of every 2 months"),
    ("FREQ=DAILY", "Every day"),
    ("FREQ=DAILY;INTERVAL=2;COUNT=5", "Every two days, 5 times"),
    ("FREQ=YEARLY", "Every year"),
])
def test_describe_rrule_words_rules_that_came_from_an_import(rule, words):
    assert recurrence.describe_rrule(rule, utc(date(2026, 12, 8)), ZONE) == words


def test_describe_rrule_says_nothing_for_a_one_off():
    assert recurrence.describe_rrule(None, utc(date(2026, 12, 8)), ZONE) == ""


def test_describe_rrule_names_the_local_weekday_of_a_late_evening_in_summer():
    # 23:30 on Tuesday in London is 22:30 UTC the same day; 00:30 on Wednesday is Tuesday in UTC.
    first_start = at(date(2027, 6, 2), 0, 30)
    rule = recurrence.build_rrule("weekly", first_start)
    assert rule == "FREQ=WEEKLY;BYDAY=WE"
    assert recurrence.describe_rrule(rule, recurrence.to_utc(first_start), ZONE) == \
        "Every Wednesday"
