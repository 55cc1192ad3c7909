"""DESIGN §5 in the skills swap, tried every way round: each test takes a route someone might
use to reach a young person outside the rules, and expects a refusal.

Adults reach under-18s only as verified mentors, only inside an accepted match; under-16s also
need a guardian's consent by e-mail; contact stays on the platform; staff, never volunteers,
see what is held and every concern.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.accounts import services as accounts
from forum.accounts import tokens
from forum.core.audit import AuditEntry
from forum.core.policy import can
from forum.errors import DomainError, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.models import Case
from forum.moderation.services import NeedsReconsideration
from forum.skills import matches, safeguarding, services
from forum.skills.models import (
    GuardianConsent,
    Match,
    MatchMessage,
    MatchSession,
    SafeguardingConcern,
)
from tests.skills.factories import (
    ask,
    create_listing,
    create_skill,
    expire_check,
    make_match,
    notices,
    propose,
    record_consent,
    reload_match,
    revoke_check,
    set_profile,
    token_in,
)

ONLY_VERIFIED = "Only verified mentors"
CONSENT_NEEDED = "A parent or carer needs to agree"


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


def count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def bodies(match, viewer):
    return [message.body_text for message in matches.list_messages(match, viewer)]


@pytest.fixture
def young_match(teen, mentor):
    """Tia (17) asked Maya (a verified mentor), and Maya accepted."""
    return make_match(teen, mentor)


@pytest.fixture
def adult_match(resident, neighbour):
    return make_match(resident, neighbour)


# --- who may ask whom --------------------------------------------------------------------------


@pytest.mark.parametrize("young", ["teen", "child"])
def test_an_unverified_adult_cannot_ask_a_young_person_for_a_match(request, resident, young):
    person = request.getfixturevalue(young)
    record_consent(person)  # so that the missing check is the only reason
    with pytest.raises(NotAllowed, match=ONLY_VERIFIED):
        ask(resident, person)
    assert count(Match) == 0
    assert notices(person) == []


def test_an_unverified_adult_cannot_ask_even_with_the_young_persons_listing(resident, teen):
    listing = create_listing(teen, "Help with my maths GCSE", kind="request")
    with pytest.raises(NotAllowed, match=ONLY_VERIFIED):
        ask(resident, teen, listing=listing)
    assert count(Match) == 0


def test_a_young_person_cannot_ask_an_unverified_adult(resident, teen):
    with pytest.raises(NotAllowed, match=ONLY_VERIFIED):
        ask(teen, resident)
    assert count(Match) == 0


def test_a_verified_mentor_can_ask_a_young_person_who_is_open_to_matches(mentor, teen):
    match = ask(mentor, teen)
    assert (match.state, match.involves_minor, match.giver_id) == ("requested", True, mentor.id)
    assert notices(teen) == ["Maya Mentor would like to match with you (one-to-one mentoring)"]


def test_a_verified_mentor_cannot_ask_a_young_person_who_is_not_open_to_matches(mentor, teen):
    set_profile(teen, open_to_matches=False, capacity=0)
    with pytest.raises(NotAllowed, match="isn't looking for matches"):
        ask(mentor, teen)
    assert count(Match) == 0


def test_two_young_people_cannot_be_matched_with_each_other(teen, child):
    record_consent(child)
    with pytest.raises(NotAllowed, match="not with each other"):
        ask(teen, child)
    with pytest.raises(NotAllowed, match="not with each other"):
        ask(child, teen)
    assert count(Match) == 0


def test_a_young_person_is_only_suggested_verified_mentors(teen, resident, mentor, make_user):
    guitar = create_skill("Guitar")
    other_teen = make_user("uma", age_band="16_17")
    set_profile(other_teen, open_to_matches=True, capacity=0)
    create_listing(teen, "Learn guitar", kind="request", skill=guitar)
    for person in (resident, other_teen, mentor):
        create_listing(person, "Guitar lessons", kind="offer", skill=guitar)
    ranked, users = services.suggest_matches(teen)
    assert [users[suggestion.id].username for suggestion in ranked] == ["maya"]


def test_young_people_do_not_see_each_others_listings(teen, child, resident):
    create_listing(child, "Help with fractions", kind="request")
    create_listing(resident, "Fractions made easy", kind="offer")
    assert [listing.title for listing in services.list_listings(teen).items] == [
        "Fractions made easy"]


def test_nobody_outside_a_match_can_post_in_it(young_match, make_user):
    outsider = make_user("zed", mentor=True)
    with pytest.raises(NotAllowed):
        matches.send_message(outsider, young_match, "Hi Tia")
    with pytest.raises(NotAllowed):
        propose(outsider, young_match)
    assert count(MatchMessage) == 1


# --- a check that expires or is revoked stops everything at once ------------------------------


LAPSES = {"expired": expire_check, "revoked": revoke_check}


@pytest.mark.parametrize("lapse", list(LAPSES))
def test_a_mentor_whose_check_lapsed_cannot_ask_a_young_person(mentor, teen, lapse):
    LAPSES[lapse](mentor)
    with pytest.raises(NotAllowed, match=ONLY_VERIFIED):
        ask(mentor, teen)
    assert count(Match) == 0


@pytest.mark.parametrize("lapse", list(LAPSES))
def test_a_mentor_whose_check_lapsed_cannot_accept_a_young_persons_request(mentor, teen, lapse):
    match = ask(teen, mentor)
    LAPSES[lapse](mentor)
    with pytest.raises(NotAllowed):
        matches.respond(mentor, match, accept=True)
    assert reload_match(match).state == "requested"


@pytest.mark.parametrize("lapse", list(LAPSES))
def test_a_mentor_whose_check_lapsed_cannot_message_or_arrange_sessions(young_match, mentor,
                                                                         teen, lapse):
    LAPSES[lapse](mentor)
    with pytest.raises(NotAllowed):
        matches.send_message(mentor, young_match, "Still on for Tuesday?")
    with pytest.raises(NotAllowed):
        propose(mentor, young_match)
    with pytest.raises(NotAllowed):
        matches.send_message(teen, young_match, "Are you there?")
    assert bodies(young_match, teen) == ["Hello! I'd love to learn from you."]
    assert count(MatchSession) == 0


@pytest.mark.parametrize("lapse", list(LAPSES))
def test_a_young_persons_listing_disappears_for_a_mentor_whose_check_lapsed(mentor, teen,
                                                                           lapse):
    listing = create_listing(teen, "Help with my maths GCSE", kind="request")
    assert services.get_listing(listing.id, mentor).id == listing.id
    LAPSES[lapse](mentor)
    assert services.list_listings(mentor).items == []
    with pytest.raises(NotFound):
        services.get_listing(listing.id, mentor)


# --- guardians' consent for under-16s ----------------------------------------------------------


def test_an_under_16_without_consent_cannot_be_asked_or_ask(mentor, child):
    with pytest.raises(NotAllowed, match=CONSENT_NEEDED):
        ask(mentor, child)
    with pytest.raises(NotAllowed, match=CONSENT_NEEDED):
        ask(child, mentor)
    assert count(Match) == 0


def test_a_16_year_old_needs_no_guardian_consent(mentor, teen):
    assert ask(mentor, teen).state == "requested"


def ask_guardian(child, outbox):
    """Kai asks Pat; returns the consent token from the link in Pat's e-mail."""
    safeguarding.request_guardian_consent(child, "Pat Parent", "Pat@Example.org")
    sent = outbox()[-1]
    assert sent["To"] == "pat@example.org"
    return token_in(sent, tokens.GUARDIAN_CONSENT)


