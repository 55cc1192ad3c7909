"""Atom feeds of the boards: new topics everywhere, and one board's topics and replies.

Read with feedparser, as a feed reader would. Only published posts in published topics appear
(DESIGN §3); a young person is named by first name only (§5).
"""

import calendar
from datetime import timedelta

import feedparser
import pytest

from forum.accounts.models import utcnow
from forum.core import atom
from tests.boards.factories import create_reply, create_topic, load, posts_of, set_status
from tests.factories import Page, create_user, user_named


@pytest.fixture
def people(run):
    def make():
        create_user("sam", display_name="Sam Patel")
        create_user("grace", display_name="Grace Okafor")
        create_user("tia", age_band="16_17", display_name="Tia Young")

    run(make)


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == atom.CONTENT_TYPE
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def ids(parsed):
    return [entry.id for entry in parsed.entries]


def test_board_feed_lists_new_topics_and_replies_newest_first(client, run, people,
                                                              topic_board):
    def make():
        sam, grace = user_named("sam"), user_named("grace")
        topic = create_topic(sam, topic_board, title="Saturday café volunteers",
                             body="We need **two** more people.",
                             replies=[(grace, "I can help from 10.")])
        return topic.id, [post.id for post in posts_of(topic)]

    topic_id, (opening_id, reply_id) = run(make)
    parsed = read(client, "/boards/community-cafe/feed.atom")
    assert parsed.feed.title == "Common Ground: Community café"
    assert parsed.feed.link == "http://localhost/boards/community-cafe"
    assert ids(parsed) == [f"http://localhost/p/{reply_id}", f"http://localhost/t/{topic_id}"]
    reply, opening = parsed.entries
    assert opening.title == "Saturday café volunteers"
    assert opening.link == f"http://localhost/t/{topic_id}"
    assert opening.author == "Sam Patel"
    assert "<strong>two</strong>" in opening.content[0].value
    assert opening.content[0].type == "text/html"
    assert reply.title == "Re: Saturday café volunteers"
    assert reply.link == f"http://localhost/p/{reply_id}"
    assert reply.author == "Grace Okafor"
    # Dates are real times, close to now (UTC).
    for entry in parsed.entries:
        published = calendar.timegm(entry.published_parsed)
        assert abs(published - calendar.timegm(utcnow().timetuple())) < 120
    assert parsed.feed.updated_parsed == reply.updated_parsed


def test_entry_links_lead_to_the_post(client, run, people, topic_board):
    def make():
        topic = create_topic(user_named("sam"), topic_board,
                             replies=[(user_named("grace"), "Mine went out too.")])
        return posts_of(topic)[1].id

    reply_id = run(make)
    link = read(client, "/boards/community-cafe/feed.atom").entries[0].link
    response = client.get(link.removeprefix("http://localhost"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#p{reply_id}")


def test_feed_across_boards_lists_only_new_topics(client, run, people, topic_board,
                                                  ward_board):
    def make():
        sam, grace = user_named("sam"), user_named("grace")
        first = create_topic(sam, topic_board, title="Café needs bakers",
                             replies=[(grace, "I bake!")])
        second = create_topic(grace, ward_board, title="Lost cat on Mill Lane")
        return first.id, second.id

    first, second = run(make)
    parsed = read(client, "/boards/feed.atom")
    assert ids(parsed) == [f"http://localhost/t/{second}", f"http://localhost/t/{first}"]
    assert [entry.tags[0].term for entry in parsed.entries] == ["Riverside", "Community café"]
    assert parsed.feed.link == "http://localhost/boards/"


def test_edited_posts_keep_their_id_and_show_when_they_changed(client, run, people,
                                                               topic_board):
    def make():
        from forum.boards import services

        topic = create_topic(user_named("sam"), topic_board)
        opening = posts_of(topic)[0]
        opening.created_at -= timedelta(days=1)
        services.edit_post(opening.author, opening, "Fixed now, thanks to the council.")
        return topic.id

    topic_id = run(make)
    (entry,) = read(client, "/boards/community-cafe/feed.atom").entries
    assert entry.id == f"http://localhost/t/{topic_id}"
    assert entry.updated_parsed > entry.published_parsed
    assert "Fixed now" in entry.content[0].value


@pytest.mark.parametrize("url", ["/boards/feed.atom", "/boards/community-cafe/feed.atom"])
def test_held_removed_and_deleted_posts_never_appear(client, run, people, topic_board, url):
    def make():
        sam, grace = user_named("sam"), user_named("grace")
        held = create_topic(sam, topic_board, title="A topic awaiting review")
        set_status(held, "held")
        removed = create_topic(sam, topic_board, title="A topic that was removed",
                               replies=[(grace, "A reply in a removed topic")])
        set_status(removed, "removed")
        shown = create_topic(sam, topic_board, title="A topic anyone may read")
        set_status(create_reply(grace, shown, "A reply awaiting review"), "held")
        set_status(create_reply(grace, shown, "A reply that was removed"), "removed")
        from forum.boards import services

        gone = create_reply(grace, shown, "A reply its author deleted")
        services.delete_post(load(type(gone.author), gone.author), gone)
        create_reply(grace, shown, "A reply anyone may read")

    run(make)
    response = client.get(url)
    text = response.data.decode()
    assert "A topic anyone may read" in text
    for hidden in ("awaiting review", "was removed", "removed topic", "author deleted"):
        assert hidden not in text
    parsed = read(client, url)
    assert len(parsed.entries) == (1 if url == "/boards/feed.atom" else 2)


def test_a_young_person_is_named_by_first_name_only(client, run, people, topic_board):
    run(lambda: create_topic(user_named("tia"), topic_board, title="Skate park opening hours"))
    for url in ("/boards/feed.atom", "/boards/community-cafe/feed.atom"):
        parsed = read(client, url)
        assert parsed.entries[0].author == "Tia"
        assert b"Tia Young" not in client.get(url).data


def test_empty_board_has_a_valid_feed(client, topic_board):
    parsed = read(client, "/boards/community-cafe/feed.atom")
    assert parsed.entries == []
    assert parsed.feed.updated_parsed is not None


def test_unknown_board_has_no_feed(client):
    assert client.get("/boards/no-such-board/feed.atom").status_code == 404


def test_board_page_offers_its_feed(client, topic_board):
    page = Page(client.get("/boards/community-cafe"))
    link = page.find("link", rel="alternate", type="application/atom+xml")
    assert link is not None and link.attrs["href"] == "/boards/community-cafe/feed.atom"
