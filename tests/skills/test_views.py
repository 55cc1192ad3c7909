"""The skills swap through the browser: listings, browsing, the matchmaker's reasons, and a match
from request to feedback, as residents, mentors, young people and guardians see it; then the
safeguarding rules of DESIGN §5 tried every way round from outside the pages: direct
addresses, forged form posts, an expired check, a consent not yet given.

The services are proved in test_services.py and test_safeguarding.py; these tests are about
what people see and whether every form and address holds the same line. The people are the
ones tests/skills/conftest.py describes (maya, rob, ada, tia, kai, jo, ravi), made here outside
an application context so that each browser signs in as itself.
"""

from datetime import date, timedelta
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import func, select

from forum.accounts import tokens
from forum.accounts.models import Block
from forum.core.audit import AuditEntry
from forum.extensions import db
from forum.moderation.models import Case
from forum.skills import matches, services
from forum.skills.models import (
    GuardianConsent,
    Listing,
    Match,
    MatchFeedback,
    MatchMessage,
    MatchSession,
    SafeguardingConcern,
    Skill,
    TimeCredit,
)
from tests.factories import Page, user_named
from tests.skills import factories
from tests.skills.factories import VENUE

ONLY_VERIFIED = ("Only verified mentors (adults whose safeguarding check the council has "
                 "recorded) can be matched with people under 18.")
CONSENT_NEEDED = "A parent or carer needs to agree by e-mail before anyone under 16 is matched."
HELD_PHONE = ("Your message is waiting for a safeguarding check because it seems to include a "
              "phone number.")
LINK_PROBLEM = "There's a problem with this link"


# --- people and places -------------------------------------------------------------------------


@pytest.fixture
def mentor(make_user):
    return make_user("maya", display_name="Maya Mentor", mentor=True, languages=["English"])


@pytest.fixture
def resident(make_user):
    return make_user("rob", display_name="Rob Resident")


@pytest.fixture
def neighbour(make_user):
    return make_user("ada", display_name="Ada Neighbour")


@pytest.fixture
def teen(make_user, run):
    """A 17-year-old who has switched on "open to matches"."""
    user = make_user("tia", age_band="16_17", display_name="Tia Young")
    run(lambda: factories.set_profile(user_named("tia"), open_to_matches=True, capacity=0))
    return user


@pytest.fixture
def child(make_user, run):
    """A 14-year-old, open to matches, whose guardian has not yet agreed."""
    user = make_user("kai", age_band="under_16", display_name="Kai Younger")
    run(lambda: factories.set_profile(user_named("kai"), open_to_matches=True, capacity=0))
    return user


