"""Boards through the browser, as visitors, residents, moderators and staff."""

import re
from datetime import timedelta

import pytest

from forum.accounts.models import User, utcnow
from forum.boards.models import Post, Topic
from forum.boards.services import LOCKED_MESSAGE
from forum.extensions import db
from tests.boards.factories import posts_of, set_status
from tests.factories import Page, create_user

XSS_TITLE = '<script>alert("title")</script> Bins <img src=x onerror=alert(1)>'
XSS_BODY = ('<script>alert("body")</script> <img src=x onerror=alert(2)> '
            '[click me](javascript:alert(3)) **still bold**')


@pytest.fixture
def resident(make_user):
    return make_user(username="sam", display_name="Sam Patel")


@pytest.fixture
def neighbour(make_user):
    return make_user(username="grace", display_name="Grace Okafor")


@pytest.fixture
def moderator(make_user):
    return make_user(username="ravi", roles=["moderator"])


@pytest.fixture
def staff(make_user):
    return make_user(username="jo", roles=["staff"])


@pytest.fixture
def read(app):
    """read(fn) -> fn() run in a short app context, for asserting on the database."""

    def run(function):
        with app.app_context():
            return function()

    return run


def post_ids(read, topic):
    return read(lambda: [post.id for post in posts_of(topic)])


def articles(page):
    """{post element id: the post's text} for every post on a topic page, in order."""
    return {article.attrs["id"]: article.find("div", class_="user-content").text
            for article in page.find_all("article")}


def topic_titles(page):
    return [row.find("h2").find("a").text for row in page.find_all("li", class_="topic-row")]


def textarea(page, name="body"):
    """A textarea's text exactly as the browser submits it (the newline after the tag goes)."""
    element = page.find("textarea", name=name)
    text = "".join(child for child in element.children if isinstance(child, str))
    return text.removeprefix("\r\n").removeprefix("\n")


def has_reply_box(page):
    return page.find("textarea", name="body") is not None


def make_other_user(in_app):
    return in_app(create_user, "onlooker")


def no_script_or_handlers(page):
    for element in page.iter():
        assert element.tag not in ("script", "img", "svg", "iframe"), element.tag
        assert not any(name.startswith("on") for name in element.attrs), element.attrs
        assert not element.attrs.get("href", "").lower().startswith("javascript:")
    return True


# --- the board index and board pages -----------------------------------------------------------


def test_board_index_shows_counts_and_latest_topic(client, resident, neighbour, topic_board,
                                                   ward_board, make_topic):
    make_topic(resident, topic_board, title="An older topic")
    latest = make_topic(neighbour, topic_board, title="Café reopens Saturday",
                        replies=[(resident, "Great news")])
    page = Page(client.get("/boards/"))
    rows = {row.find("h3").text: row for row in page.find_all("li", class_="board-row")}
    cafe = rows["Community café"]
    assert [dd.text for dd in cafe.find_all("dd")] == ["2", "3"]
    link = cafe.find("p", class_="board-latest").find("a")
    assert (link.text, link.attrs["href"]) == ("Café reopens Saturday", f"/t/{latest.id}")
    assert "No topics yet." in rows["Riverside"].text
    borough, wards = page.find_all("section")
    assert [row.find("h3").text for row in borough.find_all("li", class_="board-row")] == [
        "Community café"]
    assert [row.find("h3").text for row in wards.find_all("li", class_="board-row")] == [
        "Riverside"]


def test_unknown_board_is_404(client, login, resident):
    assert client.get("/boards/no-such-board").status_code == 404
    login(resident)
    assert client.get("/boards/no-such-board/new").status_code == 404


