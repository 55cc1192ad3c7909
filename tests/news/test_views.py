"""Council news through the browser: the list, an article and its comments, ward news and
following wards, as visitors, residents and staff."""

from datetime import timedelta

import pytest

from forum.accounts.models import User, Ward, utcnow
from forum.extensions import db
from forum.news import services as news
from forum.news.models import NewsArticle, NewsComment, WardFollow
from forum.notifications.models import Notification
from tests.factories import PASSWORD, Page, visits
from tests.moderation.conftest import HATEFUL
from tests.news.conftest import load


def headlines(page, within="latest-heading"):
    """The headlines listed in the section the heading with id `within` names."""
    heading = page.find(id=within)
    if heading is None:
        return []
    return [item.find("a").text for item in heading.parent.find_all("h3", class_="topic-title")]


def item_for(page, title):
    """The list item of the article with this headline."""
    return next(item for item in page.find_all("li", class_="news-item")
                if item.find("a").text == title)


def comments_on(page):
    """{comment element id: the comment's text} for every comment shown, in order."""
    return {article.attrs["id"]: article.find("div", class_="user-content").text
            for article in page.find_all("article", class_="post")}


def comment_ids(run, article):
    return run(lambda: db.session.execute(
        db.select(NewsComment.id).where(NewsComment.article_id == article.id)
        .order_by(NewsComment.id)).scalars().all())


# --- the news list ------------------------------------------------------------------------------


def test_news_lists_live_articles_newest_first_with_what_readers_need(
        client, staff, riverside, hillside, write, run):
    write(staff, "Older borough news", category="services")
    newer = write(staff, "Road closure in two wards", wards=[riverside, hillside],
                  category="roads")
    write(staff, "Still a draft", publish=False)
    write(staff, "Scheduled for tomorrow", publish=utcnow() + timedelta(days=1))
    run(lambda: news.save_article(
        load(User, staff), load(NewsArticle, newer), title=newer.title, summary=newer.summary,
        body=newer.body_source + " Diversions are signed.", category="roads",
        borough_wide=False, wards=[load(Ward, riverside), load(Ward, hillside)],
        update_note="Diversions added."))

    page = Page(client.get("/news/"))

    assert page.heading == "Council news"
    assert headlines(page) == ["Road closure in two wards", "Older borough news"]
    item = item_for(page, "Road closure in two wards").text
    assert "What changes: road closure in two wards." in item
    assert "Roads and transport" in item and "For: Hillside and Riverside" in item
    assert "Published" in item and "Updated" in item
    older = item_for(page, "Older borough news").text
    assert "For: Borough-wide" in older and "Council services" in older
    assert "Updated" not in older
    link = item_for(page, "Older borough news").find("a").attrs["href"]
    assert Page(client.get(link)).heading == "Older borough news"


def test_pinned_announcements_come_first_marked_and_are_not_listed_twice(client, staff, write):
    write(staff, "Pinned long ago", pinned=True, category="announcement")
    write(staff, "Fresh news")
    page = Page(client.get("/news/"))
    assert headlines(page, "pinned-heading") == ["Pinned long ago"]
    pinned = page.find(id="pinned-heading").parent
    assert "Pinned" in pinned.find("h3").text
    assert headlines(page) == ["Fresh news"]
    assert page.text.index("Pinned long ago") < page.text.index("Fresh news")


def test_news_is_filtered_by_category_and_ward(client, staff, riverside, hillside, write):
    write(staff, "Bins for everyone", category="bins")
    write(staff, "Riverside roads", wards=[riverside], category="roads")
    write(staff, "Hillside roads", wards=[hillside], category="roads")

    assert headlines(Page(client.get("/news/?category=roads"))) == [
        "Hillside roads", "Riverside roads"]
    assert headlines(Page(client.get("/news/?ward=riverside"))) == [
        "Riverside roads", "Bins for everyone"]
    page = Page(client.get("/news/?ward=riverside&category=roads"))
    assert headlines(page) == ["Riverside roads"]
    assert page.value("ward") == "riverside" and page.value("category") == "roads"


