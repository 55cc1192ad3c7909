"""No N+1 queries: the calendar list, the month grid, an event's page, its attendee list and the
public feed run as many SQL statements for many events or attendees as for a handful.

Each test counts one page, adds rows of the same kinds, and counts it again: the same person
looks at the same page, so only the number of rows differs. The counts must be equal, with no
tolerance: nothing on these pages depends on the number of rows except the rows themselves,
so any difference is a query per row.
"""

from datetime import time, timedelta

import pytest

from forum.accounts.services import slugify
from forum.events import rsvps, services
from forum.events.models import Event
from forum.extensions import db
from tests.events import factories
from tests.events.factories import first_of_a_month_ahead, in_days
from tests.factories import Page, create_user, visits
from tests.factories import user_named as person

WARDS = ("Riverside", "Hillside", "Millfield")
CATEGORIES = ("community", "sport", "arts", "council")


@pytest.fixture
def people(make_user):
    """Council staff, and the viewer."""
    make_user("jo", roles=["staff"], display_name="Jo Council")
    return make_user("viewer", display_name="Vic Viewer")


def add_events(start, stop, first_day):
    """Events numbered start..stop-1 from `first_day`, each by an organiser of its own in a
    ward of its own (so a query per event's author or ward would show), by turns of kind:
    one-off evenings with places, weekly series (some with a skipped and a moved date),
    all-day fairs over two days, official council meetings; the viewer goes to some, and
    others take places."""
    staff, viewer = person("jo"), person("viewer")
    for number in range(start, stop):
        kind = number % 4
        ward = f"Ward {number}"
        author = create_user(f"organiser{number:02d}", ward=ward,
                             age_band="16_17" if number % 5 == 0 else "adult",
                             display_name=f"Organiser {number}")
        day = first_day + timedelta(days=number % 20)
        common = {"title": f"Event number {number}", "start_day": day,
                  "ward_slug": slugify(ward), "category": CATEGORIES[number % len(CATEGORIES)]}
        if kind == 0:
            event = factories.create_event(author, capacity=2, **common)
        elif kind == 1:
            event = factories.create_series(author, start_time=time(9), end_time=time(10),
                                            **common)
            if number % 8 == 1:
                second, third = factories.starts(event, 3)[1:]
                services.skip_occurrence(author, event, second)
                services.move_occurrence(author, event, third, day + timedelta(days=15),
                                         time(11), time(12))
        elif kind == 2:
            event = factories.create_event(author, all_day=True, end_day=day + timedelta(days=1),
                                           start_time=None, end_time=None, **common)
        else:
            event = factories.create_event(staff, official=True, capacity=50, **common)
        if number % 3 == 0:
            factories.answer(event, factories.starts(event, 1)[0], True, viewer)
        if kind == 0 and number % 2 == 0:
            factories.answer(event, event.starts_at, True, staff, author)


def test_the_calendar_list_does_not_grow_with_events(app, client, run, login, people):
    run(lambda: add_events(0, 5, in_days(1)))
    login(people)
    few = visits(app, client, "/events/")
    run(lambda: add_events(5, 30, in_days(1)))
    page = Page(client.get("/events/"))
    assert len({row.find("h4").text for row in page.find_all("li", class_="occurrence")}) == 30
    assert visits(app, client, "/events/") == few


def test_the_calendar_list_does_not_grow_with_events_for_a_visitor(app, client, run, people):
    run(lambda: add_events(0, 5, in_days(1)))
    few = visits(app, client, "/events/?when=week")
    run(lambda: add_events(5, 30, in_days(1)))
    assert visits(app, client, "/events/?when=week") == few


def test_the_month_grid_does_not_grow_with_events(app, client, run, login, people):
    first = first_of_a_month_ahead(2)
    url = f"/events/month/{first.year}/{first.month}"
    run(lambda: add_events(0, 5, first))
    login(people)
    few = visits(app, client, url)
    run(lambda: add_events(5, 30, first))
    page = Page(client.get(url))
    titles = {link.text for link in page.find("table", class_="month-grid").find_all("a")}
    assert len(titles) == 30
    assert visits(app, client, url) == few


def add_attendees(event_id, start, stop):
    """People numbered start..stop-1 say they're going (some of them 17)."""
    event = db.session.get(Event, event_id)
    for number in range(start, stop):
        age = "16_17" if number % 5 == 0 else "adult"
        attendee = create_user(f"attendee{number:02d}", age_band=age, ward=WARDS[number % 3])
        rsvps.rsvp(attendee, event, event.starts_at, True)


@pytest.fixture
def talk(run, people):
    """A talk with 40 places by olu; its id."""
    return run(lambda: factories.create_event(create_user("olu"), title="Local history talk",
                                              capacity=40).id)


@pytest.mark.parametrize("viewer", ["olu", "viewer", "jo"])
def test_an_event_page_does_not_grow_with_attendees(app, client, run, login, talk, viewer):
    run(lambda: add_attendees(talk, 0, 3))
    login(viewer)
    few = visits(app, client, f"/events/{talk}")
    run(lambda: add_attendees(talk, 3, 30))
    page = Page(client.get(f"/events/{talk}"))
    assert "10 places left" in page.main_text
    assert visits(app, client, f"/events/{talk}") == few


def test_the_attendee_list_does_not_grow_with_attendees(app, client, run, login, talk):
    url = f"/events/{talk}/attendees"
    run(lambda: add_attendees(talk, 0, 3))
    login("olu")
    few = visits(app, client, url)
    run(lambda: add_attendees(talk, 3, 30))
    going = Page(client.get(url)).find("table", class_="attendees")
    assert len(going.find("tbody").find_all("tr")) == 30
    assert visits(app, client, url) == few


def test_the_public_feed_does_not_grow_with_events(app, client, run, people):
    run(lambda: add_events(0, 5, in_days(1)))
    few = visits(app, client, "/events/calendar.ics")
    run(lambda: add_events(5, 30, in_days(1)))
    assert client.get("/events/calendar.ics").data.count(b"BEGIN:VEVENT") >= 30
    assert visits(app, client, "/events/calendar.ics") == few


def test_a_private_feed_does_not_grow_with_the_dates_i_am_going_to(app, client, run, login,
                                                                   people):
    run(lambda: add_events(0, 6, in_days(1)))
    login(people)
    address = Page(client.get("/events/mine")).find("input", id="feed-address")
    path = address.attrs["value"].removeprefix("http://localhost")
    few = visits(app, client, path)
    run(lambda: add_events(6, 30, in_days(1)))
    assert visits(app, client, path) == few
