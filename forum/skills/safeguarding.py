"""Safeguarding in the skills swap: guardians' consent for under-16s, concerns raised from
match pages (straight to council staff), and staff oversight of matches with young people."""

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.accounts import tokens
from forum.accounts.models import RoleGrant, User, utcnow
from forum.accounts.services import EMAIL_PATTERN, normalise_email
from forum.core import audit
from forum.core.policy import require
from forum.errors import DomainError, Invalid, NotFound
from forum.extensions import db
from forum.notifications.mail import send_email
from forum.notifications.services import notify_person
from forum.skills.models import GuardianConsent, Match, SafeguardingConcern

CONCERN_MIN, CONCERN_MAX = 10, 4000


# --- guardian consent ---------------------------------------------------------------------------


def latest_consent(user):
    return db.session.execute(
        select(GuardianConsent).where(GuardianConsent.young_person_id == user.id)
        .order_by(GuardianConsent.requested_at.desc(), GuardianConsent.id.desc()).limit(1)
    ).scalar_one_or_none()


def request_guardian_consent(actor, guardian_name, guardian_email):
    """An under-16 asks a parent or carer to agree, by e-mail, to them being matched."""
    require(actor, "skills.ask_guardian",
            message="Only people under 16 need a parent's or carer's consent.")
    guardian_name = " ".join((guardian_name or "").split())
    if not 2 <= len(guardian_name) <= 80:
        raise Invalid("guardian_name", "Enter your parent's or carer's name.")
    guardian_email = normalise_email(guardian_email)
    if not EMAIL_PATTERN.match(guardian_email):
        raise Invalid("guardian_email", "Enter an e-mail address like name@example.org.")
    if guardian_email == (actor.email or "").lower():
        raise Invalid("guardian_email", "Enter your parent's or carer's own e-mail address, "
                                        "not yours.")
    consent = GuardianConsent(young_person_id=actor.id, guardian_name=guardian_name,
                              guardian_email=guardian_email)
    db.session.add(consent)
    db.session.commit()
    link = url_for("skills.guardian_consent",
                   token=tokens.make_token(tokens.GUARDIAN_CONSENT, {"id": consent.id}),
                   _external=True)
    send_email(guardian_email, f"{actor.first_name} would like to join Common Ground's skills "
                               "swap", "guardian_consent", consent=consent, young=actor,
               link=link)
    return consent


def consent_from_token(token, purpose=tokens.GUARDIAN_CONSENT):
    payload = tokens.read_token(purpose, token)
    consent = db.session.get(GuardianConsent, payload.get("id") if isinstance(payload, dict)
                             else None)
    if consent is None:
        raise NotFound("That consent request no longer exists.")
    return consent


def give_consent(token):
    """The guardian agrees, from the e-mailed link. Returns the consent."""
    consent = consent_from_token(token)
    if consent.withdrawn_at is not None:
        raise DomainError("This consent was withdrawn. Your young person can send a new "
                          "request from their Skills page.")
    if consent.given_at is None:
        consent.given_at = utcnow()
        young = consent.young_person
        notify_person(young.id, "match", f"{consent.guardian_name} agreed: you can now "
                                         "request matches with verified mentors",
                      url_for("skills.index"))
        db.session.commit()
        send_email(consent.guardian_email, "Thank you: your consent is recorded",
                   "guardian_consented", consent=consent, young=young,
                   withdraw_link=withdraw_link(consent))
    return consent


def withdraw_link(consent):
    return url_for("skills.guardian_withdraw",
                   token=tokens.make_token(tokens.GUARDIAN_WITHDRAW, {"id": consent.id}),
                   _external=True)


def withdraw_consent(token):
    """The guardian withdraws; every match of the young person pauses at once (the pair rule
    needs consent for every message and session), and staff are told."""
    consent = consent_from_token(token, tokens.GUARDIAN_WITHDRAW)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        young = consent.young_person
        notify_person(young.id, "match", f"{consent.guardian_name} withdrew their consent, so "
                                         "your matches are paused", url_for("skills.index"))
        for staff_id in _staff_ids():
            notify_person(staff_id, "safeguarding",
                          f"A guardian withdrew consent for {young.username}'s matches",
                          url_for("skills_staff.young_matches"))
        db.session.commit()
    return consent


