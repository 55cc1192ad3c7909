"""Skills-swap use-cases called directly: listings, match profiles, suggestions, and the match
journey from a request to time credits and feedback."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from forum.accounts import services as accounts
from forum.accounts.models import User
from forum.errors import DomainError, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.moderation.models import Case
from forum.moderation.services import NeedsReconsideration
from forum.notifications.models import Notification
from forum.search import services as search
from forum.skills import cohorts, matches, services
from forum.skills.models import (
    Cohort,
    Listing,
    Match,
    MatchFeedback,
    MatchProfile,
    TimeCredit,
    slot_bit,
)
from tests.factories import date_of_birth_for, user_named
from tests.skills.factories import (
    ask,
    create_listing,
    create_skill,
    expire_check,
    held_session,
    load,
    make_match,
    move_into_the_past,
    notices,
    propose,
    reload_match,
    reload_session,
    set_profile,
)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


def titles(page):
    return [listing.title for listing in page.items]


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def credits():
    return sorted((row.user_id, row.direction, row.minutes) for row in
                  db.session.execute(select(TimeCredit)).scalars())


# --- listings ------------------------------------------------------------------------------


def test_a_new_listing_is_published_with_its_description_rendered(resident):
    guitar = create_skill("Guitar")
    listing = services.create_listing(resident, "offer", "  Guitar   for beginners ", guitar.id,
                                      "beginner", ["class", "mentoring"], "everyone",
                                      "Chords and *strumming*.")
    stored = load(Listing, listing)
    assert (stored.title, stored.status, stored.is_open) == ("Guitar for beginners",
                                                             "published", True)
    assert stored.formats == ["mentoring", "class"]
    assert stored.body_html == "<p>Chords and <em>strumming</em>.</p>"
    assert stored.skill_id == guitar.id
    assert titles(services.list_listings(None)) == ["Guitar for beginners"]


def test_a_listing_that_may_hurt_is_sent_back_once_then_held_for_review(resident, neighbour,
                                                                         says):
    says("hold", 0.85, "dehumanising:someone")
    with pytest.raises(NeedsReconsideration) as nudged:
        create_listing(resident, title="Lessons for some people", body="Words that hurt")
    assert count(Listing) == 0

    listing = services.create_listing(resident, "offer", "Lessons for some people", None,
                                      "beginner", ["class"], "everyone", "Words that hurt",
                                      nudge_id=nudged.value.nudge.id)
    assert load(Listing, listing).status == "held"
    case = db.session.execute(select(Case).where(Case.content_kind == "listing",
                                                 Case.content_id == listing.id)).scalar_one()
    assert (case.state, case.source) == ("open", "detector")
    assert titles(services.list_listings(neighbour)) == []
    with pytest.raises(NotFound):
        services.get_listing(listing.id, neighbour)
    assert services.get_listing(listing.id, resident).id == listing.id  # the author still sees it


def test_a_listing_the_author_posts_anyway_after_a_mild_nudge_is_published(resident, says):
    says("nudge", 0.5, "insult:mild")
    with pytest.raises(NeedsReconsideration) as nudged:
        create_listing(resident)
    listing = services.create_listing(resident, "offer", "Guitar for beginners", None,
                                      "beginner", ["class"], "everyone", "",
                                      nudge_id=nudged.value.nudge.id)
    assert load(Listing, listing).status == "published"


def test_the_author_can_edit_their_listing(resident):
    listing = create_listing(resident)
    services.update_listing(resident, listing, "offer", "Guitar and ukulele", None,
                            "intermediate", ["swap"], "young_people", "Bring your own.")
    stored = load(Listing, listing)
    assert (stored.title, stored.level, stored.formats, stored.suitable_for) == (
        "Guitar and ukulele", "intermediate", ["swap"], "young_people")
    assert stored.body_text == "Bring your own."
    assert stored.updated_at is not None


def test_nobody_else_can_edit_a_listing(resident, neighbour):
    listing = create_listing(resident)
    with pytest.raises(NotAllowed):
        services.update_listing(neighbour, listing, "offer", "Mine now", None, "beginner",
                                ["class"], "everyone", "")
    assert load(Listing, listing).title == "Guitar for beginners"


def test_a_closed_listing_leaves_the_list_and_comes_back_when_reopened(resident, neighbour):
    listing = create_listing(resident)
    services.set_listing_open(resident, listing, False)
    assert titles(services.list_listings(neighbour)) == []
    services.set_listing_open(resident, listing, True)
    assert titles(services.list_listings(neighbour)) == ["Guitar for beginners"]


def test_only_the_author_can_close_a_listing(resident, neighbour):
    listing = create_listing(resident)
    with pytest.raises(NotAllowed):
        services.set_listing_open(neighbour, listing, False)
    assert load(Listing, listing).is_open


BAD_LISTINGS = {
    "kind": dict(kind="sell"),
    "title": dict(title="ab"),
    "skill": dict(skill_id=99999),
    "level": dict(level="guru"),
    "formats": dict(formats=["dancing"]),
    "suitable_for": dict(suitable_for="pets"),
    "body": dict(body="x" * 4001),
}


@pytest.mark.parametrize("field", list(BAD_LISTINGS))
def test_a_listing_with_a_bad_field_is_refused_naming_the_field(resident, field):
    values = dict(kind="offer", title="Guitar for beginners", skill_id=None, level="beginner",
                  formats=["class"], suitable_for="everyone", body="")
    values.update(BAD_LISTINGS[field])
    with pytest.raises(Invalid) as refused:
        services.create_listing(resident, **values)
    assert refused.value.field == field
    assert refused.value.message
    assert count(Listing) == 0


def test_a_young_persons_listing_cannot_be_for_adults_only(teen):
    with pytest.raises(Invalid) as refused:
        create_listing(teen, kind="request", title="Help with maths", suitable_for="adults")
    assert refused.value.field == "suitable_for"


def test_someone_who_has_not_confirmed_their_email_cannot_list_a_skill(make_user):
    newcomer = make_user("newbie", verified=False)
    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        create_listing(newcomer)


@pytest.fixture
def browsing(make_user):
    """Three adults' listings, oldest first: guitar (Riverside, Tuesday evenings, music),
    bread baking (Hillside, Saturday mornings, food, adults only), Spanish (no skill, swap)."""
    rob = make_user("rob", display_name="Rob Resident")
    ada = make_user("ada", ward="Hillside")
    maya = make_user("maya", mentor=True)
    set_profile(rob, slots=["tue-evening"])
    set_profile(ada, slots=["sat-morning"])
    create_listing(rob, "Guitar for beginners", skill=create_skill("Guitar", "Music"),
                   formats=["mentoring"])
    create_listing(ada, "Bread baking", kind="request", skill=create_skill("Baking", "Food"),
                   formats=["class"], suitable_for="adults")
    create_listing(maya, "Conversational Spanish", formats=["swap", "mentoring"],
                   suitable_for="young_people", body="Practice over coffee.")
    return rob


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["Conversational Spanish", "Bread baking", "Guitar for beginners"]),
    ({"kind": "request"}, ["Bread baking"]),
    ({"kind": "offer"}, ["Conversational Spanish", "Guitar for beginners"]),
    ({"format": "class"}, ["Bread baking"]),
    ({"format": "swap"}, ["Conversational Spanish"]),
    ({"category": "music"}, ["Guitar for beginners"]),
    ({"ward": "hillside"}, ["Bread baking"]),
    ({"slot": "tue-evening"}, ["Guitar for beginners"]),
    ({"slot": "sat-morning"}, ["Bread baking"]),
    ({"under_18": True}, ["Conversational Spanish", "Guitar for beginners"]),
    ({"text": "coffee"}, ["Conversational Spanish"]),
    ({"text": "GUITAR"}, ["Guitar for beginners"]),
    ({"kind": "offer", "format": "mentoring", "ward": "riverside"},
     ["Conversational Spanish", "Guitar for beginners"]),
])
def test_listings_can_be_filtered(browsing, filters, expected):
    assert titles(services.list_listings(browsing, **filters)) == expected


@pytest.fixture
def maths(teen, resident):
    """A 17-year-old's request for help, beside an adult's listing with the same word."""
    create_listing(resident, "Maths tutoring for adults", kind="offer")
    return create_listing(teen, "Help with my maths GCSE", kind="request")


def test_a_young_persons_listing_is_invisible_to_residents_and_visitors(maths, neighbour):
    assert titles(services.list_listings(neighbour)) == ["Maths tutoring for adults"]
    assert titles(services.list_listings(None)) == ["Maths tutoring for adults"]
    with pytest.raises(NotFound):
        services.get_listing(maths.id, neighbour)
    with pytest.raises(NotFound):
        services.get_listing(maths.id, None)


def test_a_young_persons_listing_is_invisible_to_an_adult_whose_check_is_not_recorded(
        maths, resident):
    assert "Help with my maths GCSE" not in titles(services.list_listings(resident))


def test_verified_mentors_and_staff_see_a_young_persons_listing_while_they_are_open(
        maths, mentor, staff):
    for viewer in (mentor, staff):
        assert titles(services.list_listings(viewer)) == ["Help with my maths GCSE",
                                                         "Maths tutoring for adults"]
    assert services.get_listing(maths.id, mentor).id == maths.id


def test_a_young_persons_listing_disappears_when_they_stop_being_open_to_matches(
        maths, teen, mentor, staff):
    set_profile(teen, open_to_matches=False, capacity=0)
    for viewer in (mentor, staff):
        assert titles(services.list_listings(viewer)) == ["Maths tutoring for adults"]
    with pytest.raises(NotFound):
        services.get_listing(maths.id, mentor)


def test_a_young_persons_listing_is_never_searchable(maths, staff):
    found = search.search("maths", staff, kind="listing").groups[0]
    assert [hit["title"] for hit in found.hits] == ["Maths tutoring for adults"]


# --- match profiles --------------------------------------------------------------------------


def test_young_people_start_closed_to_matches_and_adults_open(make_user):
    young = make_user("newteen", age_band="16_17")
    adult = make_user("newadult")
    assert services.get_match_profile(young).open_to_matches is False
    assert services.get_match_profile(adult).open_to_matches is True
    assert db.session.get(MatchProfile, young.id) is None  # defaults are not saved


def test_saving_availability_keeps_the_chosen_slots(resident):
    services.save_match_profile(resident, ["sat-morning", "tue-evening"], ["class", "swap"], 3,
                                True)
    profile = db.session.get(MatchProfile, resident.id)
    assert profile.availability == slot_bit("tue-evening") | slot_bit("sat-morning")
    assert profile.slots == ["tue-evening", "sat-morning"]
    assert (profile.formats, profile.capacity) == (["class", "swap"], 3)


def test_saving_a_slot_not_on_the_grid_is_refused(resident):
    with pytest.raises(Invalid) as refused:
        services.save_match_profile(resident, ["tue-midnight"], [], 1, True)
    assert refused.value.field == "availability"


def test_saving_an_unknown_way_of_meeting_is_refused(resident):
    with pytest.raises(Invalid) as refused:
        services.save_match_profile(resident, [], ["skydiving"], 1, True)
    assert refused.value.field == "formats"


@pytest.mark.parametrize("capacity", [-1, 11, None])
def test_an_impossible_mentoring_capacity_is_refused(resident, capacity):
    with pytest.raises(Invalid) as refused:
        services.save_match_profile(resident, [], ["mentoring"], capacity, True)
    assert refused.value.field == "capacity"
    assert db.session.get(MatchProfile, resident.id) is None


def test_a_young_person_takes_no_mentees_whatever_they_enter(teen):
    services.save_match_profile(teen, [], ["mentoring"], 5, True)
    assert db.session.get(MatchProfile, teen.id).capacity == 0


# --- suggestions -------------------------------------------------------------------------------


@pytest.fixture
def guitar():
    return create_skill("Guitar", synonyms=["guitarist"])


def suggested(viewer):
    ranked, users = services.suggest_matches(viewer)
    return [users[suggestion.id].username for suggestion in ranked]


def test_suggestions_put_the_best_fit_first_and_say_why(resident, mentor, make_user, guitar):
    far = make_user("fran", ward="Hillside", display_name="Fran Far")
    create_listing(resident, "Learn guitar", kind="request", skill=guitar)
    create_listing(far, "Acoustic guitar chords", kind="offer")
    create_listing(mentor, "Guitar for beginners", kind="offer", skill=guitar)

    ranked, users = services.suggest_matches(resident)
    assert [users[suggestion.id].username for suggestion in ranked] == ["maya", "fran"]
    best = ranked[0]
    assert best.score > ranked[1].score
    assert "Maya Mentor offers Guitar for beginners, which you want" in best.reasons
    assert "You live in the same ward" in best.reasons
    assert "You live in the same ward" not in ranked[1].reasons


def test_someone_without_an_open_listing_gets_no_suggestions(resident, mentor, guitar):
    create_listing(mentor, "Guitar for beginners", skill=guitar)
    assert services.suggest_matches(resident) == ([], {})


def test_a_young_person_is_never_suggested_to_an_unverified_adult(resident, neighbour, mentor,
                                                                   teen, guitar):
    create_listing(teen, "Learn guitar", kind="request", skill=guitar)
    create_listing(neighbour, "Guitar please", kind="request", skill=guitar)
    create_listing(resident, "Guitar lessons", kind="offer", skill=guitar)
    create_listing(mentor, "Guitar for beginners", kind="offer", skill=guitar)
    assert suggested(resident) == ["ada"]
    assert "tia" in suggested(mentor)


def test_a_young_person_not_open_to_matches_is_never_suggested(mentor, teen, guitar):
    create_listing(teen, "Learn guitar", kind="request", skill=guitar)
    create_listing(mentor, "Guitar for beginners", kind="offer", skill=guitar)
    assert suggested(mentor) == ["tia"]
    set_profile(teen, open_to_matches=False, capacity=0)
    assert suggested(mentor) == []


def test_blocked_people_are_not_suggested_either_way(resident, neighbour, mentor, guitar):
    create_listing(resident, "Learn guitar", kind="request", skill=guitar)
    create_listing(neighbour, "Guitar lessons", kind="offer", skill=guitar)
    create_listing(mentor, "Guitar for beginners", kind="offer", skill=guitar)
    assert sorted(suggested(resident)) == ["ada", "maya"]
    assert "rob" in suggested(neighbour)

    accounts.block_user(resident, neighbour)
    assert suggested(resident) == ["maya"]
    assert "rob" not in suggested(neighbour)


# --- the match journey -------------------------------------------------------------------------


def test_a_match_from_request_to_time_credits(resident, mentor, guitar):
    listing = create_listing(mentor, "Guitar for beginners", skill=guitar)
    match = matches.request_match(resident, mentor, "mentoring", "Hi Maya, could you teach me?",
                                  listing=listing)
    assert (match.state, match.giver_id, match.involves_minor) == ("requested", mentor.id, False)
    assert [m.body_text for m in matches.list_messages(match, mentor)] == [
        "Hi Maya, could you teach me?"]
    assert notices(mentor) == [
        "Rob Resident would like to match with you (one-to-one mentoring)"]

    matches.respond(mentor, match, accept=True)
    assert reload_match(match).state == "active"
    assert notices(resident) == ["Maya Mentor accepted your request: you're matched"]

    sent = matches.send_message(resident, match, "Is Tuesday good?")
    assert sent.status == "published"
    assert notices(mentor)[-1] == "New message from Rob Resident"

    session = propose(mentor, match, minutes=90)
    assert (session.state, session.giver_id) == ("proposed", mentor.id)
    assert notices(resident)[-1] == "Maya Mentor proposed a session: please confirm"
    matches.confirm_session(resident, session)
    assert reload_session(session).state == "confirmed"
    assert notices(mentor)[-1] == "Rob Resident confirmed your session"

    move_into_the_past(session)
    matches.mark_session_done(resident, session)
    assert reload_session(session).state == "done"
    assert credits() == sorted([(mentor.id, "given", 90), (resident.id, "received", 90)])
    assert matches.time_credit_summary(mentor) == (90, 0)
    assert matches.time_credit_summary(resident) == (0, 90)


def test_marking_a_session_done_twice_does_not_credit_it_twice(resident, mentor):
    match = make_match(resident, mentor)
    session = held_session(match, mentor, minutes=45)
    matches.mark_session_done(mentor, session)
    with pytest.raises(DomainError):
        matches.mark_session_done(resident, session)
    assert count(TimeCredit) == 2
    assert matches.time_credit_summary(mentor) == (45, 0)
    assert matches.time_credit_summary(resident) == (0, 45)


def test_a_session_cannot_be_marked_done_before_it_starts(resident, mentor):
    match = make_match(resident, mentor)
    session = propose(mentor, match)
    matches.confirm_session(resident, session)
    with pytest.raises(DomainError):
        matches.mark_session_done(resident, session)
    assert count(TimeCredit) == 0


def test_the_proposer_cannot_confirm_their_own_session(resident, mentor):
    match = make_match(resident, mentor)
    session = propose(mentor, match)
    with pytest.raises(NotAllowed):
        matches.confirm_session(mentor, session)
    assert reload_session(session).state == "proposed"


def test_a_session_in_the_past_cannot_be_proposed(resident, mentor):
    from datetime import date, time

    match = make_match(resident, mentor)
    with pytest.raises(Invalid) as refused:
        matches.propose_session(mentor, match, date.today() - timedelta(days=1), time(17, 0),
                                60, "Riverside Library", False)
    assert refused.value.field == "day"


def test_feedback_waits_for_a_session_that_took_place(resident, mentor):
    match = make_match(resident, mentor)
    with pytest.raises(NotAllowed):
        matches.leave_feedback(resident, match, 5, "Great")
    matches.mark_session_done(mentor, held_session(match, mentor))

    matches.leave_feedback(resident, match, 5, "Really **patient** teacher")
    assert notices(mentor)[-1] == "Rob Resident left feedback on your match"
    with pytest.raises(NotAllowed):
        matches.leave_feedback(resident, match, 4, "Changed my mind")
    matches.leave_feedback(mentor, match, 4, "Keen learner")
    assert sorted((f.author_id, f.rating) for f in matches.list_feedback(match)) == sorted(
        [(resident.id, 5), (mentor.id, 4)])


def test_feedback_is_allowed_once_a_match_has_ended(resident, mentor):
    match = make_match(resident, mentor)
    matches.end_match(mentor, match, "Moving away")
    matches.leave_feedback(resident, match, 3)
    assert count(MatchFeedback) == 1


def test_a_rating_outside_one_to_five_is_refused(resident, mentor):
    match = make_match(resident, mentor)
    matches.end_match(mentor, match)
    with pytest.raises(Invalid) as refused:
        matches.leave_feedback(resident, match, 6)
    assert refused.value.field == "rating"


def test_only_the_person_asked_can_answer_a_request(resident, mentor, neighbour):
    match = ask(resident, mentor)
    for person in (resident, neighbour):
        with pytest.raises(NotAllowed):
            matches.respond(person, match, accept=True)
    assert reload_match(match).state == "requested"


def test_a_request_cannot_name_someone_elses_listing(resident, mentor, neighbour):
    listing = create_listing(neighbour)
    with pytest.raises(Invalid) as refused:
        ask(resident, mentor, listing=listing)
    assert refused.value.field == "listing"
    assert count(Match) == 0


def test_declining_tells_the_requester_and_closes_the_request(resident, mentor):
    match = ask(resident, mentor)
    matches.respond(mentor, match, accept=False, reason="Too busy this term")
    stored = reload_match(match)
    assert (stored.state, stored.end_reason) == ("declined", "Too busy this term")
    assert notices(resident) == ["Maya Mentor can't take your request this time"]
    with pytest.raises(NotAllowed):
        matches.send_message(resident, stored, "Please?")


def test_the_requester_can_withdraw_and_then_it_cannot_be_accepted(resident, mentor):
    match = ask(resident, mentor)
    with pytest.raises(NotAllowed):
        matches.withdraw_request(mentor, match)
    matches.withdraw_request(resident, match)
    assert reload_match(match).state == "withdrawn"
    with pytest.raises(NotAllowed):
        matches.respond(mentor, match, accept=True)
    assert reload_match(match).state == "withdrawn"


def test_ending_a_match_cancels_sessions_still_to_come(resident, mentor):
    match = make_match(resident, mentor)
    done = held_session(match, mentor)
    matches.mark_session_done(mentor, done)
    confirmed = propose(mentor, match, hour=10)
    matches.confirm_session(resident, confirmed)
    proposed = propose(resident, match, hour=12)

    matches.end_match(resident, match, "Learnt enough, thank you")
    stored = reload_match(match)
    assert (stored.state, stored.ended_by_id) == ("ended", resident.id)
    assert {s.id: s.state for s in matches.list_sessions(stored)} == {
        done.id: "done", confirmed.id: "cancelled", proposed.id: "cancelled"}
    assert notices(mentor)[-1] == "Rob Resident ended your match"
    with pytest.raises(NotAllowed):
        matches.send_message(mentor, stored, "Come back!")


def test_ending_a_match_keeps_a_session_that_already_took_place_so_it_can_be_credited(
        resident, mentor):
    match = make_match(resident, mentor)
    session = held_session(match, mentor)  # yesterday's session, not yet marked as done

    matches.end_match(resident, match)
    assert reload_session(session).state == "confirmed"
    matches.mark_session_done(mentor, reload_session(session))
    assert matches.time_credit_summary(mentor) == (60, 0)


def test_a_second_request_between_the_same_two_people_is_refused(resident, mentor):
    ask(resident, mentor)
    with pytest.raises(DomainError, match="already have a request or match"):
        ask(resident, mentor)
    with pytest.raises(DomainError, match="already have a request or match"):
        ask(mentor, resident)
    assert count(Match) == 1


def test_after_a_decline_the_same_person_may_ask_again(resident, mentor):
    matches.respond(mentor, ask(resident, mentor), accept=False)
    again = ask(resident, mentor)
    assert again.state == "requested"


def test_a_full_mentor_cannot_accept_another_mentee(resident, neighbour, mentor, make_user):
    set_profile(mentor, capacity=1)
    first, second = ask(resident, mentor), ask(neighbour, mentor)
    matches.respond(mentor, first, accept=True)
    with pytest.raises(DomainError, match="Your mentoring places are full"):
        matches.respond(mentor, second, accept=True)
    assert reload_match(second).state == "requested"
    with pytest.raises(DomainError, match="Maya Mentor's mentoring places are full"):
        ask(make_user("sid"), mentor)


def test_a_mentor_with_a_free_place_can_accept_again_after_a_match_ends(resident, neighbour,
                                                                         mentor):
    set_profile(mentor, capacity=1)
    first, second = ask(resident, mentor), ask(neighbour, mentor)
    matches.respond(mentor, first, accept=True)
    matches.end_match(mentor, first)
    matches.respond(mentor, second, accept=True)
    assert reload_match(second).state == "active"


def test_a_session_with_adults_only_may_be_somewhere_private(resident, mentor):
    match = make_match(resident, mentor)
    session = propose(mentor, match, venue="My kitchen", public=False)
    assert (session.venue, session.venue_is_public) == ("My kitchen", False)


def test_only_the_two_people_can_see_an_adults_match(resident, mentor, neighbour):
    match = make_match(resident, mentor)
    assert matches.get_match(match.id, resident).id == match.id
    with pytest.raises(NotFound):
        matches.get_match(match.id, neighbour)


# --- mentoring cohorts -------------------------------------------------------------------------


@pytest.fixture
def cohort(staff):
    return cohorts.create_cohort(staff, "Spring mentoring 2027")


def placements(cohort):
    db.session.expire_all()
    return {db.session.get(User, p.young_id).username:
            (db.session.get(User, p.mentor_id).username if p.mentor_id else None)
            for p in cohort.placements}


def placement_of(cohort, user):
    return next(p for p in cohort.placements if p.young_id == user.id)


def test_only_staff_run_cohorts(resident):
    with pytest.raises(NotAllowed):
        cohorts.create_cohort(resident, "My own programme")
    assert count(Cohort) == 0


def test_a_cohort_mentor_must_be_verified(cohort, staff, resident):
    with pytest.raises(Invalid, match="isn't a verified mentor") as refused:
        cohorts.add_member(staff, cohort, "rob", "mentor", capacity=2)
    assert refused.value.field == "username"
    assert cohort.members == []


def test_a_cohort_mentor_takes_at_least_one_young_person(cohort, staff, mentor):
    with pytest.raises(Invalid) as refused:
        cohorts.add_member(staff, cohort, "maya", "mentor", capacity=0)
    assert refused.value.field == "capacity"


@pytest.mark.parametrize(("age", "accepted"), [(17, True), (22, True), (25, True), (26, False)])
def test_young_people_in_a_cohort_are_25_or_under(cohort, staff, make_user, age, accepted):
    make_user("sol", date_of_birth=date_of_birth_for(age))
    if accepted:
        cohorts.add_member(staff, cohort, "sol", "young")
        assert [member.role for member in cohort.members] == ["young"]
    else:
        with pytest.raises(Invalid, match="over 25"):
            cohorts.add_member(staff, cohort, "sol", "young")
        assert cohort.members == []


def test_someone_cannot_join_a_cohort_twice(cohort, staff, teen):
    cohorts.add_member(staff, cohort, "tia", "young")
    with pytest.raises(Invalid, match="already in this cohort"):
        cohorts.add_member(staff, cohort, "tia", "young")


@pytest.fixture
def enrolled(cohort, staff, make_user):
    """Two mentors with one place each, Maya (Riverside) and Yusuf (Hillside); two 17-year-olds
    in Riverside, Bea and Cal. Bea has blocked Yusuf, so only Maya can take her."""
    maya = make_user("maya", mentor=True, display_name="Maya Mentor")
    yusuf = make_user("yusuf", mentor=True, ward="Hillside", display_name="Yusuf Mentor")
    bea = make_user("bea", age_band="16_17", display_name="Bea Young")
    make_user("cal", age_band="16_17", display_name="Cal Young")
    accounts.block_user(bea, yusuf)
    for username in ("maya", "yusuf"):
        cohorts.add_member(staff, cohort, username, "mentor", capacity=1)
    for username in ("cal", "bea"):
        cohorts.add_member(staff, cohort, username, "young")
    return SimpleNamespace(maya=maya, yusuf=yusuf, bea=bea)


def test_a_proposal_places_everyone_it_can_with_the_best_total(cohort, staff, enrolled):
    cohorts.propose(staff, cohort)
    # Cal fits Maya best (same ward), but giving her to Cal would leave Bea with nobody.
    assert placements(cohort) == {"cal": "yusuf", "bea": "maya"}
    assert cohort.state == "proposed"
    assert cohorts.total(cohort) == round(sum(p.score for p in cohort.placements), 1) > 0
    assert any("same ward" in reason for reason in placement_of(cohort, enrolled.bea).reasons)


def test_a_proposal_keeps_within_each_mentors_places(cohort, staff, make_user):
    make_user("maya", mentor=True)
    for username in ("bea", "cal", "dev"):
        make_user(username, age_band="16_17")
        cohorts.add_member(staff, cohort, username, "young")
    cohorts.add_member(staff, cohort, "maya", "mentor", capacity=2)
    cohorts.propose(staff, cohort)
    assert sorted(mentor or "-" for mentor in placements(cohort).values()) == [
        "-", "maya", "maya"]
    unplaced = next(p for p in cohort.placements if p.mentor_id is None)
    assert unplaced.reasons == ["Every suitable mentor's places were taken by better fits."]


def test_an_under_16_without_consent_is_left_unplaced_and_told_why(cohort, staff, make_user):
    make_user("maya", mentor=True)
    make_user("kai", age_band="under_16")
    cohorts.add_member(staff, cohort, "maya", "mentor", capacity=3)
    cohorts.add_member(staff, cohort, "kai", "young")
    cohorts.propose(staff, cohort)
    (placement,) = cohort.placements
    assert placement.mentor_id is None
    assert "parent or carer" in placement.reasons[0]


def test_staff_cannot_move_someone_to_a_mentor_with_no_places_left(cohort, staff, enrolled):
    cohorts.propose(staff, cohort)
    cal = user_named("cal")
    with pytest.raises(Invalid, match="no places left") as refused:
        cohorts.adjust(staff, cohort, placement_of(cohort, cal).id, enrolled.maya.id)
    assert refused.value.field == "mentor"
    assert placements(cohort) == {"cal": "yusuf", "bea": "maya"}


def test_staff_cannot_move_someone_to_a_mentor_the_safeguarding_rule_refuses(cohort, staff,
                                                                             enrolled):
    cohorts.propose(staff, cohort)
    cohorts.adjust(staff, cohort, placement_of(cohort, user_named("cal")).id, None)
    with pytest.raises(Invalid, match="blocked"):
        cohorts.adjust(staff, cohort, placement_of(cohort, enrolled.bea).id, enrolled.yusuf.id)
    assert placements(cohort) == {"cal": None, "bea": "maya"}


def test_staff_can_move_someone_to_a_mentor_with_a_free_place(cohort, staff, enrolled):
    cohorts.propose(staff, cohort)
    cohorts.adjust(staff, cohort, placement_of(cohort, enrolled.bea).id, None)
    cal = placement_of(cohort, user_named("cal"))
    cohorts.adjust(staff, cohort, cal.id, enrolled.maya.id)
    assert placements(cohort) == {"cal": "maya", "bea": None}
    assert cal.adjusted and cal.score > 0 and cal.reasons


def test_nobody_hears_about_a_cohort_until_staff_confirm_it(cohort, staff, enrolled):
    cohorts.propose(staff, cohort)
    cohorts.adjust(staff, cohort, placement_of(cohort, enrolled.bea).id, enrolled.maya.id)
    assert count(Notification) == 0
    assert count(Match) == 0

    made = cohorts.confirm(staff, cohort)
    assert cohort.state == "confirmed"
    pairs = sorted((m.requester.username, m.partner.username, m.state, m.giver_id == m.partner_id,
                    m.involves_minor, m.cohort_id) for m in made)
    assert pairs == [("bea", "maya", "active", True, True, cohort.id),
                     ("cal", "yusuf", "active", True, True, cohort.id)]
    assert notices(enrolled.bea) == ["You've been matched with Maya Mentor in Spring mentoring "
                                     "2027"]
    assert notices(enrolled.maya) == ["You've been matched with Bea in Spring mentoring 2027"]


def test_a_cohort_mentor_can_message_the_young_person_they_were_placed_with(cohort, staff,
                                                                           enrolled):
    cohorts.propose(staff, cohort)
    made = {m.partner_id: m for m in cohorts.confirm(staff, cohort)}
    match = made[enrolled.maya.id]
    matches.send_message(enrolled.maya, match, "Hi Bea, when suits you for a first chat?")
    assert matches.list_messages(match, enrolled.bea)[-1].author_id == enrolled.maya.id


def test_confirming_is_refused_when_a_mentors_check_expired_after_the_proposal(cohort, staff,
                                                                              enrolled):
    cohorts.propose(staff, cohort)
    expire_check(enrolled.yusuf)
    with pytest.raises(DomainError, match="cal with yusuf"):
        cohorts.confirm(staff, cohort)
    assert cohort.state == "proposed"
    assert count(Match) == 0
    assert count(Notification) == 0


# --- people leaving ------------------------------------------------------------------------------


def test_a_deleted_account_ends_its_matches_closes_its_listings_and_tells_the_other_side(
        app, resident, mentor):
    from tests.factories import PASSWORD

    listing = create_listing(mentor)
    match = make_match(resident, mentor)
    with app.test_request_context():
        accounts.delete_account(mentor, PASSWORD)
    assert load(Match, match).state == "ended"
    assert load(Listing, listing).is_open is False
    notices = db.session.execute(select(Notification.summary).where(
        Notification.user_id == resident.id)).scalars().all()
    assert "Your match ended: the other person left Common Ground" in notices


def test_download_my_data_has_my_skills_profile_listings_and_time_credits(resident, mentor):
    set_profile(mentor, slots=("tue-evening",), capacity=2)
    create_listing(mentor, title="Guitar for beginners")
    match = make_match(resident, mentor)
    matches.mark_session_done(resident, held_session(match, mentor, minutes=90))
    data = accounts.export_personal_data(mentor)["skills"]
    assert data["profile"]["availability"] == ["tue-evening"]
    assert [item["title"] for item in data["listings"]] == ["Guitar for beginners"]
    assert data["time_credits"] == {"minutes_given": 90, "minutes_received": 0}
