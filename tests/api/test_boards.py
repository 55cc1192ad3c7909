"""Boards, their topics and a topic's posts, as the API shows them."""

from forum.boards.models import Topic
from forum.boards.services import mark_official_answer
from forum.extensions import db
from tests.boards import factories as boards


def test_boards_are_listed_borough_wide_first_with_their_links(place, get_json):
    items = get_json("/boards")["items"]
    assert [item["slug"] for item in items] == [place.ids["board"], place.ids["ward_board"]]
    cafe, riverside = items
    assert cafe["ward"] is None
    assert riverside["ward"] == {"slug": "riverside", "name": "Riverside"}
    assert cafe["links"] == {
        "self": f"http://localhost/api/v1/boards/{cafe['slug']}",
        "topics": f"http://localhost/api/v1/boards/{cafe['slug']}/topics",
        "web": f"http://localhost/boards/{cafe['slug']}",
    }
    assert get_json(f"/boards/{cafe['slug']}") == cafe


def test_a_board_counts_and_lists_only_published_topics(place, get_json):
    board = get_json(f"/boards/{place.ids['board']}")
    topics = get_json(f"/boards/{place.ids['board']}/topics")
    assert [topic["id"] for topic in topics["items"]] == [place.ids["topic"]]
    assert board["topic_count"] == topics["total"] == 1


def test_pinned_topics_come_first(app, place, get_json, make_user):
    with app.app_context():
        pinned = db.session.get(Topic, place.ids["topic"])
        newer = boards.create_topic(make_user("pinner"), pinned.board,
                                    title="A newer conversation")
        pinned.is_pinned = True
        db.session.commit()
        newer_id = newer.id
    topics = get_json(f"/boards/{place.ids['board']}/topics")["items"]
    assert [topic["id"] for topic in topics] == [place.ids["topic"], newer_id]
    assert topics[0]["pinned"] is True


def test_a_topic_shows_its_published_posts_in_order(place, get_json):
    topic = get_json(f"/topics/{place.ids['topic']}")
    assert topic["title"] == "Saturday café is back"
    assert topic["reply_count"] == 3
    posts = topic["posts"]
    assert [post["number"] for post in posts["items"]] == [1, 2, 3, 4]
    assert posts["total"] == 4
    assert posts["items"][0]["body_html"] == "<p>Tea and cake from ten.</p>"
    assert posts["items"][0]["links"]["web"] == \
        f"http://localhost/p/{posts['items'][0]['id']}"


def test_posts_are_paged_inside_the_topic(place, get_json):
    first = get_json(f"/topics/{place.ids['topic']}?per_page=3")
    assert [post["number"] for post in first["posts"]["items"]] == [1, 2, 3]
    second = get_json(first["posts"]["links"]["next"])
    assert [post["number"] for post in second["posts"]["items"]] == [4]
    assert second["id"] == place.ids["topic"]


def test_authors_are_named_only_by_an_adults_display_name(place, get_json):
    authors = [post["author"] for post in get_json(f"/topics/{place.ids['topic']}")["posts"]
               ["items"]]
    # The adult with a display name; the adult without one; a 17-year-old; the adult again.
    assert authors == ["Grace Okafor", None, None, "Grace Okafor"]
    young_topic = get_json(f"/topics/{place.ids['young_topic']}")
    assert young_topic["author"] is None
    assert young_topic["posts"]["items"][0]["author"] is None


def test_mentions_show_a_public_name_and_never_a_username(place, get_json):
    last = get_json(f"/topics/{place.ids['topic']}")["posts"]["items"][-1]
    assert last["body_html"] == ('<p>Thanks <span class="mention">@someone</span> and '
                                 '<span class="mention">@Grace Okafor</span>, see you there.</p>')


def test_a_staff_answer_is_marked_official(app, place, get_json, make_user):
    with app.app_context():
        staff = make_user("officer", roles=["staff"], display_name="Jo Officer")
        council = boards.create_board("Ask the council", official_answers=True)
        question = boards.create_topic(make_user("asker"), council, title="When is bin day?")
        answer = boards.create_reply(staff, question, "Tuesdays.")
        mark_official_answer(staff, answer)
        question_id = question.id
    posts = get_json(f"/topics/{question_id}")["posts"]["items"]
    assert [post["official_answer"] for post in posts] == [False, True]
