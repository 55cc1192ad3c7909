"""Staff import the council's calendar from an .ics file or a web address: all of it or none
of it, and importing again updates what came in before."""

import urllib.error
import urllib.request
from datetime import date, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from forum.core.audit import AuditEntry
from forum.errors import Invalid, NotAllowed
from forum.events import imports, recurrence, rsvps, services
from forum.events.models import Event
from forum.extensions import db
from tests.events.factories import ZONE, answer, count, local, today

SOURCE = "council-calendar.ics"


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


# --- calendar files, written as a council's calendar program would ------------------------------


def first_saturday_of_march():
    """The first Saturday of next March: a fixed day, always ahead."""
    first = date(today().year + 1, 3, 1)
    return first + timedelta(days=(5 - first.weekday()) % 7)


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


def council_meeting(title="Full council meeting"):
    day = first_saturday_of_march() + timedelta(days=3)
    return vevent("meeting-1@borough.gov.uk", title,
                  f"DTSTART;TZID=Europe/London:{stamp(day, 19)}",
                  f"DTEND;TZID=Europe/London:{stamp(day, 21)}",
                  "LOCATION:Town Hall\\, Council Chamber",
                  "DESCRIPTION:Members of the public are welcome.")


def storytime(*extra, title="Library storytime"):
    """Saturdays at 10:00, six times; the second skipped and the third moved to Sunday."""
    first = first_saturday_of_march()
    return vevent("storytime@borough.gov.uk", title,
                  f"DTSTART;TZID=Europe/London:{stamp(first, 10)}",
                  f"DTEND;TZID=Europe/London:{stamp(first, 11)}",
                  "RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=6",
                  f"EXDATE;TZID=Europe/London:{stamp(first + timedelta(days=7), 10)}",
                  "LOCATION:Central Library", *extra)


def storytime_moved(days=15, hour=11):
    first = first_saturday_of_march()
    return vevent("storytime@borough.gov.uk", "Library storytime (Sunday)",
                  f"RECURRENCE-ID;TZID=Europe/London:{stamp(first + timedelta(days=14), 10)}",
                  f"DTSTART;TZID=Europe/London:{stamp(first + timedelta(days=days), hour)}",
                  f"DTEND;TZID=Europe/London:{stamp(first + timedelta(days=days), hour + 1)}")


def bank_holiday():
    day = first_saturday_of_march() + timedelta(days=60)
    return vevent("holiday@borough.gov.uk", "Recycling centre closed",
                  f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}")


def the_council_calendar(**titles):
    return calendar_file(council_meeting(**titles.get("meeting", {})),
                         storytime(**titles.get("storytime", {})), storytime_moved(),
                         bank_holiday())


def imported():
    db.session.expire_all()
    return {event.uid: event for event in db.session.execute(select(Event)).scalars()}


def storytimes(viewer, first, days):
    """The storytime occurrences the viewer sees in `days` from local day `first`."""
    return [occurrence for occurrence in services.list_occurrences(
        viewer, local(first, "00:00"), local(first + timedelta(days=days), "00:00"))
        if occurrence.event.uid == "storytime@borough.gov.uk"]


# --- importing ----------------------------------------------------------------------------------


def test_a_calendar_file_becomes_official_published_events(staff, resident):
    assert imports.import_calendar(staff, the_council_calendar(), SOURCE) == (3, 0)
    events = imported()
    assert set(events) == {"meeting-1@borough.gov.uk", "storytime@borough.gov.uk",
                           "holiday@borough.gov.uk"}
    for event in events.values():
        assert (event.status, event.is_official, event.category, event.author_id,
                event.imported_from, event.sequence) == ("published", True, "council",
                                                         staff.id, SOURCE, 0)
    meeting = events["meeting-1@borough.gov.uk"]
    meeting_day = first_saturday_of_march() + timedelta(days=3)
    assert (meeting.title, meeting.venue) == ("Full council meeting",
                                              "Town Hall, Council Chamber")
    assert (meeting.starts_at, meeting.ends_at) == (local(meeting_day, "19:00"),
                                                    local(meeting_day, "21:00"))
    assert meeting.description_html == "<p>Members of the public are welcome.</p>"
    holiday = events["holiday@borough.gov.uk"]
    assert holiday.all_day
    assert holiday.starts_at == local(first_saturday_of_march() + timedelta(days=60), "00:00")
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor_id, entry.after) == ("event.import", staff.id,
                                                           {"created": 3, "updated": 0})


