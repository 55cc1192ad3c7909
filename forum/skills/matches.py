"""The match journey: request with a message → accept or decline → messages and sessions →
done, time credits, feedback → end.

Every step asks policy (which applies the safeguarding pair rule of DESIGN §5 again, so an
expired mentor check or withdrawn consent stops a match at once), and every message goes
through the content pipeline; in a match with a young person, contact details are held for
staff.
"""

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum.accounts.models import utcnow
from forum.core import audit, content, signals, timezones
from forum.core.policy import can, is_staff, require, session_refusal
from forum.core.safeguarding import pair_refusal
from forum.errors import DomainError, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications.services import notify_person
from forum.skills import services
from forum.skills.contact import contact_details
from forum.skills.models import (
    FORMATS,
    Listing,
    Match,
    MatchFeedback,
    MatchMessage,
    MatchSession,
    TimeCredit,
)

MESSAGE_MAX = 4000
SESSION_MINUTES = (15, 8 * 60)
OPEN_STATES = ("requested", "active")


class HeldForSafeguarding(DomainError):
    """The message was saved but held: it seems to carry contact details."""

    def __init__(self, message_obj, found):
        super().__init__(
            "Your message is waiting for a safeguarding check because it seems to include "
            + " and ".join(found) + ". In matches with young people, contact stays on "
            "Common Ground: meet at your confirmed sessions and talk here. Staff will pass it "
            "on if it's fine.")
        self.held = message_obj
        self.found = found


# --- reading ---------------------------------------------------------------------------------


def get_match(match_id, viewer):
    match = db.session.get(Match, match_id)
    if match is None or not can(viewer, "match.view", match):
        raise NotFound("There's no match here that you can see.")
    return match


def list_my_matches(user):
    """The person's matches, open ones first, most recently active first."""
    return db.session.execute(
        select(Match).where(or_(Match.requester_id == user.id, Match.partner_id == user.id))
        .options(selectinload(Match.requester), selectinload(Match.partner),
                 selectinload(Match.listing))
        .order_by(Match.state.in_(OPEN_STATES).desc(), Match.last_activity_at.desc())
    ).scalars().all()


def list_messages(match, viewer):
    """Published messages; held or removed ones to their author and safeguarding staff only
    (not to a volunteer moderator who happens to be in the match)."""
    if is_staff(viewer):
        shown = MatchMessage.status != "deleted"
    else:
        shown = or_(MatchMessage.status == "published",
                    (MatchMessage.author_id == viewer.id)
                    & MatchMessage.status.in_(("held", "removed")))
    return db.session.execute(
        select(MatchMessage).where(MatchMessage.match_id == match.id, shown)
        .options(selectinload(MatchMessage.author))
        .order_by(MatchMessage.created_at, MatchMessage.id)
    ).scalars().all()


def list_sessions(match):
    return db.session.execute(
        select(MatchSession).where(MatchSession.match_id == match.id)
        .order_by(MatchSession.starts_at)
    ).scalars().all()


def list_feedback(match):
    return db.session.execute(
        select(MatchFeedback).where(MatchFeedback.match_id == match.id)
        .options(selectinload(MatchFeedback.author))
    ).scalars().all()


def open_match_between(a, b):
    return db.session.execute(
        select(Match).where(Match.state.in_(OPEN_STATES), or_(
            (Match.requester_id == a.id) & (Match.partner_id == b.id),
            (Match.requester_id == b.id) & (Match.partner_id == a.id)))
    ).scalars().first()


def active_mentees(user):
    return db.session.execute(
        select(func.count(Match.id)).where(Match.state == "active",
                                           Match.format == "mentoring",
                                           Match.giver_id == user.id)
    ).scalar_one()


def time_credit_summary(user):
    """(minutes given, minutes received) over every session that took place."""
    rows = dict(db.session.execute(
        select(TimeCredit.direction, func.coalesce(func.sum(TimeCredit.minutes), 0))
        .where(TimeCredit.user_id == user.id).group_by(TimeCredit.direction)
    ).all())
    return int(rows.get("given", 0)), int(rows.get("received", 0))