def test_a_guardians_consent_by_email_lets_an_under_16_be_matched(mentor, child, outbox):
    token = ask_guardian(child, outbox)
    with pytest.raises(NotAllowed, match=CONSENT_NEEDED):
        ask(mentor, child)  # asking is not agreeing

    consent = safeguarding.give_consent(token)
    assert consent.given_at is not None and consent.in_force
    assert notices(child) == ["Pat Parent agreed: you can now request matches with verified "
                              "mentors"]
    thanked = outbox()[-1]
    assert (thanked["To"], thanked["Subject"]) == ("pat@example.org",
                                                   "Thank you: your consent is recorded")

    match = make_match(mentor, child)
    assert reload_match(match).state == "active"
    told = outbox()[-1]
    assert (told["To"], told["Subject"]) == ("pat@example.org",
                                             "Kai has a new match on Common Ground")


def test_following_the_consent_link_twice_records_it_once(child, outbox):
    token = ask_guardian(child, outbox)
    first = safeguarding.give_consent(token).given_at
    sent = len(outbox())
    assert safeguarding.give_consent(token).given_at == first
    assert len(outbox()) == sent


def test_a_tampered_consent_link_is_refused(child, outbox):
    token = ask_guardian(child, outbox)
    with pytest.raises(DomainError, match="isn't valid"):
        safeguarding.give_consent(token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert services.consent_in_force(child) is False


def test_a_link_made_for_another_purpose_does_not_give_consent(child, outbox):
    ask_guardian(child, outbox)
    consent = safeguarding.latest_consent(child)
    withdrawal = tokens.make_token(tokens.GUARDIAN_WITHDRAW, {"id": consent.id})
    with pytest.raises(DomainError, match="isn't valid"):
        safeguarding.give_consent(withdrawal)
    assert services.consent_in_force(child) is False


def test_an_expired_consent_link_is_refused(child, outbox, ctx):
    token = ask_guardian(child, outbox)
    ctx.config["GUARDIAN_CONSENT_MAX_AGE"] = timedelta(seconds=-1)  # older than allowed
    with pytest.raises(DomainError, match="expired"):
        safeguarding.give_consent(token)
    assert services.consent_in_force(child) is False


def test_only_under_16s_ask_a_guardian(teen, resident):
    for person in (teen, resident):
        with pytest.raises(NotAllowed):
            safeguarding.request_guardian_consent(person, "Pat Parent", "pat@example.org")
    assert count(GuardianConsent) == 0


@pytest.mark.parametrize(("name", "address", "field"), [
    ("Pat Parent", "not-an-address", "guardian_email"),
    ("Pat Parent", "KAI@example.org", "guardian_email"),  # the young person's own address
    ("P", "pat@example.org", "guardian_name"),
])
def test_a_consent_request_needs_a_real_guardian_address(child, outbox, name, address, field):
    with pytest.raises(Invalid) as refused:
        safeguarding.request_guardian_consent(child, name, address)
    assert refused.value.field == field
    assert outbox() == [] and count(GuardianConsent) == 0


def test_withdrawing_consent_stops_messages_at_once_and_tells_staff(mentor, child, staff,
                                                                    moderator, outbox):
    safeguarding.give_consent(ask_guardian(child, outbox))
    withdraw = token_in(outbox()[-1], tokens.GUARDIAN_WITHDRAW)
    match = make_match(child, mentor)
    matches.send_message(mentor, match, "See you Saturday")

    safeguarding.withdraw_consent(withdraw)
    assert services.consent_in_force(child) is False
    for person in (mentor, child):
        with pytest.raises(NotAllowed):
            matches.send_message(person, match, "Hello?")
        with pytest.raises(NotAllowed):
            propose(person, match)
    assert notices(staff) == ["A guardian withdrew consent for kai's matches"]
    assert notices(moderator) == []
    assert notices(child)[-1] == ("Pat Parent withdrew their consent, so your matches are "
                                  "paused")
    with pytest.raises(DomainError, match="withdrawn"):
        safeguarding.give_consent(token_in(outbox()[0], tokens.GUARDIAN_CONSENT))


# --- blocks ----------------------------------------------------------------------------------


def test_blocking_ends_the_match_and_stops_new_requests_both_ways(young_match, mentor, teen):
    accounts.block_user(teen, mentor)
    stored = reload_match(young_match)
    assert stored.state == "ended"
    with pytest.raises(NotAllowed):
        matches.send_message(mentor, stored, "Why?")
    with pytest.raises(NotAllowed, match="blocked"):
        ask(mentor, teen)
    with pytest.raises(NotAllowed, match="blocked"):
        ask(teen, mentor)
    assert count(Match) == 1


def test_blocking_withdraws_a_waiting_request(resident, neighbour):
    match = ask(resident, neighbour)
    accounts.block_user(neighbour, resident)
    assert reload_match(match).state == "withdrawn"
    with pytest.raises(NotAllowed):
        matches.respond(neighbour, match, accept=True)


# --- open to matches governs being found, not a match already made ----------------------------


def test_a_mentor_can_still_reply_after_the_young_person_stops_being_suggested(
        young_match, mentor, teen, make_user):
    set_profile(teen, open_to_matches=False, capacity=0)
    with pytest.raises(NotAllowed):
        ask(make_user("mia", mentor=True), teen)  # nobody new can ask
    matches.send_message(teen, young_match, "Thanks for today")
    matches.send_message(mentor, young_match, "You're welcome!")
    assert bodies(young_match, teen)[-1] == "You're welcome!"


def test_a_young_person_who_asks_a_mentor_themselves_can_be_accepted(mentor, make_user):
    young = make_user("sol", age_band="16_17")  # never switched on "open to matches"
    match = ask(young, mentor)
    matches.respond(mentor, match, accept=True)
    assert reload_match(match).state == "active"


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_with_a_young_person_must_be_at_a_public_place(young_match, mentor):
    with pytest.raises(Invalid) as refused:
        propose(mentor, young_match, venue="My flat", public=False)
    assert refused.value.field == "venue_is_public"
    assert count(MatchSession) == 0
    assert propose(mentor, young_match).venue_is_public is True


def test_a_session_venue_cannot_carry_contact_details_to_a_young_person(young_match, mentor):
    with pytest.raises(Invalid) as refused:
        propose(mentor, young_match, venue="Ring 07700 900123 when you arrive")
    assert refused.value.field == "venue"
    assert count(MatchSession) == 0


# --- contact details are held for staff --------------------------------------------------------


CONTACT = [
    ("Text me on 07700 900123", "a phone number"),
    ("Email me at maya.mentor@example.org", "an e-mail address"),
    ("Add me on snap, I'm @maya_plays", "a social media name or app"),
    ("My lessons are on https://example.com/maya", "a link"),
]


@pytest.mark.parametrize(("text", "found"), CONTACT)
def test_contact_details_in_a_young_persons_match_are_held_for_staff(young_match, mentor, teen,
                                                                     text, found):
    with pytest.raises(matches.HeldForSafeguarding) as held:
        matches.send_message(mentor, young_match, text)
    assert found in held.value.message
    message = db.session.get(MatchMessage, held.value.held.id)
    assert message.status == "held"
    case = db.session.execute(select(Case).where(Case.content_kind == "match_message",
                                                 Case.content_id == message.id)).scalar_one()
    assert (case.needs_staff, case.source, case.state) == (True, "safeguarding", "open")
    assert text not in bodies(young_match, teen)
    assert text in bodies(young_match, mentor)  # the author sees it, awaiting review
    assert "New message from Maya Mentor" not in notices(teen)


def test_a_young_persons_own_contact_details_are_held_too(young_match, mentor, teen):
    with pytest.raises(matches.HeldForSafeguarding):
        matches.send_message(teen, young_match, "my number is 07700 900 123")
    assert "my number is 07700 900 123" not in bodies(young_match, mentor)


def test_a_mentor_who_also_moderates_does_not_see_a_young_persons_held_message(
        teen, make_user):
    volunteer_mentor = make_user("mo", mentor=True, roles=["moderator"])
    match = make_match(teen, volunteer_mentor)
    with pytest.raises(matches.HeldForSafeguarding):
        matches.send_message(teen, match, "add me on snap: tia_xo")
    assert "add me on snap: tia_xo" not in bodies(match, volunteer_mentor)


@pytest.fixture
def held(young_match, mentor, resident, says):
    """A held message in Tia's match, beside a held public listing volunteers do review."""
    says("hold", 0.85, "insult:strong")
    with pytest.raises(NeedsReconsideration) as nudged:
        create_listing(resident)
    services.create_listing(resident, "offer", "Guitar for beginners", None, "beginner",
                            ["class"], "everyone", "", nudge_id=nudged.value.nudge.id)
    says()
    with pytest.raises(matches.HeldForSafeguarding) as raised:
        matches.send_message(mentor, young_match, "Text me on 07700 900123")
    message = raised.value.held
    return db.session.execute(select(Case).where(Case.content_kind == "match_message",
                                                 Case.content_id == message.id)).scalar_one()


def test_volunteer_moderators_never_see_held_match_messages(held, moderator):
    queue = moderation.list_queue(moderator)
    assert [case.content_kind for case in queue.items] == ["listing"]
    assert moderation.queue_count(moderator) == 1
    assert can(moderator, "moderation.decide", held) is False
    with pytest.raises(NotAllowed):
        moderation.get_case(moderator, held.id)
    with pytest.raises(NotAllowed):
        moderation.decide(moderator, held, "keep")


def test_staff_see_held_match_messages_and_keeping_one_delivers_it(held, staff, teen,
                                                                  young_match):
    assert held.id in [case.id for case in moderation.list_queue(staff).items]
    assert can(staff, "moderation.decide", held) is True

    moderation.decide(staff, held, "keep")
    assert db.session.get(MatchMessage, held.content_id).status == "published"
    assert "Text me on 07700 900123" in bodies(young_match, teen)
    assert notices(teen)[-1] == "New message from Maya Mentor"


def test_the_same_message_between_two_adults_is_published(adult_match, resident, neighbour):
    message = matches.send_message(resident, adult_match, "Text me on 07700 900123")
    assert message.status == "published"
    assert "Text me on 07700 900123" in bodies(adult_match, neighbour)
    assert count(Case) == 0
    assert notices(neighbour)[-1] == "New message from Rob Resident"


def test_match_messages_cannot_be_flagged_like_posts(young_match, mentor, teen):
    message = matches.send_message(mentor, young_match, "Bring your calculator")
    with pytest.raises(NotFound):
        moderation.flag_content(teen, "match_message", message.id, "harassment")
    assert count(Case) == 0


# --- concerns go straight to staff ---------------------------------------------------------------


def test_a_concern_reaches_every_staff_member_and_no_volunteer(young_match, teen, staff,
                                                               moderator, make_user, outbox):
    admin = make_user("ali", roles=["admin"])
    concern = safeguarding.raise_concern(teen, young_match, "He asked me to keep a secret.")
    stored = db.session.get(SafeguardingConcern, concern.id)
    assert (stored.reporter_id, stored.about_id, stored.state) == (
        teen.id, young_match.partner_id, "open")
    for person in (staff, admin):
        assert notices(person) == ["A safeguarding concern was raised about a skills match"]
    assert notices(moderator) == []
    assert outbox() == []  # no safeguarding address is configured here


def test_only_the_people_in_a_match_can_raise_a_concern_about_it(young_match, resident, staff):
    with pytest.raises(NotAllowed):
        safeguarding.raise_concern(resident, young_match, "I have a bad feeling about this.")
    assert count(SafeguardingConcern) == 0
    assert notices(staff) == []


def test_a_concern_needs_a_few_words(young_match, teen):
    with pytest.raises(Invalid) as refused:
        safeguarding.raise_concern(teen, young_match, "bad")
    assert refused.value.field == "details"


class TestWithASafeguardingAddress:
    @pytest.fixture
    def app_overrides(self):
        return {"SAFEGUARDING_EMAIL": "safeguarding@council.example"}

    def test_a_concern_is_also_emailed_to_the_safeguarding_team(self, young_match, teen,
                                                                outbox):
        safeguarding.raise_concern(teen, young_match, "He asked me to keep a secret.")
        sent = [m for m in outbox() if m["To"] == "safeguarding@council.example"]
        assert [m["Subject"] for m in sent] == ["Safeguarding concern raised"]


# --- who can read a match ----------------------------------------------------------------------


def test_staff_can_read_a_young_persons_match_and_each_reading_is_audited(young_match, staff,
                                                                         mentor):
    with pytest.raises(matches.HeldForSafeguarding):
        matches.send_message(mentor, young_match, "Text me on 07700 900123")
    assert can(staff, "match.view", young_match) is True
    assert matches.get_match(young_match.id, staff).id == young_match.id
    assert bodies(young_match, staff) == ["Hello! I'd love to learn from you.",
                                          "Text me on 07700 900123"]
    matches.read_as_staff(staff, young_match)
    entries = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "safeguarding.read_match")).scalars().all()
    assert [(e.actor_id, e.target_type, e.target_id) for e in entries] == [
        (staff.id, "match", young_match.id)]


