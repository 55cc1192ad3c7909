"""The home page: what matters now for a resident, and the public things for a visitor.

Everything shown is what anyone may see: nothing held or removed (DESIGN §3), no young
person's listing for visitors or ordinary adults, and young people by first name only (§5).
"""

import difflib

import pytest

from forum.accounts.models import Ward, utcnow
from forum.core.home import home_for
from forum.extensions import db
from forum.news import services as news
from tests.boards.factories import create_board, create_topic, create_ward_board, set_status
from tests.events.factories import create_event, in_days
from tests.factories import Page, create_user, create_ward, sql_statements, user_named
from tests.skills.factories import create_listing, set_profile

BODY = "The details of what is happening, and when it happens."


def article(staff, title, wards=(), pinned=False):
    """A live council article: borough-wide, or for `wards`."""
    made = news.save_article(staff, title=title, summary=f"About {title.lower()}.", body=BODY,
                             category="services", borough_wide=not wards, wards=list(wards))
    news.publish(staff, made)
    if pinned:
        news.set_pinned(staff, made, True)
    return made


def event(author, title, days=3, ward=""):
    return create_event(author, title=title, start_day=in_days(days), ward_slug=ward)


def ward_named(name):
    return db.session.execute(db.select(Ward).where(Ward.name == name)).scalar_one_or_none() \
        or create_ward(name)


@pytest.fixture
def place(run):
    """Two wards (Riverside with its board, and Hulme), a topic board, and the people who
    write: staff, an adult in each ward, a 17-year-old open to matches, a verified mentor."""

    def make():
        riverside, hulme = ward_named("Riverside"), ward_named("Hulme")
        create_ward_board("Riverside")
        create_board("Community café", position=10)
        create_user("jo", roles=["staff"], display_name="Jo Council", ward=riverside)
        create_user("sam", display_name="Sam Patel", ward=riverside)
        create_user("hana", display_name="Hana Okafor", ward=hulme)
        teen = create_user("tia", age_band="16_17", display_name="Tia Young", ward=riverside)
        set_profile(teen, open_to_matches=True, capacity=0)
        create_user("maya", display_name="Maya Mentor", mentor=True, ward=hulme)

    run(make)


def board_named(name):
    from forum.boards.models import Board

    return db.session.execute(db.select(Board).where(Board.name == name)).scalar_one()


def headings(page):
    return [element.text for element in page.find_all("h2")]


def section(page, heading_id):
    heading = page.find(id=heading_id)
    assert heading is not None, heading_id
    return heading.parent


# --- a visitor --------------------------------------------------------------------------------


def test_visitor_is_welcomed_and_sees_the_public_things(client, run, place):
    def make():
        staff, sam = user_named("jo"), user_named("sam")
        article(staff, "Council tax support extended", pinned=True)
        article(staff, "Library opening hours change")
        create_topic(sam, board_named("Community café"), title="Saturday café volunteers")
        event(sam, "Seed swap at the library")
        create_listing(sam, title="Guitar for beginners")

    run(make)
    page = Page(client.get("/"))
    assert page.heading == "Your neighbourhood, together"
    assert page.find("a", href="/account/signup") is not None
    text = page.main_text
    for shown in ("Council tax support extended", "Library opening hours change",
                  "Saturday café volunteers", "Seed swap at the library",
                  "Guitar for beginners", "Sam Patel"):
        assert shown in text
    assert {"Announcements", "Latest council news", "Coming up", "Active topics",
            "New skill offers"} <= set(headings(page))
    # Nothing of a signed-in person's own places.
    assert "Your places" not in headings(page)


def test_visitor_sees_only_borough_wide_announcements(client, run, place):
    def make():
        staff = user_named("jo")
        article(staff, "Borough-wide bin collection news", pinned=True)
        article(staff, "Hulme road closure", wards=[ward_named("Hulme")], pinned=True)

    run(make)
    pinned = section(Page(client.get("/")), "pinned-heading").text
    assert "Borough-wide bin collection news" in pinned
    assert "Hulme road closure" not in pinned


