"""Reminders the day before: `flask events remind`, and send_reminders at a fixed time."""

from datetime import date, time, timedelta

import pytest

from forum.events import rsvps, services
from tests.events.factories import (
    answer,
    create_event,
    create_series,
    in_days,
    local,
    mail_to,
    notices,
    starts,
    today,
)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here sets up through services, in one application context."""


@pytest.fixture
def remind(app):
    """Run `flask events remind` as cron would; returns the result."""
    runner = app.test_cli_runner()

    def invoke():
        # `flask` pushes an app context for every command; the test runner does not.
        with app.app_context():
            return runner.invoke(args=["events", "remind"])

    return invoke


def reminder(event, starts_at):
    return f"Tomorrow: {event.title}, {services.local_label(starts_at)}"


def last_sunday_of_october_ahead():
    """The next day the clocks go back (25 hours long), at least two days away."""
    year = today().year
    while True:
        day = date(year, 10, 31)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if day > in_days(2):
            return day
        year += 1


# --- the command -----------------------------------------------------------------------------


def test_remind_tells_everyone_going_tomorrow_in_the_app_and_by_email(
        remind, organiser, crowd, outbox):
    going_1, going_2, waiting, not_going, day_after = crowd(5)
    tomorrow = create_event(organiser, title="Litter pick", start_day=in_days(1),
                            start_time=time(10), end_time=time(12), capacity=2)
    answer(tomorrow, tomorrow.starts_at, True, going_1, going_2, waiting)
    answer(tomorrow, tomorrow.starts_at, True, not_going)
    answer(tomorrow, tomorrow.starts_at, False, not_going)
    later = create_event(organiser, title="Choir", start_day=in_days(2))
    answer(later, later.starts_at, True, day_after)
    result = remind()
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 2 reminders."
    for person in (going_1, going_2):
        assert notices(person) == [reminder(tomorrow, tomorrow.starts_at)]
        assert mail_to(outbox, person) == ["Tomorrow: Litter pick"]
    message = next(mail for mail in outbox() if mail["To"] == going_1.email).get_content()
    assert "Where: Riverside Library, 1 Mill Lane" in message
    assert f"/events/{tomorrow.id}?on=" in message
    for person in (waiting, not_going, day_after):
        assert mail_to(outbox, person) == []
        assert not [notice for notice in notices(person) if notice.startswith("Tomorrow")]


def test_remind_twice_sends_nothing_more(remind, organiser, crowd, outbox):
    event = create_event(organiser, start_day=in_days(1))
    guests = crowd(3)
    answer(event, event.starts_at, True, *guests)
    assert remind().output.strip() == "Sent 3 reminders."
    sent = len(outbox())
    second = remind()
    assert second.exit_code == 0, second.output
    assert second.output.strip() == "Sent 0 reminders."
    assert len(outbox()) == sent
    assert all(len(notices(guest)) == 1 for guest in guests)


def test_remind_says_one_reminder_in_the_singular(remind, organiser, resident):
    event = create_event(organiser, start_day=in_days(1))
    answer(event, event.starts_at, True, resident)
    assert remind().output.strip() == "Sent 1 reminder."


def test_remind_leaves_out_cancelled_events(remind, organiser, resident, outbox):
    event = create_event(organiser, start_day=in_days(1))
    answer(event, event.starts_at, True, resident)
    services.cancel_event(organiser, event, "The hall flooded.")
    assert remind().output.strip() == "Sent 0 reminders."
    assert mail_to(outbox, resident) == ["Cancelled: Seed swap at the library — "
                                         "The hall flooded."]


# --- send_reminders at a fixed time -----------------------------------------------------------


def test_reminders_go_out_the_day_before_and_only_then(organiser, resident, outbox):
    event = create_event(organiser, start_day=in_days(10), start_time=time(19),
                         end_time=time(21))
    answer(event, event.starts_at, True, resident)
    assert rsvps.send_reminders(now=local(in_days(8), "09:00")) == 0
    assert rsvps.send_reminders(now=local(in_days(10), "09:00")) == 0
    assert notices(resident) == [] and outbox() == []
    assert rsvps.send_reminders(now=local(in_days(9), "09:00")) == 1
    assert notices(resident) == [reminder(event, event.starts_at)]
    assert mail_to(outbox, resident) == ["Tomorrow: Seed swap at the library"]
    assert rsvps.send_reminders(now=local(in_days(9), "18:00")) == 0


def test_a_series_reminds_each_date_to_its_own_attendees(organiser, resident, neighbour):
    event = create_series(organiser, start_day=in_days(7))
    first, second = starts(event, 2)
    answer(event, first, True, resident)
    answer(event, second, True, neighbour)
    assert rsvps.send_reminders(now=local(in_days(6), "09:00")) == 1
    assert notices(resident) == [reminder(event, first)] and notices(neighbour) == []
    assert rsvps.send_reminders(now=local(in_days(13), "09:00")) == 1
    assert notices(neighbour) == [reminder(event, second)]


def test_a_skipped_date_sends_no_reminder_and_a_moved_one_reminds_the_day_before_its_new_time(
        organiser, resident, neighbour):
    event = create_series(organiser, start_day=in_days(7))
    first, second, third = starts(event, 3)
    answer(event, second, True, resident)
    answer(event, third, True, neighbour)
    services.skip_occurrence(organiser, event, second)
    services.move_occurrence(organiser, event, third, in_days(19), time(10), time(12))
    assert rsvps.send_reminders(now=local(in_days(13), "09:00")) == 0
    assert rsvps.send_reminders(now=local(in_days(20), "09:00")) == 0
    assert rsvps.send_reminders(now=local(in_days(18), "09:00")) == 1
    assert notices(neighbour)[-1] == reminder(event, local(in_days(19), "10:00"))
    assert not [notice for notice in notices(resident) if notice.startswith("Tomorrow")]


def test_a_first_date_moved_a_day_earlier_is_reminded_the_day_before_its_new_day(
        organiser, resident):
    event = create_series(organiser, start_day=in_days(10))
    first = event.starts_at
    answer(event, first, True, resident)
    services.move_occurrence(organiser, event, first, in_days(9), time(18), time(20))
    assert rsvps.send_reminders(now=local(in_days(9), "09:00")) == 0
    assert rsvps.send_reminders(now=local(in_days(8), "09:00")) == 1
    assert notices(resident)[-1] == reminder(event, local(in_days(9), "18:00"))


def test_an_event_late_on_the_25_hour_day_is_reminded_the_day_before(organiser, resident):
    sunday = last_sunday_of_october_ahead()
    event = create_event(organiser, start_day=sunday, start_time=time(23, 30),
                         end_time=time(23, 55))
    answer(event, event.starts_at, True, resident)
    assert rsvps.send_reminders(now=local(sunday - timedelta(days=1), "09:00")) == 1
    assert rsvps.send_reminders(now=local(sunday, "09:00")) == 0
