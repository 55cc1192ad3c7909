"""The events calendar through the browser: the lists by day, week and weekend, the month grid,
an event's page and its Going / Not going buttons, the waiting list, and adding, changing,
cancelling and rescheduling events through the form, as visitors, residents, organisers, a
16-year-old and council staff see them.

The rules behind the pages are proved in test_services.py and test_rsvps.py; these tests are
about what people see and send. The people are the ones tests/events/conftest.py describes
(olu organises, ada and ben go, tia is 16, jo is staff, ravi moderates), made here outside an
application context so that each browser signs in as itself; events are added through the
services (tests/events/factories.py) in a short context of their own.
"""

import re
from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from forum.events import recurrence, rsvps, services
from forum.events.models import Event, Rsvp
from forum.extensions import db
from tests.events import factories
from tests.events.factories import first_of_a_month_ahead, in_days, next_weekday, today
from tests.factories import Page, date_of_birth_for
from tests.factories import user_named as person

# --- people and places ---------------------------------------------------------------------------


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
def teen(make_user):
    """Tia, who turned 16 a month ago."""
    return make_user("tia", display_name="Tia Young", date_of_birth=date_of_birth_for(16))


@pytest.fixture
def staff(make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def moderator(make_user):
    return make_user("ravi", roles=["moderator"], display_name="Ravi Volunteer")


@pytest.fixture
def add(run):
    """add(author, **changes) -> the id of an event `author` (a username) added through the
    service; `repeat="weekly"` makes a series. The defaults are factories.event_fields'."""

    def make(author, **changes):
        return run(lambda: factories.create_event(person(author), **changes).id)

    return make


def event_row(run, event_id):
    return run(lambda: db.session.get(Event, event_id))


def dates_of(run, event_id, count=4):
    """The `on=` values of the event's next `count` dates, as its pages name them."""
    return run(lambda: [services.occurrence_param(start) for start in
                        factories.starts(db.session.get(Event, event_id), count)])


def rsvps_of(run, event_id):
    """{username: state} for every answer to the event."""
    return run(lambda: {row.user.username: row.state for row in db.session.execute(
        select(Rsvp).where(Rsvp.event_id == event_id)).scalars()})


def count_events(run):
    return run(lambda: db.session.execute(select(func.count(Event.id))).scalar_one())


def notices_of(run, username):
    return run(lambda: factories.notices(person(username)))


# --- reading the pages ---------------------------------------------------------------------------


def long_day(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


def listed(page):
    """{local day: [titles]} of a calendar list, in the order shown."""
    found = {}
    for section in page.find_all("section", class_="event-day"):
        day = date.fromisoformat(section.find("h3").attrs["id"].removeprefix("day-"))
        found[day] = [row.find("h4").text for row in section.find_all("li", class_="occurrence")]
    return found


def titles(page):
    return [title for day_titles in listed(page).values() for title in day_titles]


def row_of(page, title):
    """The list row of the occurrence titled `title`."""
    for row in page.find_all("li", class_="occurrence"):
        if row.find("h4").text == title:
            return row
    raise LookupError(f"{title!r} is not listed")


def details(page):
    """The event page's summary list: {"When": ..., "Where": ..., ...}."""
    found = {}
    for pair in page.find("dl", class_="summary-list").find_all("div"):
        found[pair.find("dt").text] = pair.find("dd").text
    return found


def rsvp_box(page):
    section = page.find("section", class_="reply-box")
    return section.text if section is not None else ""


def press(browser, page, label):
    """Press the RSVP button labelled `label` on an event page, as a browser would send it."""
    form = page.find("form", class_="rsvp-form")
    assert form is not None, "there are no RSVP buttons on the page"
    data = {field.attrs["name"]: field.attrs.get("value", "")
            for field in form.find_all("input") if field.attrs.get("type") == "hidden"}
    buttons = {button.text: button for button in form.find_all("button")}
    assert label in buttons, f"no {label!r} button, only {sorted(buttons)}"
    data[buttons[label].attrs["name"]] = buttons[label].attrs["value"]
    return browser.post(form.attrs["action"], data=data)


def followed(browser, response):
    """The page a redirect leads to."""
    assert response.status_code == 302, response.status_code
    return Page(browser.get(response.headers["Location"]))


def cell(page, day):
    """The month grid's cell for `day`."""
    for td in page.find("table", class_="month-grid").find_all("td"):
        if td.find("time", class_="month-day").attrs["datetime"] == day.isoformat():
            return td
    raise LookupError(f"{day} is not in the grid")


def cell_titles(td):
    return [link.text for link in td.find_all("a")]


def textarea(page, name):
    """A textarea's text exactly as the browser submits it (the newline after the tag goes)."""
    element = page.find("textarea", name=name)
    text = "".join(child for child in element.children if isinstance(child, str))
    return text.removeprefix("\r\n").removeprefix("\n")


# --- the calendar: lists by day ------------------------------------------------------------------


@pytest.fixture
def fortnight(add, organiser):
    """An all-day fair today, a lunchtime talk on each of the next nine days, a supper in
    three weeks and a gala beyond anything the list shows: {title: local day}."""
    days = {"Fair on the green": today()}
    add("olu", title="Fair on the green", all_day=True, start_day=today(), start_time=None,
        end_time=None)
    for number in range(1, 10):
        title = f"Talk on day {number}"
        days[title] = in_days(number)
        add("olu", title=title, start_day=in_days(number), start_time=time(12),
            end_time=time(13))
    for title, ahead in (("Harvest supper", 20), ("Next year's gala", 100)):
        days[title] = in_days(ahead)
        add("olu", title=title, start_day=in_days(ahead))
    return days


def the_coming_weekend(day):
    """The days "This weekend" means on `day`: the next Saturday and Sunday, today and
    tomorrow on a Saturday, and only today on a Sunday."""
    if day.weekday() == 6:
        return [day]
    saturday = day + timedelta(days=5 - day.weekday())
    return [saturday, saturday + timedelta(days=1)]


def window_days(run, when):
    """The local days services.window(when) covers, and its heading."""
    since, until, heading = run(lambda: services.window(when))
    first, last = (recurrence.to_local(moment, factories.ZONE).date() for moment in (since, until))
    return [first + timedelta(days=n) for n in range((last - first).days)], heading


def test_the_calendar_lists_what_is_coming_up_grouped_by_day(client, run, fortnight):
    days, heading = window_days(run, "upcoming")
    assert days[0] == today() and in_days(20) in days and in_days(100) not in days
    page = Page(client.get("/events/"))
    assert page.heading == "Events"
    assert page.find("h2", id="list-heading").text == heading
    expected = {day: [title] for title, day in fortnight.items() if day in days}
    assert "Harvest supper" in expected[in_days(20)]
    assert listed(page) == expected
    assert list(listed(page)) == sorted(expected), "days in order"
    headings = [section.find("h3").text
                for section in page.find_all("section", class_="event-day")]
    assert headings[0] == f"Today, {today():%A} {today().day} {today():%B}"
    assert headings[1].startswith("Tomorrow, ")
    assert row_of(page, "Fair on the green").find("p", class_="occurrence-time").text == \
        "All day"
    assert row_of(page, "Talk on day 3").find("p", class_="occurrence-time").text == \
        "12:00–13:00"
    assert Page(client.get("/events/?when=upcoming")).text == page.text
    assert Page(client.get("/events/?when=someday")).text == page.text


@pytest.mark.parametrize("when", ["today", "week", "weekend"])
def test_each_tab_lists_only_its_days(client, run, fortnight, when):
    days, heading = window_days(run, when)
    expected_days = {"today": [today()],
                     "week": [in_days(n) for n in range(7)],
                     "weekend": the_coming_weekend(today())}[when]
    assert days == expected_days, "the service's window is the one the tab means"
    page = Page(client.get(f"/events/?when={when}"))
    assert page.find("h2", id="list-heading").text == heading
    current = page.find("nav", class_="event-tabs").find("a", aria_current="page")
    assert parse_qs(urlsplit(current.attrs["href"]).query) == {"when": [when]}
    assert listed(page) == {day: [title] for title, day in fortnight.items()
                            if day in expected_days}


def test_an_empty_tab_says_nothing_is_on(client, organiser):
    page = Page(client.get("/events/?when=today"))
    assert listed(page) == {}
    assert "Nothing on the calendar for then yet." in page.main_text


@pytest.fixture
def varied(add, make_ward, organiser, staff):
    """Events in two wards, of several categories and ages, and one of the council's."""
    make_ward("Hillside")
    day = in_days(10)
    add("olu", title="Riverside litter pick", ward_slug="riverside", category="environment",
        start_day=day)
    add("olu", title="Hillside chess club", ward_slug="hillside", category="learning",
        start_day=day, start_time=time(17), end_time=time(18))
    add("olu", title="Youth film night", category="youth", suitable_for="under_18",
        start_day=day, start_time=time(15), end_time=time(17))
    add("olu", title="Wine tasting", suitable_for="adults", start_day=day,
        start_time=time(20), end_time=time(22))
    add("jo", title="Budget consultation", official=True, category="council", start_day=day,
        start_time=time(10), end_time=time(11))


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Budget consultation", "Youth film night", "Hillside chess club",
          "Riverside litter pick", "Wine tasting"]),
    ("ward=hillside", ["Hillside chess club"]),
    ("ward=riverside", ["Riverside litter pick"]),
    ("category=environment", ["Riverside litter pick"]),
    ("under_18=1", ["Budget consultation", "Youth film night", "Hillside chess club",
                    "Riverside litter pick"]),
    ("official=1", ["Budget consultation"]),
    ("ward=riverside&category=learning", []),
])
def test_filters_narrow_the_list(client, varied, query, expected):
    page = Page(client.get(f"/events/?{query}"))
    assert titles(page) == expected
    if not expected:
        assert "Nothing matches those filters." in page.main_text