def test_an_imported_series_keeps_its_skipped_and_moved_dates(staff, resident):
    imports.import_calendar(staff, the_council_calendar(), SOURCE)
    series = imported()["storytime@borough.gov.uk"]
    first = first_saturday_of_march()
    assert series.rrule is not None and "COUNT=6" in series.rrule
    assert series.repeats_until == local(first + timedelta(days=35), "11:00")
    found = storytimes(resident, first, days=42)
    assert [(occurrence.starts_at, occurrence.moved) for occurrence in found] == [
        (local(first, "10:00"), False),
        (local(first + timedelta(days=15), "11:00"), True),
        (local(first + timedelta(days=21), "10:00"), False),
        (local(first + timedelta(days=28), "10:00"), False),
        (local(first + timedelta(days=35), "10:00"), False)]


def test_importing_the_same_file_again_updates_the_events_it_made(staff):
    imports.import_calendar(staff, the_council_calendar(), SOURCE)
    again = the_council_calendar(meeting={"title": "Full council meeting (budget)"})
    assert imports.import_calendar(staff, again, SOURCE) == (0, 3)
    events = imported()
    assert len(events) == 3
    assert events["meeting-1@borough.gov.uk"].title == "Full council meeting (budget)"
    assert {event.sequence for event in events.values()} == {1}
    assert len(events["storytime@borough.gov.uk"].exceptions) == 2


def test_importing_again_replaces_the_exceptions_of_a_series(staff, resident):
    imports.import_calendar(staff, the_council_calendar(), SOURCE)
    first = first_saturday_of_march()
    # The skipped week is back on, and the moved week now moves to Friday evening.
    no_skips = vevent("storytime@borough.gov.uk", "Library storytime",
                      f"DTSTART;TZID=Europe/London:{stamp(first, 10)}",
                      f"DTEND;TZID=Europe/London:{stamp(first, 11)}",
                      "RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=6")
    imports.import_calendar(staff, calendar_file(no_skips, storytime_moved(days=13, hour=18)),
                            SOURCE)
    series = imported()["storytime@borough.gov.uk"]
    assert [(exception.original_start, exception.new_starts_at)
            for exception in series.exceptions] == [
        (local(first + timedelta(days=14), "10:00"), local(first + timedelta(days=13), "18:00"))]
    found = storytimes(resident, first, days=16)
    assert [occurrence.starts_at for occurrence in found] == [
        local(first, "10:00"), local(first + timedelta(days=7), "10:00"),
        local(first + timedelta(days=13), "18:00")]


def test_people_going_stay_going_when_an_import_moves_the_event(staff, resident, neighbour):
    imports.import_calendar(staff, the_council_calendar(), SOURCE)
    meeting = imported()["meeting-1@borough.gov.uk"]
    meeting.capacity = 1
    db.session.commit()
    answer(meeting, meeting.starts_at, True, resident)
    day = first_saturday_of_march() + timedelta(days=3)
    later = vevent("meeting-1@borough.gov.uk", "Full council meeting",
                   f"DTSTART;TZID=Europe/London:{stamp(day, 19, 30)}",
                   f"DTEND;TZID=Europe/London:{stamp(day, 21, 30)}")
    imports.import_calendar(staff, calendar_file(later), SOURCE)
    meeting = imported()["meeting-1@borough.gov.uk"]
    assert meeting.starts_at == local(day, "19:30")
    assert [(occurrence.starts_at, state) for occurrence, state
            in rsvps.list_my_events(resident)] == [(local(day, "19:30"), "going")]
    assert rsvps.rsvp(neighbour, meeting, meeting.starts_at, True) == "waitlist"


def test_an_all_day_series_skips_the_dates_its_file_excludes(staff, resident):
    first = first_saturday_of_march()
    market = vevent("market@borough.gov.uk", "Farmers' market",
                    f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
                    f"DTEND;VALUE=DATE:{first + timedelta(days=1):%Y%m%d}",
                    "RRULE:FREQ=WEEKLY;COUNT=4",
                    f"EXDATE;VALUE=DATE:{first + timedelta(days=7):%Y%m%d}")
    imports.import_calendar(staff, calendar_file(market), SOURCE)
    found = services.list_occurrences(resident, local(first, "00:00"),
                                      local(first + timedelta(days=28), "00:00"))
    assert [recurrence.to_local(occurrence.starts_at, ZONE).date() for occurrence in found] \
        == [first, first + timedelta(days=14), first + timedelta(days=21)]
    assert all(occurrence.event.all_day for occurrence in found)


def test_a_cancelled_event_in_the_file_is_imported_cancelled(staff):
    imports.import_calendar(staff, calendar_file(storytime("STATUS:CANCELLED")), SOURCE)
    assert imported()["storytime@borough.gov.uk"].is_cancelled


