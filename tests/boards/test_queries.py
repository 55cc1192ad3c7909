"""No N+1 queries: the board and topic pages run as many SQL statements for 30 topics or 20
posts as for a handful."""

import pytest

from forum.boards import services
from tests.boards.factories import create_board, create_topic, posts_of
from tests.factories import Page, visits


@pytest.fixture
def authors(make_user):
    """People of every kind whose names, roles and ages the pages show."""
    return [
        make_user(username="sam", display_name="Sam Patel"),
        make_user(username="ravi", roles=["moderator"]),
        make_user(username="jo", roles=["staff"]),
        make_user(username="leah", display_name="Leah Brown", age_band="16_17"),
        make_user(username="amina", mentor=True),
    ]


@pytest.fixture(params=["resident", "staff"])
def viewer(request, make_user):
    roles = ["staff"] if request.param == "staff" else []
    return make_user(username="viewer", roles=roles)


def fill_board(board, authors, viewer, count):
    """`count` topics by turns of authors, each with a reply by the next, some thanked."""
    for number in range(count):
        author, replier = authors[number % len(authors)], authors[(number + 1) % len(authors)]
        topic = create_topic(author, board, title=f"Topic number {number}",
                             replies=[(replier, f"Reply to topic {number}")])
        if number % 3 == 0:
            services.set_pinned(authors[1], topic, True)
        if number % 4 == 0:
            services.mark_read(viewer, topic, posts_of(topic)[:1])


def fill_topic(board, authors, viewer, count):
    """A topic of `count` posts by turns of authors, with thanks, edits and an answer."""
    topic = create_topic(authors[0], board, title=f"A topic of {count} posts")
    for number in range(2, count + 1):
        services.reply_to_topic(authors[number % len(authors)], topic, f"Post {number}")
    posts = posts_of(topic)
    for post in posts[1::2]:
        if post.author_id != viewer.id:
            services.thank_post(viewer, post)
    services.edit_post(posts[1].author, posts[1], "Post 2, edited")
    staff_reply = next(post for post in posts if "staff" in post.author.roles)
    services.mark_official_answer(authors[2], staff_reply)
    return topic.id


@pytest.fixture
def boards(run, authors, viewer):
    """Two boards with 5 and 30 topics, and an "Ask the council" board with 3- and 20-post
    topics: (small board slug, large board slug, small topic id, large topic id)."""

    def make():
        small, large = create_board("Small board"), create_board("Large board")
        council = create_board("Ask the council", official_answers=True)
        fill_board(small, authors, viewer, 5)
        fill_board(large, authors, viewer, 30)
        few = fill_topic(council, authors, viewer, 3)
        many = fill_topic(council, authors, viewer, 20)
        return small.slug, large.slug, few, many

    return run(make)


def test_board_page_queries_do_not_grow_with_topics(app, client, login, viewer, boards):
    small, large, _, _ = boards
    login(viewer)
    assert visits(app, client, f"/boards/{small}") == visits(app, client, f"/boards/{large}")


def test_topic_page_queries_do_not_grow_with_posts(app, client, login, viewer, boards):
    _, _, few, many = boards
    login(viewer)
    assert visits(app, client, f"/t/{few}") == visits(app, client, f"/t/{many}")


def test_the_pages_really_show_every_topic_and_post(app, client, login, viewer, boards):
    """The counts above compare full pages, not empty ones."""
    _, large, _, many = boards
    login(viewer)
    board_page = Page(client.get(f"/boards/{large}"))
    topic_page = Page(client.get(f"/t/{many}"))
    assert len(board_page.find_all("li", class_="topic-row")) == 30
    assert len(topic_page.find_all("article")) == 20
    assert topic_page.find("article", class_="post-official") is not None
    assert topic_page.find("span", class_="edited") is not None