def list_time_credits(user):
    return db.session.execute(
        select(TimeCredit).where(TimeCredit.user_id == user.id)
        .options(selectinload(TimeCredit.session).selectinload(MatchSession.match))
        .order_by(TimeCredit.created_at.desc())
    ).scalars().all()


# --- requests --------------------------------------------------------------------------------


def _url(match):
    return url_for("skills.match", match_id=match.id)


def _giver_for(actor, partner, listing, format):
    """Who teaches: the adult with a young person; the one offering, from a listing."""
    if format == "swap":
        return None
    if actor.is_minor != partner.is_minor:
        return partner if actor.is_minor else actor
    if listing is not None:
        return listing.author if listing.kind == "offer" else (
            actor if listing.author_id == partner.id else partner)
    return partner


def request_match(actor, partner, format, message, listing=None, nudge_id=None):
    """Ask `partner` for a match, with a first message. Returns the Match.

    :raises NotAllowed: the safeguarding pair rule, a block, or missing consent says no.
    :raises NeedsReconsideration: the message seems hurtful (asked once).
    """
    require(actor, "match.request", partner,
            message=match_refusal(actor, partner) or "You can't match with this person.")
    if format not in FORMATS:
        raise Invalid("format", "Choose how you'd like to meet.")
    if listing is not None and listing.author_id not in (actor.id, partner.id):
        raise Invalid("listing", "That listing isn't one of yours or theirs.")
    if open_match_between(actor, partner) is not None:
        raise DomainError(f"You already have a request or match with {partner.public_name}: "
                          "carry on there.")
    giver = _giver_for(actor, partner, listing, format)
    _refuse_if_full(giver, format, partner if giver is not None and giver.id == partner.id
                    else None)
    involves_minor = actor.is_minor or partner.is_minor
    # Screened before anything is saved: a nudge commits, and must not leave a half-made match.
    screened = _screen_message(actor, message, involves_minor, nudge_id)
    now = utcnow()
    match = Match(requester_id=actor.id, partner_id=partner.id, format=format,
                  listing_id=listing.id if listing else None,
                  giver_id=giver.id if giver else None, state="requested",
                  involves_minor=involves_minor, created_at=now, last_activity_at=now)
    db.session.add(match)
    db.session.flush()
    _save_message(actor, match, *screened)
    notify_person(partner.id, "match", f"{actor.public_name} would like to match with you "
                                       f"({FORMATS[format].lower()})", _url(match), actor.id)
    db.session.commit()
    return match


def match_refusal(actor, other, reaching_out=True):
    """Why `actor` may not ask `other` for a match (`reaching_out`), or carry on in one, in
    plain words; None when they may."""
    if not can(actor, "skills.take_part"):
        return services.why_not_take_part(actor)
    return pair_refusal(services.party_of(actor), services.party_of(other),
                        reaching_out=reaching_out)


def _refuse_if_full(giver, format, told_about=None):
    """A mentor takes as many people for one-to-one mentoring as they said they could."""
    if giver is None or format != "mentoring":
        return
    capacity = services.get_match_profile(giver).capacity
    if active_mentees(giver) >= capacity:
        whose = f"{giver.public_name}'s" if told_about is not None else "Your"
        raise DomainError(f"{whose} mentoring places are full at the moment"
                          + (". Try another mentor, or ask again later." if told_about
                             is not None else ": end a match or take more people in your "
                             "matchmaking profile first."))


def respond(actor, match, accept, reason=""):
    """The partner accepts (the pair rule and capacity are checked again) or declines."""
    require(actor, "match.respond", match,
            message="Only the person asked can answer a request." if match.state == "requested"
            else "This request has been answered or withdrawn already.")
    now = utcnow()
    if accept:
        refusal = match_refusal(actor, match.requester, reaching_out=False)
        if refusal:
            raise NotAllowed(refusal)
        if match.giver is not None:
            _refuse_if_full(match.giver, match.format,
                            None if match.giver_id == actor.id else match.giver)
        match.state = "active"
        notify_person(match.requester_id, "match",
                      f"{actor.public_name} accepted your request: you're matched", _url(match),
                      actor.id)
    else:
        match.state = "declined"
        match.end_reason = (reason or "").strip()[:500]
        notify_person(match.requester_id, "match",
                      f"{actor.public_name} can't take your request this time", _url(match),
                      actor.id)
    match.responded_at = match.last_activity_at = now
    db.session.commit()
    if accept:
        tell_guardians(match)
    return match