def test_board_page_lists_pinned_first_then_latest_activity(
        client, browser, resident, neighbour, moderator, topic_board, make_topic, make_reply):
    first = make_topic(resident, topic_board, title="First topic")
    make_topic(resident, topic_board, title="Second topic")
    rules = make_topic(moderator, topic_board, title="House rules")
    response = browser(moderator).post(f"/t/{rules.id}/moderate", data={"action": "pin"})
    assert response.status_code == 302
    make_reply(neighbour, first, "Bumping this")
    page = Page(client.get(f"/boards/{topic_board.slug}"))
    assert page.heading == "Community café"
    assert topic_titles(page) == ["House rules", "First topic", "Second topic"]
    rows = page.find_all("li", class_="topic-row")
    assert "Pinned" in rows[0].find("h2").text and "Pinned" not in rows[1].find("h2").text
    assert "1 reply" in rows[1].text and "by Grace Okafor" in rows[1].text
    assert "0 replies" in rows[2].text


def test_board_page_shows_thirty_topics_a_page(client, resident, topic_board, make_topic):
    for number in range(31):
        make_topic(resident, topic_board, title=f"Topic number {number:02}")
    first = Page(client.get(f"/boards/{topic_board.slug}"))
    assert len(topic_titles(first)) == 30
    assert "Page 1 of 2" in first.find("nav", class_="pagination").text
    next_link = first.find("a", rel="next").attrs["href"]
    second = Page(client.get(next_link))
    assert topic_titles(second) == ["Topic number 00"]


def test_visitors_are_asked_to_sign_in_to_start_a_topic(client, topic_board):
    page = Page(client.get(f"/boards/{topic_board.slug}"))
    assert "Sign in to start a topic" in page.main_text
    response = client.get(f"/boards/{topic_board.slug}/new")
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]


# --- starting a topic ---------------------------------------------------------------------------


def test_resident_starts_a_topic_with_title_and_body(client, login, resident, topic_board):
    login(resident)
    response = client.post(f"/boards/{topic_board.slug}/new",
                           data={"title": "Saturday café is back", "body": "From the **6th**."})
    assert response.status_code == 302
    match = re.fullmatch(r"/t/(\d+)", response.headers["Location"])
    assert match
    page = Page(client.get(response.headers["Location"]))
    assert page.heading == "Saturday café is back"
    assert list(articles(page).values()) == ["From the 6th ."]
    assert page.find("article").find("strong").text == "6th"
    board_page = Page(client.get(f"/boards/{topic_board.slug}"))
    assert topic_titles(board_page) == ["Saturday café is back"]


@pytest.mark.parametrize("data, field, message", [
    ({"title": "Bins", "body": "My careful words"}, "title", "characters"),
    ({"title": "Bins on Mill Lane", "body": ""}, "body", "Write something before you post."),
    ({"title": "Bins on Mill Lane", "body": "   "}, "body", "Write something before you post."),
])
def test_bad_topic_is_refused_beside_the_field_keeping_the_text(client, login, resident,
                                                                topic_board, read, data, field,
                                                                message):
    login(resident)
    response = client.post(f"/boards/{topic_board.slug}/new", data=data)
    assert response.status_code == 400
    page = Page(response)
    assert message in page.error_for(field)
    assert page.value("title") == data["title"]
    assert textarea(page) == data["body"]
    assert read(lambda: db.session.execute(db.select(Topic)).first()) is None


def test_a_100kb_topic_is_refused_with_a_clear_error(client, login, resident, topic_board, read):
    login(resident)
    body = "word " * 20_000
    response = client.post(f"/boards/{topic_board.slug}/new",
                           data={"title": "A very long story", "body": body})
    assert response.status_code == 400
    page = Page(response)
    assert "Posts can be up to 20,000 characters; this one has 99,999." in page.error_for("body")
    assert page.value("title") == "A very long story"
    assert textarea(page) == body
    assert read(lambda: db.session.execute(db.select(Topic)).first()) is None