@pytest.fixture
def staff(make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def moderator(make_user):
    return make_user("ravi", roles=["moderator"], display_name="Ravi Volunteer")


@pytest.fixture
def guitar(run):
    """Guitar on the skills list (category Music); its id."""
    return run(lambda: factories.create_skill("Guitar", synonyms=["guitarist"]).id)


@pytest.fixture
def young_match(run, teen, mentor):
    """Tia (17) asked Maya (a verified mentor) for mentoring, and Maya accepted: its id."""
    return run(lambda: factories.make_match(user_named("tia"), user_named("maya")).id)


@pytest.fixture
def adult_match(run, resident, mentor):
    """Rob asked Maya for mentoring, and Maya accepted: its id."""
    return run(lambda: factories.make_match(user_named("rob"), user_named("maya")).id)


# --- reading the pages and the database -------------------------------------------------------


def count_rows(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def count(run, model):
    return run(lambda: count_rows(model))


def match_state(run, match_id):
    return run(lambda: db.session.get(Match, match_id).state)


def go(browser, response):
    """Follow a redirect the way a browser does (the #fragment stays in the browser)."""
    assert response.status_code == 302, response.status_code
    return Page(browser.get(response.headers["Location"].split("#")[0]))


def titles(page):
    return [card.find("h3").find("a").text for card in page.find_all("li", class_="listing-card")]


def messages_on(page):
    section = page.find("section", aria_labelledby="messages-heading")
    return [article.find("div", class_="user-content").text
            for article in section.find_all("article")]


def sessions_on(page):
    return [row.text for row in page.find_all("li", class_="session")]


def buttons(page):
    return [button.text for button in page.find_all("button")]


def reasons_on(page):
    reasons = page.find("ul", class_="reasons")
    return [item.text for item in reasons.find_all("li")] if reasons is not None else []


def notices_of(run, username):
    return run(lambda: factories.notices(user_named(username)))


def checked(page, name, value):
    """Is the radio button or checkbox `name`=`value` ticked?"""
    box = page.find("input", name=name, value=value)
    return box is not None and "checked" in box.attrs


def session_data(day=None, at="17:00", minutes="60", venue=VENUE, public=True, giver=None):
    """The propose-a-session form as a person fills it in: a week from now by default."""
    data = {"day": (day or date.today() + timedelta(days=7)).isoformat(), "time": at,
            "minutes": minutes, "venue": venue}
    if public:
        data["venue_is_public"] = "y"
    if giver is not None:
        data["giver"] = str(giver)
    return data


def listing_data(**changes):
    data = {"kind": "offer", "title": "Guitar for beginners", "skill": "", "level": "beginner",
            "formats": ["mentoring", "class"], "suitable_for": "everyone",
            "body": "Chords, strumming and your **first song**."}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def propose_as(run, username, match_id, **options):
    """A session proposed through the service; its id."""
    return run(lambda: factories.propose(user_named(username),
                                         db.session.get(Match, match_id), **options).id)


def into_the_past(run, session_id):
    run(lambda: factories.move_into_the_past(db.session.get(MatchSession, session_id)))


# --- listings ------------------------------------------------------------------------------------


def test_a_resident_offers_a_skill_through_the_form(client, browser, resident, guitar):
    rob = browser(resident)
    form = Page(rob.get("/skills/listings/new"))
    assert form.heading == "Offer or ask for a skill"
    option = form.find("option", value=str(guitar))
    assert (option.text, option.parent.attrs["label"]) == ("Guitar", "Music")
    assert form.value("level") == "beginner" and checked(form, "suitable_for", "everyone")

    response = rob.post("/skills/listings/new", data=listing_data(skill=str(guitar)))
    page = go(rob, response)
    assert page.heading == "Guitar for beginners"
    assert "Your listing is up. The matchmaker will suggest people who fit." in page.flashes
    summary = page.find("dl", class_="summary-list").text
    assert "Skill Guitar (Music)" in summary
    assert "Ways to meet One-to-one mentoring, Group class" in summary
    assert page.find("div", class_="user-content").find("strong").text == "first song"
    assert "Close it (it's taken)" in buttons(page)
    # Others find it on the skills page.
    assert titles(Page(client.get("/skills/"))) == ["Guitar for beginners"]


def test_a_listing_without_a_title_is_sent_back_with_the_rest_kept(run, browser, resident):
    rob = browser(resident)
    response = rob.post("/skills/listings/new", data=listing_data(
        title="", kind="request", body="Complete beginner, evenings suit me."))
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("title") == 'Name the skill, like "Guitar for beginners".'
    assert page.value("body").strip() == "Complete beginner, evenings suit me."
    assert checked(page, "kind", "request") and checked(page, "formats", "class")
    assert count(run, Listing) == 0


@pytest.mark.parametrize(("author", "changes", "field", "message"), [
    ("rob", {"formats": None}, "formats", "Choose at least one way of meeting."),
    ("rob", {"title": "Gt"}, "title",
     'Name the skill in 3 to 80 characters, like "Guitar for beginners".'),
    ("rob", {"skill": "999"}, "skill", "Choose a skill from the list, or leave it blank."),
    ("tia", {"suitable_for": "adults"}, "suitable_for",
     "Listings by young people can't be for adults only."),
])
def test_a_listing_the_service_refuses_shows_why_beside_that_field(run, browser, resident, teen,
                                                                  author, changes, field,
                                                                  message):
    who = browser(resident if author == "rob" else teen)
    response = who.post("/skills/listings/new", data=listing_data(**changes))
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {field: message}
    assert page.value("body").strip() == "Chords, strumming and your **first song**."
    assert count(run, Listing) == 0


@pytest.mark.parametrize(("action", "score", "status"), [
    ("nudge", 0.5, "published"),
    ("hold", 0.85, "held"),
])
def test_a_listing_that_may_hurt_asks_the_author_once(client, run, browser, resident, says,
                                                      action, score, status):
    says(action, score, "insult:mild", reasons=["It may read as an insult."])
    rob = browser(resident)
    data = listing_data(body="Words the detector dislikes")
    asked = rob.post("/skills/listings/new", data=data)
    assert asked.status_code == 200
    page = Page(asked)
    prompt = page.find("div", class_="nudge")
    assert "It may read as an insult." in prompt.text
    assert page.value("body").strip() == "Words the detector dislikes"
    assert page.value("nudge_id").isdigit()
    assert count(run, Listing) == 0  # nothing is saved until the author decides

    posted = rob.post("/skills/listings/new", data={**data, "nudge_id": page.value("nudge_id")})
    listing = go(rob, posted)
    assert run(lambda: db.session.execute(select(Listing.status)).scalar_one()) == status
    listing_id = run(lambda: db.session.execute(select(Listing.id)).scalar_one())
    waiting = ("Thanks. What you wrote is waiting for a moderator to check it; only you can see "
               "it until then. We'll let you know what they decide.")
    assert (waiting in listing.flashes) is (status == "held")
    assert client.get(f"/skills/listings/{listing_id}").status_code == (
        200 if status == "published" else 404)


def test_someone_who_has_not_confirmed_their_email_is_told_to_first(run, browser, make_user):
    unconfirmed = browser(make_user("newbie", verified=False))
    page = Page(unconfirmed.get("/skills/listings/new"))
    assert "Confirm your e-mail address before you take part" in page.main_text
    assert page.find("textarea", name="body") is None
    assert unconfirmed.post("/skills/listings/new", data=listing_data()).status_code == 400
    assert count(run, Listing) == 0
    refused = unconfirmed.get("/skills/suggestions")
    assert refused.status_code == 403
    assert "Confirm your e-mail address before you take part" in Page(refused).main_text


def test_closing_a_listing_takes_it_off_the_list_until_it_is_opened_again(
        client, run, browser, resident, neighbour):
    listing_id = run(lambda: factories.create_listing(user_named("rob")).id)
    rob, ada = browser(resident), browser(neighbour)
    page = go(rob, rob.post(f"/skills/listings/{listing_id}/open", data={"is_open": "0"}))
    assert "Your listing is closed: it won't be shown or suggested." in page.flashes
    assert "Open it again" in buttons(page)
    assert titles(Page(client.get("/skills/"))) == []
    assert "This listing is closed" in Page(ada.get(f"/skills/listings/{listing_id}")).main_text
    # Nobody else can open or close it.
    assert ada.post(f"/skills/listings/{listing_id}/open", data={"is_open": "1"}).status_code \
        == 403
    assert titles(Page(client.get("/skills/"))) == []
    rob.post(f"/skills/listings/{listing_id}/open", data={"is_open": "1"})
    assert titles(Page(client.get("/skills/"))) == ["Guitar for beginners"]


# --- browsing ------------------------------------------------------------------------------------


@pytest.fixture
def browsing(run, make_user):
    """Three adults' listings, oldest first: guitar (Riverside, Tuesday evenings, music),
    bread baking (Hillside, Saturday mornings, food, adults only), Spanish (no skill, swap)."""
    make_user("rob", display_name="Rob Resident")
    make_user("ada", ward="Hillside")
    make_user("maya", mentor=True)

    def make():
        rob, ada, maya = user_named("rob"), user_named("ada"), user_named("maya")
        factories.set_profile(rob, slots=["tue-evening"])
        factories.set_profile(ada, slots=["sat-morning"])
        factories.create_listing(rob, "Guitar for beginners",
                                 skill=factories.create_skill("Guitar", "Music"))
        factories.create_listing(ada, "Bread baking", kind="request",
                                 skill=factories.create_skill("Baking", "Food"),
                                 formats=["class"], suitable_for="adults")
        factories.create_listing(maya, "Conversational Spanish", formats=["swap", "mentoring"],
                                 suitable_for="young_people", body="Practice over coffee.")

    run(make)


ALL_THREE = ["Conversational Spanish", "Bread baking", "Guitar for beginners"]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ALL_THREE),
    ("q=coffee", ["Conversational Spanish"]),
    ("q=GUITAR", ["Guitar for beginners"]),
    ("kind=request", ["Bread baking"]),
    ("format=swap", ["Conversational Spanish"]),
    ("category=music", ["Guitar for beginners"]),
    ("ward=hillside", ["Bread baking"]),
    ("slot=sat-morning", ["Bread baking"]),
    ("under_18=y", ["Conversational Spanish", "Guitar for beginners"]),
    ("kind=offer&format=mentoring&ward=riverside",
     ["Conversational Spanish", "Guitar for beginners"]),
    ("q=knitting", []),
])
def test_the_filters_in_the_address_narrow_the_list_and_stay_chosen(client, browsing, query,
                                                                    expected):
    page = Page(client.get(f"/skills/?{query}"))
    assert titles(page) == expected
    for name, value in parse_qsl(query):
        assert page.value(name) == (True if name == "under_18" else value)
    assert any(link.text == "Clear filters" for link in page.find_all("a")) is bool(query)
    if expected:
        count_line = f"{len(expected)} listing{'s' if len(expected) != 1 else ''}."
        assert page.find("p", role="status").text == count_line
    else:
        assert "No listings match those filters. Try removing some." in page.main_text