def test_filters_are_kept_in_the_form_and_the_tabs(client, varied):
    page = Page(client.get("/events/?ward=hillside&under_18=1&when=week"))
    assert page.value("ward") == "hillside"
    assert page.value("under_18") is True
    assert page.value("official") is False
    tab = page.find("nav", class_="event-tabs").find("a", aria_current="page")
    query = parse_qs(urlsplit(tab.attrs["href"]).query)
    assert query == {"when": ["week"], "ward": ["hillside"], "under_18": ["1"]}


def test_a_held_event_is_listed_only_for_its_author_marked_as_awaiting_review(
        client, browser, run, add, organiser, neighbour, says):
    add("olu", title="Open-air cinema", start_day=in_days(3))
    says("hold", 0.8, "insult:general")
    held = run(lambda: factories.create_through_nudge(person("olu"), title="Angry meeting",
                                                      start_day=in_days(4)).id)
    says()
    assert titles(Page(client.get("/events/"))) == ["Open-air cinema"]
    assert titles(Page(browser(neighbour).get("/events/"))) == ["Open-air cinema"]
    mine = Page(browser(organiser).get("/events/"))
    assert sorted(titles(mine)) == ["Angry meeting", "Open-air cinema"]
    assert "Awaiting review" in row_of(mine, "Angry meeting").text
    assert "Awaiting review" not in row_of(mine, "Open-air cinema").text
    assert client.get(f"/events/{held}").status_code == 404
    assert browser(neighbour).get(f"/events/{held}").status_code == 404


def test_a_cancelled_event_is_still_listed_and_says_cancelled(client, run, add, organiser):
    cancelled = add("olu", title="Street party", start_day=in_days(3))
    add("olu", title="Quiz night", start_day=in_days(4))
    run(lambda: services.cancel_event(person("olu"), db.session.get(Event, cancelled),
                                      "The road closure was refused."))
    page = Page(client.get("/events/"))
    assert "Cancelled" in row_of(page, "Street party").text
    assert "is-cancelled" in row_of(page, "Street party").attrs["class"]
    assert "Cancelled" not in row_of(page, "Quiz night").text


def test_a_full_event_says_so_and_offers_the_waiting_list(client, browser, run, add, organiser,
                                                         resident, neighbour):
    full = add("olu", title="Pottery taster", capacity=1, start_day=in_days(3))
    add("olu", title="Big walk", capacity=30, start_day=in_days(4))
    run(lambda: rsvps.rsvp(person("ada"), db.session.get(Event, full),
                           db.session.get(Event, full).starts_at, True))
    page = Page(client.get("/events/"))
    assert "Full — waiting list" in row_of(page, "Pottery taster").text
    assert "30 places left" in row_of(page, "Big walk").text
    assert "You're going" in row_of(Page(browser(resident).get("/events/")), "Pottery taster").text
    event_page = Page(browser(neighbour).get(f"/events/{full}"))
    assert "It's full. Join the waiting list" in rsvp_box(event_page)
    assert [button.text for button in event_page.find("form", class_="rsvp-form")
            .find_all("button")] == ["Join the waiting list", "Not going"]