def test_xss_in_title_and_body_is_shown_as_text(client, login, resident, topic_board):
    login(resident)
    response = client.post(f"/boards/{topic_board.slug}/new",
                           data={"title": XSS_TITLE, "body": XSS_BODY})
    assert response.status_code == 302
    page = Page(client.get(response.headers["Location"]))
    assert no_script_or_handlers(page)
    assert page.heading == XSS_TITLE
    assert XSS_TITLE in page.title
    body = page.find("article").find("div", class_="user-content")
    assert '<script>alert("body")</script>' in body.text
    assert body.find("strong").text == "still bold"
    assert body.find("a") is None
    board_page = Page(client.get(f"/boards/{topic_board.slug}"))
    assert no_script_or_handlers(board_page)
    assert topic_titles(board_page) == [XSS_TITLE]
    index = Page(client.get("/boards/"))
    assert no_script_or_handlers(index)


def test_unverified_resident_is_told_to_confirm_and_cannot_post(client, login, make_user,
                                                                topic_board, read):
    login(make_user(username="newbie", verified=False))
    page = Page(client.get(f"/boards/{topic_board.slug}/new"))
    assert "Confirm your e-mail address before you start a topic" in page.main_text
    assert page.find("textarea", name="body") is None
    response = client.post(f"/boards/{topic_board.slug}/new",
                           data={"title": "Let me in please", "body": "Hello"})
    assert response.status_code == 400
    assert "Confirm your e-mail address" in Page(response).main_text
    assert read(lambda: db.session.execute(db.select(Topic)).first()) is None


def test_muted_resident_reads_but_cannot_reply(client, login, make_user, resident, topic_board,
                                               make_topic, read):
    topic = make_topic(resident, topic_board)
    loud = make_user(username="loud")

    def mute():
        db.session.get(User, loud.id).muted_until = utcnow() + timedelta(days=3)
        db.session.commit()

    read(mute)
    login(loud)
    page = Page(client.get(f"/t/{topic.id}"))
    assert not has_reply_box(page)
    assert "You can read but not post until" in page.find("section", id="reply").text
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Let me speak"})
    assert response.status_code == 400
    assert len(post_ids(read, topic)) == 1


# --- replying ---------------------------------------------------------------------------------


def test_reply_lands_on_its_anchor(client, login, resident, neighbour, topic_board, make_topic,
                                   read):
    topic = make_topic(resident, topic_board)
    login(neighbour)
    response = client.post(f"/t/{topic.id}/reply", data={"body": "I saw that *too*."})
    assert response.status_code == 302
    reply_id = post_ids(read, topic)[-1]
    assert response.headers["Location"].endswith(f"#p{reply_id}")
    page = Page(client.get(response.headers["Location"]))
    assert articles(page)[f"p{reply_id}"] == "I saw that too ."


def test_empty_reply_is_refused_beside_the_field(client, login, resident, neighbour,
                                                 topic_board, make_topic, read):
    topic = make_topic(resident, topic_board)
    login(neighbour)
    response = client.post(f"/t/{topic.id}/reply", data={"body": "  "})
    assert response.status_code == 400
    assert Page(response).error_for("body") == "Write something before you post."
    assert len(post_ids(read, topic)) == 1


def test_a_100kb_reply_is_refused_and_the_text_kept(client, login, resident, neighbour,
                                                    topic_board, make_topic, read):
    topic = make_topic(resident, topic_board)
    login(neighbour)
    body = "x" * 100_000
    response = client.post(f"/t/{topic.id}/reply", data={"body": body})
    assert response.status_code == 400
    page = Page(response)
    assert "up to 20,000 characters; this one has 100,000" in page.error_for("body")
    assert textarea(page) == body
    assert len(post_ids(read, topic)) == 1


def test_xss_in_a_reply_is_sanitised(client, login, resident, neighbour, topic_board,
                                     make_topic):
    topic = make_topic(resident, topic_board)
    login(neighbour)
    response = client.post(f"/t/{topic.id}/reply", data={"body": XSS_BODY})
    page = Page(client.get(response.headers["Location"]))
    assert no_script_or_handlers(page)
    assert '<script>alert("body")</script>' in page.main_text