def test_an_unknown_filter_is_refused_beside_its_field(client, staff, write):
    write(staff)
    response = client.get("/news/?category=gossip")
    assert response.status_code == 400
    assert Page(response).error_for("category") == "Choose a category from the list."
    response = client.get("/news/?ward=atlantis")
    assert response.status_code == 400
    assert Page(response).error_for("ward") == "Choose a ward from the list."


def test_news_is_paginated_twenty_a_page(client, staff, write, run):
    for number in range(22):
        write(staff, f"News item number {number:02d}")
    first = Page(client.get("/news/"))
    assert len(headlines(first)) == 20
    assert headlines(first)[0] == "News item number 21"
    following = first.find("a", rel="next").attrs["href"]
    assert headlines(Page(client.get(following))) == ["News item number 01",
                                                      "News item number 00"]


def test_a_page_number_past_the_end_shows_an_empty_page(client, staff, write):
    article = write(staff)
    for url in ("/news/?page=100000000000000000000000", "/news/ward/riverside?page=99999999999",
                f"/news/{article.id}?page=100000000000000000000000"):
        assert client.get(url).status_code == 200, url


def test_news_list_links_its_atom_feed(client, staff, write):
    write(staff)
    page = Page(client.get("/news/"))
    alternate = page.find("link", rel="alternate", type="application/atom+xml")
    assert alternate.attrs["href"] == "http://localhost/news/feed.atom"
    assert page.find("a", href="http://localhost/news/feed.atom") is not None
    ward_page = Page(client.get("/news/?ward=riverside"))
    assert ward_page.find("link", rel="alternate", type="application/atom+xml") \
        .attrs["href"] == "http://localhost/news/ward/riverside.atom"


def test_news_list_queries_do_not_grow_with_articles(app, client, staff, riverside, hillside,
                                                     write):
    for number in range(3):
        write(staff, f"Ward news {number}", wards=[riverside, hillside])
    few = visits(app, client, "/news/")
    for number in range(17):
        write(staff, f"More ward news {number}", wards=[riverside, hillside])
    assert visits(app, client, "/news/") == few


# --- one article --------------------------------------------------------------------------------


def test_article_page_shows_the_article_and_its_update_note(client, staff, riverside, write,
                                                             run):
    article = write(staff, "Library opening hours", wards=[riverside], category="culture",
                    body="The library now opens at **nine**. <script>alert(1)</script>")
    run(lambda: news.save_article(
        load(User, staff), load(NewsArticle, article), title="Library opening hours",
        summary=article.summary, body="The library now opens at **half past nine**.",
        category="culture", borough_wide=False, wards=[load(Ward, riverside)],
        update_note="Corrected the opening time."))

    page = Page(client.get(f"/news/{article.id}"))

    assert page.heading == "Library opening hours"
    assert page.title.startswith("Library opening hours")
    assert article.summary in page.main_text
    body = page.find("div", class_="user-content")
    assert body.find("strong").text == "half past nine"
    assert page.find("script") is None
    note = page.find("p", class_="update-note").text
    assert note.startswith("Updated") and note.endswith(": Corrected the opening time.")
    facts = page.find("dl", class_="summary-list").text
    assert "Culture, sport and leisure" in facts and "Riverside" in facts
    assert "Published" in facts
    assert page.find("div", class_="banner-staff") is None
    assert len(page.find_all("h1")) == 1


def test_staff_see_what_state_an_article_is_in(client, browser, staff, resident, write, run):
    draft = write(staff, "A draft", publish=False)
    later = write(staff, "Later news", publish=utcnow() + timedelta(days=2))
    taken_down = write(staff, "Taken down")
    run(lambda: news.unpublish(load(User, staff), load(NewsArticle, taken_down)))
    jo, sam = browser(staff), browser(resident)
    expected = {draft.id: "Draft.", later.id: "Scheduled.", taken_down.id: "Unpublished."}
    for article_id, banner in expected.items():
        assert client.get(f"/news/{article_id}").status_code == 404
        assert sam.get(f"/news/{article_id}").status_code == 404
        page = Page(jo.get(f"/news/{article_id}"))
        assert page.find("div", class_="banner-staff").text.startswith(banner)
    scheduled = Page(jo.get(f"/news/{later.id}")).find("div", class_="banner-staff")
    assert "goes live on" in scheduled.text and scheduled.find("time") is not None