def test_a_visitor_is_shown_how_it_works_and_asked_to_join(client, browsing):
    page = Page(client.get("/skills/"))
    assert page.find("section", class_="how-it-works") is not None
    assert "Offer or ask for a skill" not in page.main_text
    assert page.find("section", id="guardian") is None


# --- a listing, and why its author suits you ---------------------------------------------------


@pytest.fixture
def guitar_listings(run, resident, mentor, guitar):
    """Rob wants to learn guitar; Maya offers it as a class: the id of Maya's listing."""

    def make():
        skill = db.session.get(Skill, guitar)
        factories.create_listing(user_named("rob"), "Learn guitar", kind="request",
                                 skill=skill)
        return factories.create_listing(user_named("maya"), "Guitar for beginners",
                                        skill=skill, formats=["class"]).id

    return run(make)


def test_a_listing_says_why_its_author_suits_the_viewer(client, browser, resident,
                                                       guitar_listings):
    page = Page(browser(resident).get(f"/skills/listings/{guitar_listings}"))
    assert page.find("h2", id="match-heading").text == "Why Maya Mentor could suit you"
    assert "Maya Mentor offers Guitar for beginners, which you want" in reasons_on(page)
    assert "You live in the same ward" in reasons_on(page)
    link = page.find("a", href=f"/skills/request/maya?listing={guitar_listings}")
    assert link.text == "Request a match with Maya Mentor"

    visitor = Page(client.get(f"/skills/listings/{guitar_listings}"))
    assert reasons_on(visitor) == []
    assert "Sign in or join to request a match." in visitor.main_text


def test_the_author_sees_their_own_listing_without_a_request_button(browser, mentor,
                                                                   guitar_listings):
    page = Page(browser(mentor).get(f"/skills/listings/{guitar_listings}"))
    assert page.find("h2", id="yours-heading").text == "Your listing"
    assert page.find("a", href=f"/skills/listings/{guitar_listings}/edit").text == "Change it"
    assert page.find("a", href=f"/skills/request/maya?listing={guitar_listings}") is None


# --- requests and answers ------------------------------------------------------------------------


def test_a_resident_requests_a_match_from_a_listing(run, browser, resident, mentor,
                                                    guitar_listings):
    rob, maya = browser(resident), browser(mentor)
    url = f"/skills/request/maya?listing={guitar_listings}"
    form = Page(rob.get(url))
    assert form.heading == "Request a match with Maya Mentor"
    assert "Maya Mentor offers Guitar for beginners, which you want" in reasons_on(form)
    assert form.value("format") == "class"  # the listing's way of meeting, chosen for them

    page = go(rob, rob.post(url, data={"format": "class", "body": "Hi Maya, Tuesday?"}))
    assert "Your request is sent. We'll let you know when they answer." in page.flashes
    assert messages_on(page) == ["Hi Maya, Tuesday?"]
    assert "Withdraw request" in buttons(page)
    match = run(lambda: db.session.execute(select(Match)).scalar_one())
    assert (match.format, match.listing_id, match.state) == ("class", guitar_listings,
                                                             "requested")

    received = Page(maya.get("/skills/matches/"))
    card = received.find("section", aria_labelledby="received-heading").find("li")
    assert card.find("h3").text == "Rob Resident"
    assert "Group class · Guitar for beginners" in card.text
    assert [b.text for b in card.find_all("button")] == ["Accept", "Decline"]


def test_a_request_without_a_message_is_sent_back(run, browser, resident, mentor):
    rob = browser(resident)
    response = rob.post("/skills/request/maya", data={"format": "swap", "body": "  "})
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("body") == ("Write a short message: say hello and what you'd like "
                                      "to learn or share.")
    assert page.value("format") == "swap"
    assert count(run, Match) == 0


def test_accepting_from_my_matches_makes_a_match_both_see(run, browser, resident, mentor):
    match_id = run(lambda: factories.ask(user_named("rob"), user_named("maya")).id)
    maya, rob = browser(mentor), browser(resident)
    page = go(maya, maya.post(f"/skills/matches/{match_id}/respond", data={"action": "accept"}))
    assert "You're matched: say hello and suggest a first session." in page.flashes
    assert page.find("div", class_="page-heading").find("span", class_="tag").text == "Matched"
    assert page.find("textarea", name="body") is not None
    mine = Page(rob.get("/skills/matches/"))
    active = mine.find("section", aria_labelledby="active-heading")
    assert active.find("h3").text == "Maya Mentor"
    assert "Maya Mentor accepted your request: you're matched" in notices_of(run, "rob")


def test_declining_with_a_reason_tells_the_requester(run, browser, resident, mentor):
    match_id = run(lambda: factories.ask(user_named("rob"), user_named("maya")).id)
    maya, rob = browser(mentor), browser(resident)
    response = maya.post(f"/skills/matches/{match_id}/respond",
                         data={"action": "decline", "reason": "I'm full until spring."})
    assert response.headers["Location"] == "/skills/matches/"
    assert "You've declined the request. We've let them know." in Page(
        maya.get("/skills/matches/")).flashes
    page = Page(rob.get(f"/skills/matches/{match_id}"))
    closed = page.find("dl", class_="match-summary").text
    assert "Declined" in page.main_text and "I'm full until spring." in closed
    assert Page(rob.get("/skills/matches/")).find(
        "section", aria_labelledby="past-heading").find("h3").text == "Maya Mentor"


def test_an_answer_must_be_accept_or_decline(run, browser, resident, mentor):
    match_id = run(lambda: factories.ask(user_named("rob"), user_named("maya")).id)
    response = browser(mentor).post(f"/skills/matches/{match_id}/respond",
                                    data={"action": "maybe"})
    assert response.status_code == 400
    assert match_state(run, match_id) == "requested"


def test_the_requester_cannot_accept_their_own_request(run, browser, resident, mentor):
    match_id = run(lambda: factories.ask(user_named("rob"), user_named("maya")).id)
    rob = browser(resident)
    page = go(rob, rob.post(f"/skills/matches/{match_id}/respond", data={"action": "accept"}))
    assert "Only the person asked can answer a request." in page.flashes
    assert match_state(run, match_id) == "requested"
    assert "Accept" not in buttons(page)