def test_visitors_are_asked_to_sign_in_to_reply(client, resident, topic_board, make_topic):
    topic = make_topic(resident, topic_board)
    page = Page(client.get(f"/t/{topic.id}"))
    assert not has_reply_box(page)
    assert "Sign in or join to reply." in page.find("section", id="reply").text
    response = client.post(f"/t/{topic.id}/reply", data={"body": "Hi"})
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]


# --- locking, pinning, moving -------------------------------------------------------------------


def test_locked_topic_refuses_residents_with_a_clear_message(browser, resident, neighbour,
                                                             moderator, topic_board,
                                                             make_topic, read):
    topic = make_topic(resident, topic_board)
    mod = browser(moderator)
    response = mod.post(f"/t/{topic.id}/moderate", data={"action": "lock",
                                                         "reason": "Sorted, thanks all"})
    assert response.status_code == 302
    grace = browser(neighbour)
    page = Page(grace.get(f"/t/{topic.id}"))
    assert "This topic is locked: Sorted, thanks all. No new replies can be added." \
        in page.main_text
    assert not has_reply_box(page)
    response = grace.post(f"/t/{topic.id}/reply", data={"body": "One more thing"})
    assert response.status_code == 400
    assert LOCKED_MESSAGE in Page(response).find("section", id="reply").text
    assert len(post_ids(read, topic)) == 1
    board_row = Page(grace.get(f"/boards/{topic_board.slug}")).find("li", class_="topic-row")
    assert "Locked" in board_row.find("h2").text
    assert has_reply_box(Page(mod.get(f"/t/{topic.id}")))
    assert mod.post(f"/t/{topic.id}/reply", data={"body": "Locking this."}).status_code == 302
    assert len(post_ids(read, topic)) == 2


def test_moderator_pins_and_moves_a_topic(browser, resident, moderator, topic_board,
                                          ward_board, make_topic, read):
    topic = make_topic(resident, topic_board)
    mod = browser(moderator)
    page = Page(mod.get(f"/t/{topic.id}"))
    assert page.find("section", class_="mod-tools") is not None
    mod.post(f"/t/{topic.id}/moderate", data={"action": "pin"})
    response = mod.post(f"/t/{topic.id}/moderate", data={"action": "move",
                                                         "board": ward_board.slug})
    assert response.status_code == 302
    page = Page(mod.get(f"/t/{topic.id}"))
    assert "Topic moved to Riverside." in page.flashes
    assert page.find("a", href=f"/boards/{ward_board.slug}").text == "Riverside"
    assert topic_titles(Page(mod.get(f"/boards/{ward_board.slug}"))) == [topic.title]
    assert topic_titles(Page(mod.get(f"/boards/{topic_board.slug}"))) == []
    assert read(lambda: db.session.get(Topic, topic.id).is_pinned)


@pytest.mark.parametrize("data", [
    {"action": "pin"}, {"action": "lock", "reason": "mine now"},
    {"action": "move", "board": "riverside"},
])
def test_residents_cannot_pin_lock_or_move(browser, resident, topic_board, ward_board,
                                           make_topic, read, data):
    topic = make_topic(resident, topic_board)
    sam = browser(resident)
    assert Page(sam.get(f"/t/{topic.id}")).find("section", class_="mod-tools") is None
    assert sam.post(f"/t/{topic.id}/moderate", data=data).status_code == 403
    saved = read(lambda: db.session.get(Topic, topic.id))
    assert (saved.is_pinned, saved.is_locked, saved.board_id) == (False, False, topic_board.id)


# --- deleting -----------------------------------------------------------------------------------