def tell_guardian_of_match(young, other, match):
    """E-mail the consenting guardian the name of their young person's new mentor."""
    consent = latest_consent(young)
    if consent is None or not consent.in_force:
        return
    send_email(consent.guardian_email, f"{young.first_name} has a new match on Common Ground",
               "guardian_new_match", consent=consent, young=young, mentor=other, match=match,
               withdraw_link=withdraw_link(consent))


# --- concerns -----------------------------------------------------------------------------------


def _staff_ids():
    return list(db.session.execute(
        select(RoleGrant.user_id).join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.role.in_(("staff", "admin")), User.state == "active").distinct()
    ).scalars())


def raise_concern(actor, match, details):
    """Report a worry about a match: it goes straight to council staff, never to volunteers."""
    require(actor, "match.concern", match)
    details = (details or "").strip()
    if len(details) < CONCERN_MIN:
        raise Invalid("details", "Tell us a little about what worries you (a sentence or two).")
    if len(details) > CONCERN_MAX:
        raise Invalid("details", f"Keep it to {CONCERN_MAX:,} characters; staff will contact "
                                 "you if they need more.")
    concern = SafeguardingConcern(match_id=match.id, reporter_id=actor.id,
                                  about_id=match.other(actor).id, details=details)
    db.session.add(concern)
    db.session.flush()
    link = url_for("skills_staff.concern", concern_id=concern.id)
    for staff_id in _staff_ids():
        notify_person(staff_id, "safeguarding", "A safeguarding concern was raised about a "
                                                "skills match", link)
    db.session.commit()
    if current_app.config.get("SAFEGUARDING_EMAIL"):
        send_email(current_app.config["SAFEGUARDING_EMAIL"], "Safeguarding concern raised",
                   "safeguarding_concern", concern=concern,
                   link=url_for("skills_staff.concern", concern_id=concern.id, _external=True))
    return concern


def list_concerns(actor, state="open"):
    require(actor, "safeguarding.review")
    query = select(SafeguardingConcern).options(
        selectinload(SafeguardingConcern.reporter), selectinload(SafeguardingConcern.about))
    if state in ("open", "closed"):
        query = query.where(SafeguardingConcern.state == state)
    return db.session.execute(query.order_by(SafeguardingConcern.created_at.desc())
                              ).scalars().all()


def get_concern(actor, concern_id):
    require(actor, "safeguarding.review")
    concern = db.session.get(SafeguardingConcern, concern_id)
    if concern is None:
        raise NotFound("There's no such concern.")
    return concern


def close_concern(actor, concern, outcome):
    require(actor, "safeguarding.review")
    outcome = (outcome or "").strip()
    if len(outcome) < 10:
        raise Invalid("outcome", "Record what was done (at least 10 characters).")
    if concern.state == "closed":
        raise DomainError("This concern is already closed.")
    concern.state = "closed"
    concern.outcome = outcome
    concern.handled_by_id = actor.id
    concern.handled_at = utcnow()
    audit.record(actor, "safeguarding.concern_closed", concern, reason=outcome)
    if concern.reporter_id:
        notify_person(concern.reporter_id, "safeguarding",
                      "Council staff have looked into the concern you raised. Thank you.",
                      url_for("skills.my_matches"))
    db.session.commit()


def list_young_matches(actor):
    """Open and recent matches with a young person, for safeguarding staff."""
    require(actor, "safeguarding.review")
    return db.session.execute(
        select(Match).where(Match.involves_minor.is_(True))
        .options(selectinload(Match.requester).selectinload(User.mentor_checks),
                 selectinload(Match.partner).selectinload(User.mentor_checks))
        .order_by(Match.state.in_(("requested", "active")).desc(),
                  Match.last_activity_at.desc()).limit(200)
    ).scalars().all()