def test_staff_get_a_link_to_edit_the_article_and_residents_do_not(browser, staff,
                                                                     resident, write):
    article = write(staff)
    edit = f"/staff/news/{article.id}/edit"
    assert Page(browser(staff).get(f"/news/{article.id}")).find("a", href=edit) is not None
    assert Page(browser(resident).get(f"/news/{article.id}")).find("a", href=edit) is None


def test_an_unknown_article_is_404(client):
    assert client.get("/news/999").status_code == 404
    assert client.get("/news/99999999999999").status_code == 404


# --- comments -----------------------------------------------------------------------------------


def test_a_resident_comments_and_lands_on_its_anchor(browser, staff, resident, write, run):
    article = write(staff)
    sam = browser(resident)
    response = sam.post(f"/news/{article.id}/comments", data={"body": "Thanks for *this*."})
    assert response.status_code == 302
    [comment_id] = comment_ids(run, article)
    assert response.headers["Location"].endswith(f"/news/{article.id}#c{comment_id}")
    page = Page(sam.get(response.headers["Location"]))
    assert comments_on(page) == {f"c{comment_id}": "Thanks for this ."}
    assert "Sam Patel" in page.find("article", id=f"c{comment_id}").text
    assert page.find(id="comments-heading").text == "Comments (1)"


def test_an_empty_comment_is_refused_beside_the_field(browser, staff, resident, write, run):
    article = write(staff)
    response = browser(resident).post(f"/news/{article.id}/comments", data={"body": "  "})
    assert response.status_code == 400
    assert Page(response).error_for("body") == "Write your comment first."
    assert comment_ids(run, article) == []


def test_a_too_long_comment_is_refused_and_the_text_kept(browser, staff, resident, write, run):
    article = write(staff)
    text = "words " * 1000
    response = browser(resident).post(f"/news/{article.id}/comments", data={"body": text})
    assert response.status_code == 400
    page = Page(response)
    assert "5,000 characters or fewer" in page.error_for("body")
    assert page.find("textarea", name="body").text == text.strip()
    assert comment_ids(run, article) == []


def test_a_hateful_comment_is_nudged_then_held_and_seen_only_by_its_author(
        client, browser, staff, resident, neighbour, write, run):
    article = write(staff)
    sam = browser(resident)
    response = sam.post(f"/news/{article.id}/comments", data={"body": HATEFUL})
    assert response.status_code == 200
    page = Page(response)
    assert page.find("h2", id="nudge-title").text == "Before you post: could this hurt people?"
    assert page.find("textarea", name="body").text == HATEFUL
    nudge_id = page.value("nudge_id")
    assert nudge_id.isdigit() and comment_ids(run, article) == []

    response = sam.post(f"/news/{article.id}/comments",
                        data={"body": HATEFUL, "nudge_id": nudge_id})
    assert response.status_code == 302
    [comment_id] = comment_ids(run, article)
    page = Page(sam.get(response.headers["Location"]))
    assert any("waiting for a moderator" in flash for flash in page.flashes)
    held = page.find("article", id=f"c{comment_id}")
    assert "Awaiting review" in held.text and "Waiting for a moderator" in held.text
    assert page.find(id="comments-heading").text == "Comments"

    for other in (client, browser(neighbour)):
        assert comments_on(Page(other.get(f"/news/{article.id}"))) == {}


def test_closed_comments_say_so_instead_of_the_form(browser, staff, resident, write, run):
    article = write(staff, comments_open=False)
    sam = browser(resident)
    page = Page(sam.get(f"/news/{article.id}"))
    assert page.find("textarea", name="body") is None
    assert "Comments on this article are closed." in page.find("section", id="comment").text
    response = sam.post(f"/news/{article.id}/comments", data={"body": "Let me in"})
    assert response.status_code == 400
    assert "Comments on this article are closed." in Page(response).main_text
    assert comment_ids(run, article) == []