# --- inside a match: messages, sessions, credits, feedback, the end ----------------------------


def test_a_message_reaches_the_other_person(run, browser, resident, mentor, adult_match):
    rob, maya = browser(resident), browser(mentor)
    response = rob.post(f"/skills/matches/{adult_match}/messages",
                        data={"body": "Is *Tuesday* good?"})
    message_id = run(lambda: db.session.execute(
        select(func.max(MatchMessage.id))).scalar_one())
    assert response.headers["Location"] == f"/skills/matches/{adult_match}#m{message_id}"
    page = Page(maya.get(f"/skills/matches/{adult_match}"))
    assert messages_on(page)[-1] == "Is Tuesday good?"
    assert page.find("article", id=f"m{message_id}").find("em").text == "Tuesday"
    assert notices_of(run, "maya")[-1] == "New message from Rob Resident"


def test_an_empty_message_is_sent_back_beside_the_box(run, browser, resident, adult_match):
    before = count(run, MatchMessage)
    response = browser(resident).post(f"/skills/matches/{adult_match}/messages",
                                      data={"body": ""})
    assert response.status_code == 400
    assert Page(response).error_for("body") == "Write a message first."
    assert count(run, MatchMessage) == before


def test_a_session_is_proposed_confirmed_and_marked_done_with_credits_on_both_profiles(
        client, run, browser, resident, mentor, adult_match):
    maya, rob = browser(mentor), browser(resident)
    page = go(maya, maya.post(f"/skills/matches/{adult_match}/sessions",
                              data=session_data(minutes="90")))
    assert "Session proposed. We've asked them to confirm it." in page.flashes
    (row,) = sessions_on(page)
    assert "Proposed" in row and f"{VENUE} (public place)" in row
    assert "You teach · proposed by you" in row
    assert "Confirm session" not in buttons(page)  # the other side confirms

    theirs = Page(rob.get(f"/skills/matches/{adult_match}"))
    assert "Maya Mentor teaches · proposed by Maya Mentor" in sessions_on(theirs)[0]
    session_id = run(lambda: db.session.execute(select(MatchSession.id)).scalar_one())
    confirmed = go(rob, rob.post(
        f"/skills/matches/{adult_match}/sessions/{session_id}/confirm"))
    assert "Session confirmed." in confirmed.flashes
    assert "Confirmed" in sessions_on(confirmed)[0]
    assert "It took place: mark as done" not in buttons(confirmed)  # not yet

    into_the_past(run, session_id)
    assert "It took place: mark as done" in buttons(Page(maya.get(
        f"/skills/matches/{adult_match}")))
    done = go(maya, maya.post(f"/skills/matches/{adult_match}/sessions/{session_id}/done"))
    assert ("Marked as done: the time is in both your time-credit records." in done.flashes)
    assert "Took place" in sessions_on(done)[0]

    def credits_on(username):
        profile = Page(client.get(f"/u/{username}"))
        return next(p.text for p in profile.find_all("p") if p.text.startswith("Time credits"))

    assert credits_on("maya") == "Time credits: Gave 1 h 30 min · received 0 h"
    assert credits_on("rob") == "Time credits: Gave 0 h · received 1 h 30 min"
    own = Page(rob.get("/skills/profile"))
    credits = own.find("section", aria_labelledby="credits-heading")
    assert "Gave 0 h · received 1 h 30 min" in credits.text
    assert [cell.text for cell in credits.find("tbody").find_all("td")][1:] == [
        "Maya Mentor", "received", "1 h 30 min"]


def test_in_a_swap_the_form_asks_who_teaches(run, browser, resident, neighbour):
    match_id = run(lambda: factories.make_match(user_named("rob"), user_named("ada"),
                                                format="swap").id)
    rob, ada = browser(resident), browser(neighbour)
    form = Page(rob.get(f"/skills/matches/{match_id}"))
    assert [(o.attrs["value"], o.text) for o in form.find("select", name="giver")
            .find_all("option")] == [(str(resident.id), "Me"), (str(neighbour.id),
                                                                "Ada Neighbour")]
    page = go(rob, rob.post(f"/skills/matches/{match_id}/sessions",
                            data=session_data(minutes="45", giver=neighbour.id)))
    assert "Ada Neighbour teaches" in sessions_on(page)[0]
    session_id = run(lambda: db.session.execute(select(MatchSession.id)).scalar_one())
    ada.post(f"/skills/matches/{match_id}/sessions/{session_id}/confirm")
    into_the_past(run, session_id)
    rob.post(f"/skills/matches/{match_id}/sessions/{session_id}/done")
    assert run(lambda: sorted((row.user_id, row.direction, row.minutes) for row in
                              db.session.execute(select(TimeCredit)).scalars())) == sorted(
        [(neighbour.id, "given", 45), (resident.id, "received", 45)])


def test_a_session_without_a_day_is_sent_back_with_the_form_kept(run, browser, resident,
                                                                adult_match):
    data = session_data(venue="Central Library, study room 2")
    data["day"] = ""
    response = browser(resident).post(f"/skills/matches/{adult_match}/sessions", data=data)
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("day") == "Say which day and time."
    assert (page.value("venue"), page.value("time"), page.value("minutes")) == (
        "Central Library, study room 2", "17:00", "60")
    assert count(run, MatchSession) == 0


def test_feedback_is_given_once_after_a_session_took_place(run, browser, resident, mentor,
                                                           adult_match):
    rob = browser(resident)
    assert Page(rob.get(f"/skills/matches/{adult_match}")).find(
        "section", id="feedback") is None  # nothing has happened yet
    run(lambda: matches.mark_session_done(user_named("maya"), factories.held_session(
        db.session.get(Match, adult_match), user_named("maya"))))

    missing = rob.post(f"/skills/matches/{adult_match}/feedback",
                       data={"comment": "Very patient."})
    assert missing.status_code == 400
    assert Page(missing).error_for("rating") == "Choose a rating from 1 to 5."
    assert Page(missing).value("comment").strip() == "Very patient."

    page = go(rob, rob.post(f"/skills/matches/{adult_match}/feedback",
                            data={"rating": "5", "comment": "Very **patient**."}))
    assert "Thank you for your feedback." in page.flashes
    section = page.find("section", id="feedback")
    assert section.find("p", class_="post-header").text == "Rob Resident rated it 5 out of 5"
    assert section.find("div", class_="user-content").find("strong").text == "patient"
    assert section.find("form") is None  # once only
    again = go(rob, rob.post(f"/skills/matches/{adult_match}/feedback", data={"rating": "1"}))
    assert ("You can give feedback once, after a session has taken place or the match has "
            "ended.") in again.flashes
    assert count(run, MatchFeedback) == 1
    assert Page(browser(mentor).get(f"/skills/matches/{adult_match}")).find(
        "section", id="feedback").find("form") is not None  # Maya still can