def test_utc_and_floating_times_are_read_as_the_file_says(staff):
    day = first_saturday_of_march() + timedelta(days=120)  # in British Summer Time
    utc_event = vevent("utc@borough.gov.uk", "Given in UTC", f"DTSTART:{stamp(day, 9)}Z",
                       f"DTEND:{stamp(day, 10)}Z")
    floating = vevent("floating@borough.gov.uk", "Given as wall-clock time",
                      f"DTSTART:{stamp(day, 9)}", "DURATION:PT90M")
    imports.import_calendar(staff, calendar_file(utc_event, floating), SOURCE)
    events = imported()
    assert events["utc@borough.gov.uk"].starts_at == datetime.combine(day, time(9))
    assert events["floating@borough.gov.uk"].starts_at == local(day, "09:00")
    assert events["floating@borough.gov.uk"].ends_at == local(day, "10:30")


# --- all or nothing ----------------------------------------------------------------------------


def broken(problem):
    day = first_saturday_of_march() + timedelta(days=4)
    start = f"DTSTART;TZID=Europe/London:{stamp(day, 18)}"
    return {
        "ends before it starts": vevent("broken@borough.gov.uk", "Broken meeting", start,
                                        f"DTEND;TZID=Europe/London:{stamp(day, 17)}"),
        "no start": vevent("broken@borough.gov.uk", "Broken meeting",
                           f"DTEND;TZID=Europe/London:{stamp(day, 19)}"),
        "a series not in the file": vevent(
            "elsewhere@borough.gov.uk", "Broken meeting",
            f"RECURRENCE-ID;TZID=Europe/London:{stamp(day, 10)}", start),
        "an unreadable rule": vevent("broken@borough.gov.uk", "Broken meeting", start,
                                     "RRULE:FREQ=SOMETIMES"),
        "an unreadable date": vevent("broken@borough.gov.uk", "Broken meeting",
                                     "DTSTART:next tuesday"),
        "a UID twice": council_meeting("Broken meeting"),
    }[problem]


@pytest.mark.parametrize(("problem", "message"), [
    ("ends before it starts", 'Event 5 ("Broken meeting"): it ends before it starts.'),
    ("no start", 'Event 5 ("Broken meeting"): it has no start (DTSTART).'),
    ("a series not in the file", "Event 5 (\"Broken meeting\"): it changes one date of a "
                                 "series that isn't in the file."),
    ("an unreadable rule", 'Event 5 ("Broken meeting"): The repeat rule can\'t be read'),
    ("an unreadable date", 'Event 5 ("Broken meeting"): '),
    ("a UID twice", 'Event 5 ("Broken meeting"): its UID appears twice in the file.'),
])
def test_one_bad_event_after_several_good_ones_imports_nothing(staff, problem, message):
    data = calendar_file(council_meeting(), storytime(), storytime_moved(), bank_holiday(),
                         broken(problem))
    with pytest.raises(Invalid) as refused:
        imports.import_calendar(staff, data, SOURCE)
    assert refused.value.field == "file"
    assert refused.value.message.startswith("Nothing was imported. ")
    assert message in refused.value.message
    assert count(Event) == 0
    assert count(AuditEntry) == 0


def test_a_bad_file_changes_nothing_already_imported(staff):
    imports.import_calendar(staff, the_council_calendar(), SOURCE)
    data = calendar_file(council_meeting("Renamed meeting"), broken("ends before it starts"))
    with pytest.raises(Invalid, match="Event 2"):
        imports.import_calendar(staff, data, SOURCE)
    events = imported()
    assert len(events) == 3
    assert events["meeting-1@borough.gov.uk"].title == "Full council meeting"
    assert {event.sequence for event in events.values()} == {0}


