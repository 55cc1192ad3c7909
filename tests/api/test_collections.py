"""What every consumer of the API relies on: the index, pages and their links, refusals as JSON,
and the headers that let another site's JavaScript read and cache answers."""

import pytest

from tests.api.conftest import API


def test_index_links_to_every_collection_and_the_document(get_json):
    index = get_json("/")
    assert index["links"] == {
        "news": "http://localhost/api/v1/news",
        "events": "http://localhost/api/v1/events",
        "boards": "http://localhost/api/v1/boards",
        "openapi": "http://localhost/api/v1/openapi.json",
    }
    assert get_json(index["links"]["openapi"])["openapi"].startswith("3.1")


def test_following_next_links_visits_every_item_once(place, get_json):
    answer = get_json("/boards?per_page=1")
    assert (answer["page"], answer["per_page"], answer["total"], answer["pages"]) == (1, 1, 2, 2)
    assert answer["links"]["prev"] is None
    seen = [item["slug"] for item in answer["items"]]
    second = get_json(answer["links"]["next"])
    seen += [item["slug"] for item in second["items"]]
    assert second["links"]["next"] is None
    assert second["links"]["prev"] == answer["links"]["self"]
    assert sorted(seen) == sorted([place.ids["board"], place.ids["ward_board"]])


def test_page_links_keep_the_filters(place, get_json):
    answer = get_json("/news?category=bins&per_page=1")
    assert "category=bins" in answer["links"]["self"]
    assert answer["links"]["self"].startswith("http://localhost/api/v1/news?")


def test_a_page_past_the_end_is_empty_not_an_error(place, get_json):
    answer = get_json("/boards?page=9")
    assert answer["items"] == [] and answer["total"] == 2 and answer["pages"] == 1
    assert answer["links"]["next"] is None
    assert answer["links"]["prev"].endswith("page=1")


@pytest.mark.parametrize(("query", "field"), [
    ("/boards?page=0", "page"),
    ("/boards?page=-1", "page"),
    ("/boards?page=two", "page"),
    ("/boards?page=1.5", "page"),
    ("/boards?page=", "page"),
    ("/boards?page=100001", "page"),
    ("/boards?page=1&page=2", "page"),
    ("/boards?per_page=0", "per_page"),
    ("/boards?per_page=101", "per_page"),
    ("/news?category=gossip", "category"),
    ("/news?ward=atlantis", "ward"),
    ("/events?ward=", "ward"),
    ("/events?category=bins", "category"),
    ("/events?official=yes", "official"),
    ("/events?from=2027-02-30", "from"),
    ("/events?from=27-02-01", "from"),
    ("/events?from=1999-12-31", "from"),
    ("/events?to=tomorrow", "to"),
    ("/events?from=2030-05-02&to=2030-05-01", "to"),
    ("/events?from=2030-01-01&to=2031-01-02", "to"),
    ("/topics/1?per_page=500", "per_page"),
])
def test_a_parameter_that_cannot_be_used_is_refused_with_its_name(get_json, query, field):
    refusal = get_json(query, status=400)
    assert refusal["field"] == field
    assert refusal["status"] == 400 and refusal["error"]


@pytest.mark.parametrize("path", [
    "/topics/999", "/events/999", "/news/999", "/boards/nowhere", "/boards/nowhere/topics",
    "/events/abc", "/topics/99999999999", "/topics/0", "/no-such-collection",
])
def test_nothing_at_an_address_is_a_json_404(get_json, path):
    answer = get_json(path, status=404)
    assert answer["status"] == 404 and answer["error"]


def test_writing_is_refused_as_json(client):
    response = client.post(f"{API}/news", json={"title": "Mine"})
    assert response.status_code == 405
    assert response.get_json()["status"] == 405


def test_answers_may_be_read_by_other_sites_and_cached_for_a_minute(client):
    response = client.get(f"{API}/events")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers


def test_refusals_are_readable_by_other_sites_but_not_cached(client):
    for path in ("/events?page=0", "/events/999", "/nothing-here"):
        response = client.get(API + path)
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert response.headers["Cache-Control"] == "no-cache", path


def test_the_website_keeps_its_own_headers(client):
    response = client.get("/boards/")
    assert "Access-Control-Allow-Origin" not in response.headers