def tell_guardians(match):
    """A guardian who consented hears about each new match of their under-16."""
    from forum.skills.safeguarding import tell_guardian_of_match

    for person in match.people:
        if person.age_band() == "under_16":
            tell_guardian_of_match(person, match.other(person), match)


def withdraw_request(actor, match):
    require(actor, "match.withdraw", match)
    match.state = "withdrawn"
    match.ended_at = match.last_activity_at = utcnow()
    db.session.commit()


def end_match(actor, match, reason=""):
    """Either side ends a match; sessions not yet held are cancelled."""
    require(actor, "match.end", match)
    _close(match, actor, "ended", (reason or "").strip()[:500])
    other = match.other(actor)
    notify_person(other.id, "match", f"{actor.public_name} ended your match", _url(match), actor.id)
    db.session.commit()


def _close(match, actor, state, reason):
    now = utcnow()
    match.state = state
    match.ended_at = match.last_activity_at = now
    match.ended_by_id = actor.id if actor else None
    match.end_reason = reason
    for session in list_sessions(match):
        # A session that has started stays, so it can still be marked done and credited.
        if session.state in ("proposed", "confirmed") and session.starts_at > now:
            _cancel(actor, session, "The match ended.")


@signals.user_blocked.connect
def _end_matches_on_block(blocker, blocked=None, **extra):
    """Blocking someone ends any open request or match between the two, quietly."""
    match = open_match_between(blocker, blocked)
    while match is not None:
        _close(match, blocker, "ended" if match.state == "active" else "withdrawn",
               "One of you blocked the other.")
        db.session.flush()
        match = open_match_between(blocker, blocked)


@signals.account_deleted.connect
def _close_for_departed(user_id, **extra):
    """Someone left Common Ground: their requests and matches end, the other side is told,
    and their listings close."""
    open_matches = db.session.execute(
        select(Match).where(Match.state.in_(OPEN_STATES),
                            or_(Match.requester_id == user_id, Match.partner_id == user_id))
    ).scalars().all()
    for match in open_matches:
        other_id = match.partner_id if match.requester_id == user_id else match.requester_id
        was_active = match.state == "active"
        _close(match, None, "ended" if was_active else "withdrawn",
               "The other person left Common Ground.")
        notify_person(other_id, "match", "Your match ended: the other person left Common "
                                         "Ground" if was_active else
                      "A request to you was withdrawn: its sender left Common Ground",
                      _url(match))
    db.session.execute(update(Listing).where(Listing.author_id == user_id)
                       .values(is_open=False, updated_at=utcnow()))
    db.session.commit()


# --- messages --------------------------------------------------------------------------------


def _clean_message(body):
    body = (body or "").strip()
    if not body:
        raise Invalid("body", "Write a message first.")
    if len(body) > MESSAGE_MAX:
        raise Invalid("body", f"Keep messages to {MESSAGE_MAX:,} characters; this one has "
                              f"{len(body):,}.")
    return body


def _screen_message(actor, body, involves_minor, nudge_id=None):
    """Render and screen a message: (prepared text, status, contact details found)."""
    body = _clean_message(body)
    prepared = content.prepare(body, {"kind": "match_message", "author_id": actor.id})
    status = moderation.screen(actor, prepared.verdict, "match_message", nudge_id)
    found = contact_details(body) if involves_minor else []
    return prepared, "held" if found else status, found


def _save_message(actor, match, prepared, status, found):
    """Save a screened message, opening a case when it is held (the caller commits)."""
    message = MatchMessage(match_id=match.id, author_id=actor.id, body_source=prepared.source,
                           body_html=prepared.html, body_text=prepared.text)
    message.apply_verdict(prepared.verdict, status)
    db.session.add(message)
    db.session.flush()
    if found:
        moderation.hold_for_staff(
            message, labels=["contact-details"],
            reasons=[f"Shares {what} in a match with a young person." for what in found])
    else:
        moderation.record_screening(message, prepared.verdict)
    return message


