"""The calendar's iCalendar addresses through the browser, read back with the icalendar library
as a calendar app would: one event, every event, a ward's, a category's, and each person's
private feed at its secret address (shown on /events/mine, and made new on request).

What goes into a VEVENT is proved in test_ics.py; these tests are about which events each
address serves, to whom, and which addresses answer at all.
"""

from datetime import UTC, time, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from sqlalchemy import select

from forum.events import services
from forum.events.models import Event
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import Case
from forum.moderation.services import NeedsReconsideration
from tests.events import factories
from tests.events.factories import local, next_weekday
from tests.factories import Page
from tests.factories import user_named as person

# --- people, events and reading feeds ----------------------------------------------------------


@pytest.fixture
def organiser(make_user):
    return make_user("olu", display_name="Olu Organiser")


@pytest.fixture
def resident(make_user):
    return make_user("ada", display_name="Ada Resident")


@pytest.fixture
def neighbour(make_user):
    return make_user("ben", display_name="Ben Neighbour")


@pytest.fixture
def moderator(make_user):
    return make_user("ravi", roles=["moderator"], display_name="Ravi Volunteer")


@pytest.fixture
def add(run):
    """add(author, **changes) -> the id of an event added through the service."""

    def make(author, **changes):
        return run(lambda: factories.create_event(person(author), **changes).id)

    return make


def with_event(run, event_id, function):
    """function(event) in a short application context."""
    return run(lambda: function(db.session.get(Event, event_id)))