# --- a signed-in resident ---------------------------------------------------------------------


def test_resident_sees_their_wards_news_and_announcements(client, login, run, place):
    def make():
        staff, riverside, hulme = user_named("jo"), ward_named("Riverside"), ward_named("Hulme")
        article(staff, "Riverside park reopens", wards=[riverside], pinned=True)
        article(staff, "Hulme market moves", wards=[hulme], pinned=True)
        article(staff, "Riverside bridge repairs", wards=[riverside])
        article(staff, "Hulme library closure", wards=[hulme])
        article(staff, "New recycling bins for everyone")

    run(make)
    login("sam")
    page = Page(client.get("/"))
    assert page.heading == "Hello, Sam Patel"
    pinned = section(page, "pinned-heading").text
    assert "Riverside park reopens" in pinned and "Hulme market moves" not in pinned
    ward_news = section(page, "news-heading")
    assert ward_news.find("h2").text == "News for Riverside"
    assert "Riverside bridge repairs" in ward_news.text
    assert "New recycling bins for everyone" in ward_news.text
    assert "Hulme library closure" not in ward_news.text
    # A pinned announcement heads the page once; it is not repeated among the news.
    assert "Riverside park reopens" not in ward_news.text


def test_resident_sees_their_ward_marked_in_events_topics_and_offers(client, login, run,
                                                                     place):
    def make():
        sam, hana = user_named("sam"), user_named("hana")
        event(hana, "Riverside litter pick", ward="riverside")
        event(hana, "Hulme quiz night", ward="hulme")
        create_topic(hana, board_named("Riverside"), title="Lost cat on Mill Lane")
        create_topic(sam, board_named("Community café"), title="Café needs bakers")
        create_listing(hana, title="Sewing lessons")
        create_listing(user_named("jo"), title="Council forms explained")

    run(make)
    login("sam")
    page = Page(client.get("/"))

    def row(section_id, title):
        rows = [item for item in section(page, section_id).find_all("li") if title in item.text]
        assert rows, title
        return rows[0].text

    assert "Your ward" in row("events-heading", "Riverside litter pick")
    assert "Your ward" not in row("events-heading", "Hulme quiz night")
    assert "Your ward" in row("topics-heading", "Lost cat on Mill Lane")
    assert "Your ward" not in row("topics-heading", "Café needs bakers")
    assert "Your ward" in row("offers-heading", "Council forms explained")
    assert "Your ward" not in row("offers-heading", "Sewing lessons")
    # The offers from the person's ward come first.
    offers = section(page, "offers-heading").text
    assert offers.index("Council forms explained") < offers.index("Sewing lessons")
    assert page.find("a", href="/boards/riverside") is not None


def test_offers_from_nearby_wards_come_before_far_ones(client, login, run, place):
    def make():
        for name, latitude, longitude in (("Riverside", 53.480, -2.240),
                                          ("Ancoats", 53.485, -2.225),
                                          ("Far Moor", 53.900, -2.900)):
            ward = ward_named(name)
            ward.latitude, ward.longitude = latitude, longitude
        db.session.commit()
        create_listing(user_named("jo"), title="Filling in forms")            # Riverside
        create_listing(create_user("amir", ward=ward_named("Ancoats")), title="Cycling")
        create_listing(create_user("fern", ward=ward_named("Far Moor")), title="Baking")

    run(make)
    login("sam")
    rows = section(Page(client.get("/")), "offers-heading").find_all("li")
    assert [row.find("a").text for row in rows] == ["Filling in forms", "Cycling", "Baking"]
    assert "Your ward" in rows[0].text and "Nearby" in rows[1].text
    assert "Nearby" not in rows[2].text and "Your ward" not in rows[2].text


def test_resident_has_links_to_their_own_places(client, login, run, place):
    login("sam")
    page = Page(client.get("/"))
    yours = section(page, "yours-heading")
    assert {"Notifications", "Your profile", "Your account"} <= {
        link.text for link in yours.find_all("a")}
    assert "Staff console" not in yours.text