@pytest.mark.parametrize(("data", "message"), [
    (b"this is not a calendar", "This isn't a calendar file we can read"),
    (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:half\r\n", "This isn't a calendar file"),
    (b"", "This isn't a calendar file"),
    (calendar_file(), "The file has no events in it."),
    (calendar_file(vevent("no-title@x", "", "DTSTART:20300101T100000")),
     "Event 1: it has no title (SUMMARY)."),
    (calendar_file(["BEGIN:VEVENT", "SUMMARY:No UID", "DTSTART:20300101T100000",
                    "END:VEVENT"]), 'Event 1 ("No UID"): it has no UID'),
])
def test_a_malformed_file_imports_nothing(staff, data, message):
    with pytest.raises(Invalid) as refused:
        imports.import_calendar(staff, data, SOURCE)
    assert refused.value.field == "file"
    assert message in refused.value.message
    assert count(Event) == 0


def test_a_file_larger_than_any_upload_may_be_is_refused_before_it_is_read(app, staff):
    too_large = b" " * (app.config["MAX_CONTENT_LENGTH"] + 1)
    with pytest.raises(Invalid, match="larger than") as refused:
        imports.import_calendar(staff, too_large, SOURCE, field="url")
    assert refused.value.field == "url"
    assert count(Event) == 0


def test_an_unknown_category_is_refused(staff):
    with pytest.raises(Invalid) as refused:
        imports.import_calendar(staff, the_council_calendar(), SOURCE, category="bingo")
    assert refused.value.field == "category"
    assert count(Event) == 0


@pytest.mark.parametrize("who", ["resident", "moderator", "organiser"])
def test_only_staff_may_import(request, who):
    with pytest.raises(NotAllowed):
        imports.import_calendar(request.getfixturevalue(who), the_council_calendar(), SOURCE)
    assert count(Event) == 0


def test_an_import_can_be_marked_as_not_official_in_another_category(staff):
    imports.import_calendar(staff, calendar_file(council_meeting()), SOURCE, official=False,
                            category="community")
    (event,) = imported().values()
    assert (event.is_official, event.category) == (False, "community")


# --- fetching from a web address ----------------------------------------------------------------


@pytest.fixture
def web_calendar(app, calendar_server):
    """The local calendar server, with fetching from private addresses allowed while it runs."""
    app.config["IMPORT_ALLOW_PRIVATE_ADDRESSES"] = True
    return calendar_server


def test_a_calendar_published_at_an_address_is_fetched_and_imported(staff, web_calendar):
    address = web_calendar("/council.ics", the_council_calendar())
    data = imports.fetch_calendar(f"  {address} ")
    assert data == the_council_calendar()
    assert imports.import_calendar(staff, data, address, field="url") == (3, 0)
    assert {event.imported_from for event in imported().values()} == {address}


def test_an_address_that_is_not_there_is_refused_on_url_and_the_error_response_closed(
        web_calendar, monkeypatch):
    """An HTTP error is itself an open response; left to the garbage collector, its socket is
    reported unclosed (a ResourceWarning, an error under this suite's settings)."""
    address = web_calendar("/council.ics", the_council_calendar())
    errors = []
    real_urlopen = urllib.request.urlopen

    def urlopen(*args, **kwargs):
        try:
            return real_urlopen(*args, **kwargs)
        except urllib.error.HTTPError as error:
            errors.append(error)
            raise

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    with pytest.raises(Invalid, match="404") as refused:
        imports.fetch_calendar(address.replace("council.ics", "missing.ics"))
    assert refused.value.field == "url"
    (error,) = errors
    closed = error.fp is None or error.fp.closed
    error.close()  # whatever the outcome, leave nothing open for the next test
    assert closed, "the 404 response was left open"


def test_a_server_that_does_not_answer_is_refused_on_url(app):
    app.config["IMPORT_ALLOW_PRIVATE_ADDRESSES"] = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens there now
    with pytest.raises(Invalid, match="couldn't fetch") as refused:
        imports.fetch_calendar(f"http://127.0.0.1:{port}/council.ics")
    assert refused.value.field == "url"


@pytest.mark.parametrize("address", ["", "ftp://example.org/council.ics", "council.ics",
                                     "file:///etc/passwd", "javascript:alert(1)"])
def test_only_web_addresses_are_fetched(address):
    with pytest.raises(Invalid, match="starting https") as refused:
        imports.fetch_calendar(address)
    assert refused.value.field == "url"


def test_a_calendar_larger_than_any_upload_may_be_at_an_address_is_refused(app, web_calendar):
    address = web_calendar("/huge.ics", b" " * (app.config["MAX_CONTENT_LENGTH"] + 1))
    with pytest.raises(Invalid, match="larger than") as refused:
        imports.fetch_calendar(address)
    assert refused.value.field == "url"


@pytest.mark.parametrize("address", [
    "http://127.0.0.1/council.ics", "http://localhost:5000/council.ics",
    "http://169.254.169.254/latest/meta-data/", "https://10.1.2.3/calendar.ics",
    "http://[::1]/council.ics", "webcal://192.168.0.10/council.ics",
])
def test_a_private_network_address_is_refused_on_url(address, web_calendar, app):
    app.config["IMPORT_ALLOW_PRIVATE_ADDRESSES"] = False
    with pytest.raises(Invalid, match="private network") as refused:
        imports.fetch_calendar(address)
    assert refused.value.field == "url"


def test_recurrence_expands_an_imported_series_in_london_time(staff):
    imports.import_calendar(staff, calendar_file(storytime()), SOURCE)
    series = imported()["storytime@borough.gov.uk"]
    last = recurrence.series_end(series.rrule, series.starts_at, series.duration, ZONE)
    # Six Saturdays from early March run past the clock change: still 10:00 to 11:00 local.
    assert recurrence.to_local(last, ZONE).hour == 11