def test_ending_a_match_closes_it_for_both(run, browser, resident, mentor, adult_match):
    maya, rob = browser(mentor), browser(resident)
    page = go(maya, maya.post(f"/skills/matches/{adult_match}/end",
                              data={"reason": "I'm moving away."}))
    assert "The match has ended. You can still leave feedback." in page.flashes
    assert "I'm moving away." in page.find("dl", class_="match-summary").text
    theirs = Page(rob.get(f"/skills/matches/{adult_match}"))
    assert theirs.find("textarea", name="body") is None
    assert theirs.find("form", action=f"/skills/matches/{adult_match}/sessions") is None
    before = count(run, MatchMessage)
    refused = go(rob, rob.post(f"/skills/matches/{adult_match}/messages",
                               data={"body": "Wait, come back!"}))
    assert ("This match isn't active, so you can't message or arrange sessions in it."
            in refused.flashes)
    assert count(run, MatchMessage) == before
    assert "Maya Mentor ended your match" in notices_of(run, "rob")


def test_a_concern_goes_to_every_staff_member_and_no_one_else(run, browser, teen, mentor,
                                                              staff, moderator, young_match,
                                                              make_user):
    other_staff = make_user("lee", roles=["staff"])
    tia = browser(teen)
    short = tia.post(f"/skills/matches/{young_match}/concern", data={"details": "Odd."})
    assert short.status_code == 400
    assert Page(short).error_for("details") == ("Tell us a little about what worries you (a "
                                               "sentence or two).")
    assert Page(short).value("details").strip() == "Odd."

    page = go(tia, tia.post(f"/skills/matches/{young_match}/concern", data={
        "details": "He asked me to meet somewhere else, not the library."}))
    assert any(flash.startswith("Thank you for telling us. Council safeguarding staff have "
                                "your concern") for flash in page.flashes)
    concern = run(lambda: db.session.execute(select(SafeguardingConcern)).scalar_one())
    assert (concern.reporter_id, concern.about_id, concern.state) == (teen.id, mentor.id,
                                                                     "open")
    told = "A safeguarding concern was raised about a skills match"
    for someone in (staff, other_staff):
        bell = Page(browser(someone).get("/notifications"))
        assert told in bell.find("ol", class_="notification-list").text
    assert told not in notices_of(run, "ravi")
    assert told not in notices_of(run, "maya")


def test_blocking_from_a_profile_ends_the_match_and_stops_requests(run, browser, resident,
                                                                  neighbour):
    match_id = run(lambda: factories.make_match(user_named("rob"), user_named("ada")).id)
    rob, ada = browser(resident), browser(neighbour)
    assert "Block Ada Neighbour" in buttons(Page(rob.get("/u/ada")))
    response = rob.post("/u/ada/block")
    assert response.headers["Location"] == "/u/ada"
    page = Page(rob.get("/u/ada"))
    assert any(flash.startswith("You've blocked Ada Neighbour.") for flash in page.flashes)
    assert "Unblock" in buttons(page) and "Block Ada Neighbour" not in buttons(page)
    assert match_state(run, match_id) == "ended"
    assert "One of you blocked the other." in Page(ada.get(f"/skills/matches/{match_id}")) \
        .find("dl", class_="match-summary").text

    refused = ada.get("/skills/request/rob")
    assert refused.status_code == 403
    assert "One of you has blocked the other." in Page(refused).main_text
    assert ada.post("/skills/request/rob", data={"format": "swap", "body": "Hi again"}) \
        .status_code == 403
    assert count(run, Match) == 1

    rob.post("/u/ada/unblock")
    assert "Block Ada Neighbour" in buttons(Page(rob.get("/u/ada")))
    assert count(run, Block) == 0
    assert ada.get("/skills/request/rob").status_code == 200


def test_nobody_blocks_council_staff(run, browser, resident, staff):
    assert "Block Jo Council" not in buttons(Page(browser(resident).get("/u/jo")))
    assert browser(resident).post("/u/jo/block").status_code == 403
    assert count(run, Block) == 0


# --- safeguarding: direct addresses and forged posts (DESIGN §5) -------------------------------


@pytest.mark.parametrize("young", ["teen", "child"])
def test_an_adult_without_a_check_cannot_open_or_post_a_request_to_a_young_person(
        request, run, browser, resident, young):
    username = request.getfixturevalue(young).username
    rob = browser(resident)
    opened = rob.get(f"/skills/request/{username}")
    assert opened.status_code == 403
    assert ONLY_VERIFIED in Page(opened).main_text
    posted = rob.post(f"/skills/request/{username}", data={"format": "mentoring",
                                                           "body": "Hi, can I help?"})
    assert posted.status_code == 403
    assert count(run, Match) == 0
    assert count(run, MatchMessage) == 0


LAPSES = {"expired": factories.expire_check, "revoked": factories.revoke_check}


@pytest.mark.parametrize("lapse", list(LAPSES))
def test_a_mentor_whose_check_lapsed_is_refused_inside_a_match_with_a_young_person(
        run, browser, teen, mentor, young_match, lapse):
    session_id = propose_as(run, "tia", young_match)
    run(lambda: LAPSES[lapse](user_named("maya")))
    maya = browser(mentor)
    page = Page(maya.get(f"/skills/matches/{young_match}"))
    assert f"Messages and sessions are paused. {ONLY_VERIFIED}" in page.main_text
    assert page.find("textarea", name="body") is None
    assert page.find("form", action=f"/skills/matches/{young_match}/sessions") is None
    assert "Confirm session" not in buttons(page)

    before = count(run, MatchMessage), count(run, MatchSession)
    for path, data in [("messages", {"body": "Still on for Tuesday?"}),
                       ("sessions", session_data()),
                       (f"sessions/{session_id}/confirm", {})]:
        response = maya.post(f"/skills/matches/{young_match}/{path}", data=data)
        assert response.status_code == 302, path
        assert ONLY_VERIFIED in Page(maya.get(f"/skills/matches/{young_match}")).flashes, path
    assert (count(run, MatchMessage), count(run, MatchSession)) == before
    assert run(lambda: db.session.get(MatchSession, session_id).state) == "proposed"