def send_message(actor, match, body, nudge_id=None):
    """Post a message in a match. Returns it; a held message raises HeldForSafeguarding after
    it is saved, so the view can tell the sender why."""
    require(actor, "match.message", match, message=_why_closed(actor, match))
    prepared, status, found = _screen_message(actor, body, match.involves_minor, nudge_id)
    message = _save_message(actor, match, prepared, status, found)
    match.last_activity_at = utcnow()
    if message.is_published:
        _announce_message(message)
    db.session.commit()
    if found:
        raise HeldForSafeguarding(message, found)
    return message


def _announce_message(message):
    match = message.match
    other = match.other(message.author)
    notify_person(other.id, "match", f"New message from {message.author.public_name}",
                  url_for("skills.match", match_id=match.id, _anchor=f"m{message.id}"),
                  message.author_id)


def announce_released_message(message):
    """Staff kept a held message: the other side hears about it now (the caller commits)."""
    _announce_message(message)
    db.session.commit()


def _why_closed(actor, match):
    if match.state != "active":
        return "This match isn't active, so you can't message or arrange sessions in it."
    if not match.includes(actor):
        return None
    return match_refusal(actor, match.other(actor), reaching_out=False)


# --- sessions ---------------------------------------------------------------------------------


def local_to_utc(day, at):
    """A date and time in the council's time zone → naive UTC, as stored."""
    return timezones.local_to_utc(day, at, current_app.config["TIMEZONE"])


def _clean_session(match, day, at, minutes, venue, venue_is_public, giver_id):
    if day is None or at is None:
        raise Invalid("day", "Say which day and time.")
    starts_at = local_to_utc(day, at)
    if starts_at <= utcnow():
        raise Invalid("day", "Choose a time in the future.")
    if starts_at > utcnow() + timedelta(days=366):
        raise Invalid("day", "Choose a time within the next year.")
    if minutes is None or not SESSION_MINUTES[0] <= minutes <= SESSION_MINUTES[1]:
        raise Invalid("minutes", f"A session lasts from {SESSION_MINUTES[0]} minutes to "
                                 f"{SESSION_MINUTES[1] // 60} hours.")
    venue = " ".join((venue or "").split())
    if not 3 <= len(venue) <= 160:
        raise Invalid("venue", "Say where you'll meet (3 to 160 characters).")
    venue_check = content.prepare(venue, {"kind": "venue"})
    if venue_check.verdict.action in ("hold", "block") or (
            match.involves_minor and contact_details(venue)):
        raise Invalid("venue", "Name the place only: no contact details or links.")
    if match.involves_minor and not venue_is_public:
        raise Invalid("venue_is_public",
                      "Sessions with someone under 18 must be at a public place, like a "
                      "library, community centre, café or workplace during opening hours. "
                      "Choose one and tick the box.")
    if giver_id not in (match.requester_id, match.partner_id):
        raise Invalid("giver", "Say who is teaching in this session.")
    if match.giver_id is not None and giver_id != match.giver_id:
        raise Invalid("giver", "In this match the same person teaches in every session.")
    return starts_at, minutes, venue


def propose_session(actor, match, day, at, minutes, venue, venue_is_public, giver_id=None):
    """Suggest a meeting; the other side confirms it."""
    require(actor, "match.session", match, message=_why_closed(actor, match))
    giver_id = giver_id or match.giver_id or actor.id
    starts_at, minutes, venue = _clean_session(match, day, at, minutes, venue,
                                               venue_is_public, giver_id)
    session = MatchSession(match_id=match.id, proposed_by_id=actor.id, giver_id=giver_id,
                           starts_at=starts_at, minutes=minutes, venue=venue,
                           venue_is_public=bool(venue_is_public))
    db.session.add(session)
    match.last_activity_at = utcnow()
    other = match.other(actor)
    db.session.flush()
    notify_person(other.id, "match", f"{actor.public_name} proposed a session: please confirm",
                  url_for("skills.match", match_id=match.id, _anchor=f"s{session.id}"),
                  actor.id)
    db.session.commit()
    return session