def test_muted_residents_read_but_cannot_comment(browser, staff, make_user, write, run):
    article = write(staff)
    loud = make_user("loud")

    def mute():
        db.session.get(User, loud.id).muted_until = utcnow() + timedelta(days=3)
        db.session.commit()

    run(mute)
    shouty = browser(loud)
    page = Page(shouty.get(f"/news/{article.id}"))
    assert page.find("textarea", name="body") is None
    assert "You're muted until" in page.find("section", id="comment").text
    assert shouty.post(f"/news/{article.id}/comments",
                       data={"body": "Let me speak"}).status_code == 400
    assert comment_ids(run, article) == []


def test_visitors_are_asked_to_sign_in_to_comment(client, staff, write, run):
    article = write(staff)
    page = Page(client.get(f"/news/{article.id}"))
    assert page.find("textarea", name="body") is None
    link = page.find("section", id="comment").find("a")
    assert link.text == "Sign in to comment"
    assert link.attrs["href"].startswith("/account/signin?next=")
    response = client.post(f"/news/{article.id}/comments", data={"body": "Hello"})
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]
    assert comment_ids(run, article) == []


def test_young_commenters_are_shown_by_first_name_only(client, staff, make_user, write, run):
    article = write(staff)
    teen = make_user("tia", age_band="16_17", display_name="Tia Young")
    run(lambda: news.add_comment(load(User, teen), load(NewsArticle, article),
                                 "Can we have a skate park?"))
    page = Page(client.get(f"/news/{article.id}"))
    [comment] = page.find_all("article", class_="post")
    assert "Tia" in comment.find("header").text and "Young" not in comment.find("header").text


def test_each_comment_has_a_report_link_but_not_for_its_author(browser, staff, resident,
                                                                neighbour, write, in_app):
    article = write(staff)
    comment = in_app(lambda: news.add_comment(load(User, resident), load(NewsArticle, article),
                                           "A fair point."))
    page = Page(browser(neighbour).get(f"/news/{article.id}"))
    report = page.find("a", class_="report-link")
    assert report.attrs["href"] == f"/report/news_comment/{comment.id}"
    assert browser(neighbour).get(report.attrs["href"]).status_code == 200
    assert Page(browser(resident).get(f"/news/{article.id}")).find(
        "a", class_="report-link") is None


def test_a_comment_on_an_article_taken_down_cannot_be_reported(browser, staff, resident,
                                                                 neighbour, write, in_app):
    article = write(staff)
    comment = in_app(lambda: news.add_comment(load(User, resident), load(NewsArticle, article),
                                           "A fair point."))
    in_app(lambda: news.unpublish(load(User, staff), load(NewsArticle, article)))
    # The report page would show the title of an article residents can no longer read.
    assert browser(neighbour).get(f"/report/news_comment/{comment.id}").status_code == 404


def test_a_resident_deletes_their_own_comment_after_confirming(browser, staff, resident,
                                                               neighbour, write, run, in_app):
    article = write(staff)
    comment = in_app(lambda: news.add_comment(load(User, resident), load(NewsArticle, article),
                                           "Posted in haste."))
    grace = browser(neighbour)
    assert Page(grace.get(f"/news/{article.id}")).find(
        "a", href=f"/news/comments/{comment.id}/delete") is None
    assert grace.post(f"/news/comments/{comment.id}/delete").status_code == 403

    sam = browser(resident)
    link = Page(sam.get(f"/news/{article.id}")).find(
        "a", href=f"/news/comments/{comment.id}/delete")
    confirm = Page(sam.get(link.attrs["href"]))
    assert confirm.heading == "Delete this comment?"
    assert "Posted in haste." in confirm.main_text
    response = sam.post(link.attrs["href"])
    assert response.status_code == 302
    assert run(lambda: db.session.get(NewsComment, comment.id).status) == "deleted"
    assert comments_on(Page(sam.get(f"/news/{article.id}"))) == {}