def test_staff_cannot_read_a_match_between_two_adults(adult_match, staff):
    assert can(staff, "match.view", adult_match) is False
    with pytest.raises(NotFound):
        matches.get_match(adult_match.id, staff)


def test_reading_as_staff_refuses_a_match_between_two_adults(adult_match, staff):
    with pytest.raises((NotAllowed, NotFound)):
        matches.read_as_staff(staff, adult_match)
    assert count(AuditEntry) == 0


def test_nobody_outside_a_match_can_read_it(young_match, adult_match, make_user, moderator):
    outsider = make_user("zed", mentor=True)
    for match in (young_match, adult_match):
        for person in (outsider, moderator):
            assert can(person, "match.view", match) is False
            with pytest.raises(NotFound):
                matches.get_match(match.id, person)


def test_a_volunteer_cannot_read_as_staff(young_match, moderator):
    with pytest.raises(NotAllowed):
        matches.read_as_staff(moderator, young_match)
    assert count(AuditEntry) == 0


# --- a request's first message goes through the same checks ------------------------------------


def test_contact_details_in_a_request_to_a_young_person_are_held(mentor, teen):
    match = matches.request_match(mentor, teen, "mentoring", "Hi! WhatsApp me on 07700 900123")
    assert bodies(match, teen) == []
    message = db.session.execute(select(MatchMessage).where(
        MatchMessage.match_id == match.id)).scalar_one()
    assert message.status == "held"
    assert db.session.execute(select(Case.needs_staff).where(
        Case.content_id == message.id, Case.content_kind == "match_message")).scalar_one()
