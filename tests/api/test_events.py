"""The events calendar through the API: dates in time order, filters, windows, one event."""

from datetime import datetime, timedelta

from forum.events.models import Event
from forum.extensions import db
from tests.events import factories as events


def _titles(answer):
    return [item["title"] for item in answer["items"]]


def test_coming_dates_are_listed_in_time_order_with_a_series_dates_each(place, get_json):
    answer = get_json("/events?per_page=100")
    starts = [datetime.fromisoformat(item["starts_at"]) for item in answer["items"]]
    assert starts == sorted(starts)
    # A weekly series three weeks ahead has several dates in 90 days; one-off events one each.
    assert _titles(answer).count("Youth club evenings") >= 8
    assert _titles(answer).count("Seed swap at the library") == 1
    assert answer["from"] == events.today().isoformat()
    assert answer["to"] == (events.today() + timedelta(days=89)).isoformat()


def test_times_are_local_with_their_offset(place, get_json):
    seed_swap = next(item for item in get_json("/events")["items"]
                     if item["event_id"] == place.ids["event"])
    starts = datetime.fromisoformat(seed_swap["starts_at"])
    assert starts.utcoffset() is not None
    assert (starts.date(), starts.hour, starts.minute) == (events.in_days(21), 18, 0)
    assert datetime.fromisoformat(seed_swap["ends_at"]).hour == 20


def test_an_occurrence_links_to_its_page_its_calendar_file_and_its_event(place, get_json,
                                                                         client):
    series_dates = [item for item in get_json("/events")["items"]
                    if item["event_id"] == place.ids["series"]]
    links = series_dates[1]["links"]
    assert links["self"] == f"http://localhost/api/v1/events/{place.ids['series']}"
    assert links["web"].startswith(f"http://localhost/events/{place.ids['series']}?on=")
    assert client.get(links["web"]).status_code == 200
    calendar = client.get(links["ics"])
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"


def test_cancelled_events_are_listed_as_cancelled(place, get_json):
    found = {item["event_id"]: item for item in get_json("/events")["items"]}
    assert found[place.ids["cancelled_event"]]["cancelled"] is True
    assert found[place.ids["event"]]["cancelled"] is False
    detail = get_json(f"/events/{place.ids['cancelled_event']}")
    assert (detail["cancelled"], detail["cancel_reason"]) == (True, "The cellar flooded.")


def test_filters_narrow_the_list(place, get_json):
    for query in ("ward=northgate", "category=youth", "official=true"):
        assert set(_titles(get_json(f"/events?{query}"))) == {"Youth club evenings"}, query
    assert get_json("/events?ward=riverside")["items"] == []


def test_from_and_to_choose_the_days(place, get_json):
    day = events.in_days(21).isoformat()
    answer = get_json(f"/events?from={day}&to={day}")
    assert _titles(answer) == ["Seed swap at the library"]
    assert (answer["from"], answer["to"]) == (day, day)
    assert f"from={day}" in answer["links"]["self"]


def test_what_has_ended_is_not_coming_up(app, place, get_json):
    with app.app_context():
        events.move_into_the_past(db.session.get(Event, place.ids["event"]), days=28)
    assert "Seed swap at the library" not in _titles(get_json("/events"))
    last_week = events.in_days(-7).isoformat()
    assert "Seed swap at the library" in _titles(get_json(f"/events?from={last_week}"))


def test_an_event_shows_its_details_and_next_dates(place, get_json):
    series = get_json(f"/events/{place.ids['series']}")
    assert series["recurring"] is True
    assert series["repeats"].startswith("Every ")
    assert series["organiser"] == "Council"
    assert series["ward"] == {"slug": "northgate", "name": "Northgate"}
    assert series["category"] == {"key": "youth", "label": "Young people"}
    assert series["suitable_for"] == "under_18"
    assert len(series["next_occurrences"]) == 8
    assert series["links"]["ics"] == f"http://localhost/events/{place.ids['series']}.ics"
    one_off = get_json(f"/events/{place.ids['event']}")
    assert (one_off["recurring"], one_off["repeats"]) == (False, None)
    assert one_off["description_html"] == "<p>Bring seeds in envelopes.</p>"
    assert one_off["organiser"] == "Grace Okafor"


def test_a_young_persons_event_names_no_organiser(place, get_json):
    assert get_json(f"/events/{place.ids['young_event']}")["organiser"] is None