def test_comments_are_paginated_and_a_new_one_lands_on_the_last_page(browser, staff, resident,
                                                                      write, run):
    article = write(staff)

    def fill():
        author, on = load(User, resident), load(NewsArticle, article)
        for number in range(news.COMMENTS_PER_PAGE):
            news.add_comment(author, on, f"Comment number {number}")

    run(fill)
    sam = browser(resident)
    response = sam.post(f"/news/{article.id}/comments", data={"body": "The newest one"})
    comment_id = comment_ids(run, article)[-1]
    assert response.headers["Location"].endswith(f"/news/{article.id}?page=2#c{comment_id}")
    first = Page(sam.get(f"/news/{article.id}"))
    assert len(comments_on(first)) == news.COMMENTS_PER_PAGE
    assert first.find("a", rel="next") is not None
    assert comments_on(Page(sam.get(f"/news/{article.id}?page=2"))) == {
        f"c{comment_id}": "The newest one"}


def test_article_page_queries_do_not_grow_with_comments(app, client, staff, make_user, write,
                                                        run):
    article = write(staff)
    people = [make_user(f"person{number}", age_band="16_17" if number % 2 else "adult")
              for number in range(6)]

    def add(count):
        on = load(NewsArticle, article)
        for number in range(count):
            news.add_comment(load(User, people[number % len(people)]), on, f"Comment {number}")

    run(lambda: add(2))
    few = visits(app, client, f"/news/{article.id}")
    run(lambda: add(18))
    assert visits(app, client, f"/news/{article.id}") == few


# --- wards and following them -------------------------------------------------------------------


def test_ward_news_shows_that_wards_and_borough_wide_news_pinned_first(
        client, staff, riverside, hillside, write):
    write(staff, "For everyone")
    write(staff, "Riverside market", wards=[riverside])
    write(staff, "Hillside market", wards=[hillside])
    write(staff, "Riverside flood warning", wards=[riverside], pinned=True)
    page = Page(client.get("/news/ward/riverside"))
    assert page.heading == "News for Riverside"
    assert headlines(page, "pinned-heading") == ["Riverside flood warning"]
    assert headlines(page) == ["Riverside market", "For everyone"]
    assert "Hillside market" not in page.main_text
    assert page.find("link", rel="alternate", type="application/atom+xml").attrs["href"] \
        == "http://localhost/news/ward/riverside.atom"


def test_an_unknown_ward_is_a_404_page(client):
    response = client.get("/news/ward/atlantis")
    assert response.status_code == 404
    assert "There's no ward by that name." in Page(response).main_text
    assert client.get("/news/ward/atlantis.atom").status_code == 404


def test_a_resident_follows_and_unfollows_a_ward_from_its_page(browser, neighbour, riverside,
                                                               run):
    grace = browser(neighbour)
    page = Page(grace.get("/news/ward/riverside"))
    follow = page.find("section", id="follow")
    assert "Get a notification when the council publishes news for Riverside." in follow.text
    assert follow.find("button").text == "Follow Riverside"
    response = grace.post("/news/ward/riverside/follow", data={"follow": "1"})
    assert response.status_code == 302
    page = Page(grace.get(response.headers["Location"]))
    assert "You're following news for Riverside." in page.flashes
    assert page.find("section", id="follow").find("button").text == "Unfollow Riverside"

    def follows():
        return run(lambda: news.followed_ward_ids(db.session.get(User, neighbour.id)))

    assert riverside.id in follows()
    grace.post("/news/ward/riverside/follow", data={"follow": "0"})
    assert riverside.id not in follows()


def test_visitors_are_asked_to_sign_in_to_follow_a_ward(client, riverside):
    page = Page(client.get("/news/ward/riverside"))
    assert page.find("section", id="follow").find("button") is None
    assert "Sign in to follow Riverside" in page.find("section", id="follow").text
    response = client.post("/news/ward/riverside/follow", data={"follow": "1"})
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]


def test_the_ward_list_shows_which_wards_i_follow(app, browser, make_user, resident, riverside,
                                                  hillside, follow):
    follow(resident, riverside)
    sam = browser(resident)
    page = Page(sam.get("/news/wards"))
    rows = {row.find("a").text: row for row in page.find_all("li", class_="topic-row")}
    assert set(rows) == {"Riverside", "Hillside"}
    assert "Following" in rows["Riverside"].text and "Following" not in rows["Hillside"].text
    assert rows["Riverside"].find("button").text == "Unfollow Riverside"
    response = sam.post("/news/ward/hillside/follow", data={"follow": "1", "back": "wards"})
    assert response.headers["Location"].endswith("/news/wards")
    rows = {row.find("a").text: row for row in
            Page(sam.get("/news/wards")).find_all("li", class_="topic-row")}
    assert "Following" in rows["Hillside"].text


