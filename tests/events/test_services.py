"""Event use-cases called directly: adding, screening, listing by day, week, weekend and month,
changing, cancelling and rescheduling events, and who may do each."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.core.audit import AuditEntry
from forum.errors import DomainError, Invalid, NotAllowed, NotFound
from forum.events import recurrence, rsvps, services
from forum.events.models import Event, Rsvp
from forum.extensions import db
from forum.notifications.models import Notification
from tests import factories as people
from tests.events.factories import (
    ZONE,
    answer,
    count,
    create_event,
    create_series,
    create_through_nudge,
    event_fields,
    first_of_a_month_ahead,
    in_days,
    local,
    mail_to,
    move_into_the_past,
    next_clock_change,
    next_weekday,
    notices,
    reload,
    starts,
    states,
    today,
)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


def listed(viewer, day, days=1, filters=None):
    """Titles of the occurrences the viewer sees from local `day` for `days` days."""
    since = recurrence.local_midnight_utc(day, ZONE)
    until = recurrence.local_midnight_utc(day + timedelta(days=days), ZONE)
    return [occurrence.event.title
            for occurrence in services.list_occurrences(viewer, since, until, filters)]


# --- adding an event ----------------------------------------------------------------------------


def test_a_new_event_is_published_with_its_local_times_stored_as_utc(organiser, resident):
    day = in_days(21)
    event = create_event(organiser, title="  Seed   swap ", start_day=day,
                         start_time=time(18, 30), end_time=time(20, 0), capacity=12)
    stored = reload(event)
    assert (stored.title, stored.status, stored.author_id) == ("Seed swap", "published",
                                                               organiser.id)
    assert (stored.starts_at, stored.ends_at) == (local(day, "18:30"), local(day, "20:00"))
    assert stored.uid.endswith("@commonground")
    assert (stored.capacity, stored.cost, stored.rrule) == (12, "Free", None)
    assert stored.repeats_until == stored.ends_at
    assert stored.description_html == "<p>Bring seeds in envelopes.</p>"
    assert listed(resident, day) == ["Seed swap"]


def test_an_all_day_event_runs_from_local_midnight_to_midnight(organiser):
    day = next_weekday(5)
    event = create_event(organiser, all_day=True, start_day=day, end_day=day + timedelta(days=1),
                         start_time=None, end_time=None)
    assert (event.starts_at, event.ends_at) == (local(day, "00:00"),
                                                local(day + timedelta(days=2), "00:00"))


def test_a_new_series_knows_its_rule_and_last_date(organiser):
    first = next_weekday(1)
    event = create_series(organiser, start_day=first, repeat_until=first + timedelta(days=21))
    assert event.rrule.startswith("FREQ=WEEKLY;BYDAY=TU;UNTIL=")
    assert event.repeats_until == local(first + timedelta(days=21), "20:00")
    assert starts(event, 10) == [local(first + timedelta(days=7 * week)) for week in range(4)]


@pytest.mark.parametrize(("changes", "field"), [
    ({"end_time": time(17, 0)}, "end_time"),
    ({"end_time": time(18, 0)}, "end_time"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": -5}, "capacity"),
    ({"ward_slug": "atlantis"}, "ward"),
    ({"category": "bingo"}, "category"),
    ({"title": "Hi"}, "title"),
    ({"title": "   "}, "title"),
    ({"venue": ""}, "venue"),
    ({"start_day": in_days(-2)}, "start_day"),
    ({"start_day": None}, "start_day"),
    ({"suitable_for": "toddlers"}, "suitable_for"),
    ({"all_day": True, "end_day": in_days(20)}, "end_day"),
    ({"end_day": in_days(40)}, "end_day"),
    ({"repeat": "weekly", "repeat_until": in_days(20)}, "repeat_until"),
    ({"repeat": "hourly"}, "repeat"),
])
def test_an_event_that_makes_no_sense_is_refused_on_the_right_field(organiser, changes, field):
    with pytest.raises(Invalid) as refused:
        create_event(organiser, **changes)
    assert refused.value.field == field
    assert count(Event) == 0


def test_only_staff_may_publish_official_events(organiser, staff):
    with pytest.raises(Invalid) as refused:
        create_event(organiser, official=True)
    assert refused.value.field == "official"
    event = create_event(staff, official=True, title="Budget consultation")
    assert reload(event).is_official
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.target_id) == (
        "event.official_published", staff.id, event.id)


def test_a_resident_who_has_not_confirmed_their_email_cannot_add_an_event(make_user):
    unconfirmed = make_user("newbie", verified=False)
    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        create_event(unconfirmed)
    assert count(Event) == 0


# --- screening: held events -------------------------------------------------------------------


def test_an_event_the_detector_holds_is_seen_only_by_its_author_and_moderators(
        organiser, resident, moderator, says):
    says("hold", 0.8, "insult:general")
    event = create_through_nudge(organiser, title="Angry meeting")
    assert reload(event).status == "held"
    day = event.starts_at.date()
    assert listed(resident, day) == []
    assert listed(None, day) == []
    with pytest.raises(NotFound):
        services.get_event(event.id, resident)
    with pytest.raises(NotFound):
        services.get_event(event.id, None)
    assert services.get_event(event.id, organiser) == event
    assert services.get_event(event.id, moderator) == event
    assert listed(organiser, day) == ["Angry meeting"]
    assert listed(moderator, day) == ["Angry meeting"]


def test_a_held_event_takes_no_rsvps(organiser, resident, says):
    says("hold", 0.8, "insult:general")
    event = create_through_nudge(organiser)
    with pytest.raises(NotAllowed):
        rsvps.rsvp(resident, event, event.starts_at, True)


# --- the calendar: filters and windows ---------------------------------------------------------


def test_filters_narrow_the_calendar_by_ward_category_age_and_organiser(organiser, staff):
    people.create_ward("Hillside")
    day = in_days(21)
    create_event(organiser, title="Riverside litter pick", ward_slug="riverside",
                 category="environment")
    create_event(organiser, title="Hillside youth club", ward_slug="hillside",
                 category="youth", suitable_for="under_18")
    create_event(organiser, title="Quiz night at the pub", ward_slug="hillside",
                 suitable_for="adults")
    create_event(staff, title="Budget consultation", official=True, category="council")
    everything = ["Budget consultation", "Hillside youth club", "Quiz night at the pub",
                  "Riverside litter pick"]
    assert sorted(listed(organiser, day)) == everything
    assert listed(organiser, day, filters=services.Filters(ward="riverside")) == [
        "Riverside litter pick"]
    assert sorted(listed(organiser, day, filters=services.Filters(ward="hillside"))) == [
        "Hillside youth club", "Quiz night at the pub"]
    assert listed(organiser, day, filters=services.Filters(category="youth")) == [
        "Hillside youth club"]
    assert sorted(listed(organiser, day, filters=services.Filters(under_18=True))) == [
        "Budget consultation", "Hillside youth club", "Riverside litter pick"]
    assert listed(organiser, day, filters=services.Filters(official=True)) == [
        "Budget consultation"]
    assert sorted(listed(organiser, day, filters=services.Filters(category="nonsense"))) == \
        everything


def test_the_calendar_lists_occurrences_in_time_order(organiser):
    day = in_days(21)
    create_event(organiser, title="Evening talk", start_day=day, start_time=time(19),
                 end_time=time(20))
    create_event(organiser, title="Morning walk", start_day=day, start_time=time(9),
                 end_time=time(10))
    create_series(organiser, title="Weekly lunch", start_day=day - timedelta(days=7),
                  start_time=time(12), end_time=time(13))
    assert listed(organiser, day) == ["Morning walk", "Weekly lunch", "Evening talk"]


@pytest.mark.parametrize("weekday", [0, 2, 4, 5, 6])
def test_today_is_the_local_day(weekday):
    today = next_weekday(weekday)
    since, until, heading = services.window("today", today=today)
    assert (since, until, heading) == (local(today, "00:00"),
                                       local(today + timedelta(days=1), "00:00"), "Today")


def test_the_week_is_the_next_seven_days():
    today = next_weekday(3)
    assert services.window("week", today=today) == (
        local(today, "00:00"), local(today + timedelta(days=7), "00:00"), "The next 7 days")


@pytest.mark.parametrize(("weekday", "saturday_offset"), [
    (0, 5),   # Monday: the coming Saturday and Sunday
    (2, 3),   # Wednesday
    (4, 1),   # Friday
])
def test_on_a_weekday_the_weekend_is_the_coming_saturday_and_sunday(weekday, saturday_offset):
    today = next_weekday(weekday)
    saturday = today + timedelta(days=saturday_offset)
    assert saturday.weekday() == 5
    assert services.window("weekend", today=today) == (
        local(saturday, "00:00"), local(saturday + timedelta(days=2), "00:00"), "This weekend")


def test_on_a_saturday_the_weekend_is_today_and_tomorrow():
    saturday = next_weekday(5)
    assert services.window("weekend", today=saturday) == (
        local(saturday, "00:00"), local(saturday + timedelta(days=2), "00:00"), "This weekend")


def test_on_a_sunday_the_weekend_is_what_is_left_of_today():
    sunday = next_weekday(6)
    assert services.window("weekend", today=sunday) == (
        local(sunday, "00:00"), local(sunday + timedelta(days=1), "00:00"), "This weekend")


def test_the_weekend_lists_saturday_and_sunday_events_only(organiser):
    saturday = next_weekday(5)
    for offset, title in enumerate(["Friday disco", "Saturday market", "Sunday service",
                                    "Monday choir"], start=-1):
        create_event(organiser, title=title, start_day=saturday + timedelta(days=offset))

    def weekend(today):
        since, until, _ = services.window("weekend", today=today)
        return [item.event.title for item in services.list_occurrences(None, since, until)]

    assert weekend(saturday - timedelta(days=3)) == ["Saturday market", "Sunday service"]
    assert weekend(saturday) == ["Saturday market", "Sunday service"]
    assert weekend(saturday + timedelta(days=1)) == ["Sunday service"]


def test_the_week_from_the_real_today_leaves_out_what_ended_hours_ago():
    since, until, _ = services.window("week")
    now = services.utcnow()
    assert since >= now - timedelta(hours=3, seconds=5)
    assert since >= recurrence.local_midnight_utc(services.local_today(), ZONE)
    assert until == recurrence.local_midnight_utc(services.local_today() + timedelta(days=7),
                                                  ZONE)


def test_the_month_grid_is_whole_weeks_from_monday_with_other_months_days_flagged(organiser):
    first = first_of_a_month_ahead(2)
    grid = services.month_grid(None, first.year, first.month)
    days = [day for week in grid for day in week]
    assert all(len(week) == 7 for week in grid)
    assert 4 <= len(grid) <= 6
    assert grid[0][0].date.weekday() == 0 and grid[-1][-1].date.weekday() == 6
    assert [day.date for day in days] == [grid[0][0].date + timedelta(days=number)
                                          for number in range(len(days))]
    assert all(day.in_month == (day.date.month == first.month) for day in days)
    assert grid[0][0].date <= first and first in [day.date for day in days]
    assert any(not day.in_month for day in days) or first.weekday() == 0


def test_the_month_grid_puts_each_occurrence_on_its_local_day(organiser):
    june = first_of_a_month_ahead((6 - today().month) % 12 or 12)
    assert june.month == 6
    tenth = june.replace(day=10)
    # 00:30 on 10 June in London is 23:30 on 9 June in UTC.
    late = create_event(organiser, title="Midsummer night walk", start_day=tenth,
                        start_time=time(0, 30), end_time=time(1, 30))
    assert late.starts_at.date() == june.replace(day=9)
    series = create_series(organiser, title="Tuesday yoga", start_day=june.replace(day=1)
                           + timedelta(days=(1 - june.weekday()) % 7))
    grid = services.month_grid(None, june.year, june.month)
    titles = {day.date: [occurrence.event.title for occurrence in day.occurrences]
              for week in grid for day in week}
    assert titles[tenth] == ["Midsummer night walk"] + (
        ["Tuesday yoga"] if tenth.weekday() == 1 else [])
    assert "Midsummer night walk" not in titles[june.replace(day=9)]
    tuesdays = [day for day in titles if day.weekday() == 1 and day >= series.starts_at.date()]
    assert tuesdays and all("Tuesday yoga" in titles[day] for day in tuesdays)
    assert all("Tuesday yoga" not in titles[day] for day in titles if day.weekday() != 1)


def test_the_month_grid_shows_an_event_over_several_days_on_each_of_them(organiser):
    first = first_of_a_month_ahead(2)
    friday = first + timedelta(days=(4 - first.weekday()) % 7 + 7)
    create_event(organiser, title="Weekend fair", all_day=True, start_day=friday,
                 end_day=friday + timedelta(days=2), start_time=None, end_time=None)
    create_event(organiser, title="Late disco", start_day=friday, start_time=time(22),
                 end_day=friday + timedelta(days=1), end_time=time(0))
    grid = services.month_grid(None, first.year, first.month)
    titles = {day.date: [occurrence.event.title for occurrence in day.occurrences]
              for week in grid for day in week}
    assert titles[friday - timedelta(days=1)] == []
    assert titles[friday] == ["Weekend fair", "Late disco"]
    assert titles[friday + timedelta(days=1)] == ["Weekend fair"]
    assert titles[friday + timedelta(days=2)] == ["Weekend fair"]
    assert titles[friday + timedelta(days=3)] == []


def test_a_moved_first_date_is_listed_on_its_new_earlier_day(organiser, resident):
    tuesday = next_weekday(1)
    event = create_series(organiser, title="Tuesday yoga", start_day=tuesday)
    monday = tuesday - timedelta(days=1)
    services.move_occurrence(organiser, event, event.starts_at, monday, time(18), time(20))
    assert listed(resident, tuesday) == []
    assert listed(resident, monday) == ["Tuesday yoga"]


def test_a_last_date_moved_after_the_series_ends_is_still_listed(organiser, resident):
    tuesday = next_weekday(1)
    event = create_series(organiser, title="Tuesday yoga", start_day=tuesday,
                          repeat_until=tuesday + timedelta(days=14))
    last = starts(event)[-1]
    later = tuesday + timedelta(days=20)
    services.move_occurrence(organiser, event, last, later, time(10), time(12))
    assert reload(event).repeats_until == local(later, "12:00")
    assert listed(resident, later) == ["Tuesday yoga"]


# --- changing an event ---------------------------------------------------------------------


def test_changing_the_time_tells_everyone_going_or_waiting_and_bumps_the_sequence(
        organiser, resident, neighbour, crowd):
    event = create_event(organiser, capacity=1)
    (leaver,) = crowd(1)
    answer(event, event.starts_at, True, resident, neighbour, leaver)
    answer(event, event.starts_at, False, leaver)
    services.update_event(organiser, event, event_fields(start_time=time(19), end_time=time(21),
                                                         capacity=1))
    summary = "Changed: Seed swap at the library — check the new details"
    assert notices(resident) == [summary]
    assert notices(neighbour) == [summary]
    assert notices(leaver) == []
    assert notices(organiser) == []
    assert reload(event).sequence == 1


def test_changing_the_venue_tells_attendees(organiser, resident):
    event = create_event(organiser)
    answer(event, event.starts_at, True, resident)
    services.update_event(organiser, event, event_fields(venue="Town hall"))
    assert reload(event).venue == "Town hall"
    assert notices(resident) == ["Changed: Seed swap at the library — check the new details"]


def test_changing_only_the_description_tells_nobody_but_bumps_the_sequence(organiser, resident):
    event = create_event(organiser)
    answer(event, event.starts_at, True, resident)
    services.update_event(organiser, event, event_fields(description="Now with *cake*."))
    stored = reload(event)
    assert stored.description_html == "<p>Now with <em>cake</em>.</p>"
    assert stored.sequence == 1
    assert count(Notification) == 0


def test_people_going_stay_going_when_a_one_off_event_moves_to_a_new_time(
        organiser, resident, neighbour, crowd):
    event = create_event(organiser, capacity=2)
    answer(event, event.starts_at, True, resident, neighbour)
    services.update_event(organiser, event, event_fields(start_time=time(19), end_time=time(21),
                                                         capacity=2))
    event = reload(event)
    assert [(occurrence.starts_at, state) for occurrence, state
            in rsvps.list_my_events(resident)] == [(event.starts_at, "going")]
    (late,) = crowd(1)
    assert rsvps.rsvp(late, event, event.starts_at, True) == "waitlist"


def test_raising_the_capacity_gives_the_new_places_to_those_waiting_longest(
        organiser, crowd, outbox):
    event = create_event(organiser, capacity=1)
    first, second, third = crowd(3)
    answer(event, event.starts_at, True, first, second, third)
    services.update_event(organiser, event, event_fields(capacity=2))
    assert states(event, event.starts_at) == {"guest01": "going", "guest02": "going",
                                              "guest03": "waitlist"}
    assert notices(second) == [
        f"A place came up: you're going to Seed swap at the library on "
        f"{services.local_label(event.starts_at)}"]
    assert mail_to(outbox, second) == ["A place came up for you"]
    assert notices(third) == [] and mail_to(outbox, third) == []


def test_removing_the_limit_gives_everyone_waiting_a_place(organiser, crowd):
    event = create_event(organiser, capacity=1)
    guests = crowd(4)
    answer(event, event.starts_at, True, *guests)
    services.update_event(organiser, event, event_fields(capacity=None))
    assert set(states(event, event.starts_at).values()) == {"going"}


def test_changing_a_series_time_carries_everyones_dates_with_it(organiser, crowd):
    tuesday = next_weekday(1)
    event = create_series(organiser, start_day=tuesday, capacity=1)
    first, second, third, fourth = starts(event, 4)
    going, waiting, later, latecomer = crowd(4)
    answer(event, second, True, going, waiting)
    answer(event, third, True, later)
    services.skip_occurrence(organiser, event, fourth)
    services.update_event(organiser, event, event_fields(
        start_day=tuesday, start_time=time(19, 30), end_time=time(21), capacity=1,
        repeat="weekly"))
    event = reload(event)
    new_second = local(tuesday + timedelta(days=7), "19:30")
    assert [(occurrence.starts_at, state) for occurrence, state
            in rsvps.list_my_events(going)] == [(new_second, "going")]
    assert [(occurrence.starts_at, state) for occurrence, state
            in rsvps.list_my_events(waiting)] == [(new_second, "waitlist")]
    assert [occurrence.starts_at for occurrence, _ in rsvps.list_my_events(later)] == [
        local(tuesday + timedelta(days=14), "19:30")]
    assert rsvps.rsvp(latecomer, event, new_second, True) == "waitlist"
    assert [occurrence.starts_at for occurrence in services.list_occurrences(
        None, local(tuesday, "00:00"), local(tuesday + timedelta(days=28), "00:00"))] == [
        local(tuesday + timedelta(days=7 * week), "19:30") for week in range(3)]


def test_changing_a_series_time_across_a_clock_change_keeps_the_new_local_time(organiser,
                                                                               resident):
    change = next_clock_change()
    tuesday = change - timedelta(days=12)
    event = create_series(organiser, start_day=tuesday)
    after_change = starts(event, 3)[2]
    answer(event, after_change, True, resident)
    services.update_event(organiser, event, event_fields(
        start_day=tuesday, start_time=time(19, 30), end_time=time(21), repeat="weekly"))
    assert [occurrence.starts_at for occurrence, _ in rsvps.list_my_events(resident)] == [
        local(change + timedelta(days=2), "19:30")]


def test_raising_the_capacity_leaves_the_waiting_list_of_a_past_date_alone(organiser, crowd,
                                                                           outbox):
    event = create_series(organiser, start_day=in_days(3), capacity=1)
    first, second = starts(event, 2)
    went, missed_out, going, waiting = crowd(4)
    answer(event, first, True, went, missed_out)
    answer(event, second, True, going, waiting)
    event = move_into_the_past(event, days=7)  # the first date was four days ago
    first, second = first - timedelta(days=7), second - timedelta(days=7)
    services.update_event(organiser, event, event_fields(
        start_day=in_days(-4), capacity=2, repeat="weekly"))
    assert states(event, second) == {"guest03": "going", "guest04": "going"}
    assert states(event, first) == {"guest01": "going", "guest02": "waitlist"}
    assert notices(missed_out) == [] and mail_to(outbox, missed_out) == []


def test_raising_the_capacity_leaves_the_waiting_list_of_a_skipped_date_alone(organiser,
                                                                              crowd, outbox):
    tuesday = next_weekday(1)
    event = create_series(organiser, start_day=tuesday, capacity=1)
    second = starts(event, 2)[1]
    going, waiting = crowd(2)
    answer(event, second, True, going, waiting)
    services.skip_occurrence(organiser, event, second)
    services.update_event(organiser, event, event_fields(start_day=tuesday, capacity=2,
                                                         repeat="weekly"))
    assert states(event, second)["guest02"] == "waitlist"
    assert not [notice for notice in notices(waiting) if notice.startswith("A place came up")]
    assert "A place came up for you" not in mail_to(outbox, waiting)


def test_only_the_organiser_or_staff_may_change_an_event(organiser, resident, moderator, staff):
    event = create_event(organiser)
    for outsider in (resident, moderator):
        with pytest.raises(NotAllowed):
            services.update_event(outsider, event, event_fields(title="Hijacked"))
    services.update_event(staff, event, event_fields(title="Seed and plant swap"))
    assert reload(event).title == "Seed and plant swap"
    assert db.session.execute(select(AuditEntry.action, AuditEntry.actor_id)).all() == [
        ("event.edit", staff.id)]


# --- cancelling ------------------------------------------------------------------------------


def test_cancelling_tells_everyone_going_and_waiting_in_the_app_and_by_email(
        organiser, resident, neighbour, crowd, outbox):
    event = create_event(organiser, capacity=1)
    (changed_mind,) = crowd(1)
    answer(event, event.starts_at, True, resident, neighbour, changed_mind)
    answer(event, event.starts_at, False, changed_mind)
    services.cancel_event(organiser, event, "The hall flooded.")
    summary = "Cancelled: Seed swap at the library — The hall flooded."
    assert notices(resident) == [summary] and notices(neighbour) == [summary]
    assert notices(changed_mind) == []
    assert mail_to(outbox, resident) == [summary] and mail_to(outbox, neighbour) == [summary]
    assert "The organiser said: The hall flooded." in outbox()[0].get_content()
    assert mail_to(outbox, changed_mind) == []
    stored = reload(event)
    assert stored.is_cancelled and stored.cancel_reason == "The hall flooded."
    assert stored.sequence == 1


def test_a_cancelled_event_takes_no_new_rsvps(organiser, resident):
    event = create_event(organiser)
    services.cancel_event(organiser, event, "The hall flooded.")
    with pytest.raises(NotAllowed, match="cancelled"):
        rsvps.rsvp(resident, event, event.starts_at, True)
    assert count(Rsvp) == 0


def test_cancelling_needs_a_reason_and_happens_once(organiser):
    event = create_event(organiser)
    with pytest.raises(Invalid) as refused:
        services.cancel_event(organiser, event, " no ")
    assert refused.value.field == "reason"
    assert not reload(event).is_cancelled
    services.cancel_event(organiser, event, "The hall flooded.")
    with pytest.raises(DomainError, match="already cancelled"):
        services.cancel_event(organiser, event, "The hall flooded again.")


def test_only_the_organiser_or_staff_may_cancel(organiser, resident, moderator, staff):
    event = create_event(organiser)
    for outsider in (resident, moderator):
        with pytest.raises(NotAllowed):
            services.cancel_event(outsider, event, "Not my event, but still.")
    assert not reload(event).is_cancelled
    services.cancel_event(staff, event, "The council closed the hall.")
    assert reload(event).is_cancelled


# --- one date of a series ------------------------------------------------------------------


def test_skipping_a_date_tells_only_that_dates_attendees(organiser, resident, neighbour, outbox):
    event = create_series(organiser, start_day=next_weekday(1))
    first, second, third = starts(event, 3)
    answer(event, second, True, resident)
    answer(event, third, True, neighbour)
    answer(event, first, True, neighbour)
    services.skip_occurrence(organiser, event, second, note="Half term")
    summary = (f"Not happening on {services.local_label(second)}: Seed swap at the library "
               "(Half term)")
    assert notices(resident) == [summary]
    assert mail_to(outbox, resident) == [summary]
    assert notices(neighbour) == [] and mail_to(outbox, neighbour) == []
    assert [occurrence.original_start for occurrence in services.list_occurrences(
        None, first, third + timedelta(hours=3))] == [first, third]
    assert states(event, second) == {"ada": "going"}
    assert reload(event).sequence == 1
    with pytest.raises(NotFound):
        services.get_occurrence(event, second)


def test_moving_a_date_tells_only_that_dates_attendees_and_keeps_their_rsvps(
        organiser, resident, neighbour, outbox):
    tuesday = next_weekday(1)
    event = create_series(organiser, start_day=tuesday, capacity=5)
    first, second, third = starts(event, 3)
    answer(event, second, True, resident)
    answer(event, third, True, neighbour)
    wednesday = tuesday + timedelta(days=8)
    services.move_occurrence(organiser, event, second, wednesday, time(10), time(12))
    summary = f"Moved to {services.local_label(local(wednesday, '10:00'))}: " \
              "Seed swap at the library"
    assert notices(resident) == [summary] and mail_to(outbox, resident) == [summary]
    assert notices(neighbour) == [] and mail_to(outbox, neighbour) == []
    moved = services.get_occurrence(event, second)
    assert (moved.original_start, moved.starts_at, moved.ends_at, moved.moved) == (
        second, local(wednesday, "10:00"), local(wednesday, "12:00"), True)
    assert states(event, second) == {"ada": "going"}
    assert rsvps.my_answers(resident, [moved]) == {(event.id, second): "going"}
    assert [(occurrence.starts_at, state) for occurrence, state
            in rsvps.list_my_events(resident)] == [(local(wednesday, "10:00"), "going")]
    listed_days = [recurrence.to_local(occurrence.starts_at, ZONE).date() for occurrence
                   in services.list_occurrences(None, first, third + timedelta(hours=3))]
    assert listed_days == [tuesday, wednesday, tuesday + timedelta(days=14)]


def test_a_date_cannot_be_moved_into_the_past_or_to_end_before_it_starts(organiser):
    event = create_series(organiser, start_day=next_weekday(1))
    second = starts(event, 2)[1]
    with pytest.raises(Invalid) as refused:
        services.move_occurrence(organiser, event, second, in_days(-1), time(10), time(12))
    assert refused.value.field == "day"
    with pytest.raises(Invalid) as refused:
        services.move_occurrence(organiser, event, second, in_days(30), time(12), time(10))
    assert refused.value.field == "end_time"
    assert reload(event).exceptions == []


def test_only_a_series_has_dates_to_skip_or_move(organiser):
    event = create_event(organiser)
    with pytest.raises(DomainError, match="Only a repeating event"):
        services.skip_occurrence(organiser, event, event.starts_at)


def test_a_date_the_series_does_not_have_cannot_be_skipped_twice(organiser):
    event = create_series(organiser, start_day=next_weekday(1))
    second = starts(event, 2)[1]
    with pytest.raises(NotFound):
        services.skip_occurrence(organiser, event, second + timedelta(hours=1))
    services.skip_occurrence(organiser, event, second)
    with pytest.raises(NotFound):
        services.skip_occurrence(organiser, event, second)


def test_only_the_organiser_or_staff_may_skip_or_move_a_date(organiser, resident, moderator,
                                                              staff):
    event = create_series(organiser, start_day=next_weekday(1))
    second, third = starts(event, 3)[1:]
    for outsider in (resident, moderator):
        with pytest.raises(NotAllowed):
            services.skip_occurrence(outsider, event, second)
        with pytest.raises(NotAllowed):
            services.move_occurrence(outsider, event, second, in_days(40), time(10), time(12))
    assert reload(event).exceptions == []
    services.skip_occurrence(staff, event, third)
    assert [exception.original_start for exception in reload(event).exceptions] == [third]


# --- who sees the attendees ---------------------------------------------------------------------


def test_only_the_organiser_and_staff_see_who_is_going(organiser, resident, neighbour,
                                                       moderator, staff):
    event = create_event(organiser, capacity=1)
    answer(event, event.starts_at, True, resident, neighbour)
    for insider in (organiser, staff):
        going, waiting = rsvps.list_attendees(insider, event, event.starts_at)
        assert ([row.user.username for row in going], [row.user.username for row in waiting]) \
            == (["ada"], ["ben"])
    for outsider in (resident, moderator, None):
        with pytest.raises(NotAllowed):
            rsvps.list_attendees(outsider, event, event.starts_at)


def test_a_new_event_cannot_start_in_the_past_but_an_all_day_one_can_be_today(organiser):
    now_local = recurrence.to_local(utcnow(), services.zone()).replace(tzinfo=None)
    an_hour_ago, later = now_local - timedelta(hours=1), now_local + timedelta(hours=2)
    started = services.EventFields(
        title="Started already", description="", start_day=an_hour_ago.date(),
        start_time=an_hour_ago.time(), end_day=later.date(), end_time=later.time(),
        venue="Library")
    with pytest.raises(Invalid) as refused:
        services.create_event(organiser, started)
    assert refused.value.field == "start_day"
    today = services.EventFields(title="Fun day", description="", start_day=now_local.date(),
                                 start_time=None, end_day=None, end_time=None, all_day=True,
                                 venue="Park")
    assert services.create_event(organiser, today).all_day
