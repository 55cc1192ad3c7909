"""RSVPs called directly: places up to the capacity, the waiting list and its promotions, one
answer per date of a series, who may answer, and the person's own list."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from forum.errors import DomainError, NotAllowed, NotFound
from forum.events import rsvps, services
from forum.events.models import Rsvp
from forum.extensions import db
from tests.events.factories import (
    answer,
    count,
    create_event,
    create_series,
    going_counter,
    local,
    mail_to,
    move_into_the_past,
    next_weekday,
    notices,
    starts,
    states,
)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


def position(user, event, start):
    return rsvps.waitlist_position(user, services.get_occurrence(event, start))


# --- places and the waiting list ------------------------------------------------------------


def test_people_are_going_until_the_places_run_out_then_wait_in_order(organiser, crowd):
    event = create_event(organiser, capacity=2)
    guests = crowd(4)
    assert answer(event, event.starts_at, True, *guests) == ["going", "going", "waitlist",
                                                               "waitlist"]
    assert going_counter(event, event.starts_at) == 2
    going, waiting = rsvps.list_attendees(organiser, event, event.starts_at)
    assert [row.user.username for row in going] == ["guest01", "guest02"]
    assert [row.user.username for row in waiting] == ["guest03", "guest04"]
    assert [position(guest, event, event.starts_at) for guest in guests] == [None, None, 1, 2]


def test_not_going_frees_a_place_for_the_person_waiting_longest(organiser, crowd, outbox):
    event = create_event(organiser, capacity=2)
    first, second, third, fourth = crowd(4)
    answer(event, event.starts_at, True, first, second, third, fourth)
    assert rsvps.rsvp(first, event, event.starts_at, False) == "not_going"
    assert states(event, event.starts_at) == {"guest01": "not_going", "guest02": "going",
                                              "guest03": "going", "guest04": "waitlist"}
    assert going_counter(event, event.starts_at) == 2
    when = services.local_label(event.starts_at)
    assert notices(third) == [
        f"A place came up: you're going to Seed swap at the library on {when}"]
    assert mail_to(outbox, third) == ["A place came up for you"]
    assert when in next(message for message in outbox()
                        if message["To"] == third.email).get_content()
    assert notices(fourth) == [] and mail_to(outbox, fourth) == []
    assert position(fourth, event, event.starts_at) == 1
    promoted = db.session.execute(select(Rsvp).where(Rsvp.user_id == third.id)).scalar_one()
    assert promoted.promoted_at is not None


def test_leaving_the_waiting_list_moves_the_others_up_and_frees_no_place(organiser, crowd):
    event = create_event(organiser, capacity=1)
    first, second, third, fourth = crowd(4)
    answer(event, event.starts_at, True, first, second, third, fourth)
    assert rsvps.rsvp(second, event, event.starts_at, False) == "not_going"
    assert going_counter(event, event.starts_at) == 1
    assert states(event, event.starts_at)["guest01"] == "going"
    assert [position(guest, event, event.starts_at) for guest in (third, fourth)] == [1, 2]
    assert notices(third) == []


def test_asking_again_after_saying_not_going_joins_the_end_of_the_waiting_list(organiser,
                                                                               crowd):
    event = create_event(organiser, capacity=1)
    first, second, third = crowd(3)
    answer(event, event.starts_at, True, first, second, third)
    answer(event, event.starts_at, False, second)
    assert rsvps.rsvp(second, event, event.starts_at, True) == "waitlist"
    assert [position(guest, event, event.starts_at) for guest in (second, third)] == [2, 1]


def test_a_series_has_its_places_per_date(organiser, crowd):
    event = create_series(organiser, start_day=next_weekday(1), capacity=1)
    first, second = starts(event, 2)
    ada, ben, cy = crowd(3)
    assert rsvps.rsvp(ada, event, first, True) == "going"
    assert rsvps.rsvp(ben, event, second, True) == "going"
    assert rsvps.rsvp(cy, event, first, True) == "waitlist"
    assert rsvps.rsvp(cy, event, second, True) == "waitlist"
    assert (going_counter(event, first), going_counter(event, second)) == (1, 1)
    answer(event, first, False, ada)
    assert states(event, first) == {"guest01": "not_going", "guest03": "going"}
    assert states(event, second) == {"guest02": "going", "guest03": "waitlist"}


def test_an_event_without_a_limit_has_a_place_for_everyone(organiser, crowd):
    event = create_event(organiser, capacity=None)
    assert set(answer(event, event.starts_at, True, *crowd(6))) == {"going"}
    assert going_counter(event, event.starts_at) == 6


def test_saying_going_twice_keeps_one_place(organiser, resident):
    event = create_event(organiser, capacity=3)
    assert answer(event, event.starts_at, True, resident, resident) == ["going", "going"]
    assert count(Rsvp) == 1
    assert going_counter(event, event.starts_at) == 1


def test_saying_going_twice_from_the_waiting_list_keeps_the_place_in_the_queue(organiser,
                                                                              crowd):
    event = create_event(organiser, capacity=1)
    first, second, third = crowd(3)
    answer(event, event.starts_at, True, first, second, third)
    assert rsvps.rsvp(second, event, event.starts_at, True) == "waitlist"
    assert position(second, event, event.starts_at) == 1


def test_saying_not_going_without_having_answered_takes_nothing(organiser, resident):
    event = create_event(organiser, capacity=1)
    assert rsvps.rsvp(resident, event, event.starts_at, False) == "not_going"
    assert going_counter(event, event.starts_at) in (None, 0)


def test_going_counts_and_my_answers_read_one_list_of_occurrences(organiser, resident, crowd):
    event = create_series(organiser, start_day=next_weekday(1), capacity=2)
    first, second, third = starts(event, 3)
    answer(event, first, True, resident, *crowd(2))
    answer(event, second, False, resident)
    occurrences = [services.get_occurrence(event, start) for start in (first, second, third)]
    counts = rsvps.going_counts(occurrences)
    assert {key: going for key, going in counts.items() if going} == {(event.id, first): 2}
    assert counts.get((event.id, third), 0) == 0
    assert rsvps.my_answers(resident, occurrences) == {(event.id, first): "going"}
    assert rsvps.my_answers(None, occurrences) == {}


# --- who may answer, and when ------------------------------------------------------------------


def test_an_adults_only_event_refuses_a_16_year_old(organiser, teen, resident):
    event = create_event(organiser, suitable_for="adults")
    with pytest.raises(NotAllowed, match="adults"):
        rsvps.rsvp(teen, event, event.starts_at, True)
    assert rsvps.rsvp(resident, event, event.starts_at, True) == "going"
    assert list(states(event, event.starts_at)) == ["ada"]


def test_a_16_year_old_may_go_to_an_event_for_everyone(organiser, teen):
    event = create_event(organiser, suitable_for="everyone")
    assert rsvps.rsvp(teen, event, event.starts_at, True) == "going"


def test_someone_who_has_not_confirmed_their_email_cannot_answer(organiser, make_user):
    unconfirmed = make_user("newbie", verified=False)
    event = create_event(organiser)
    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        rsvps.rsvp(unconfirmed, event, event.starts_at, True)
    assert count(Rsvp) == 0


def test_a_past_occurrence_takes_no_answers(organiser, resident):
    event = move_into_the_past(create_event(organiser), days=30)
    with pytest.raises(DomainError, match="already happened"):
        rsvps.rsvp(resident, event, event.starts_at, True)
    assert count(Rsvp) == 0


def test_a_cancelled_event_takes_no_answers(organiser, resident):
    event = create_event(organiser)
    services.cancel_event(organiser, event, "The hall flooded.")
    with pytest.raises(NotAllowed, match="cancelled"):
        rsvps.rsvp(resident, event, event.starts_at, True)


def test_a_date_the_series_does_not_have_takes_no_answers(organiser, resident):
    event = create_series(organiser, start_day=next_weekday(1))
    second = starts(event, 2)[1]
    with pytest.raises(NotFound):
        rsvps.rsvp(resident, event, second + timedelta(days=1), True)
    services.skip_occurrence(organiser, event, second)
    with pytest.raises(NotFound):
        rsvps.rsvp(resident, event, second, True)
    assert count(Rsvp) == 0


def test_a_moved_date_is_answered_by_its_original_start(organiser, resident):
    tuesday = next_weekday(1)
    event = create_series(organiser, start_day=tuesday, capacity=1)
    second = starts(event, 2)[1]
    services.move_occurrence(organiser, event, second, tuesday + timedelta(days=9), time(10),
                             time(12))
    assert rsvps.rsvp(resident, event, second, True) == "going"
    assert going_counter(event, second) == 1


# --- my events --------------------------------------------------------------------------------


def test_my_events_lists_what_i_am_going_to_or_waiting_for_soonest_first(organiser, resident,
                                                                          neighbour):
    series = create_series(organiser, title="Tuesday yoga", start_day=next_weekday(1),
                           capacity=1)
    first, second, third = starts(series, 3)
    answer(series, second, True, neighbour, resident)
    answer(series, first, True, resident)
    answer(series, third, True, resident)
    answer(series, third, False, resident)
    talk = create_event(organiser, title="History talk", start_day=next_weekday(1) + timedelta(
        days=3))
    answer(talk, talk.starts_at, True, resident)
    called_off = create_event(organiser, title="Cancelled fair", start_day=next_weekday(1))
    answer(called_off, called_off.starts_at, True, resident)
    services.cancel_event(organiser, called_off, "No stalls booked.")
    assert [(occurrence.event.title, occurrence.starts_at, state) for occurrence, state
            in rsvps.list_my_events(resident)] == [
        ("Tuesday yoga", first, "going"), ("History talk", talk.starts_at, "going"),
        ("Tuesday yoga", second, "waitlist")]


def test_my_events_leaves_out_skipped_dates(organiser, resident):
    event = create_series(organiser, start_day=next_weekday(1))
    first, second = starts(event, 2)
    answer(event, first, True, resident)
    answer(event, second, True, resident)
    services.skip_occurrence(organiser, event, first)
    assert [occurrence.original_start for occurrence, _ in rsvps.list_my_events(resident)] == [
        second]


def test_my_events_orders_a_moved_date_by_its_new_time(organiser, resident):
    tuesday = next_weekday(1)
    event = create_series(organiser, start_day=tuesday)
    first, second = starts(event, 2)
    answer(event, first, True, resident)
    answer(event, second, True, resident)
    later = tuesday + timedelta(days=10)
    services.move_occurrence(organiser, event, first, later, time(18), time(20))
    assert [occurrence.starts_at for occurrence, _ in rsvps.list_my_events(resident)] == [
        second, local(later, "18:00")]


# --- people leaving ------------------------------------------------------------------------------


def test_a_deleted_account_gives_its_places_to_the_people_waiting(app, organiser, crowd):
    from forum.accounts.services import delete_account
    from tests.factories import PASSWORD

    event = create_event(organiser, capacity=1)
    leaving, waiting = crowd(2)
    answer(event, event.starts_at, True, leaving, waiting)
    with app.test_request_context():
        delete_account(leaving, PASSWORD)
    assert states(event, event.starts_at)[waiting.username] == "going"
    assert going_counter(event, event.starts_at) == 1
    assert notices(waiting)[0].startswith("A place came up")


def test_download_my_data_lists_the_events_i_organised_and_answered(organiser, resident):
    from forum.accounts.services import export_personal_data

    event = create_event(organiser, capacity=3)
    answer(event, event.starts_at, True, resident)
    assert [item["title"] for item in export_personal_data(organiser)["events"]["organised"]] \
        == [event.title]
    assert export_personal_data(resident)["events"]["rsvps"] == [
        {"event": event.title, "date": event.starts_at.isoformat() + "Z", "answer": "going"}]