# --- the month grid -------------------------------------------------------------------------------


def test_the_month_grid_puts_events_on_their_days(client, add, organiser):
    first = first_of_a_month_ahead(2)
    add("olu", title="Book club", start_day=first.replace(day=10), start_time=time(19),
        end_time=time(20, 30))
    add("olu", title="Spring fair", all_day=True, start_day=first.replace(day=14),
        end_day=first.replace(day=16), start_time=None, end_time=None)
    add("olu", title="Weekly yoga", repeat="weekly", start_day=first.replace(day=2),
        start_time=time(9), end_time=time(10), repeat_until=first.replace(day=23))
    page = Page(client.get(f"/events/month/{first.year}/{first.month}"))
    assert page.heading == f"Events in {first:%B} {first.year}"
    assert page.find("table", class_="month-grid").find("caption").text == \
        f"{first:%B} {first.year}"
    assert cell_titles(cell(page, first.replace(day=10))) == ["Book club"]
    assert "19:00" in cell(page, first.replace(day=10)).text
    for day in (14, 15, 16):
        assert "Spring fair" in cell_titles(cell(page, first.replace(day=day))), day
    for day in (13, 17):
        assert "Spring fair" not in cell_titles(cell(page, first.replace(day=day))), day
    yoga_days = [first.replace(day=n) for n in (2, 9, 16, 23)]
    for day in (first + timedelta(days=n) for n in range(28)):
        assert ("Weekly yoga" in cell_titles(cell(page, day))) == (day in yoga_days), day
    assert "no-events" in cell(page, first.replace(day=11)).attrs["class"]


def test_the_month_grid_links_to_the_months_either_side(client, organiser):
    page = Page(client.get("/events/month/2030/1"))
    assert page.find("a", rel="prev").attrs["href"] == "/events/month/2029/12"
    assert page.find("a", rel="next").attrs["href"] == "/events/month/2030/2"
    december = Page(client.get("/events/month/2030/12"))
    assert december.find("a", rel="next").attrs["href"] == "/events/month/2031/1"
    assert "Nothing on the calendar in January 2030." in page.main_text
    weeks = page.find("table", class_="month-grid").find("tbody").find_all("tr")
    assert all(len(week.find_all("td")) == 7 for week in weeks)
    assert weeks[0].find("td").find("time").attrs["datetime"] == "2029-12-31", "Monday first"


def test_the_month_grid_keeps_the_filters(client, varied):
    day = in_days(10)
    page = Page(client.get(f"/events/month/{day.year}/{day.month}?ward=hillside"))
    assert cell_titles(cell(page, day)) == ["Hillside chess club"]
    assert "ward=hillside" in page.find("a", rel="next").attrs["href"]


@pytest.mark.parametrize("path", ["/events/month/2030/13", "/events/month/2030/0",
                                  "/events/month/1999/5", "/events/month/99999999999/1",
                                  "/events/month/2030/99999999999"])
def test_a_month_that_is_not_on_the_calendar_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/events/99999999999", "/events/99999999999999999999",
                                  "/events/99999999999.ics", "/events/99999999999/attendees",
                                  "/events/99999999999/edit", "/events/0"])
def test_an_event_that_does_not_exist_is_404_however_large_its_number(browser, resident, path):
    assert browser(resident).get(path).status_code == 404


def test_rsvp_to_an_event_that_does_not_exist_is_404(browser, resident):
    response = browser(resident).post("/events/99999999999/rsvp", data={"going": "1"})
    assert response.status_code == 404


# --- an event's page and RSVPs -------------------------------------------------------------------