def test_staff_see_the_staff_console_link(client, login, run, place):
    login("jo")
    yours = section(Page(client.get("/")), "yours-heading")
    assert "Staff console" in {link.text for link in yours.find_all("a")}


# --- what is never shown ----------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "sam", "ravi"])
def test_held_or_removed_topics_and_events_are_never_shown(client, login, run, place, who):
    """Not to visitors, not to their author, not to a moderator: the home page is public."""

    def make():
        create_user("ravi", roles=["moderator"])
        sam = user_named("sam")
        held = create_topic(sam, board_named("Community café"), title="A topic awaiting review")
        set_status(held, "held")
        removed = create_topic(sam, board_named("Riverside"), title="A topic that was removed")
        set_status(removed, "removed")
        create_topic(sam, board_named("Riverside"), title="A topic anyone may read")
        for title, status in (("An event awaiting review", "held"),
                              ("An event that was removed", "removed")):
            made = event(sam, title, ward="riverside")
            made.status = status
        db.session.commit()
        event(sam, "An event anyone may see", ward="riverside")

    run(make)
    if who:
        login(who)
    text = Page(client.get("/")).main_text
    assert "A topic anyone may read" in text and "An event anyone may see" in text
    for hidden in ("A topic awaiting review", "A topic that was removed",
                   "An event awaiting review", "An event that was removed"):
        assert hidden not in text


def test_cancelled_and_far_off_events_are_left_out(client, run, place):
    def make():
        sam = user_named("sam")
        cancelled = event(sam, "A cancelled coffee morning")
        cancelled.cancelled_at = utcnow()
        db.session.commit()
        event(sam, "A fair next month", days=30)

    run(make)
    events = section(Page(client.get("/")), "events-heading").text
    assert "A cancelled coffee morning" not in events and "A fair next month" not in events
    assert "No events in the next two weeks" in events


@pytest.mark.parametrize("who", [None, "sam", "hana"])
def test_a_young_persons_listing_is_never_shown_to_visitors_or_other_adults(client, login,
                                                                            run, place, who):
    def make():
        create_listing(user_named("tia"), title="Help with maths homework")
        create_listing(user_named("maya"), title="Bike repairs")

    run(make)
    if who:
        login(who)
    text = Page(client.get("/")).main_text
    assert "Bike repairs" in text
    assert "Help with maths homework" not in text and "Tia" not in text


def test_a_verified_mentor_sees_a_young_persons_offer_by_first_name_only(client, login, run,
                                                                          place):
    run(lambda: create_listing(user_named("tia"), title="Help with maths homework"))
    login("maya")
    offers = section(Page(client.get("/")), "offers-heading").text
    assert "Help with maths homework" in offers
    assert "Tia" in offers and "Tia Young" not in offers


def test_a_young_person_sees_only_offers_for_them(client, login, run, place):
    def make():
        create_user("kai", age_band="under_16", display_name="Kai Younger")
        kai = user_named("kai")
        set_profile(kai, open_to_matches=True, capacity=0)
        create_listing(kai, title="Minecraft modding club")
        create_listing(user_named("hana"), title="Knitting for all ages")
        create_listing(user_named("hana"), title="Home brewing", suitable_for="adults")
        event(user_named("hana"), "Wine tasting evening").suitable_for = "adults"
        db.session.commit()
        event(user_named("hana"), "Family fun day")

    run(make)
    login("tia")
    text = Page(client.get("/")).main_text
    assert "Knitting for all ages" in text and "Family fun day" in text
    # Another young person's listing (listing.view), and what is for adults only.
    for hidden in ("Minecraft modding club", "Kai", "Home brewing", "Wine tasting evening"):
        assert hidden not in text


def test_home_for_gathers_only_public_things(ctx, place):
    sam = user_named("sam")
    held = create_topic(sam, board_named("Riverside"), title="A topic awaiting review")
    set_status(held, "held")
    event(sam, "Riverside litter pick", ward="riverside")
    home = home_for(sam)
    assert home.signed_in and home.ward.name == "Riverside"
    assert home.ward_board.name == "Riverside"
    assert home.topics == []
    assert [item.event.title for item in home.events] == ["Riverside litter pick"]
    assert home.events[0].in_ward