def test_deleted_topic_address_is_404(browser, client, resident, neighbour, moderator,
                                      topic_board, make_topic, read):
    topic = make_topic(resident, topic_board, replies=[(neighbour, "A reply")])
    opening, reply = post_ids(read, topic)
    sam = browser(resident)
    page = Page(sam.get(f"/p/{opening}/delete"))
    assert "Deleting the first post deletes the whole topic" in page.main_text
    response = sam.post(f"/p/{opening}/delete")
    assert response.headers["Location"] == f"/boards/{topic_board.slug}"
    for someone in (sam, browser(neighbour), browser(moderator), client):
        assert someone.get(f"/t/{topic.id}").status_code == 404
        assert someone.get(f"/p/{reply}").status_code == 404
    assert topic_titles(Page(client.get(f"/boards/{topic_board.slug}"))) == []


def test_resident_deletes_own_reply_softly(browser, resident, neighbour, topic_board,
                                           make_topic, read):
    topic = make_topic(resident, topic_board, replies=[(neighbour, "Oops, wrong topic")])
    opening, reply = post_ids(read, topic)
    grace = browser(neighbour)
    assert grace.post(f"/p/{reply}/delete").headers["Location"] == f"/t/{topic.id}"
    page = Page(grace.get(f"/t/{topic.id}?page=1"))
    assert "The post is deleted." in page.flashes
    assert list(articles(page)) == [f"p{opening}"]
    assert read(lambda: db.session.get(Post, reply).status) == "deleted"
    assert grace.get(f"/p/{reply}").status_code == 404


def test_someone_elses_post_cannot_be_deleted(browser, resident, neighbour, topic_board,
                                              make_topic, read):
    topic = make_topic(resident, topic_board)
    (opening,) = post_ids(read, topic)
    grace = browser(neighbour)
    assert grace.get(f"/p/{opening}/delete").status_code == 403
    assert grace.post(f"/p/{opening}/delete").status_code == 403
    assert read(lambda: db.session.get(Post, opening).status) == "published"


# --- editing ------------------------------------------------------------------------------------


def test_someone_elses_post_edit_is_403(browser, resident, neighbour, topic_board, make_topic,
                                        read):
    topic = make_topic(resident, topic_board, body="My words")
    (opening,) = post_ids(read, topic)
    grace = browser(neighbour)
    page = Page(grace.get(f"/t/{topic.id}"))
    assert "Edit" not in page.find("article").find("footer").text
    assert grace.get(f"/p/{opening}/edit").status_code == 403
    response = grace.post(f"/p/{opening}/edit", data={"body": "Your words", "title": "Mine"})
    assert response.status_code == 403
    assert read(lambda: db.session.get(Post, opening).body_source) == "My words"


def test_edit_shows_an_edited_mark_and_history_to_moderators(browser, resident, neighbour,
                                                             moderator, topic_board,
                                                             make_topic, read):
    topic = make_topic(resident, topic_board, title="Bins on Mill Lane", body="Tuesday")
    (opening,) = post_ids(read, topic)
    sam = browser(resident)
    form = Page(sam.get(f"/p/{opening}/edit"))
    assert (form.value("title"), form.value("body").strip()) == ("Bins on Mill Lane", "Tuesday")
    response = sam.post(f"/p/{opening}/edit", data={"title": "Bins on Mill Lane, again",
                                                     "body": "Wednesday"})
    assert response.status_code == 302
    page = Page(sam.get(f"/t/{topic.id}"))
    assert page.heading == "Bins on Mill Lane, again"
    assert articles(page) == {f"p{opening}": "Wednesday"}
    assert page.find("article").find("span", class_="edited") is not None
    assert "History" not in page.find("article").find("footer").text
    assert browser(neighbour).get(f"/p/{opening}/history").status_code == 403
    mod = browser(moderator)
    history_link = Page(mod.get(f"/t/{topic.id}")).find("article").find("footer").find_all("a")
    assert "History (1)" in [link.text for link in history_link]
    history = Page(mod.get(f"/p/{opening}/history"))
    sources = [pre.text for pre in history.find_all("pre")]
    assert sources == ["Wednesday", "Tuesday"]
    assert "Title: Bins on Mill Lane" in history.main_text