def test_a_new_resident_follows_their_home_ward_and_hears_its_news(app, client, staff,
                                                                   riverside, write, run):
    response = client.post("/account/signup", data={
        "username": "Rosa", "email": "rosa@example.org", "password": "a long new password 9",
        "confirm": "a long new password 9", "date_of_birth": "1990-05-01",
        "ward": "riverside"})
    assert response.status_code == 302
    rosa = run(lambda: db.session.execute(
        db.select(User).where(User.username_key == "rosa")).scalar_one().id)
    assert run(lambda: db.session.execute(db.select(WardFollow.ward_id).where(
        WardFollow.user_id == rosa)).scalars().all()) == [riverside.id]
    article = write(staff, "Riverside news for Rosa", wards=[riverside])
    assert run(lambda: db.session.execute(db.select(Notification.user_id).where(
        Notification.content_kind == "news",
        Notification.content_id == article.id)).scalars().all()) == [rosa]


def test_followers_see_the_news_in_their_notifications(browser, staff, resident, riverside,
                                                       write, follow):
    follow(resident, riverside)
    article = write(staff, "Riverside bins on Tuesday", wards=[riverside])
    sam = browser(resident)
    page = Page(sam.get("/notifications"))
    [notice] = page.find_all("li", class_="notification")
    assert "Riverside bins on Tuesday" in notice.text
    response = sam.get(notice.find("a").attrs["href"])
    assert response.headers["Location"] == f"/news/{article.id}"


def test_unpublished_news_leaves_the_list_and_search(client, staff, write, run):
    article = write(staff, "Recycling centre closes early")
    assert "Recycling centre closes early" in Page(client.get("/search?q=recycling")).main_text
    run(lambda: news.unpublish(load(User, staff), load(NewsArticle, article)))
    assert headlines(Page(client.get("/news/"))) == []
    assert "Recycling centre closes early" not in \
        Page(client.get("/search?q=recycling")).main_text


# --- pinned news on the ward's board ------------------------------------------------------------


@pytest.fixture
def ward_board(in_app, riverside):
    from tests.boards.factories import create_ward_board

    return in_app(lambda: create_ward_board("Riverside"))


def test_a_ward_board_shows_its_pinned_announcements(client, staff, riverside, hillside,
                                                     ward_board, write, run):
    page = Page(client.get(f"/boards/{ward_board.slug}"))  # cached for visitors
    assert page.find(id="announcements-heading") is None
    write(staff, "Riverside flood warning", wards=[riverside], pinned=True)
    write(staff, "Hillside only", wards=[hillside], pinned=True)
    write(staff, "Borough-wide election notice", pinned=True)
    write(staff, "Not pinned", wards=[riverside])

    section = Page(client.get(f"/boards/{ward_board.slug}")).find(
        id="announcements-heading").parent
    assert [link.text for link in section.find_all("a")] == [
        "Borough-wide election notice", "Riverside flood warning"]

    def unpin():
        for article in db.session.execute(db.select(NewsArticle)).scalars():
            news.set_pinned(load(User, staff), article, False)

    run(unpin)
    assert Page(client.get(f"/boards/{ward_board.slug}")).find(id="announcements-heading") \
        is None


def test_a_topic_board_shows_no_announcements(client, staff, write, in_app):
    from tests.boards.factories import create_board

    board = in_app(lambda: create_board("Community café"))
    write(staff, "Borough-wide election notice", pinned=True)
    assert Page(client.get(f"/boards/{board.slug}")).find(id="announcements-heading") is None


def test_signing_in_from_the_article_comes_back_to_it(client, staff, resident, write):
    article = write(staff)
    link = Page(client.get(f"/news/{article.id}")).find("section", id="comment").find("a")
    response = client.post(link.attrs["href"], data={"login": "sam", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/news/{article.id}")