def _refuse_unless(actor, session, action):
    """The policy's answer for this session action, with its reason when it says no."""
    match = session.match
    if not can(actor, "match.view", match):
        raise NotFound("There's no match here that you can see.")
    refusal = session_refusal(actor, session, action)
    if refusal is None:
        return match
    if action in ("confirm", "rearrange") and not can(actor, "match.session", match):
        refusal = _why_closed(actor, match) or refusal  # say why the match is paused
    raise NotAllowed(refusal)


def confirm_session(actor, session):
    match = _refuse_unless(actor, session, "confirm")
    session.state = "confirmed"
    session.confirmed_at = match.last_activity_at = utcnow()
    notify_person(session.proposed_by_id, "match",
                  f"{actor.public_name} confirmed your session", _url(match), actor.id)
    db.session.commit()


def _cancel(actor, session, reason):
    session.state = "cancelled"
    session.cancelled_by_id = actor.id if actor else None
    session.cancel_reason = reason


def cancel_session(actor, session, reason=""):
    match = _refuse_unless(actor, session, "cancel")
    _cancel(actor, session, (reason or "").strip()[:500])
    match.last_activity_at = utcnow()
    notify_person(match.other(actor).id, "match", f"{actor.public_name} cancelled a session",
                  _url(match), actor.id)
    db.session.commit()


def rearrange_session(actor, session, day, at, minutes, venue, venue_is_public):
    """Move a session: the old one is cancelled and the new time waits for confirmation."""
    match = _refuse_unless(actor, session, "rearrange")
    _clean_session(match, day, at, minutes, venue, venue_is_public, session.giver_id)
    _cancel(actor, session, "Rearranged.")
    return propose_session(actor, match, day, at, minutes, venue, venue_is_public,
                           session.giver_id)


def mark_session_done(actor, session):
    """The session took place: both sides get a line in the time-credit ledger."""
    match = _refuse_unless(actor, session, "done")
    session.state = "done"
    session.done_at = match.last_activity_at = utcnow()
    learner = match.partner_id if session.giver_id == match.requester_id else match.requester_id
    db.session.add_all([
        TimeCredit(user_id=session.giver_id, session_id=session.id, direction="given",
                   minutes=session.minutes),
        TimeCredit(user_id=learner, session_id=session.id, direction="received",
                   minutes=session.minutes),
    ])
    try:
        db.session.commit()
    except IntegrityError:  # the other side marked it done at the same moment
        db.session.rollback()


# --- feedback --------------------------------------------------------------------------------


def may_give_feedback(actor, match):
    """After a session took place, or once the match has ended; once each."""
    if not (match.includes(actor) and match.state in ("active", "ended")):
        return False
    if db.session.execute(select(MatchFeedback.id).where(
            MatchFeedback.match_id == match.id, MatchFeedback.author_id == actor.id)).first():
        return False
    if match.state == "ended":
        return True
    return db.session.execute(select(MatchSession.id).where(
        MatchSession.match_id == match.id, MatchSession.state == "done")).first() is not None


def leave_feedback(actor, match, rating, comment=""):
    if not may_give_feedback(actor, match):
        raise NotAllowed("You can give feedback once, after a session has taken place or the "
                         "match has ended.")
    if rating not in (1, 2, 3, 4, 5):
        raise Invalid("rating", "Choose a rating from 1 to 5.")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise Invalid("comment", "Keep feedback to 2,000 characters.")
    prepared = content.prepare(comment, {"kind": "feedback", "author_id": actor.id})
    if prepared.verdict.action in ("hold", "block"):
        raise Invalid("comment", "Please reword your feedback: it seems to break the "
                                 "community rules.")
    db.session.add(MatchFeedback(match_id=match.id, author_id=actor.id, rating=rating,
                                 comment_html=prepared.html))
    notify_person(match.other(actor).id, "match",
                  f"{actor.public_name} left feedback on your match", _url(match), actor.id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise NotAllowed("You've already given feedback on this match.") from None


# --- staff reading a match with a young person -----------------------------------------------


def read_as_staff(actor, match):
    """Safeguarding staff open a match with a young person; both sides were told they may, and
    each reading is in the audit log."""
    require(actor, "safeguarding.review")
    require(actor, "match.view", match)
    if not match.includes(actor):
        audit.record(actor, "safeguarding.read_match", match)
        db.session.commit()