def calendar_of(response):
    """The response as a calendar app reads it."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.data)


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def summaries(calendar):
    return sorted(str(item["SUMMARY"]) for item in vevents(calendar))


def statuses(calendar):
    return {str(item["SUMMARY"]): str(item["STATUS"]) for item in vevents(calendar)}


def as_utc(value):
    return value.astimezone(UTC).replace(tzinfo=None)


def hold_new(run, says, author, title):
    """An event the detector holds for a moderator: its id."""
    says("hold", 0.8, "insult:general")
    event_id = run(lambda: factories.create_through_nudge(person(author), title=title).id)
    says()
    return event_id


def remove_held(run, event_id):
    """A moderator removes a held event, deciding the case the detector opened."""

    def decide():
        case = db.session.execute(select(Case).where(
            Case.content_kind == "event", Case.content_id == event_id)).scalar_one()
        moderation.decide(person("ravi"), case, "remove", rule="hate",
                          reason="It attacks the people of one street.")

    run(decide)


def mark_deleted(run, event_id):
    """Nothing in the app deletes an event yet: the status a deletion would leave."""

    def delete():
        db.session.get(Event, event_id).status = "deleted"
        db.session.commit()

    run(delete)


# --- one event ---------------------------------------------------------------------------------


def test_an_events_address_ics_is_that_event_for_a_calendar_app(client, run, add, organiser):
    day = next_weekday(3, after_days=14)
    event_id = add("olu", title="Seed swap", start_day=day, start_time=time(18, 30),
                   end_time=time(20), address="1 Mill Lane")
    add("olu", title="Another event")
    page = Page(client.get(f"/events/{event_id}"))
    link = next(a for a in page.find_all("a") if a.text.startswith("Add to calendar"))
    assert link.attrs["href"] == f"/events/{event_id}.ics"
    response = client.get(link.attrs["href"])
    assert response.headers["Content-Disposition"] == f'inline; filename="event-{event_id}.ics"'
    (item,) = vevents(calendar_of(response))
    assert str(item["SUMMARY"]) == "Seed swap"
    assert str(item["LOCATION"]) == "Riverside Library, 1 Mill Lane"
    assert str(item["URL"]) == f"http://localhost/events/{event_id}"
    assert str(item["STATUS"]) == "CONFIRMED"
    assert item["DTSTART"].params["TZID"] == factories.ZONE
    assert as_utc(item.decoded("DTSTART")) == local(day, "18:30")
    assert as_utc(item.decoded("DTEND")) == local(day, "20:00")
    assert str(item["UID"]) == with_event(run, event_id, lambda event: event.uid)


def test_a_series_keeps_its_rule_its_skipped_dates_and_its_moved_one(client, run, add,
                                                                      organiser):
    tuesday = next_weekday(1)
    event_id = add("olu", title="Tuesday yoga", repeat="weekly", start_day=tuesday,
                   start_time=time(18), end_time=time(19))
    first, second, third = with_event(run, event_id, lambda event: factories.starts(event, 3))

    def reschedule(event):
        services.skip_occurrence(person("olu"), event, second)
        services.move_occurrence(person("olu"), event, third, tuesday + timedelta(days=15),
                                 time(10), time(11))

    with_event(run, event_id, reschedule)
    master, moved = vevents(calendar_of(client.get(f"/events/{event_id}.ics")))
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert as_utc(master.decoded("DTSTART")) == first
    assert [as_utc(moment.dt) for moment in master["EXDATE"].dts] == [second]
    assert as_utc(moved.decoded("RECURRENCE-ID")) == third
    assert as_utc(moved.decoded("DTSTART")) == local(tuesday + timedelta(days=15), "10:00")
    assert str(moved["UID"]) == str(master["UID"])


def test_a_cancelled_events_file_says_cancelled(client, run, add, organiser):
    event_id = add("olu", title="Street party")
    with_event(run, event_id, lambda event: services.cancel_event(
        person("olu"), event, "The road closure was refused."))
    (item,) = vevents(calendar_of(client.get(f"/events/{event_id}.ics")))
    assert str(item["STATUS"]) == "CANCELLED"


def test_an_event_not_published_has_no_file_even_for_its_author(client, browser, run, add,
                                                               organiser, moderator, says):
    held = hold_new(run, says, "olu", "Angry meeting")
    removed = hold_new(run, says, "olu", "Angrier meeting")
    remove_held(run, removed)
    deleted = add("olu", title="Gone event")
    mark_deleted(run, deleted)
    for event_id in (held, removed, deleted):
        for viewer in (client, browser(organiser), browser(moderator)):
            assert viewer.get(f"/events/{event_id}.ics").status_code == 404, event_id
    assert client.get("/events/99999999999.ics").status_code == 404


# --- the public feeds --------------------------------------------------------------------------


@pytest.fixture
def calendar_of_events(run, add, make_ward, organiser, moderator, says):
    """Published, cancelled, held, removed and deleted events in two wards and categories."""
    make_ward("Hillside")
    add("olu", title="Riverside litter pick", ward_slug="riverside", category="environment")
    add("olu", title="Hillside football", ward_slug="hillside", category="sport",
        start_time=time(10), end_time=time(12))
    add("olu", title="Hillside yoga", ward_slug="hillside", category="sport", repeat="weekly",
        start_day=next_weekday(1), start_time=time(7), end_time=time(8))
    called_off = add("olu", title="Street party", ward_slug="hillside", category="community")
    with_event(run, called_off, lambda event: services.cancel_event(
        person("olu"), event, "The road closure was refused."))
    hold_new(run, says, "olu", "Held meeting")
    removed = hold_new(run, says, "olu", "Removed meeting")
    remove_held(run, removed)
    deleted = add("olu", title="Deleted meeting", ward_slug="hillside", category="sport")
    mark_deleted(run, deleted)


def test_the_public_calendar_has_every_published_event_and_marks_the_cancelled(
        client, calendar_of_events):
    response = client.get("/events/calendar.ics")
    calendar = calendar_of(response)
    assert response.headers["Content-Disposition"] == 'inline; filename="calendar.ics"'
    assert statuses(calendar) == {"Riverside litter pick": "CONFIRMED",
                                  "Hillside football": "CONFIRMED",
                                  "Hillside yoga": "CONFIRMED",
                                  "Street party": "CANCELLED"}
    (yoga,) = [item for item in vevents(calendar) if str(item["SUMMARY"]) == "Hillside yoga"]
    assert yoga["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TU"
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [factories.ZONE]


def test_a_wards_feed_has_only_that_wards_events(client, calendar_of_events):
    calendar = calendar_of(client.get("/events/ward/hillside.ics"))
    assert statuses(calendar) == {"Hillside football": "CONFIRMED",
                                  "Hillside yoga": "CONFIRMED", "Street party": "CANCELLED"}
    assert summaries(calendar_of(client.get("/events/ward/riverside.ics"))) == [
        "Riverside litter pick"]


def test_a_categorys_feed_has_only_that_categorys_events(client, calendar_of_events):
    assert summaries(calendar_of(client.get("/events/category/sport.ics"))) == [
        "Hillside football", "Hillside yoga"]
    assert summaries(calendar_of(client.get("/events/category/environment.ics"))) == [
        "Riverside litter pick"]
    assert vevents(calendar_of(client.get("/events/category/arts.ics"))) == []


@pytest.mark.parametrize("path", ["/events/ward/atlantis.ics", "/events/category/bingo.ics",
                                  "/events/category/COUNCIL.ics", "/events/ward/.ics"])
def test_an_unknown_ward_or_category_feed_is_404(client, organiser, path):
    assert client.get(path).status_code == 404


def test_the_calendar_offers_the_feeds_that_match_its_filters(client, calendar_of_events):
    page = Page(client.get("/events/?ward=hillside&category=sport"))
    feeds = {item.find("strong").text: item.find("code").text
             for item in page.find("ul", class_="feed-list").find_all("li")}
    assert feeds == {"Every event": "http://localhost/events/calendar.ics",
                     "Events in Hillside": "http://localhost/events/ward/hillside.ics",
                     "Sport and fitness": "http://localhost/events/category/sport.ics"}
    for url in feeds.values():
        assert client.get(urlsplit(url).path).status_code == 200, url
    subscribe = page.find("ul", class_="feed-list").find("a")
    assert subscribe.attrs["href"] == "webcal://localhost/events/calendar.ics"


# --- private feeds -----------------------------------------------------------------------------


def feed_address(browser):
    """The private feed's address as /events/mine shows it."""
    page = Page(browser.get("/events/mine"))
    return page.find("input", id="feed-address").attrs["value"]


