"""No N+1 queries: the skills pages run as many SQL statements for many listings, messages,
sessions, suggestions or matches as for a handful.

Each test counts one page, adds rows of the same kinds, and counts it again: the same people
look at the same page, so only the number of rows differs. The counts must be equal, with no
tolerance: nothing on these pages depends on the number of rows except the rows themselves,
so any difference is a query per row.
"""

import pytest
from sqlalchemy import select

from forum.accounts.services import block_user
from forum.extensions import db
from forum.skills import matches
from forum.skills.models import Match, Skill
from tests.factories import Page, create_user, user_named, visits
from tests.skills import factories

WARDS = ("Riverside", "Hillside", "Millfield")


def skill_named(name, category):
    """The skill on the list, added the first time it is asked for."""
    skill = db.session.execute(select(Skill).where(Skill.name == name)).scalar_one_or_none()
    return skill or factories.create_skill(name, category)


# --- browsing listings -----------------------------------------------------------------------


def add_listings(start, stop):
    """Listings numbered start..stop-1 by turns of kinds of author: adults in three wards,
    verified mentors, a 17-year-old open to matches; with and without a skill on the list."""
    skills = [skill_named("Guitar", "Music"), None, skill_named("Baking", "Food")]
    for number in range(start, stop):
        kind = number % 4
        username = f"author{number}"
        if kind == 3:
            author = create_user(username, age_band="16_17", ward=WARDS[number % 3])
            factories.set_profile(author, capacity=0, open_to_matches=True)
        else:
            author = create_user(username, mentor=kind == 2, ward=WARDS[number % 3])
            if kind == 1:
                factories.set_profile(author, slots=["tue-evening"])
        factories.create_listing(author, f"Listing number {number}",
                                 kind="offer" if number % 2 else "request",
                                 skill=skills[number % 3], formats=("mentoring", "class"),
                                 suitable_for="everyone" if number % 5 else "young_people")


@pytest.mark.parametrize("viewer", ["visitor", "resident", "mentor"])
def test_browse_page_queries_do_not_grow_with_listings(app, client, login, make_user, run,
                                                       viewer):
    if viewer != "visitor":
        login(make_user("viewer", mentor=viewer == "mentor"))
    run(lambda: add_listings(0, 5))
    few = visits(app, client, "/skills/")
    run(lambda: add_listings(5, 30))
    many = visits(app, client, "/skills/")
    page = Page(client.get("/skills/"))
    # The counts compare full pages: a page of 20 listings against 5 (4 for those who don't
    # see the 17-year-old's listing).
    assert len(page.find_all("li", class_="listing-card")) == 20
    assert few == many, f"{few} statements for 5 listings, {many} for 30"


# --- one match ---------------------------------------------------------------------------------


def fill_match(match_id, start, stop):
    """Messages and sessions numbered start..stop-1 in the match, from both sides: sessions
    proposed by turns, then some confirmed, some cancelled, some held and marked done."""
    match = db.session.get(Match, match_id)
    young, mentor = match.requester, match.partner
    for number in range(start, stop):
        author = (young, mentor)[number % 2]
        matches.send_message(author, match, f"Message number {number}")
        session = factories.propose(author, match, minutes=30 + number, hour=9 + number % 10)
        other = match.other(author)
        state = number % 4
        if state == 1:
            matches.confirm_session(other, session)
        elif state == 2:
            matches.cancel_session(author, session)
        elif state == 3:
            matches.confirm_session(other, session)
            factories.move_into_the_past(session)
            matches.mark_session_done(author, session)


@pytest.fixture
def young_match(run, make_user):
    """Tia (17) asked Maya (a verified mentor) for mentoring, and Maya accepted."""
    mentor = make_user("maya", mentor=True, display_name="Maya Mentor")
    teen = make_user("tia", age_band="16_17", display_name="Tia Young")

    def make():
        young = user_named("tia")
        factories.set_profile(young, capacity=0, open_to_matches=True)
        return factories.make_match(young, user_named("maya")).id

    return mentor, teen, run(make)