@pytest.mark.parametrize("lapse", list(LAPSES))
def test_a_mentor_whose_check_lapsed_cannot_accept_a_young_persons_request(run, browser, teen,
                                                                          mentor, lapse):
    match_id = run(lambda: factories.ask(user_named("tia"), user_named("maya")).id)
    run(lambda: LAPSES[lapse](user_named("maya")))
    maya = browser(mentor)
    assert "Accept" not in buttons(Page(maya.get(f"/skills/matches/{match_id}")))
    page = go(maya, maya.post(f"/skills/matches/{match_id}/respond", data={"action": "accept"}))
    assert page.find("p", class_="flash-error") is not None
    assert match_state(run, match_id) == "requested"
    assert "Maya Mentor accepted your request: you're matched" not in notices_of(run, "tia")


@pytest.mark.parametrize("viewer", ["outsider", "moderator", "staff"])
def test_a_match_between_adults_is_seen_by_its_two_people_only(browser, make_user, moderator,
                                                               staff, adult_match, viewer):
    someone = {"outsider": lambda: make_user("sam"), "moderator": lambda: moderator,
               "staff": lambda: staff}[viewer]()
    assert browser(someone).get(f"/skills/matches/{adult_match}").status_code == 404


def test_a_match_with_a_young_person_is_open_to_staff_who_are_told_it_is_recorded(
        run, browser, make_user, moderator, staff, young_match):
    for someone in (make_user("sam"), moderator):
        assert browser(someone).get(f"/skills/matches/{young_match}").status_code == 404
    page = Page(browser(staff).get(f"/skills/matches/{young_match}"))
    assert "You are reading as safeguarding staff." in page.find("div",
                                                                class_="banner-staff").text
    assert page.find("textarea", name="body") is None
    assert run(lambda: db.session.execute(select(func.count()).select_from(
        AuditEntry).where(AuditEntry.action == "safeguarding.read_match"))
        .scalar_one()) == 1


@pytest.fixture
def busy(run, resident, neighbour, teen, mentor, young_match):
    """What forged posts aim at: Tia's active match with Maya, with a session Maya proposed
    (Tia could confirm it) and one they held (either could mark it done); and Rob's request
    to Ada, waiting for her answer."""

    def make():
        match = db.session.get(Match, young_match)
        proposed = factories.propose(user_named("maya"), match)
        held = factories.held_session(match, user_named("maya"))
        waiting = factories.ask(user_named("rob"), user_named("ada"))
        return proposed.id, held.id, waiting.id

    proposed, held, waiting = run(make)
    return {"match": young_match, "proposed": proposed, "held": held, "waiting": waiting}


FORGED = [
    ("{match}/messages", {"body": "Hello from outside"}),
    ("{match}/sessions", session_data()),
    ("{match}/end", {"reason": "Forged"}),
    ("{match}/concern", {"details": "A forged concern about this match."}),
    ("{match}/feedback", {"rating": "1"}),
    ("{match}/respond", {"action": "decline"}),
    ("{match}/sessions/{proposed}/confirm", {}),
    ("{match}/sessions/{proposed}/cancel", {}),
    ("{match}/sessions/{held}/done", {}),
    ("{match}/sessions/{proposed}/rearrange", {"s{proposed}-" + name: value
                                               for name, value in session_data().items()}),
    ("{waiting}/respond", {"action": "accept"}),
    ("{waiting}/withdraw", {}),
]


def what_is_written(run, ids):
    """Everything a forged post could change."""

    def read():
        db.session.expire_all()
        return (count_rows(MatchMessage), count_rows(MatchSession), count_rows(TimeCredit),
                count_rows(MatchFeedback), count_rows(SafeguardingConcern),
                db.session.get(Match, ids["match"]).state,
                db.session.get(Match, ids["waiting"]).state,
                db.session.get(MatchSession, ids["proposed"]).state,
                db.session.get(MatchSession, ids["held"]).state)

    return run(read)


def forged(path, data, ids):
    path = path.format(**ids)
    return f"/skills/matches/{path}", {name.format(**ids): value for name, value in data.items()}


@pytest.mark.parametrize(("path", "data"), FORGED, ids=[path for path, _ in FORGED])
@pytest.mark.parametrize("who", ["resident", "moderator"])
def test_forged_posts_from_outside_a_match_are_not_found_and_change_nothing(
        request, run, browser, make_user, busy, path, data, who):
    outsider = make_user("sam") if who == "resident" else request.getfixturevalue("moderator")
    before = what_is_written(run, busy)
    url, data = forged(path, data, busy)
    assert browser(outsider).post(url, data=data).status_code == 404
    assert what_is_written(run, busy) == before


@pytest.mark.parametrize(("path", "data"), FORGED[:10], ids=[path for path, _ in FORGED[:10]])
def test_staff_reading_a_young_persons_match_cannot_act_in_it(run, browser, staff, busy, path,
                                                              data):
    before = what_is_written(run, busy)
    url, data = forged(path, data, busy)
    response = browser(staff).post(url, data=data)
    assert response.status_code in (302, 403)
    assert what_is_written(run, busy) == before


@pytest.mark.parametrize(("viewer", "status"), [
    ("visitor", 404),
    ("resident", 404),       # an adult with no safeguarding check
    ("child", 404),          # another young person
    ("moderator", 404),
    ("mentor", 200),
    ("staff", 200),
])
def test_a_young_persons_listing_address_works_only_for_verified_mentors_and_staff(
        request, client, run, browser, teen, viewer, status):
    listing_id = run(lambda: factories.create_listing(
        user_named("tia"), "Help with my maths GCSE", kind="request").id)
    someone = client if viewer == "visitor" else browser(request.getfixturevalue(viewer))
    response = someone.get(f"/skills/listings/{listing_id}")
    assert response.status_code == status
    if status == 200:
        assert Page(response).heading == "Help with my maths GCSE"
    assert ("Help with my maths GCSE" in titles(Page(someone.get("/skills/")))) is (
        status == 200)


def test_a_young_person_who_stops_being_open_to_matches_is_hidden_from_mentors(
        run, browser, teen, mentor, staff):
    listing_id = run(lambda: factories.create_listing(
        user_named("tia"), "Help with my maths GCSE", kind="request").id)
    tia = browser(teen)
    form = Page(tia.get("/skills/profile"))
    assert form.value("open_to_matches") is True
    assert form.find("input", name="capacity") is None  # young people take no mentees
    response = tia.post("/skills/profile", data={"formats": ["mentoring"]})
    assert response.headers["Location"] == "/skills/profile"
    assert Page(tia.get("/skills/profile")).value("open_to_matches") is False
    assert browser(mentor).get(f"/skills/listings/{listing_id}").status_code == 404
    assert browser(staff).get(f"/skills/listings/{listing_id}").status_code == 200
    assert browser(mentor).get("/skills/request/tia").status_code == 403