def test_a_bad_edit_keeps_the_text_and_says_why(browser, resident, topic_board, make_topic,
                                                read):
    topic = make_topic(resident, topic_board, body="Short and sweet")
    (opening,) = post_ids(read, topic)
    body = "y" * 100_000
    response = browser(resident).post(f"/p/{opening}/edit",
                                      data={"title": topic.title, "body": body})
    assert response.status_code == 400
    page = Page(response)
    assert "up to 20,000 characters" in page.error_for("body")
    assert textarea(page) == body
    assert read(lambda: db.session.get(Post, opening).body_source) == "Short and sweet"


# --- thanks and official answers -------------------------------------------------------------


def test_thanking_a_post_counts_once(browser, resident, neighbour, topic_board, make_topic,
                                     read):
    topic = make_topic(resident, topic_board)
    (opening,) = post_ids(read, topic)
    grace = browser(neighbour)
    assert grace.post(f"/p/{opening}/thank").status_code == 302
    grace.post(f"/p/{opening}/thank")
    footer = Page(grace.get(f"/t/{topic.id}")).find("article").find("footer")
    assert footer.find("span", class_="thanks-count").text == "1 thanks"
    assert footer.find("button").text == "Thanked ✓"
    grace.post(f"/p/{opening}/thank", data={"undo": "1"})
    footer = Page(grace.get(f"/t/{topic.id}")).find("article").find("footer")
    assert footer.find("span", class_="thanks-count") is None


def test_nobody_can_thank_their_own_post(browser, resident, topic_board, make_topic, read):
    topic = make_topic(resident, topic_board)
    (opening,) = post_ids(read, topic)
    sam = browser(resident)
    footer = Page(sam.get(f"/t/{topic.id}")).find("article").find("footer")
    assert "Thank" not in footer.text
    assert sam.post(f"/p/{opening}/thank").status_code == 403
    assert read(lambda: db.session.get(Post, opening).thanks_count) == 0


def test_staff_mark_the_official_answer_in_ask_the_council(browser, client, resident, staff,
                                                           council_board, make_topic, read):
    topic = make_topic(resident, council_board, title="When will the lights be fixed?",
                       replies=[(resident, "Any news?"), (staff, "A crew is booked Thursday.")])
    _, _, answer = post_ids(read, topic)
    jo = browser(staff)
    buttons = [button.text for button in Page(jo.get(f"/t/{topic.id}")).find_all("button")]
    assert buttons.count("Mark as official answer") == 1
    assert jo.post(f"/p/{answer}/official").status_code == 302
    page = Page(client.get(f"/t/{topic.id}"))
    official = page.find("article", class_="post-official")
    assert official.attrs["id"] == f"p{answer}"
    assert "Official council answer" in official.text


def test_residents_cannot_mark_official_answers(browser, resident, staff, council_board,
                                                make_topic, read):
    topic = make_topic(resident, council_board, replies=[(staff, "A crew is booked.")])
    _, answer = post_ids(read, topic)
    sam = browser(resident)
    assert "Mark as official answer" not in Page(sam.get(f"/t/{topic.id}")).main_text
    assert sam.post(f"/p/{answer}/official").status_code == 403
    assert read(lambda: db.session.get(Topic, topic.id).official_post_id) is None


def test_no_official_answers_on_an_ordinary_board(browser, resident, staff, topic_board,
                                                  make_topic, read):
    topic = make_topic(resident, topic_board, replies=[(staff, "Staff here.")])
    _, answer = post_ids(read, topic)
    jo = browser(staff)
    assert "Mark as official answer" not in Page(jo.get(f"/t/{topic.id}")).main_text
    assert jo.post(f"/p/{answer}/official").status_code == 403
    assert read(lambda: db.session.get(Topic, topic.id).official_post_id) is None


# --- quoting, deep links, pages, unread --------------------------------------------------------


