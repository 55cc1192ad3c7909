"""Mentoring cohorts: staff enrol young people and mentors, the matchmaker proposes the
placement with the best total score, staff adjust it, and only on confirmation is anyone told."""

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, age_on, utcnow
from forum.core import audit
from forum.core.policy import require
from forum.core.safeguarding import pair_refusal
from forum.errors import DomainError, Invalid, NotFound
from forum.extensions import db
from forum.notifications.services import notify_person
from forum.skills import matches, matching, services
from forum.skills.models import Cohort, CohortMember, CohortPlacement, Match
from forum.skills.services import MAX_CAPACITY


def list_cohorts(actor):
    require(actor, "cohort.manage")
    return db.session.execute(
        select(Cohort).options(selectinload(Cohort.members))
        .order_by(Cohort.created_at.desc())
    ).scalars().all()


def list_cohort_matches(actor, cohort):
    """The matches a confirmed cohort made (or took in), with both people."""
    require(actor, "cohort.manage")
    return db.session.execute(
        select(Match).where(Match.cohort_id == cohort.id)
        .options(selectinload(Match.requester), selectinload(Match.partner))
        .order_by(Match.id)
    ).scalars().all()


def get_cohort(actor, cohort_id):
    require(actor, "cohort.manage")
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There's no such cohort.")
    return cohort


def create_cohort(actor, name):
    require(actor, "cohort.manage")
    name = " ".join((name or "").split())
    if not 3 <= len(name) <= 100:
        raise Invalid("name", "Name the programme in 3 to 100 characters, like \"Spring "
                              "mentoring 2027\".")
    cohort = Cohort(name=name, created_by_id=actor.id)
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, "cohort.created", cohort, after={"name": name})
    db.session.commit()
    return cohort


def _refuse_if_confirmed(cohort):
    if cohort.state == "confirmed":
        raise DomainError("This cohort has been confirmed; start a new one for more people.")


def add_member(actor, cohort, username, role, capacity=1):
    """Enrol a young person (13 to 25) or a verified mentor."""
    require(actor, "cohort.manage")
    _refuse_if_confirmed(cohort)
    user = db.session.execute(select(User).where(
        User.username_key == (username or "").strip().lower(), User.state == "active")
    ).scalar_one_or_none()
    if user is None:
        raise Invalid("username", "There's no active member with that username.")
    if role not in ("young", "mentor"):
        raise Invalid("role", "Choose young person or mentor.")
    if role == "mentor":
        if not user.is_verified_mentor:
            raise Invalid("username", f"{user.username} isn't a verified mentor: record their "
                                      "safeguarding check first.")
        if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
            raise Invalid("capacity", f"A mentor takes 1 to {MAX_CAPACITY} young people.")
    elif not user.is_minor and _age(user) > 25:
        raise Invalid("username", f"{user.username} is over 25: young people in a cohort are "
                                  "13 to 25.")
    if any(member.user_id == user.id for member in cohort.members):
        raise Invalid("username", f"{user.username} is already in this cohort.")
    cohort.members.append(CohortMember(user_id=user.id, role=role,
                                       capacity=capacity if role == "mentor" else 0))
    _forget_proposal(cohort)
    audit.record(actor, "cohort.member_added", cohort,
                 after={"username": user.username, "role": role,
                        "capacity": capacity if role == "mentor" else None})
    db.session.commit()


def _age(user):
    return age_on(user.date_of_birth, date.today()) if user.date_of_birth else 99


def remove_member(actor, cohort, member_id):
    require(actor, "cohort.manage")
    _refuse_if_confirmed(cohort)
    member = next((member for member in cohort.members if member.id == member_id), None)
    if member is None:
        raise NotFound("That person isn't in this cohort.")
    audit.record(actor, "cohort.member_removed", cohort,
                 before={"username": member.user.username, "role": member.role})
    cohort.members[:] = [member for member in cohort.members if member.id != member_id]
    _forget_proposal(cohort)
    db.session.commit()


def _forget_proposal(cohort):
    """A changed membership makes any proposal stale."""
    cohort.placements.clear()
    cohort.state = "draft"


def _profiles(cohort):
    members = {member.user_id: member for member in cohort.members}
    users = db.session.execute(
        select(User).where(User.id.in_(list(members)))
        .options(selectinload(User.mentor_checks))
    ).scalars().all()
    profiles = services.profiles_for(users, services.open_listings_by_author(list(members)))
    young, mentors, capacities = [], [], {}
    for profile in profiles:
        member = members[profile.id]
        if member.role == "mentor":
            # In a cohort the mentor's places are the ones staff gave them here.
            mentors.append(replace(profile, capacity=member.capacity, active_mentees=0,
                                   party=replace(profile.party, open_to_matches=True)))
            capacities[profile.id] = member.capacity
        else:
            young.append(profile)
    return young, mentors, capacities


