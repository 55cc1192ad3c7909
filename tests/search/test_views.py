"""The search page: what a visitor sees, with and without results, and when search is down."""

import shutil
from pathlib import Path

import pytest

from forum.boards import services as boards
from forum.extensions import db
from tests.factories import Page


def search_page(client, **args):
    response = client.get("/search", query_string=args)
    return response, Page(response)


def test_search_page_has_a_labelled_search_form(client):
    response, page = search_page(client)
    assert response.status_code == 200
    form = page.find("form", role="search")
    assert form is not None and form.attrs["method"] == "get"
    field = form.find("input", name="q")
    assert field.attrs["type"] == "search"
    assert page.find("label", **{"for": field.attrs["id"]}).text == "Search for"
    for name in ("kind", "board", "ward", "from", "to"):
        assert form.find(name=name) is not None, name


def test_results_are_grouped_under_headings_with_counts(client, topic, reply):
    thread = topic("Allotment waiting list", "How long is the allotment list?")
    reply(thread, "The allotment list is two years long")
    reply(thread, "Ask about a shared allotment")
    response, page = search_page(client, q="allotment")
    assert response.status_code == 200
    headings = [section.find("h2").text for section in page.find_all("section")]
    assert headings == ["Topics (1)", "Replies (2)"]
    assert "3 results for “allotment”" in page.main_text


def test_each_result_shows_its_title_link_snippet_board_author_and_date(client, topic, places,
                                                                       author):
    thread = topic("Bus stop moved", "The 42 bus stop is now by the bakery.",
                   board=places.riverside)
    _, page = search_page(client, q="bakery")
    result = page.find("li", class_="search-result")
    link = result.find("h3").find("a")
    assert (link.text, link.attrs["href"]) == ("Bus stop moved", f"/t/{thread.id}")
    snippet = result.find("p", class_="snippet")
    assert snippet.find("mark").text == "bakery"
    meta = result.find("p", class_="meta").text
    assert "Riverside" in meta and f"by {author.username}" in meta
    assert result.find("time").attrs["datetime"] == thread.created_at.isoformat()


def test_a_script_in_a_post_shows_as_text(client, topic, reply):
    thread = topic("Pranks", "Who did it?")
    reply(thread, "<script>alert('gotcha')</script> gotcha")
    response, page = search_page(client, q="gotcha")
    assert page.find("main").find("script") is None
    snippet = page.find("p", class_="snippet")
    assert snippet.text.startswith("<script>alert(") and "</script>" in snippet.text
    assert [mark.text for mark in snippet.find_all("mark")] == ["gotcha", "gotcha"]
    assert b"<script>alert" not in response.data


def test_no_results_says_so_and_suggests_what_to_try(client, topic):
    topic("Library hours", "Open till eight.")
    response, page = search_page(client, q="zeppelin")
    assert response.status_code == 200
    assert "No results for “zeppelin”" in page.main_text
    assert page.find("ol", class_="search-results") is None


def test_see_all_leads_to_pages_of_one_kind(client, topic, reply):
    thread = topic("Quiz night", "First Friday.")
    for number in range(23):
        reply(thread, f"Quiz question {number}")
    _, page = search_page(client, q="question")
    see_all = [a for a in page.find_all("a") if a.text.startswith("See all 23 replies")]
    assert len(see_all) == 1
    response = client.get(see_all[0].attrs["href"])
    page = Page(response)
    assert len(page.find_all("li", class_="search-result")) == 20
    pager = page.find("nav", class_="pagination")
    assert "Page 1 of 2" in pager.text
    next_page = Page(client.get(pager.find("a", rel="next").attrs["href"]))
    assert len(next_page.find_all("li", class_="search-result")) == 3


def test_filters_narrow_the_results_and_keep_their_values(client, topic, places):
    topic("Cycle lanes on the high street", "Paint is not enough.", board=places.riverside)
    topic("Cycle parking at the station", "More racks.", board=places.hillside)
    _, page = search_page(client, q="cycle", ward="hillside")
    assert [a.text for a in page.find_all("h3")] == ["Cycle parking at the station"]
    assert page.value("ward") == "hillside"


@pytest.mark.parametrize(("args", "field", "message"), [
    ({"q": "bins", "from": "31/02/2026"}, "from", "Enter a date like 2026-03-27."),
    ({"q": "bins", "from": "2026-05-02", "to": "2026-05-01"}, "to",
     "The end date must be the same as or after the start date."),
    ({"q": "b" * 2000}, "q", "Keep your search to 200 characters or fewer."),
    ({"q": ""}, "q", "Type a word or two to search for."),
    ({"q": "bins", "board": "no-such-board"}, "board", "Choose one of the options in the list."),
    ({"q": "bins", "kind": "wizard"}, "kind", "Choose one of the options in the list."),
])
def test_bad_input_is_explained_beside_its_field(client, places, args, field, message):
    response, page = search_page(client, **args)
    assert response.status_code == 400
    assert page.error_for(field) == message
    assert page.summary_errors == [message]


def test_search_syntax_errors_are_not_server_errors(client, topic):
    topic("Brackets", "Round ones.")
    for text in ('"unclosed', "((", "AND", "*", "title:x", "NOT NOT"):
        response, _ = search_page(client, q=text)
        assert response.status_code == 200, text


@pytest.mark.parametrize("app_overrides", [{"SEARCH_INDEX_PATH": None, "SEARCH_DRAIN": "off"}],
                         ids=["folder index, drained by a job"])
def test_a_missing_index_gets_a_friendly_page_and_posting_still_works(app, client, topic,
                                                                      reply, author):
    from forum.search import services

    thread = topic("Bonfire night", "Fireworks at seven.")
    app.extensions["search"].close()
    shutil.rmtree(Path(app.instance_path) / "search-index", ignore_errors=True)
    response, page = search_page(client, q="fireworks")
    assert response.status_code == 503
    notice = page.find("div", class_="search-unavailable")
    assert notice.find("h2").text == "Search isn't available right now"
    assert "try again in a few minutes" in notice.text
    assert page.find("form", role="search") is not None  # the page is whole, form and all
    answer = reply(thread, "Sparklers for the children")
    assert answer.status == "published"
    services.drain()  # the job comes round: no index, so it rebuilds one
    _, page = search_page(client, q="sparklers")
    assert [a.text for a in page.find_all("h3")] == ["Re: Bonfire night"]


def test_search_works_the_same_signed_in(client, login, topic, author, make_user):
    topic("Dog show", "Saturday on the green.")
    db.session.commit()
    login(make_user(username="visitor"))
    _, page = search_page(client, q="dog")
    assert [a.text for a in page.find_all("h3")] == ["Dog show"]


def test_removed_content_disappears_from_the_page(client, topic, reply, make_user):
    thread = topic("Fox in the garden", "Is it normal?")
    answer = reply(thread, "Foxes are everywhere in the garden")
    boards.delete_post(make_user(roles=["moderator"]), answer)
    _, page = search_page(client, q="garden")
    assert [a.text for a in page.find_all("h3")] == ["Fox in the garden"]