def test_quote_prefills_the_reply_box(browser, resident, neighbour, topic_board, make_topic,
                                      read):
    topic = make_topic(resident, topic_board, body="Bins go out Tuesday.\n\nNot Monday.")
    (opening,) = post_ids(read, topic)
    grace = browser(neighbour)
    page = Page(grace.get(f"/t/{topic.id}?quote={opening}"))
    assert textarea(page) == ("> **@sam wrote:**\n>\n> Bins go out Tuesday.\n>\n"
                                  "> Not Monday.\n\n")
    quote_link = page.find("article").find("footer").find_all("a")[0]
    assert quote_link.attrs["href"] == f"/t/{topic.id}?page=1&quote={opening}#reply"


def test_quoting_a_post_one_cannot_see_leaves_the_box_empty(browser, resident, neighbour,
                                                            topic_board, make_topic, in_app,
                                                            read):
    topic = make_topic(resident, topic_board, replies=[(resident, "A secret held reply")])
    _, held = post_ids(read, topic)
    in_app(lambda: set_status(db.session.get(Post, held), "held"))
    page = Page(browser(neighbour).get(f"/t/{topic.id}?quote={held}"))
    assert textarea(page) == ""


@pytest.fixture
def long_topic(resident, neighbour, topic_board, make_topic):
    """A topic of 25 posts: 20 on the first page, 5 on the second."""
    replies = [(neighbour if number % 2 else resident, f"Reply number {number}")
               for number in range(2, 26)]
    return make_topic(resident, topic_board, body="Opening post", replies=replies)


def test_topic_shows_twenty_posts_a_page(client, long_topic, read):
    ids = post_ids(read, long_topic)
    first = Page(client.get(f"/t/{long_topic.id}"))
    assert list(articles(first)) == [f"p{post_id}" for post_id in ids[:20]]
    assert "Page 1 of 2" in first.find("nav", class_="pagination").text
    second = Page(client.get(first.find("a", rel="next").attrs["href"]))
    assert list(articles(second)) == [f"p{post_id}" for post_id in ids[20:]]
    assert list(articles(second).values())[-1] == "Reply number 25"


