"""Plain helpers that make skills-swap rows for tests (they need an app context).

Listings, profiles, matches and sessions go through the services, so every row is what a
resident would have made; only what a person cannot do through the site (time passing, a
check expiring) is written directly.
"""

import re
from datetime import date, time, timedelta

from sqlalchemy import select

from forum.accounts import tokens
from forum.accounts.models import utcnow
from forum.errors import DomainError
from forum.extensions import db
from forum.notifications.models import Notification
from forum.skills import matches, services
from forum.skills.models import GuardianConsent, Match, MatchSession, Skill, SkillCategory

FIRST_MESSAGE = "Hello! I'd love to learn from you."
VENUE = "Riverside Library, ground floor"


def create_category(name="Music"):
    category = db.session.execute(
        select(SkillCategory).where(SkillCategory.name == name)).scalar_one_or_none()
    if category is None:
        category = SkillCategory(name=name, slug=name.lower().replace(" ", "-"))
        db.session.add(category)
        db.session.commit()
    return category


def create_skill(name="Guitar", category="Music", synonyms=()):
    skill = Skill(name=name, slug=name.lower().replace(" ", "-"),
                  category=create_category(category), synonyms=list(synonyms))
    db.session.add(skill)
    db.session.commit()
    return skill


def create_listing(author, title="Guitar for beginners", kind="offer", skill=None,
                   formats=("mentoring",), suitable_for="everyone", body="", level="beginner"):
    """A published listing made through the service (the detector must let `body` through)."""
    return services.create_listing(author, kind, title, skill.id if skill else None, level,
                                   list(formats), suitable_for, body)


def set_profile(user, slots=(), formats=("mentoring",), capacity=1, open_to_matches=True):
    return services.save_match_profile(user, list(slots), list(formats), capacity,
                                       open_to_matches)


def record_consent(young, guardian_name="Pat Parent", guardian_email="pat@example.org"):
    """A guardian's consent already given (the e-mailed flow is tested on its own)."""
    consent = GuardianConsent(young_person_id=young.id, guardian_name=guardian_name,
                              guardian_email=guardian_email, given_at=utcnow())
    db.session.add(consent)
    db.session.commit()
    return consent


def expire_check(user):
    """The person's DBS check ran out yesterday."""
    for check in user.mentor_checks:
        check.checked_on = date.today() - timedelta(days=1100)
        check.expires_on = date.today() - timedelta(days=1)
    db.session.commit()


def revoke_check(user):
    for check in user.mentor_checks:
        check.revoked_at = utcnow()
    db.session.commit()


def ask(requester, partner, format="mentoring", message=FIRST_MESSAGE, listing=None):
    """`requester` asks `partner` for a match; it waits for an answer."""
    return matches.request_match(requester, partner, format, message, listing=listing)


def make_match(requester, partner, format="mentoring", message=FIRST_MESSAGE, listing=None):
    """An active match: `requester` asks, `partner` accepts."""
    match = ask(requester, partner, format, message, listing)
    return matches.respond(partner, match, accept=True)


def next_week(hour=17):
    """A day and a local time a week from now, as a session form gives them."""
    return date.today() + timedelta(days=7), time(hour, 0)


def propose(actor, match, minutes=60, venue=VENUE, public=True, giver_id=None, hour=17):
    day, at = next_week(hour)
    return matches.propose_session(actor, match, day, at, minutes, venue, public,
                                   giver_id=giver_id)


def move_into_the_past(session, hours=2):
    """Time passes: the session started `hours` ago."""
    session.starts_at = utcnow() - timedelta(hours=hours)
    db.session.commit()
    return session


def held_session(match, proposer, minutes=60):
    """A session proposed by `proposer`, confirmed by the other side, and now in the past."""
    session = propose(proposer, match, minutes=minutes)
    matches.confirm_session(match.other(proposer), session)
    return move_into_the_past(session)


def load(model, obj_or_id):
    db.session.expire_all()
    return db.session.get(model, getattr(obj_or_id, "id", obj_or_id))


def reload_match(match):
    return load(Match, match)


def reload_session(session):
    return load(MatchSession, session)


def notices(user):
    """The summaries of the notifications `user` has, oldest first."""
    return list(db.session.execute(
        select(Notification.summary).where(Notification.user_id == user.id)
        .order_by(Notification.id)).scalars())


_URL = re.compile(r"https?://\S+")


def token_in(message, purpose):
    """The token of `purpose` in an e-mail's links: whichever path segment the site would
    accept, so the test follows the link the way a guardian would."""
    body = message.get_content()
    for url in _URL.findall(body):
        for segment in url.split("?")[0].split("/"):
            try:
                tokens.read_token(purpose, segment)
            except DomainError:  # not this segment
                continue
            return segment
    raise AssertionError(f"No {purpose} link in the e-mail:\n{body}")
