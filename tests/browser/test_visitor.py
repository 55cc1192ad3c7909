"""A visitor who has not signed in reads the boards, events and news, searches, and is asked
to sign in when they try to post."""

from urllib.parse import parse_qs, urlsplit


def _next_of(path):
    """The `next` a sign-in address carries back to."""
    return parse_qs(urlsplit(path).query).get("next", [None])[0]


def go_to(person, section):
    """Follow a link in the header's main navigation."""
    with person.page.expect_navigation():
        person.page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=section, exact=True).click()
    person.check()


def test_a_visitor_reads_searches_and_is_asked_to_sign_in_to_post(site):
    visitor = site.person()
    page = visitor.page
    visitor.visit("/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert page.get_by_role("link", name="Sign in", exact=True).is_visible()

    # The boards: the index, a board, a topic and its conversation.
    go_to(visitor, "Boards")
    assert visitor.path == "/boards/"
    assert page.get_by_role("heading", name="Ward boards").is_visible()
    visitor.click("link", "Community café", exact=True)
    assert page.get_by_role("heading", level=1, name="Community café").is_visible()
    visitor.click("link", "Saturday café is back from the 6th!")
    assert page.get_by_role("heading", level=1,
                            name="Saturday café is back from the 6th!").is_visible()
    assert page.get_by_text("ramp at the side door on Mill Lane").is_visible()
    # Replying asks them to sign in or join, with no reply box and no Follow button.
    reply = page.locator("#reply")
    assert reply.get_by_text("to reply.").is_visible()
    assert reply.locator("form").count() == 0
    assert page.get_by_role("button", name="Follow").count() == 0
    topic_path = visitor.path
    visitor.click("link", "Community café", exact=True)

    # Starting a topic sends them to sign in, and back to the new topic form afterwards.
    visitor.click("link", "Sign in to start a topic")
    assert visitor.path.startswith("/account/signin")
    assert _next_of(visitor.path) == "/boards/community-cafe/new"
    assert page.get_by_role("heading", level=1, name="Sign in").is_visible()

    # Going straight to the form's address asks them to sign in too.
    visitor.visit("/boards/community-cafe/new")
    assert visitor.path.startswith("/account/signin")

    # The sign-in link under a topic's replies brings them back to the topic.
    visitor.visit(topic_path)
    with page.expect_navigation():
        reply.get_by_role("link", name="Sign in", exact=True).click()
    visitor.check()
    assert visitor.path.startswith("/account/signin")
    assert _next_of(visitor.path) == urlsplit(topic_path).path

    # Events: the calendar, then one event, with a way to add it to a calendar app.
    go_to(visitor, "Events")
    assert visitor.path.startswith("/events/")
    assert page.get_by_role("heading", level=1, name="Events").is_visible()
    visitor.click("link", "Open iftar evening")
    assert page.get_by_role("heading", level=1, name="Open iftar evening").is_visible()
    assert page.get_by_text("Station Road Mosque").first.is_visible()
    assert page.get_by_role("link", name="Add to calendar").is_visible()
    rsvp = page.locator("section", has=page.get_by_role("heading", name="Are you going?"))
    assert rsvp.get_by_text("to say you're going").is_visible()
    assert rsvp.get_by_role("button", name="Going").count() == 0
    # The month grid reaches the same events.
    go_to(visitor, "Events")
    visitor.click("link", "Month view")
    assert visitor.path.startswith("/events/month/")

    # News: the list, then an article, where commenting asks them to sign in.
    go_to(visitor, "News")
    assert page.get_by_role("heading", level=1, name="Council news").is_visible()
    visitor.click("link", "Bin collections over Christmas and New Year")
    assert page.get_by_role("heading", level=1,
                            name="Bin collections over Christmas and New Year").is_visible()
    visitor.click("link", "Sign in to comment")
    assert visitor.path.startswith("/account/signin")
    assert _next_of(visitor.path).startswith("/news/")

    # Search, from the header's link: results name the topic, and lead to it.
    go_to(visitor, "Search")
    assert visitor.path == "/search"
    visitor.fill("Search for", "biscuit")
    visitor.click("button", "Search", exact=True)
    assert visitor.path.startswith("/search?")
    assert "q=biscuit" in visitor.path
    assert page.get_by_role("status").filter(has_text="for “biscuit”").is_visible()
    visitor.click("link", "Lost: ginger cat, answers to Biscuit", exact=True)
    assert page.get_by_role("heading", level=1,
                            name="Lost: ginger cat, answers to Biscuit").is_visible()

    # A search with no results says so plainly.
    visitor.visit("/search?q=xylophonequartet")
    assert page.get_by_role("heading", name="No results for “xylophonequartet”").is_visible()