def test_a_visitor_sees_the_event_and_is_asked_to_sign_in(client, run, add, organiser):
    event_id = add("olu", title="Seed swap", capacity=20, cost="£1", ward_slug="riverside",
                   start_day=in_days(14), start_time=time(18, 30), end_time=time(20))
    page = Page(client.get(f"/events/{event_id}"))
    assert page.heading == "Seed swap"
    assert details(page)["When"] == f"{long_day(in_days(14))}, 18:30–20:00"
    assert details(page)["Organiser"] == "Olu Organiser"
    assert details(page)["Places"] == "20 in all: 20 places left"
    link = page.find("section", class_="reply-box").find("a")
    assert link.text == "Sign in"
    assert link.attrs["href"].startswith("/account/signin?next=")
    assert page.find("form", class_="rsvp-form") is None
    response = client.post(f"/events/{event_id}/rsvp", data={"going": "1"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/account/signin"
    assert parse_qs(location.query)["next"] == [f"/events/{event_id}"]
    assert rsvps_of(run, event_id) == {}


def test_a_resident_presses_going_and_the_page_says_they_are_going(browser, run, add,
                                                                   organiser, resident):
    event_id = add("olu", title="Seed swap", capacity=20)
    ada = browser(resident)
    page = Page(ada.get(f"/events/{event_id}"))
    assert "You're going" not in rsvp_box(page)
    form = page.find("form", class_="rsvp-form")
    assert form.attrs["action"] == f"/events/{event_id}/rsvp"
    after = followed(ada, press(ada, page, "Going"))
    assert any(flash.startswith("You're going to Seed swap on ") for flash in after.flashes)
    assert "You're going." in rsvp_box(after)
    assert details(after)["Places"] == "20 in all: 19 places left"
    assert [button.text for button in after.find("form", class_="rsvp-form")
            .find_all("button")] == ["Not going after all"]
    assert rsvps_of(run, event_id) == {"ada": "going"}
    coming = Page(ada.get("/events/mine")).find("section", aria_labelledby="coming-heading")
    assert [link.text for link in coming.find_all("a")] == ["Seed swap"]
    assert "Going" in coming.find("span", class_="tag-good").text


def test_rsvp_needs_a_clear_answer(browser, run, add, organiser, resident):
    event_id = add("olu")
    for data in ({}, {"going": "yes"}, {"going": "2"}):
        assert browser(resident).post(f"/events/{event_id}/rsvp", data=data).status_code == 400
    assert rsvps_of(run, event_id) == {}


@pytest.fixture
def queue(make_user, browser, add, organiser, resident, neighbour):
    """Two places at a pottery class: ada and ben take them, cat and dan wait, in that order.
    Returns (event id, {username: browser})."""
    make_user("cat", display_name="Cat Waiting")
    make_user("dan", display_name="Dan Waiting")
    event_id = add("olu", title="Pottery class", capacity=2)
    browsers = {name: browser(name) for name in ("ada", "ben", "cat", "dan")}
    for name in ("ada", "ben"):
        page = Page(browsers[name].get(f"/events/{event_id}"))
        assert press(browsers[name], page, "Going").status_code == 302
    return event_id, browsers


def test_once_it_is_full_the_next_people_wait_and_see_their_place_in_the_queue(
        run, queue, resident, neighbour):
    event_id, browsers = queue
    cat, dan = browsers["cat"], browsers["dan"]
    page = Page(cat.get(f"/events/{event_id}"))
    assert details(page)["Places"] == "2 in all: Full — waiting list"
    after = followed(cat, press(cat, page, "Join the waiting list"))
    assert any("on the waiting list: number 1" in flash for flash in after.flashes)
    assert "You're number 1 on the waiting list." in rsvp_box(after)
    after = followed(dan, press(dan, Page(dan.get(f"/events/{event_id}")),
                                "Join the waiting list"))
    assert any("on the waiting list: number 2" in flash for flash in after.flashes)
    assert "You're number 2 on the waiting list." in rsvp_box(after)
    assert [button.text for button in after.find("form", class_="rsvp-form")
            .find_all("button")] == ["Leave the waiting list"]
    assert rsvps_of(run, event_id) == {"ada": "going", "ben": "going", "cat": "waitlist",
                                       "dan": "waitlist"}


def test_not_going_frees_the_place_for_the_first_person_waiting(run, queue, outbox, resident,
                                                                neighbour):
    event_id, browsers = queue
    for name in ("cat", "dan"):
        press(browsers[name], Page(browsers[name].get(f"/events/{event_id}")),
              "Join the waiting list")
    ada = browsers["ada"]
    after = followed(ada, press(ada, Page(ada.get(f"/events/{event_id}")),
                                "Not going after all"))
    assert any(flash.startswith("You're not going to Pottery class") for flash in after.flashes)
    assert "You said you're not going." in rsvp_box(after)
    assert "You're going." in rsvp_box(Page(browsers["cat"].get(f"/events/{event_id}")))
    assert "You're number 1 on the waiting list." in rsvp_box(
        Page(browsers["dan"].get(f"/events/{event_id}")))
    notifications = Page(browsers["cat"].get("/notifications"))
    (notice,) = notifications.find_all("li", class_="notification")
    assert "A place came up: you're going to Pottery class on " in notice.text
    link = browsers["cat"].get(notice.find("a").attrs["href"])
    assert urlsplit(link.headers["Location"]).path == f"/events/{event_id}"
    assert Page(browsers["dan"].get("/notifications")).find("li", class_="notification") is None
    assert run(lambda: factories.mail_to(outbox, person("cat"))) == ["A place came up for you"]
    assert run(lambda: factories.mail_to(outbox, person("dan"))) == []
    assert rsvps_of(run, event_id) == {"ada": "not_going", "ben": "going", "cat": "going",
                                       "dan": "waitlist"}


def test_rsvp_to_one_date_of_a_series(browser, run, add, organiser, resident):
    first_day = next_weekday(1)
    event_id = add("olu", title="Tuesday chess", repeat="weekly", start_day=first_day,
                   start_time=time(18), end_time=time(20))
    first, second = dates_of(run, event_id, 2)
    ada = browser(resident)
    page = Page(ada.get(f"/events/{event_id}?on={second}"))
    assert details(page)["When"] == \
        f"{long_day(first_day + timedelta(days=7))}, 18:00–20:00"
    assert details(page)["Repeats"] == "Every Tuesday"
    assert page.find("input", name="on").attrs["value"] == second
    after = followed(ada, press(ada, page, "Going"))
    assert "You're going." in rsvp_box(after)
    assert details(after)["When"] == f"{long_day(first_day + timedelta(days=7))}, 18:00–20:00"
    assert "You're going." not in rsvp_box(Page(ada.get(f"/events/{event_id}?on={first}")))
    run_starts = run(lambda: factories.starts(db.session.get(Event, event_id), 2))
    assert run(lambda: db.session.execute(select(Rsvp.occurrence_start)).scalars().all()) == [
        run_starts[1]]
    organiser_view = browser(organiser)
    going_second = Page(organiser_view.get(f"/events/{event_id}/attendees?on={second}"))
    going_first = Page(organiser_view.get(f"/events/{event_id}/attendees?on={first}"))
    assert "Ada Resident" in going_second.find("table").text
    assert "Nobody yet." in going_first.find("table").text


@pytest.mark.parametrize("on", ["20000101T180000Z", "tomorrow", "99999999T999999Z"])
def test_a_date_the_series_does_not_have_is_404(client, add, organiser, on):
    event_id = add("olu", repeat="weekly")
    assert client.get(f"/events/{event_id}?on={on}").status_code == 404


def test_an_adults_only_event_refuses_a_16_year_old_plainly(browser, run, add, organiser, teen):
    event_id = add("olu", title="Wine tasting", suitable_for="adults")
    tia = browser(teen)
    page = Page(tia.get(f"/events/{event_id}"))
    assert details(page)["Suitable for"] == "Adults only (18 and over)"
    assert "This event is for adults (18 and over)." in rsvp_box(page)
    assert page.find("form", class_="rsvp-form") is None
    forged = tia.post(f"/events/{event_id}/rsvp", data={"going": "1"})
    assert "This event is for adults (18 and over)." in followed(tia, forged).flashes
    assert rsvps_of(run, event_id) == {}


def test_a_16_year_old_may_go_to_an_event_for_everyone(browser, run, add, organiser, teen):
    event_id = add("olu", title="Park run")
    tia = browser(teen)
    after = followed(tia, press(tia, Page(tia.get(f"/events/{event_id}")), "Going"))
    assert "You're going." in rsvp_box(after)


def test_the_organiser_and_staff_see_who_is_going_and_others_do_not(
        client, browser, run, add, organiser, resident, neighbour, teen, staff, moderator):
    event_id = add("olu", title="Seed swap", capacity=2)
    event_starts = run(lambda: db.session.get(Event, event_id).starts_at)
    run(lambda: factories.answer(db.session.get(Event, event_id), event_starts, True,
                                 person("ada"), person("tia"), person("ben")))
    on = run(lambda: services.occurrence_param(event_starts))
    path = f"/events/{event_id}/attendees?on={on}"
    for viewer in (organiser, staff):
        response = browser(viewer).get(path)
        assert response.status_code == 200, viewer.username
        going, waiting = Page(response).find_all("table", class_="attendees")
        names = [th.text for th in going.find("tbody").find_all("th")]
        assert names == ["Ada Resident", "Tia"], "a young person by first name only"
        assert going.find("caption").text == "Going (2 of 2 places)"
        assert [th.text for th in waiting.find("tbody").find_all("th")] == ["Ben Neighbour"]
    assert browser(organiser).get(f"/events/{event_id}/attendees").status_code == 200
    for viewer in (resident, neighbour, moderator):
        assert browser(viewer).get(path).status_code == 403, viewer.username
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/signin"
    event_page = Page(browser(organiser).get(f"/events/{event_id}"))
    tools = event_page.find("section", class_="mod-tools")
    assert any(link.text == "Who's going" for link in tools.find_all("a"))
    assert Page(browser(resident).get(f"/events/{event_id}")).find(
        "section", class_="mod-tools") is None


# --- adding and changing events through the form -----------------------------------------------


def form_day():
    """The day the form's events are on: a Tuesday one to two weeks ahead."""
    return next_weekday(1, after_days=7)


def form_data(**changes):
    """What a person types into the event form: a repair café on a Tuesday evening."""
    data = {
        "title": "Repair café", "description": "Bring **broken** toasters and lamps.",
        "start_day": form_day().isoformat(), "start_time": "18:00", "end_day": "",
        "end_time": "20:30", "venue": "St Mark's church hall",
        "address": "2 Mill Lane, AB1 2CD", "ward": "riverside", "category": "environment",
        "capacity": "", "cost": "", "accessibility": "", "suitable_for": "everyone",
        "organiser_name": "", "repeat": "", "repeat_until": "",
    }
    data.update(changes)
    return data


def created_id(response):
    assert response.status_code == 302, response.status_code
    match = re.fullmatch(r"/events/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def test_the_form_is_for_people_signed_in(client, organiser):
    response = client.get("/events/new")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/signin"


def test_a_resident_adds_an_event_and_its_page_shows_the_details(browser, run, resident):
    ada = browser(resident)
    form = Page(ada.get("/events/new"))
    assert form.heading == "Add an event"
    assert form.value("category") == "community"
    assert form.find("input", name="official") is None
    response = ada.post("/events/new", data=form_data(
        capacity="12", cost="£2, children free", suitable_for="adults",
        accessibility="Step-free entrance from the car park.",
        organiser_name="Mill Lane Menders"))
    event_id = created_id(response)
    page = followed(ada, response)
    assert "Your event is on the calendar." in page.flashes
    assert page.heading == "Repair café"
    assert details(page) == {
        "When": f"{long_day(form_day())}, 18:00–20:30",
        "Where": "St Mark's church hall 2 Mill Lane, AB1 2CD Find it on OpenStreetMap : "
                 "2 Mill Lane, AB1 2CD",
        "Ward": "Riverside",
        "Category": "Environment and gardening",
        "Organiser": "Mill Lane Menders",
        "Cost": "£2, children free",
        "Suitable for": "Adults only (18 and over)",
        "Accessibility": "Step-free entrance from the car park.",
        "Places": "12 in all: 12 places left",
    }
    assert page.find("div", class_="user-content").find("strong").text == "broken"
    assert run(lambda: db.session.get(Event, event_id).author.username) == "ada"
    assert titles(Page(ada.get("/events/"))) == ["Repair café"]


def test_an_event_without_an_organiser_name_shows_the_author(browser, resident):
    ada = browser(resident)
    page = followed(ada, ada.post("/events/new", data=form_data(cost="")))
    assert details(page)["Organiser"] == "Ada Resident"
    assert details(page)["Cost"] == "Free"


def test_a_weekly_series_says_every_tuesday_until_its_last_date(browser, resident):
    ada = browser(resident)
    first = form_day()
    last = first + timedelta(days=28)
    page = followed(ada, ada.post("/events/new", data=form_data(
        repeat="weekly", repeat_until=last.isoformat())))
    assert details(page)["Repeats"] == f"Every Tuesday until {last.day} {last:%B %Y}"
    dates = [link.text for link in page.find("ul", class_="date-list").find_all("a")]
    assert dates == [f"{long_day(first + timedelta(days=7 * n))}, 18:00–20:30"
                     for n in range(5)]


def test_an_all_day_event_over_a_weekend(browser, resident):
    ada = browser(resident)
    saturday = next_weekday(5)
    page = followed(ada, ada.post("/events/new", data=form_data(
        title="Weekend fair", all_day="y", start_time="", end_time="",
        start_day=saturday.isoformat(), end_day=(saturday + timedelta(days=1)).isoformat())))
    assert details(page)["When"] == \
        f"{long_day(saturday)} to {long_day(saturday + timedelta(days=1))}, all day"


def yesterday():
    return (today() - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"end_time": "17:00"}, "end_time", "The event must end after it starts."),
    ({"capacity": "0"}, "capacity", "Places must be a whole number of 1 or more"),
    ({"capacity": "-3"}, "capacity", "Places must be a whole number of 1 or more"),
    ({"capacity": "lots"}, "capacity", "Enter a whole number, like 60."),
    ({"start_day": yesterday}, "start_day", "That time has already passed."),
    ({"start_day": "next tuesday"}, "start_day", "Enter a date like"),
    ({"start_time": "6pm"}, "start_time", "Enter a time like 18:30."),
    ({"ward": "atlantis"}, "ward", "Choose a ward from the list."),
    ({"title": "Hi"}, "title", "Give the event a title of 3 to 150 characters."),
    ({"venue": ""}, "venue", "Say where it is"),
    ({"repeat": "weekly", "repeat_until": yesterday}, "repeat_until",
     "The last date must be on or after the first one."),
])
def test_bad_input_is_refused_beside_the_field_keeping_what_was_typed(
        browser, run, resident, changes, field, message):
    typed = form_data(**{name: value() if callable(value) else value
                         for name, value in changes.items()})
    response = browser(resident).post("/events/new", data=typed)
    assert response.status_code == 400
    page = Page(response)
    assert message in page.error_for(field)
    assert list(page.field_errors()) == [field]
    assert page.value("title") == typed["title"]
    assert textarea(page, "description") == typed["description"]
    assert page.value("venue") == typed["venue"]
    if field in ("end_time", "capacity", "start_day", "start_time"):
        assert page.value(field) == typed[field]
    assert page.find("div", class_="error-summary") is not None
    assert count_events(run) == 0


