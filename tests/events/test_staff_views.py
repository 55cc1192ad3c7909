"""Council staff import the council's existing calendar through /staff/events/import: an .ics
file uploaded, or a calendar fetched from its web address. All of a file or none of it;
importing it again updates what came in before.

Reading calendar files and the all-or-nothing rule are proved in test_imports.py; these tests
are about the page: what staff send, what they are told, what appears on the calendar, and
that nobody else gets in.
"""

import io
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from forum.events.models import Event
from forum.extensions import db
from tests.events.factories import in_days, next_weekday
from tests.factories import Page

IMPORT = "/staff/events/import"
ALLOW_LOCAL = pytest.mark.parametrize(
    "app_overrides", [{"IMPORT_ALLOW_PRIVATE_ADDRESSES": True}], ids=["local-addresses"])


@pytest.fixture
def staff(make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def jo(staff, signed_in_client):
    """A browser signed in as Jo, council staff."""
    return signed_in_client(staff)


def imported(run):
    """{uid: (title, is official, category, imported from)} of every event in the database."""
    return run(lambda: {event.uid: (event.title, event.is_official, event.category,
                                    event.imported_from)
                        for event in db.session.execute(select(Event)).scalars()})


def count_events(run):
    return run(lambda: db.session.execute(select(func.count(Event.id))).scalar_one())


# --- calendar files, as a council's calendar program writes them --------------------------------


def stamp(day, hour=0, minute=0):
    return f"{datetime.combine(day, time(hour, minute)):%Y%m%dT%H%M%S}"


def vevent(uid, title, *lines):
    return ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{title}", "DTSTAMP:20260101T090000Z",
            *lines, "END:VEVENT"]


def calendar_file(*events):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Borough Council//Calendar//EN"]
    for event in events:
        lines.extend(event)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def meeting(title="Full council meeting"):
    day = in_days(5)
    return vevent("meeting@borough.gov.uk", title,
                  f"DTSTART;TZID=Europe/London:{stamp(day, 19)}",
                  f"DTEND;TZID=Europe/London:{stamp(day, 21)}",
                  "LOCATION:Town Hall\\, Council Chamber",
                  "DESCRIPTION:Members of the public are welcome.")


def storytime():
    """Library storytime: three Saturdays, the first a week or so ahead."""
    first = next_weekday(5, after_days=3)
    return vevent("storytime@borough.gov.uk", "Library storytime",
                  f"DTSTART;TZID=Europe/London:{stamp(first, 10)}",
                  f"DTEND;TZID=Europe/London:{stamp(first, 11)}",
                  "RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=3", "LOCATION:Central Library")


def closure():
    day = in_days(12)
    return vevent("closure@borough.gov.uk", "Recycling centre closed",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}")


def the_council_calendar(meeting_title="Full council meeting"):
    return calendar_file(meeting(meeting_title), storytime(), closure())


TITLES = ["Full council meeting", "Library storytime", "Recycling centre closed"]


def upload(browser, data, filename="council.ics", **fields):
    return browser.post(IMPORT, data={"file": (io.BytesIO(data), filename),
                                      "category": "council", "official": "y", **fields},
                        content_type="multipart/form-data")


def listed_titles(browser):
    page = Page(browser.get("/events/"))
    return sorted({row.find("h4").text for row in page.find_all("li", class_="occurrence")})


# --- importing a file ------------------------------------------------------------------------


def test_staff_import_a_calendar_file_and_its_events_appear_on_the_calendar(jo, run):
    form = Page(jo.get(IMPORT))
    assert form.heading == "Import events"
    upload_form = form.find("form", enctype="multipart/form-data")
    assert upload_form.find("input", name="file").attrs["type"] == "file"
    assert form.value("official") is True
    assert form.value("category") == "council"
    response = upload(jo, the_council_calendar())
    assert response.headers["Location"] == IMPORT
    page = Page(jo.get(IMPORT))
    assert "Imported 3 new events and updated 0." in page.flashes
    assert listed_titles(jo) == TITLES
    events = imported(run)
    assert {title for title, *_ in events.values()} == set(TITLES)
    assert {(official, category, source) for _, official, category, source in events.values()} \
        == {(True, "council", "council.ics")}
    event_id = run(lambda: db.session.execute(
        select(Event.id).where(Event.uid == "meeting@borough.gov.uk")).scalar_one())
    event_page = Page(jo.get(f"/events/{event_id}"))
    organiser = next(pair for pair in event_page.find("dl").find_all("div")
                     if pair.find("dt").text == "Organiser")
    assert organiser.find("dd").text == "Council"
    assert "Town Hall, Council Chamber" in event_page.main_text