def test_an_under_16_without_consent_is_refused_a_request_either_way(run, browser, child,
                                                                     mentor):
    kai, maya = browser(child), browser(mentor)
    for who, partner in ((kai, "maya"), (maya, "kai")):
        assert who.get(f"/skills/request/{partner}").status_code == 403
        refused = who.post(f"/skills/request/{partner}", data={"format": "mentoring",
                                                               "body": "Hello!"})
        assert refused.status_code == 403
        assert CONSENT_NEEDED in Page(refused).main_text
    assert count(run, Match) == 0


def test_a_session_with_a_young_person_must_be_at_a_public_place(run, browser, mentor,
                                                                 young_match):
    data = session_data(venue="Community hall, back room", public=False, minutes="45")
    response = browser(mentor).post(f"/skills/matches/{young_match}/sessions", data=data)
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {"venue_is_public": (
        "Sessions with someone under 18 must be at a public place, like a library, community "
        "centre, café or workplace during opening hours. Choose one and tick the box.")}
    assert (page.value("venue"), page.value("day"), page.value("time"), page.value("minutes"),
            page.value("venue_is_public")) == ("Community hall, back room", data["day"],
                                               "17:00", "45", False)
    assert count(run, MatchSession) == 0


def test_a_phone_number_in_a_young_persons_match_is_held_and_the_sender_told_why(
        run, browser, teen, mentor, young_match):
    maya, tia = browser(mentor), browser(teen)
    response = maya.post(f"/skills/matches/{young_match}/messages",
                         data={"body": "Text me on 07700 900123"})
    held_id = run(lambda: db.session.execute(
        select(MatchMessage.id).where(MatchMessage.status == "held")).scalar_one())
    assert response.headers["Location"] == f"/skills/matches/{young_match}#m{held_id}"
    page = go(maya, response)
    assert any(flash.startswith(HELD_PHONE) for flash in page.flashes)
    held = page.find("article", id=f"m{held_id}")
    assert "Text me on 07700 900123" in held.text
    assert held.find("p", class_="status-held") is not None
    assert "07700 900123" not in Page(tia.get(f"/skills/matches/{young_match}")).main_text
    assert "New message from Maya Mentor" not in notices_of(run, "tia")


def test_contact_details_in_a_request_to_a_young_person_wait_for_a_check(run, browser, teen,
                                                                       mentor):
    maya, tia = browser(mentor), browser(teen)
    page = go(maya, maya.post("/skills/request/tia", data={
        "format": "mentoring", "body": "Hi Tia, add me on snap: maya_m"}))
    assert "Your message is waiting for a check before they can read it." in page.flashes
    assert "add me on snap" in page.main_text  # the author still sees it, marked as held
    match_id = run(lambda: db.session.execute(select(Match.id)).scalar_one())
    theirs = Page(tia.get(f"/skills/matches/{match_id}"))
    assert "add me on snap" not in theirs.main_text
    assert messages_on(theirs) == []


def test_an_under_16_waiting_for_consent_sees_suggestions_but_is_told_why_not_to_ask(
        run, browser, child, mentor, guitar):
    def make():
        skill = db.session.get(Skill, guitar)
        factories.create_listing(user_named("kai"), "Learn guitar", kind="request",
                                 skill=skill)
        factories.create_listing(user_named("maya"), "Guitar for beginners", skill=skill)

    run(make)
    page = Page(browser(child).get("/skills/suggestions"))
    (row,) = page.find_all("li", class_="suggestion")
    assert row.find("h2").find("a").text == "Maya Mentor"
    assert row.find("p", class_="notice").text == CONSENT_NEEDED
    assert row.find("a", href="/skills/request/maya") is None
    assert not any(link.attrs.get("href", "").startswith("/skills/request/")
                   for link in row.find_all("a"))


STAFF_PAGES = ["/staff/skills/", "/staff/skills/safeguarding",
               "/staff/skills/safeguarding/{concern}", "/staff/skills/young-matches",
               "/staff/skills/cohorts", "/staff/skills/cohorts/{cohort}",
               "/staff/skills/{skill}"]


def test_a_volunteer_moderator_cannot_reach_staff_skills_pages_or_held_match_messages(
        run, browser, moderator, staff, teen, mentor, young_match, guitar):
    maya = browser(mentor)
    maya.post(f"/skills/matches/{young_match}/messages", data={"body": "Text me on 07700 900123"})
    browser(teen).post(f"/skills/matches/{young_match}/concern",
                       data={"details": "Something about this worries me."})

    def ids():
        from forum.skills.cohorts import create_cohort

        cohort = create_cohort(user_named("jo"), "Spring mentoring 2027")
        concern = db.session.execute(select(SafeguardingConcern.id)).scalar_one()
        case = db.session.execute(select(Case.id).where(
            Case.content_kind == "match_message")).scalar_one()
        return {"cohort": cohort.id, "concern": concern, "skill": guitar, "case": case}

    found = run(ids)
    ravi = browser(moderator)
    for path in STAFF_PAGES:
        assert ravi.get(path.format(**found)).status_code == 403, path
    assert ravi.post("/staff/skills/cohorts", data={"name": "Volunteer cohort"}).status_code \
        == 403
    assert ravi.post(f"/staff/skills/safeguarding/{found['concern']}",
                     data={"outcome": "Closed by a volunteer."}).status_code == 403
    queue = Page(ravi.get("/moderation/"))
    assert "07700 900123" not in queue.main_text
    assert "Message in a skills match" not in queue.main_text
    assert ravi.get(f"/moderation/cases/{found['case']}").status_code == 403
    # Council staff see it waiting for them.
    assert "Message in a skills match" in Page(browser(staff).get(
        "/moderation/?only=staff")).main_text


# --- a guardian's consent, by e-mail ------------------------------------------------------------


def token_in(run, message, purpose):
    """The token of the link for `purpose` in an e-mail, as the guardian would follow it."""
    return run(lambda: factories.token_in(message, purpose))


def ask_guardian(run, browser_of_child, outbox):
    """The child asks Pat Parent from the skills page; the link's token from the e-mail."""
    response = browser_of_child.post("/skills/guardian", data={
        "guardian_name": "Pat Parent", "guardian_email": "pat@example.org"})
    assert response.headers["Location"] == "/skills/#guardian"
    sent = outbox()[-1]
    assert sent["To"] == "pat@example.org"
    return token_in(run, sent, tokens.GUARDIAN_CONSENT)