def test_deep_link_to_a_post_lands_on_its_page(client, long_topic, read):
    ids = post_ids(read, long_topic)
    response = client.get(f"/p/{ids[22]}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/t/{long_topic.id}?page=2#p{ids[22]}"
    page = Page(client.get(response.headers["Location"]))
    assert articles(page)[f"p{ids[22]}"] == "Reply number 23"
    early = client.get(f"/p/{ids[2]}", follow_redirects=True)
    assert f"p{ids[2]}" in articles(Page(early))


def test_deep_link_to_a_post_on_page_one_for_someone_with_unread_posts(
        browser, neighbour, long_topic, read):
    grace = browser(neighbour)
    ids = post_ids(read, long_topic)
    grace.get(f"/t/{long_topic.id}?page=1")
    response = grace.get(f"/p/{ids[3]}", follow_redirects=True)
    assert response.status_code == 200
    assert f"p{ids[3]}" in articles(Page(response))


def test_topic_opens_at_the_first_unread_post(browser, resident, neighbour, topic_board,
                                              make_topic, make_reply, read):
    topic = make_topic(resident, topic_board, replies=[(resident, "Second post")])
    grace = browser(neighbour)
    assert grace.get(f"/t/{topic.id}").status_code == 200  # reads both posts
    new = make_reply(resident, topic, "Third post")
    make_reply(resident, topic, "Fourth post")
    board = Page(grace.get(f"/boards/{topic_board.slug}"))
    assert "New replies" in board.find("li", class_="topic-row").text
    response = grace.get(f"/t/{topic.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#p{new.id}")
    page = Page(grace.get(response.headers["Location"], follow_redirects=True))
    assert f"p{new.id}" in articles(page)
    assert grace.get(f"/t/{topic.id}").status_code == 200  # now up to date
    board = Page(grace.get(f"/boards/{topic_board.slug}"))
    assert "New replies" not in board.find("li", class_="topic-row").text


def test_unread_posts_on_a_later_page_open_that_page(browser, resident, neighbour, long_topic,
                                                     make_reply, read):
    grace = browser(neighbour)
    grace.get(f"/t/{long_topic.id}?page=2")
    new = make_reply(resident, long_topic, "Post 26")
    response = grace.get(f"/t/{long_topic.id}")
    assert response.headers["Location"] == f"/t/{long_topic.id}?page=2#p{new.id}"


# --- following ----------------------------------------------------------------------------------


def test_following_a_board_and_a_topic_from_their_pages(browser, resident, neighbour,
                                                        topic_board, make_topic):
    topic = make_topic(resident, topic_board)
    grace = browser(neighbour)
    grace.post(f"/boards/{topic_board.slug}/follow", data={"follow": "1"})
    page = Page(grace.get(f"/boards/{topic_board.slug}"))
    assert "You're following Community café." in page.flashes
    assert "Stop following" in [button.text for button in page.find_all("button")]
    grace.post(f"/t/{topic.id}/follow", data={"follow": "1"})
    page = Page(grace.get(f"/t/{topic.id}"))
    assert "You're following this topic." in page.flashes
    grace.post(f"/t/{topic.id}/follow", data={"follow": "0"})
    page = Page(grace.get(f"/t/{topic.id}"))
    assert "Follow" in [button.text for button in page.find_all("button")]


# --- held and removed content -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["held", "removed"])
def test_hidden_reply_is_seen_only_by_its_author_and_moderators(
        browser, client, resident, neighbour, moderator, topic_board, make_topic, in_app, read,
        status):
    topic = make_topic(resident, topic_board, replies=[(neighbour, "Something borderline")])
    opening, reply = post_ids(read, topic)
    in_app(lambda: set_status(db.session.get(Post, reply), status))
    anchor = f"p{reply}"
    for other in (client, browser(resident), browser(make_other_user(in_app))):
        page = Page(other.get(f"/t/{topic.id}?page=1"))
        assert anchor not in articles(page)
        assert "Something borderline" not in page.main_text
        assert other.get(f"/p/{reply}").status_code == 404
    for viewer in (browser(neighbour), browser(moderator)):
        page = Page(viewer.get(f"/t/{topic.id}?page=1"))
        assert articles(page)[anchor] == "Something borderline"
        note = page.find("article", id=anchor).find("p", class_="status-note")
        assert note is not None
        if status == "held":
            assert "Waiting for a moderator to check this" in note.text


@pytest.mark.parametrize("status", ["held", "removed"])
def test_hidden_topic_is_seen_only_by_its_author_and_moderators(
        browser, client, resident, neighbour, moderator, topic_board, make_topic, in_app,
        status):
    make_topic(neighbour, topic_board, title="A visible topic")
    topic = make_topic(resident, topic_board, title="A borderline topic")
    in_app(lambda: set_status(db.session.get(Topic, topic.id), status))
    for other in (client, browser(neighbour)):
        assert topic_titles(Page(other.get(f"/boards/{topic_board.slug}"))) == [
            "A visible topic"]
        assert other.get(f"/t/{topic.id}").status_code == 404
        index = Page(other.get("/boards/"))
        assert "A borderline topic" not in index.main_text
    author_view = Page(browser(resident).get(f"/boards/{topic_board.slug}"))
    assert sorted(topic_titles(author_view)) == ["A borderline topic", "A visible topic"]
    row = [row for row in author_view.find_all("li", class_="topic-row")
           if "A borderline topic" in row.text][0]
    expected_tag = "Awaiting review" if status == "held" else "Removed"
    assert row.find("span", class_="tag-warn").text == expected_tag
    for viewer in (browser(resident), browser(moderator)):
        page = Page(viewer.get(f"/t/{topic.id}"))
        assert page.heading == "A borderline topic"
        assert page.find("p", class_="status-note") is not None
    assert "A borderline topic" in topic_titles(
        Page(browser(moderator).get(f"/boards/{topic_board.slug}")))