@pytest.mark.parametrize("viewer", ["mentor", "teen", "staff"])
def test_match_page_queries_do_not_grow_with_messages_and_sessions(app, client, login,
                                                                    make_user, run,
                                                                    young_match, viewer):
    mentor, teen, match_id = young_match
    login({"mentor": mentor, "teen": teen}.get(viewer) or make_user("jo", roles=["staff"]))
    url = f"/skills/matches/{match_id}"
    run(lambda: fill_match(match_id, 0, 3))
    few = visits(app, client, url)
    run(lambda: fill_match(match_id, 3, 20))
    many = visits(app, client, url)
    page = Page(client.get(url))
    assert len(page.find("section", aria_labelledby="messages-heading").find_all("article")) \
        == 21  # the request's first message and twenty more
    assert len(page.find_all("li", class_="session")) == 20
    assert page.find("li", class_="session-done") is not None
    assert few == many, f"{few} statements for 3 messages and sessions, {many} for 20"


# --- suggestions -----------------------------------------------------------------------------


def add_candidates(start, stop):
    """People numbered start..stop-1 who offer guitar: in three wards, every third a verified
    mentor, every other one with a matchmaking profile; the viewer has blocked player 4."""
    guitar = skill_named("Guitar", "Music")
    for number in range(start, stop):
        person = create_user(f"player{number}", ward=WARDS[number % 3],
                             mentor=number % 3 == 0, languages=["English"])
        if number % 2:
            factories.set_profile(person, slots=["tue-evening"], formats=("mentoring", "swap"))
        factories.create_listing(person, f"Guitar lessons number {number}", skill=guitar)
        if number == 4:
            block_user(user_named("viewer"), person)


@pytest.mark.parametrize("viewer_kind", ["resident", "teen"])
def test_suggestions_page_queries_do_not_grow_with_candidates(app, client, login, make_user,
                                                               run, viewer_kind):
    viewer = make_user("viewer", age_band="16_17" if viewer_kind == "teen" else "adult")

    def start():
        seeker = user_named("viewer")
        factories.set_profile(seeker, slots=["tue-evening"], capacity=0)
        factories.create_listing(seeker, "Learn the guitar", kind="request",
                                 skill=skill_named("Guitar", "Music"))

    run(start)
    login(viewer)
    run(lambda: add_candidates(0, 5))
    few = visits(app, client, "/skills/suggestions")
    run(lambda: add_candidates(5, 30))
    many = visits(app, client, "/skills/suggestions")
    page = Page(client.get("/skills/suggestions"))
    # Twenty a page of the 29 not blocked; a young person is suggested only the ten verified
    # mentors (every third player).
    shown = len(page.find_all("li", class_="suggestion"))
    assert shown == (20 if viewer_kind == "resident" else 10)
    assert "player4" not in page.main_text
    assert few == many, f"{few} statements for 5 candidates, {many} for 30"


# --- staff: matches with young people ----------------------------------------------------------


def add_young_matches(start, stop):
    """Matches numbered start..stop-1, each between a new 17-year-old and one of three
    verified mentors: waiting, active, or ended by turns."""
    for number in range(start, stop):
        young = create_user(f"young{number}", age_band="16_17")
        factories.set_profile(young, capacity=0, open_to_matches=True)
        mentor = user_named(f"mentor{number % 3}")
        match = factories.ask(young, mentor)
        if number % 3:
            matches.respond(mentor, match, accept=True)
        if number % 3 == 2:
            matches.end_match(young, match, "Exams.")


def test_young_matches_page_queries_do_not_grow_with_matches(app, client, login, make_user,
                                                              run):
    login(make_user("jo", roles=["staff"]))

    def mentors():
        for number in range(3):
            mentor = create_user(f"mentor{number}", mentor=True)
            factories.set_profile(mentor, capacity=10)

    run(mentors)
    run(lambda: add_young_matches(0, 3))
    few = visits(app, client, "/staff/skills/young-matches")
    run(lambda: add_young_matches(3, 15))
    many = visits(app, client, "/staff/skills/young-matches")
    page = Page(client.get("/staff/skills/young-matches"))
    assert len(page.find("tbody").find_all("tr")) == 15
    assert few == many, f"{few} statements for 3 matches, {many} for 15"