def test_a_guardian_gives_consent_from_the_emailed_link(run, browser, new_client, child,
                                                       mentor, outbox):
    kai = browser(child)
    assert kai.get("/skills/request/maya").status_code == 403
    token = ask_guardian(run, kai, outbox)
    page = Page(kai.get("/skills/"))
    assert ("We've e-mailed Pat Parent a link. Once they agree, you can ask verified mentors "
            "for a match.") in page.flashes
    assert "You asked Pat Parent on" in page.find("section", id="guardian").text

    guardian = new_client()  # not signed in: the link is all they need
    asked = Page(guardian.get(f"/skills/consent/{token}"))
    assert asked.heading == "Kai would like to join the skills swap"
    assert "I agree" in buttons(asked)
    thanked = go(guardian, guardian.post(f"/skills/consent/{token}"))
    assert "Thank you, Pat Parent. Your consent was recorded" in thanked.main_text
    assert "I agree" not in buttons(thanked)
    assert outbox()[-1]["Subject"] == "Thank you: your consent is recorded"

    assert "Pat Parent agreed on" in Page(kai.get("/skills/")).find("section",
                                                                    id="guardian").text
    assert kai.get("/skills/request/maya").status_code == 200
    assert "Pat Parent agreed: you can now request matches with verified mentors" in \
        notices_of(run, "kai")


def test_withdrawing_consent_from_the_link_pauses_matches_and_tells_staff(
        run, browser, new_client, child, mentor, staff, outbox):
    kai = browser(child)
    token = ask_guardian(run, kai, outbox)
    guardian = new_client()
    guardian.post(f"/skills/consent/{token}")
    withdraw = token_in(run, outbox()[-1], tokens.GUARDIAN_WITHDRAW)
    match_id = run(lambda: factories.make_match(user_named("kai"), user_named("maya")).id)

    asked = Page(guardian.get(f"/skills/consent/{withdraw}/withdraw"))
    assert asked.heading == "Withdraw your consent for Kai"
    done = go(guardian, guardian.post(f"/skills/consent/{withdraw}/withdraw"))
    assert "Your consent was withdrawn on" in done.main_text

    assert "A guardian withdrew consent for kai's matches" in notices_of(run, "jo")
    assert "withdrew their consent" in Page(kai.get("/skills/")).find("section",
                                                                      id="guardian").text
    maya = browser(mentor)
    paused = Page(maya.get(f"/skills/matches/{match_id}"))
    assert f"Messages and sessions are paused. {CONSENT_NEEDED}" in paused.main_text
    before = count(run, MatchMessage)
    refused = go(maya, maya.post(f"/skills/matches/{match_id}/messages",
                                 data={"body": "See you Tuesday"}))
    assert CONSENT_NEEDED in refused.flashes
    assert count(run, MatchMessage) == before
    # The old consent link no longer gives consent.
    again = guardian.post(f"/skills/consent/{token}")
    assert again.status_code == 400
    assert LINK_PROBLEM in Page(again).heading


def tamper(token):
    return token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")


@pytest.mark.parametrize("link", ["tampered", "garbage", "withdraw token to agree",
                                  "consent token to withdraw"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_consent_link_gets_a_friendly_page_and_gives_no_consent(
        run, browser, new_client, child, outbox, link, method):
    token = ask_guardian(run, browser(child), outbox)
    consent_id = run(lambda: db.session.execute(
        select(GuardianConsent.id)).scalar_one())
    withdraw_token = run(lambda: tokens.make_token(tokens.GUARDIAN_WITHDRAW, {"id": consent_id}))
    url = {"tampered": f"/skills/consent/{tamper(token)}",
           "garbage": "/skills/consent/not-a-real-token",
           "withdraw token to agree": f"/skills/consent/{withdraw_token}",
           "consent token to withdraw": f"/skills/consent/{token}/withdraw"}[link]
    response = getattr(new_client(), method)(url)
    assert response.status_code == 400
    page = Page(response)
    assert page.heading == LINK_PROBLEM
    assert "That link isn't valid. Check you copied the whole link from the e-mail." in \
        page.main_text
    assert run(lambda: services.consent_in_force(user_named("kai"))) is False


@pytest.mark.parametrize(("name", "address", "field", "message"), [
    ("", "pat@example.org", "guardian_name", "Enter your parent's or carer's name."),
    ("Pat Parent", "", "guardian_email", "Enter their e-mail address."),
    ("Pat Parent", "kai@example.org", "guardian_email",
     "Enter your parent's or carer's own e-mail address, not yours."),
    ("Pat Parent", "not an address", "guardian_email",
     "Enter an e-mail address like name@example.org."),
])
def test_the_guardian_form_says_what_is_wrong_beside_the_field(browser, child, outbox, name,
                                                               address, field, message):
    response = browser(child).post("/skills/guardian", data={"guardian_name": name,
                                                             "guardian_email": address})
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {field: message}
    assert page.value("guardian_name") == name and page.value("guardian_email") == address
    assert outbox() == []


@pytest.mark.parametrize("who", ["teen", "resident"])
def test_only_under_16s_can_ask_a_guardian(request, browser, outbox, who):
    response = browser(request.getfixturevalue(who)).post("/skills/guardian", data={
        "guardian_name": "Pat Parent", "guardian_email": "pat@example.org"})
    assert response.status_code == 403
    assert outbox() == []


def test_a_young_persons_time_credits_are_private_to_them_and_staff(run, browser, client, teen,
                                                                   mentor, staff, young_match):
    run(lambda: matches.mark_session_done(user_named("maya"), factories.held_session(
        db.session.get(Match, young_match), user_named("maya"), minutes=60)))

    def credits(someone):
        page = Page(someone.get("/u/tia"))
        return [p.text for p in page.find_all("p") if p.text.startswith("Time credits")]

    assert credits(browser(teen)) == ["Time credits: Gave 0 h · received 1 h"]
    assert credits(browser(staff)) == ["Time credits: Gave 0 h · received 1 h"]
    assert credits(browser(mentor)) == []
    assert client.get("/u/tia").status_code == 404
    assert "Time credits: Gave 1 h · received 0 h" in Page(client.get("/u/maya")).main_text


def test_the_matchmaking_profile_says_which_ward_and_languages_it_uses(make_user, browser):
    person = make_user("sian", languages=("Welsh", "English"), ward="Millfield")
    text = Page(browser(person).get("/skills/profile")).main_text
    assert "your ward (Millfield)" in text
    assert "the languages you speak (Welsh, English)" in text