def propose(actor, cohort):
    """Compute the best placement (highest total score) and keep it for staff to review."""
    require(actor, "cohort.manage")
    _refuse_if_confirmed(cohort)
    young, mentors, capacities = _profiles(cohort)
    if not young or not mentors:
        raise DomainError("Add at least one young person and one mentor first.")
    placements = matching.place_cohort(young, mentors, capacities, services.catalogue(),
                                       services.ward_locations())
    cohort.placements.clear()
    db.session.flush()
    for placement in placements:
        cohort.placements.append(CohortPlacement(
            young_id=placement.young_id, mentor_id=placement.mentor_id,
            score=placement.score, reasons=placement.reasons))
    cohort.state = "proposed"
    audit.record(actor, "cohort.proposed", cohort,
                 after={"placed": sum(1 for p in placements if p.mentor_id),
                        "total": matching.total_score(placements)})
    db.session.commit()
    return cohort


def adjust(actor, cohort, placement_id, mentor_id):
    """Staff move a young person to another mentor (or leave them unplaced: mentor_id None)."""
    require(actor, "cohort.manage")
    _refuse_if_confirmed(cohort)
    placement = next((p for p in cohort.placements if p.id == placement_id), None)
    if placement is None:
        raise NotFound("That placement isn't part of this cohort.")
    mentor_before = placement.mentor_id
    if mentor_id is None:
        placement.mentor_id, placement.score = None, 0.0
        placement.reasons = ["Left unplaced by staff."]
    else:
        young, mentors, capacities = _profiles(cohort)
        mentor = next((m for m in mentors if m.id == mentor_id), None)
        person = next((y for y in young if y.id == placement.young_id), None)
        if mentor is None or person is None:
            raise Invalid("mentor", "Choose one of this cohort's mentors.")
        taken = sum(1 for p in cohort.placements if p.mentor_id == mentor_id
                    and p.id != placement.id)
        if taken >= capacities[mentor_id]:
            raise Invalid("mentor", f"{mentor.name} has no places left in this cohort: move "
                                    "someone else first.")
        suggestion = matching.score_pair(person, mentor, services.catalogue(),
                                         services.ward_locations(), require_skill=False,
                                         for_staff=True)
        if suggestion is None:
            raise Invalid("mentor", pair_refusal(person.party, mentor.party)
                          or "These two can't be matched.")
        placement.mentor_id, placement.score = mentor_id, suggestion.score
        placement.reasons = suggestion.reasons
    placement.adjusted = True
    audit.record(actor, "cohort.placement_adjusted", cohort,
                 before={"young_id": placement.young_id, "mentor_id": mentor_before},
                 after={"young_id": placement.young_id, "mentor_id": placement.mentor_id})
    db.session.commit()


def total(cohort):
    return round(sum(placement.score for placement in cohort.placements
                     if placement.mentor_id), 1)


def confirm(actor, cohort):
    """Make the matches and tell everyone. The safeguarding rule is checked again for each pair
    (a check may have expired since the proposal); any refusal stops the whole confirmation."""
    require(actor, "cohort.manage")
    if cohort.state != "proposed":
        raise DomainError("Propose a placement before confirming it.")

    placed = [p for p in cohort.placements if p.mentor_id is not None]
    problems = []
    for placement in placed:
        refusal = pair_refusal(services.party_of(placement.young),
                               services.party_of(placement.mentor))
        if refusal:
            problems.append(f"{placement.young.username} with {placement.mentor.username}: "
                            f"{refusal}")
    if problems:
        raise DomainError("Some placements can't go ahead; adjust them first. "
                          + " ".join(problems))
    now = utcnow()
    made = []
    for placement in placed:
        young, mentor = placement.young, placement.mentor
        match = matches.open_match_between(young, mentor)
        if match is None:
            match = Match(requester_id=young.id, partner_id=mentor.id, created_at=now)
            db.session.add(match)
        # A request already between the two joins the programme as its match.
        match.format, match.giver_id, match.cohort_id = "mentoring", mentor.id, cohort.id
        match.state, match.involves_minor = "active", young.is_minor or mentor.is_minor
        match.responded_at = match.last_activity_at = now
        db.session.flush()
        made.append(match)
        from flask import url_for

        link = url_for("skills.match", match_id=match.id)
        notify_person(young.id, "match", f"You've been matched with {mentor.name} in "
                                         f"{cohort.name}", link, actor.id)
        notify_person(mentor.id, "match", f"You've been matched with {young.first_name} in "
                                          f"{cohort.name}", link, actor.id)
    cohort.state = "confirmed"
    cohort.confirmed_at = now
    audit.record(actor, "cohort.confirmed", cohort, after={"matches": len(made)})
    db.session.commit()
    for match in made:
        matches.tell_guardians(match)
    return made