def test_only_staff_are_offered_the_official_choice(browser, resident, staff):
    assert Page(browser(resident).get("/events/new")).find("input", name="official") is None
    box = Page(browser(staff).get("/events/new")).find("input", name="official")
    assert box is not None and box.attrs["type"] == "checkbox"


def test_a_forged_official_tick_from_a_resident_does_not_make_a_council_event(browser, run,
                                                                             resident):
    ada = browser(resident)
    response = ada.post("/events/new", data=form_data(official="y"))
    event_id = created_id(response)
    page = followed(ada, response)
    assert details(page)["Organiser"] == "Ada Resident"
    assert "Council" not in page.find("article").find("p").text
    assert run(lambda: db.session.get(Event, event_id).is_official) is False
    assert titles(Page(ada.get("/events/?official=1"))) == []


def test_staff_publish_an_official_council_event(browser, run, staff):
    jo = browser(staff)
    event_id = created_id(jo.post("/events/new", data=form_data(official="y")))
    page = Page(jo.get(f"/events/{event_id}"))
    assert details(page)["Organiser"] == "Council"
    assert page.find("span", class_="tag-council").text == "Council"
    assert titles(Page(jo.get("/events/?official=1"))) == ["Repair café"]


def test_a_resident_who_has_not_confirmed_their_email_is_told_how_to_add_events(
        browser, run, make_user):
    newbie = make_user("newbie", verified=False)
    page = Page(browser(newbie).get("/events/new"))
    assert "Confirm your e-mail address before you add an event" in page.main_text
    assert page.find("input", name="title") is None
    browser(newbie).post("/events/new", data=form_data())
    assert count_events(run) == 0