@pytest.fixture
def answers(run, add, make_user, organiser, resident, neighbour):
    """Ada is going to a talk and to the second date of a series, waits for a full class,
    said not going to a walk; Ben is going to a quiz. Returns the series' dates and the
    talk's start."""
    talk = add("olu", title="Local history talk", start_day=factories.in_days(10))
    tuesday = next_weekday(1)
    series = add("olu", title="Tuesday yoga", repeat="weekly", start_day=tuesday,
                 start_time=time(18), end_time=time(19))
    full = add("olu", title="Pottery class", capacity=1)
    walk = add("olu", title="Heritage walk")
    quiz = add("olu", title="Quiz night")

    def answer():
        ada, ben = person("ada"), person("ben")
        events = {event_id: db.session.get(Event, event_id)
                  for event_id in (talk, series, full, walk, quiz)}
        dates = factories.starts(events[series], 3)
        factories.answer(events[talk], events[talk].starts_at, True, ada)
        factories.answer(events[series], dates[1], True, ada)
        factories.answer(events[full], events[full].starts_at, True, ben, ada)
        factories.answer(events[walk], events[walk].starts_at, True, ada)
        factories.answer(events[walk], events[walk].starts_at, False, ada)
        factories.answer(events[quiz], events[quiz].starts_at, True, ben)
        return dates, events[talk].starts_at

    return run(answer)


def test_my_private_feed_lists_only_the_dates_i_am_going_to(client, browser, answers,
                                                            resident):
    dates, talk_starts = answers
    address = feed_address(browser(resident))
    assert address.startswith("http://localhost/events/feed/")
    assert address.endswith(".ics")
    response = client.get(urlsplit(address).path)  # a calendar app has no session
    items = vevents(calendar_of(response))
    assert sorted((str(item["SUMMARY"]), as_utc(item.decoded("DTSTART"))) for item in items) == [
        ("Local history talk", talk_starts), ("Tuesday yoga", dates[1])]
    assert all("RRULE" not in item for item in items)
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert response.headers["X-Robots-Tag"] == "noindex"