def test_importing_the_same_file_again_updates_rather_than_duplicates(jo, run):
    upload(jo, the_council_calendar())
    upload(jo, the_council_calendar(meeting_title="Full council meeting (budget)"))
    assert "Imported 0 new events and updated 3." in Page(jo.get(IMPORT)).flashes
    assert count_events(run) == 3
    assert imported(run)["meeting@borough.gov.uk"][0] == "Full council meeting (budget)"
    assert "Full council meeting (budget)" in listed_titles(jo)


def test_an_import_may_be_of_community_events_in_another_category(jo, run):
    upload(jo, calendar_file(meeting("Allotment open day")), category="environment",
           official="")
    assert imported(run)["meeting@borough.gov.uk"][1:3] == (False, "environment")


@pytest.mark.parametrize(("data", "message"), [
    (b"This is not a calendar at all.", "Nothing was imported. This isn't a calendar file"),
    (calendar_file(), "Nothing was imported. The file has no events in it."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Nothing was imported."),
])
def test_a_file_that_is_not_a_calendar_is_refused_beside_the_file_field(jo, run, data, message):
    response = upload(jo, data, filename="photo.ics")
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("file").startswith(message), page.error_for("file")
    assert count_events(run) == 0


def test_a_file_whose_last_event_is_bad_imports_nothing(jo, run):
    broken = vevent("broken@borough.gov.uk", "Broken event", "LOCATION:Nowhere")
    response = upload(jo, calendar_file(meeting(), storytime(), broken))
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("file") == ('Nothing was imported. Event 3 ("Broken event"): it has no '
                                      "start (DTSTART).")
    assert page.value("official") is True
    assert count_events(run) == 0
    assert listed_titles(jo) == []


def test_nothing_chosen_is_refused_beside_the_file_field(jo, run):
    response = jo.post(IMPORT, data={"category": "council", "official": "y"},
                       content_type="multipart/form-data")
    assert response.status_code == 400
    assert Page(response).error_for("file") == ("Choose a calendar file (.ics), or give the "
                                                 "calendar's web address.")
    assert count_events(run) == 0


def test_a_category_that_does_not_exist_is_refused(jo, run):
    response = upload(jo, the_council_calendar(), category="bingo")
    assert response.status_code == 400
    assert Page(response).error_for("category") == "Choose a category."
    assert count_events(run) == 0


# --- importing from a web address ---------------------------------------------------------------


@ALLOW_LOCAL
def test_staff_import_a_calendar_from_its_web_address(jo, run, calendar_server):
    address = calendar_server("/council.ics", the_council_calendar())
    response = jo.post(IMPORT, data={"url": address, "category": "council", "official": "y"})
    assert response.headers["Location"] == IMPORT
    assert "Imported 3 new events and updated 0." in Page(jo.get(IMPORT)).flashes
    assert calendar_server.asked == ["/council.ics"]
    assert {source for *_, source in imported(run).values()} == {address}
    assert listed_titles(jo) == TITLES


@ALLOW_LOCAL
def test_an_address_with_no_calendar_is_refused_beside_the_address(jo, run, calendar_server):
    address = calendar_server("/council.ics", the_council_calendar())
    missing = address.replace("council.ics", "missing.ics")
    response = jo.post(IMPORT, data={"url": missing, "category": "council"})
    assert response.status_code == 400
    page = Page(response)
    assert "404" in page.error_for("url")
    assert page.value("url") == missing
    assert count_events(run) == 0


def test_an_address_on_this_machine_is_refused_by_default(jo, run, calendar_server):
    address = calendar_server("/council.ics", the_council_calendar())
    assert urlsplit(address).hostname == "127.0.0.1"
    response = jo.post(IMPORT, data={"url": address, "category": "council", "official": "y"})
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("url") == ("That address is on a private network; give the "
                                     "calendar's public address.")
    assert page.value("url") == address
    assert calendar_server.asked == [], "the address was never fetched"
    assert count_events(run) == 0


# --- who may import -----------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [[], ["moderator"]], ids=["resident", "moderator"])
def test_residents_and_moderators_may_not_import(make_user, signed_in_client, run, roles):
    someone = signed_in_client(make_user("sam", roles=roles))
    assert someone.get(IMPORT).status_code == 403
    assert upload(someone, the_council_calendar()).status_code == 403
    assert count_events(run) == 0


def test_visitors_are_sent_to_sign_in(client, run, staff):
    for response in (client.get(IMPORT), upload(client, the_council_calendar())):
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/account/signin"
    assert count_events(run) == 0


def test_the_staff_console_links_to_the_import(jo):
    console = Page(jo.get("/staff/"))
    assert console.find("a", href=IMPORT).text == "Import events"