def test_the_organiser_changes_their_event_and_people_going_are_told(
        browser, run, add, organiser, resident):
    event_id = add("olu", title="Seed swap", start_day=in_days(14), start_time=time(18),
                   end_time=time(20), capacity=5)
    run(lambda: factories.answer(db.session.get(Event, event_id),
                                 db.session.get(Event, event_id).starts_at, True,
                                 person("ada")))
    olu = browser(organiser)
    form = Page(olu.get(f"/events/{event_id}/edit"))
    assert form.heading == "Change the event"
    assert (form.value("title"), form.value("start_day"), form.value("start_time"),
            form.value("end_time"), form.value("capacity")) == (
        "Seed swap", in_days(14).isoformat(), "18:00", "20:00", "5")
    response = olu.post(f"/events/{event_id}/edit", data=form_data(
        title="Seed and plant swap", start_day=in_days(14).isoformat(), start_time="18:00",
        end_time="20:00", venue="Community garden", capacity="5"))
    assert response.headers["Location"] == f"/events/{event_id}"
    page = followed(olu, response)
    assert "Your changes are saved." in page.flashes
    assert page.heading == "Seed and plant swap"
    assert details(page)["Where"].startswith("Community garden")
    assert notices_of(run, "ada") == [
        "Changed: Seed and plant swap — check the new details"]


def test_a_bad_edit_is_refused_beside_the_field_and_changes_nothing(browser, run, add,
                                                                    organiser):
    event_id = add("olu", title="Seed swap", capacity=5)
    response = browser(organiser).post(f"/events/{event_id}/edit", data=form_data(
        title="Seed swap renamed", capacity="0"))
    assert response.status_code == 400
    page = Page(response)
    assert "Places must be a whole number of 1 or more" in page.error_for("capacity")
    assert page.value("title") == "Seed swap renamed"
    assert run(lambda: (db.session.get(Event, event_id).title,
                        db.session.get(Event, event_id).capacity)) == ("Seed swap", 5)


def test_nobody_else_may_change_an_event(client, browser, run, add, organiser, neighbour,
                                         moderator):
    event_id = add("olu", title="Seed swap", repeat="weekly")
    on = dates_of(run, event_id, 2)[1]
    attempts = [("get", f"/events/{event_id}/edit", None),
                ("post", f"/events/{event_id}/edit", form_data(title="Hijacked")),
                ("post", f"/events/{event_id}/cancel", {"reason": "Because I say so."}),
                ("post", f"/events/{event_id}/dates/{on}/skip", {"note": ""}),
                ("post", f"/events/{event_id}/dates/{on}/move",
                 {"day": in_days(40).isoformat(), "start_time": "10:00", "end_time": "11:00"})]
    for viewer in (neighbour, moderator):
        someone = browser(viewer)
        for method, path, data in attempts:
            assert getattr(someone, method)(path, data=data).status_code == 403, (viewer, path)
    for method, path, data in attempts:
        response = getattr(client, method)(path, data=data)
        assert urlsplit(response.headers["Location"]).path == "/account/signin", path
    stored = event_row(run, event_id)
    assert (stored.title, stored.cancelled_at, stored.exceptions) == ("Seed swap", None, [])
    assert Page(browser(neighbour).get(f"/events/{event_id}")).find(
        "a", href=f"/events/{event_id}/edit") is None


def test_staff_may_change_anyones_event(browser, run, add, organiser, staff):
    event_id = add("olu", title="Seed swap")
    response = browser(staff).post(f"/events/{event_id}/edit",
                                   data=form_data(title="Seed swap (moved indoors)"))
    assert response.status_code == 302
    assert event_row(run, event_id).title == "Seed swap (moved indoors)"