def test_each_person_has_their_own_feed(client, browser, answers, resident, neighbour):
    ada, ben = feed_address(browser(resident)), feed_address(browser(neighbour))
    assert ada != ben
    assert feed_address(browser(resident)) == ada, "the same address every time it's shown"
    assert summaries(calendar_of(client.get(urlsplit(ben).path))) == [
        "Pottery class", "Quiz night"]


def test_a_cancelled_event_stays_in_my_feed_marked_cancelled_and_a_held_one_leaves_it(
        client, browser, run, add, organiser, resident, says):
    cancelled = add("olu", title="Street party")
    changed = add("olu", title="Residents' meeting")

    def answer_then_change():
        ada = person("ada")
        for event_id in (cancelled, changed):
            event = db.session.get(Event, event_id)
            factories.answer(event, event.starts_at, True, ada)
        services.cancel_event(person("olu"), db.session.get(Event, cancelled),
                              "The road closure was refused.")

    run(answer_then_change)
    address = urlsplit(feed_address(browser(resident))).path
    assert statuses(calendar_of(client.get(address))) == {
        "Street party": "CANCELLED", "Residents' meeting": "CONFIRMED"}
    says("hold", 0.8, "insult:general")

    def edit_into_held():
        event = db.session.get(Event, changed)
        fields = factories.event_fields(title="Residents' meeting",
                                        description="Those people again.")
        try:
            services.update_event(person("olu"), event, fields)
        except NeedsReconsideration as prompt:
            services.update_event(person("olu"), event, fields, nudge_id=prompt.nudge.id)
        assert event.status == "held"

    run(edit_into_held)
    assert statuses(calendar_of(client.get(address))) == {"Street party": "CANCELLED"}


def test_a_new_feed_address_stops_the_old_one(client, browser, answers, resident):
    ada = browser(resident)
    old = urlsplit(feed_address(ada)).path
    before = summaries(calendar_of(client.get(old)))
    page = Page(ada.get("/events/mine"))
    reset = next(form for form in page.find_all("form")
                 if form.attrs.get("action") == "/events/mine/feed/reset")
    assert reset.attrs["method"] == "post"
    response = ada.post(reset.attrs["action"])
    assert response.headers["Location"] == "/events/mine#feed"
    after = Page(ada.get("/events/mine"))
    assert any(flash.startswith("Your feed has a new address.") for flash in after.flashes)
    new = urlsplit(after.find("input", id="feed-address").attrs["value"]).path
    assert new != old
    assert client.get(old).status_code == 404
    assert summaries(calendar_of(client.get(new))) == before


def test_a_forged_feed_address_is_404(client, browser, run, answers, resident, neighbour):
    ada = urlsplit(feed_address(browser(resident))).path
    ben = urlsplit(feed_address(browser(neighbour))).path
    ada_id, ada_secret = ada.removeprefix("/events/feed/").removesuffix(".ics").split("-")
    ben_id = ben.removeprefix("/events/feed/").split("-")[0]
    for token in (f"{ada_id}-{'0' * 32}", f"{ben_id}-{ada_secret}", f"{ada_id}-{ada_secret[:-1]}",
                  ada_id, f"-{ada_secret}", "nobody", f"99999999999-{ada_secret}",
                  f"{'9' * 30}-{ada_secret}", f"{ada_id}-{ada_secret}x"):
        assert client.get(f"/events/feed/{token}.ics").status_code == 404, token
    assert client.get(ada).status_code == 200


def test_a_suspended_persons_feed_stops_answering(client, browser, run, answers, resident):
    address = urlsplit(feed_address(browser(resident))).path

    def suspend():
        person("ada").state = "suspended"
        db.session.commit()

    run(suspend)
    assert client.get(address).status_code == 404


def test_my_events_and_the_feed_reset_are_for_people_signed_in(client, organiser):
    for response in (client.get("/events/mine"), client.post("/events/mine/feed/reset")):
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/account/signin"