# --- empty states -----------------------------------------------------------------------------


def test_visitor_sees_plain_words_when_there_is_nothing_yet(client):
    page = Page(client.get("/"))
    text = page.main_text
    for empty, link in (("No announcements from the council right now.", None),
                        ("No council news yet.", None),
                        ("No events in the next two weeks —", "sign in to add one"),
                        ("No conversations yet —", "start one on the boards"),
                        ("No skill offers yet —", "sign in to offer one of yours")):
        assert empty in text
        assert link is None or link in {anchor.text for anchor in page.find_all("a")}


def test_resident_is_invited_to_add_what_is_missing(client, login, run, place):
    login("sam")
    page = Page(client.get("/"))
    events = section(page, "events-heading")
    assert "No events in the next two weeks — add one" in events.text
    assert events.find("a", href="/events/new").text == "add one"
    topics = section(page, "topics-heading")
    assert "start one on the Riverside board" in topics.text
    assert section(page, "offers-heading").find("a", href="/skills/listings/new") is not None
    assert "No council news for Riverside yet." in page.main_text


def test_news_links_appear_once_the_news_pages_exist(app, client, login, run, place):
    run(lambda: article(user_named("jo"), "Library opening hours change"))
    login("sam")
    news_section = section(Page(client.get("/")), "news-heading")
    links = {link.attrs["href"] for link in news_section.find_all("a")}
    with app.test_request_context():
        from flask import url_for

        for endpoint, values in (("news.index", {}), ("news.ward", {"slug": "riverside"})):
            if endpoint in app.view_functions:
                assert url_for(endpoint, **values) in links
    if "news.index" not in app.view_functions:
        assert not any(link.startswith("/news") for link in links)


# --- speed ------------------------------------------------------------------------------------


def fill(round_number, count):
    """`count` of everything the home page lists, by authors in different wards."""
    staff = user_named("jo")
    authors = [user_named("sam"), user_named("hana"), user_named("maya")]
    riverside, hulme = ward_named("Riverside"), ward_named("Hulme")
    boards = [board_named("Riverside"), board_named("Community café")]
    article(staff, f"Announcement {round_number}", pinned=True)
    for number in range(count):
        author = authors[number % len(authors)]
        tag = f"{round_number}-{number}"
        article(staff, f"News item {tag}", wards=[[riverside], [riverside, hulme], []][number % 3])
        create_topic(author, boards[number % 2], title=f"Topic number {tag}",
                     replies=[(authors[(number + 1) % 3], f"A reply to {tag}")])
        series = "weekly" if number % 2 else ""
        create_event(author, title=f"Event {tag}", start_day=in_days(1 + number % 10),
                     ward_slug=["riverside", "hulme", ""][number % 3], repeat=series)
        create_listing(author, title=f"Offer {tag}")
    create_listing(user_named("tia"), title=f"Young offer {round_number}")


@pytest.mark.parametrize("who", [None, "sam", "maya", "jo"])
def test_home_page_queries_do_not_grow_with_items(app, client, login, run, place, who):
    if who:
        login(who)
    run(lambda: fill(1, 3))
    client.get("/")  # a first visit may write (a session touch)
    few = sql_statements(app, client, "/")
    run(lambda: fill(2, 9))
    many = sql_statements(app, client, "/")
    assert len(few) == len(many), "\n".join(
        difflib.unified_diff([line.split(" FROM")[0][:200] for line in few],
                             [line.split(" FROM")[0][:200] for line in many], lineterm=""))
    # The counts compare full pages, not empty ones.
    page = Page(client.get("/"))
    assert len(section(page, "events-heading").find_all("li")) == 5
    assert len(section(page, "topics-heading").find_all("li")) == 6
    assert section(page, "offers-heading").find_all("li")