def test_cancelling_with_a_reason_tells_everyone_going_or_waiting(browser, run, add, outbox,
                                                                  organiser, resident,
                                                                  neighbour):
    event_id = add("olu", title="Street party", capacity=1, start_day=in_days(3))
    run(lambda: factories.answer(db.session.get(Event, event_id),
                                 db.session.get(Event, event_id).starts_at, True,
                                 person("ada"), person("ben")))
    olu = browser(organiser)
    tools = Page(olu.get(f"/events/{event_id}")).find("section", class_="mod-tools")
    form = next(form for form in tools.find_all("form")
                if form.attrs["action"] == f"/events/{event_id}/cancel")
    assert form.find("textarea", name="reason") is not None
    page = followed(olu, olu.post(form.attrs["action"],
                                  data={"reason": "The road closure was refused."}))
    assert "The event is cancelled. Everyone going or waiting has been told." in page.flashes
    assert "This event is cancelled. The road closure was refused." in page.main_text
    assert page.find("section", class_="reply-box") is None
    for name in ("ada", "ben"):
        assert notices_of(run, name) == [
            "Cancelled: Street party — The road closure was refused."], name
    ada_email = run(lambda: person("ada").email)
    subjects = [message["Subject"] for message in outbox() if message["To"] == ada_email]
    assert subjects == ["Cancelled: Street party — The road closure was refused."]
    assert "Cancelled: Street party" in Page(browser(resident).get("/notifications")).main_text
    listing = Page(browser(resident).get("/events/"))
    assert "Cancelled" in row_of(listing, "Street party").text


def test_a_cancellation_needs_a_reason(browser, run, add, organiser):
    event_id = add("olu", title="Street party")
    response = browser(organiser).post(f"/events/{event_id}/cancel", data={"reason": "no"})
    assert response.status_code == 400
    page = Page(response)
    assert "Say briefly why it's cancelled" in page.error_for("reason")
    assert textarea(page, "reason") == "no"
    assert event_row(run, event_id).cancelled_at is None


@pytest.fixture
def tuesdays(add, run, organiser, resident):
    """Tuesday chess, weekly from three weeks ahead; ada is going to the second Tuesday.
    Returns (event id, [the first three dates' on= values])."""
    event_id = add("olu", title="Tuesday chess", repeat="weekly", start_day=next_weekday(1),
                   start_time=time(18), end_time=time(20))

    def answer():
        event = db.session.get(Event, event_id)
        factories.answer(event, factories.starts(event, 2)[1], True, person("ada"))

    run(answer)
    return event_id, dates_of(run, event_id, 3)


def test_the_organiser_skips_one_date_of_a_series(browser, run, tuesdays, organiser, resident):
    event_id, (first, second, third) = tuesdays
    olu = browser(organiser)
    page = Page(olu.get(f"/events/{event_id}?on={second}"))
    skip = page.find("form", action=f"/events/{event_id}/dates/{second}/skip")
    assert skip is not None
    skipped_day = next_weekday(1) + timedelta(days=7)
    response = olu.post(skip.attrs["action"], data={"note": "The hall is closed for repairs"})
    after = followed(olu, response)
    assert any(flash.startswith(f"{skipped_day:%A} {skipped_day.day} {skipped_day:%B} at 18:00 "
                                "is taken out of the series") for flash in after.flashes)
    assert olu.get(f"/events/{event_id}?on={second}").status_code == 404
    dates = [link.text for link in after.find("ul", class_="date-list").find_all("a")]
    assert f"{long_day(skipped_day)}, 18:00–20:00" not in dates
    assert dates[:2] == [f"{long_day(next_weekday(1))}, 18:00–20:00",
                         f"{long_day(skipped_day + timedelta(days=7))}, 18:00–20:00"]
    assert notices_of(run, "ada") == [
        f"Not happening on {skipped_day:%A} {skipped_day.day} {skipped_day:%B} at 18:00: "
        "Tuesday chess (The hall is closed for repairs)"]
    assert olu.get(f"/events/{event_id}?on={third}").status_code == 200


SKIP_LINK_BUG = ("forum/events/services.py skip_occurrence: the notice and e-mail link to "
                 "/events/<id>?on=<the skipped date>, which is a 404 once it is skipped")
SKIP_NOTE_BUG = ("forum/events/services.py skip_occurrence: the organiser's note is stored but "
                 "shown nowhere: not in the notice, the e-mail or on any page")


def test_the_notice_of_a_skipped_date_leads_to_a_page_that_exists(browser, tuesdays,
                                                                  organiser, resident):
    event_id, (first, second, third) = tuesdays
    browser(organiser).post(f"/events/{event_id}/dates/{second}/skip", data={"note": ""})
    ada = browser(resident)
    notice = Page(ada.get("/notifications")).find("li", class_="notification")
    opened = ada.get(notice.find("a").attrs["href"])
    assert opened.status_code == 302
    assert ada.get(opened.headers["Location"]).status_code == 200


def test_people_going_to_a_skipped_date_are_told_why(browser, run, outbox, tuesdays,
                                                     organiser, resident):
    event_id, (first, second, third) = tuesdays
    browser(organiser).post(f"/events/{event_id}/dates/{second}/skip",
                            data={"note": "The hall is closed for repairs"})
    ada_email = run(lambda: person("ada").email)
    (message,) = [message for message in outbox() if message["To"] == ada_email]
    told = [*notices_of(run, "ada"), message.get_content()]
    assert any("The hall is closed for repairs" in text for text in told)


def test_the_organiser_moves_one_date_and_people_going_move_with_it(browser, run, tuesdays,
                                                                    organiser, resident):
    event_id, (first, second, third) = tuesdays
    olu = browser(organiser)
    page = Page(olu.get(f"/events/{event_id}?on={second}"))
    move = page.find("form", action=f"/events/{event_id}/dates/{second}/move")
    assert move is not None
    planned = next_weekday(1) + timedelta(days=7)
    assert (page.value("day"), page.value("start_time"), page.value("end_time")) == (
        planned.isoformat(), "18:00", "20:00")
    wednesday = planned + timedelta(days=1)
    response = olu.post(move.attrs["action"], data={
        "day": wednesday.isoformat(), "start_time": "19:00", "end_time": "21:00",
        "note": "The hall is booked on Tuesday"})
    assert response.headers["Location"] == f"/events/{event_id}?on={second}"
    after = followed(olu, response)
    assert "The date is moved. People going to it have been told." in after.flashes
    assert details(after)["When"] == f"{long_day(wednesday)}, 19:00–21:00"
    assert (f"This date has moved: it was planned for {long_day(planned)}, 18:00–20:00. "
            "The hall is booked on Tuesday") in after.main_text
    assert after.find("span", class_="tag-new").text == "Moved"
    ada = Page(browser(resident).get(f"/events/{event_id}?on={second}"))
    assert "You're going." in rsvp_box(ada)
    assert notices_of(run, "ada") == [
        f"Moved to {wednesday:%A} {wednesday.day} {wednesday:%B} at 19:00: Tuesday chess "
        "(The hall is booked on Tuesday)"]


def test_a_move_that_makes_no_sense_is_refused_beside_the_field(browser, run, tuesdays,
                                                                organiser):
    event_id, (first, second, third) = tuesdays
    response = browser(organiser).post(f"/events/{event_id}/dates/{second}/move", data={
        "day": in_days(40).isoformat(), "start_time": "19:00", "end_time": "18:00"})
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("move-end_time") == "It must end after it starts."
    assert page.value("day") == in_days(40).isoformat()
    assert event_row(run, event_id).exceptions == []


def test_a_nudged_description_shows_the_prompt_and_keeps_the_text(browser, run, resident, says):
    says("nudge", 0.5, "insult:general")
    ada = browser(resident)
    typed = form_data(description="Those people from the flats always ruin it.")
    response = ada.post("/events/new", data=typed)
    assert response.status_code == 200
    page = Page(response)
    assert page.find("h2", id="nudge-title").text == "Before you post: could this hurt people?"
    assert "The detector saw insult:general." in page.find("div", class_="nudge").text
    assert textarea(page, "description") == typed["description"]
    assert page.value("title") == typed["title"]
    nudge_id = page.value("nudge_id")
    assert nudge_id.isdigit()
    assert count_events(run) == 0
    event_id = created_id(ada.post("/events/new", data={**typed, "nudge_id": nudge_id}))
    assert event_row(run, event_id).status == "published"


def test_a_held_description_is_seen_only_by_its_author_until_checked(browser, run, resident,
                                                                     neighbour, says):
    says("hold", 0.8, "insult:general")
    ada = browser(resident)
    typed = form_data(description="Those people from the flats always ruin it.")
    nudge_id = Page(ada.post("/events/new", data=typed)).value("nudge_id")
    response = ada.post("/events/new", data={**typed, "nudge_id": nudge_id})
    event_id = created_id(response)
    page = followed(ada, response)
    assert any("waiting for a moderator" in flash for flash in page.flashes)
    assert "Waiting for a moderator to check this." in page.main_text
    assert "People can say they're going once a moderator has checked this event." in \
        page.main_text
    assert event_row(run, event_id).status == "held"
    assert browser(neighbour).get(f"/events/{event_id}").status_code == 404


def as_sent(form):
    """Every field of a form as a browser sends it unchanged: text as shown, the chosen option,
    ticked boxes and the chosen radio button only."""
    data = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name:
            continue
        if element.tag == "input" and element.attrs.get("type") in ("checkbox", "radio"):
            if "checked" in element.attrs:
                data[name] = element.attrs.get("value", "on")
        elif element.tag == "input":
            data[name] = element.attrs.get("value", "")
        elif element.tag == "textarea":
            text = "".join(child for child in element.children if isinstance(child, str))
            data[name] = text.removeprefix("\r\n").removeprefix("\n")
        elif element.tag == "select":
            options = element.find_all("option")
            chosen = [option for option in options if "selected" in option.attrs] or options[:1]
            data[name] = chosen[0].attrs.get("value", chosen[0].text)
    return data


EDITABLE = ("title", "description_source", "starts_at", "ends_at", "all_day", "rrule",
            "repeats_until", "venue", "address", "ward_id", "category", "capacity", "cost",
            "accessibility", "suitable_for", "is_official", "organiser_name", "status")


@pytest.mark.parametrize("changes", [
    {"repeat": "weekly", "repeat_until": in_days(60), "capacity": 5,
     "accessibility": "Step-free entrance.\nHearing loop.",
     "description": "What to bring:\n\n- gloves\n- a flask"},
    {"all_day": True, "start_time": None, "end_time": None, "end_day": in_days(23),
     "ward_slug": "riverside"},
    {"repeat": "monthly_weekday", "suitable_for": "under_18", "category": "youth"},
    {"repeat": "fortnightly", "suitable_for": "adults", "cost": "£3",
     "organiser_name": "Friends of Riverside Park"},
], ids=["weekly", "all-day", "monthly", "fortnightly"])
def test_saving_the_edit_form_unchanged_changes_nothing(browser, run, add, organiser, changes):
    event_id = add("olu", **changes)

    def columns():
        event = db.session.get(Event, event_id)
        return {name: getattr(event, name) for name in EDITABLE}

    before = run(columns)
    olu = browser(organiser)
    form = Page(olu.get(f"/events/{event_id}/edit")).find("form", class_="event-form")
    response = olu.post(f"/events/{event_id}/edit", data=as_sent(form))
    assert response.status_code == 302, Page(response).field_errors()
    assert run(columns) == before


XSS = '<script>alert("x")</script> <img src=x onerror=alert(2)>'


def no_script_or_handlers(page):
    for element in page.iter():
        assert element.tag not in ("script", "img", "svg", "iframe"), element.tag
        assert not any(name.startswith("on") for name in element.attrs), element.attrs
        assert not element.attrs.get("href", "").lower().startswith("javascript:")
    return True


def test_what_people_type_is_shown_as_text_everywhere(browser, resident):
    ada = browser(resident)
    response = ada.post("/events/new", data=form_data(
        title=f"Party {XSS}", description=f"{XSS} [click me](javascript:alert(3)) **bold**",
        venue=f"Hall {XSS}", address=XSS, cost="£1 <b>cash</b>", accessibility=XSS,
        organiser_name=XSS))
    event_id = created_id(response)
    day = form_day()
    for path in (f"/events/{event_id}", "/events/", f"/events/month/{day.year}/{day.month}",
                 f"/events/{event_id}/edit", f"/events/{event_id}/attendees"):
        page = Page(ada.get(path))
        main = page.find("main")
        assert no_script_or_handlers(main), path
        assert f"Party {XSS}" in main.text, path
    page = Page(ada.get(f"/events/{event_id}"))
    assert page.find("div", class_="user-content").find("strong").text == "bold"
    assert details(page)["Cost"] == "£1 <b>cash</b>"
