"""Skills use-cases: the skills list, match profiles, listings, and suggestions.

The match journey (requests, messages, sessions, credits, feedback) is in `skills/matches.py`,
guardian consent and concerns in `skills/safeguarding.py`, staff cohorts in `skills/cohorts.py`.
"""

from dataclasses import replace
from datetime import date

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import selectinload

from forum.accounts.models import Block, User, Ward, utcnow
from forum.accounts.services import blocked_ids, slugify
from forum.core import audit, content, signals
from forum.core.policy import can, is_staff, require
from forum.core.safeguarding import Party, pair_refusal
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.moderation import services as moderation
from forum.skills import matching
from forum.skills.models import (
    FORMATS,
    LEVELS,
    LISTING_KINDS,
    SLOTS,
    SUITABILITY,
    GuardianConsent,
    Listing,
    Match,
    MatchProfile,
    Skill,
    SkillCategory,
    slot_bit,
)

TITLE_MIN, TITLE_MAX = 3, 80
BODY_MAX = 4000
LISTINGS_PER_PAGE = 20
MAX_CAPACITY = 10


# --- who someone is, for the safeguarding rules ---------------------------------------------------


def adult_cutoff(today=None):
    """People born on or before this date are adults today."""
    today = today or date.today()
    try:
        return today.replace(year=today.year - 18)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28)


def is_adult_clause(today=None):
    return or_(User.date_of_birth.is_(None), User.date_of_birth <= adult_cutoff(today))


def get_match_profile(user):
    """The person's match profile, or the defaults they would start with (not saved)."""
    return db.session.get(MatchProfile, user.id) or default_match_profile(user)


def default_match_profile(user):
    # Young people start at the most private setting: not suggested to anyone.
    return MatchProfile(user_id=user.id, availability=0, formats=[], capacity=1,
                        open_to_matches=not user.is_minor)


def consent_in_force(user):
    return db.session.execute(
        select(GuardianConsent.id).where(GuardianConsent.young_person_id == user.id,
                                         GuardianConsent.given_at.is_not(None),
                                         GuardianConsent.withdrawn_at.is_(None))
    ).first() is not None


def party_of(user):
    """What the safeguarding rules need to know about `user` today (three small queries)."""
    return Party(
        id=user.id,
        age_band=user.age_band(),
        verified_mentor=user.is_verified_mentor,
        open_to_matches=get_match_profile(user).open_to_matches,
        guardian_consent=user.age_band() == "under_16" and consent_in_force(user),
        active=user.state == "active" and user.is_verified,
        blocked=frozenset(blocked_ids(user)),
    )


# --- the skills list (staff extend it) ---------------------------------------------------------


def list_categories():
    return db.session.execute(
        select(SkillCategory).order_by(SkillCategory.name)).scalars().all()


def list_skills():
    return db.session.execute(
        select(Skill).join(SkillCategory).order_by(SkillCategory.name, Skill.name)
    ).scalars().all()


def parse_synonyms(text):
    seen = []
    for part in (text or "").replace("\n", ",").split(","):
        phrase = " ".join(part.lower().split())[:60]
        if phrase and phrase not in seen:
            seen.append(phrase)
    return seen[:30]


def add_category(actor, name):
    require(actor, "skills.manage")
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 60:
        raise Invalid("name", "Give the category a name of 2 to 60 characters.")
    if db.session.execute(select(SkillCategory.id).where(
            func.lower(SkillCategory.name) == name.lower())).first():
        raise Invalid("name", "There's already a category with that name.")
    category = SkillCategory(name=name, slug=_free_slug(SkillCategory, name))
    db.session.add(category)
    db.session.flush()
    audit.record(actor, "skills.category_added", category, after={"name": name})
    db.session.commit()
    return category


def save_skill(actor, name, category_id, synonyms_text, skill=None):
    """Add a skill to the list, or change one (`skill`)."""
    require(actor, "skills.manage")
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 60:
        raise Invalid("name", "Give the skill a name of 2 to 60 characters.")
    clash = db.session.execute(select(Skill.id).where(func.lower(Skill.name) == name.lower(),
                                                      Skill.id != (skill.id if skill else -1))
                               ).first()
    if clash:
        raise Invalid("name", "That skill is already on the list.")
    category = db.session.get(SkillCategory, category_id) if category_id else None
    if category is None:
        raise Invalid("category", "Choose the category the skill belongs to.")
    before = {"name": skill.name, "synonyms": skill.synonyms} if skill else None
    if skill is None or skill.name != name:
        slug = _free_slug(Skill, name, skill.id if skill else None)
    if skill is None:
        skill = Skill(name=name, slug=slug, category=category)
        db.session.add(skill)
    elif skill.name != name:
        skill.slug = slug
    skill.name = name
    skill.category = category
    skill.synonyms = parse_synonyms(synonyms_text)
    db.session.flush()
    audit.record(actor, "skills.skill_saved", skill, before=before,
                 after={"name": name, "category": category.name, "synonyms": skill.synonyms})
    db.session.commit()
    return skill


def _free_slug(model, name, own_id=None):
    """A slug for `name` that no other row has: "c", then "c-2" ("C++" and "C#" both
    slugify to "c")."""
    base = slugify(name) or "skill"
    taken = set(db.session.execute(
        select(model.slug).where(model.slug.like(f"{base}%"), model.id != (own_id or -1))
    ).scalars())
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def get_skill(skill_id):
    skill = db.session.get(Skill, skill_id)
    if skill is None:
        raise NotFound("There's no such skill on the list.")
    return skill


_catalogue_cache = {"skills": None, "catalogue": None}


def catalogue():
    """The skills list as the matchmaker reads it, kept while the list is unchanged, so each
    listing's words are read once per process rather than once per ranking."""
    skills = tuple(
        matching.SkillInfo(row.id, row.name, row.category_id, tuple(row.synonyms))
        for row in db.session.execute(
            select(Skill.id, Skill.name, Skill.category_id, Skill.synonyms).order_by(Skill.id))
    )
    if _catalogue_cache["skills"] != skills:
        _catalogue_cache["catalogue"] = matching.Catalogue(skills)
        _catalogue_cache["skills"] = skills
    return _catalogue_cache["catalogue"]


# --- match profiles ---------------------------------------------------------------------------


def save_match_profile(actor, slots, formats, capacity, open_to_matches):
    """Save when the person is free, how they'd like to meet, and whether to be suggested."""
    require(actor, "skills.take_part", message=why_not_take_part(actor))
    unknown = set(slots) - set(SLOTS)
    if unknown:
        raise Invalid("availability", "Choose times from the grid.")
    if set(formats) - set(FORMATS):
        raise Invalid("formats", "Choose ways of meeting from the list.")
    if actor.is_minor:
        capacity = 0  # young people are mentored; they don't take mentees
    elif capacity is None or not 0 <= capacity <= MAX_CAPACITY:
        raise Invalid("capacity", f"Say how many people you could mentor at once, from 0 to "
                                  f"{MAX_CAPACITY}.")
    profile = db.session.get(MatchProfile, actor.id)
    if profile is None:
        profile = MatchProfile(user_id=actor.id)
        db.session.add(profile)
    profile.availability = sum(slot_bit(slot) for slot in set(slots))
    profile.formats = [name for name in FORMATS if name in formats]
    profile.capacity = capacity
    profile.open_to_matches = bool(open_to_matches)
    profile.updated_at = utcnow()
    db.session.commit()
    return profile


def why_not_take_part(actor):
    """What to tell someone the policy keeps out of the skills swap."""
    if getattr(actor, "is_muted", False):
        return "You've been muted, so you can't take part in the skills swap for now."
    return "Confirm your e-mail address before you take part in the skills swap."


# --- listings ------------------------------------------------------------------------------------


def _clean_listing(kind, title, skill_id, level, formats, suitable_for, body, author):
    if kind not in LISTING_KINDS:
        raise Invalid("kind", "Say whether you're offering this skill or looking for it.")
    title = " ".join((title or "").split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise Invalid("title", f"Name the skill in {TITLE_MIN} to {TITLE_MAX} characters, like "
                               f"\"Guitar for beginners\".")
    skill = db.session.get(Skill, skill_id) if skill_id else None
    if skill_id and skill is None:
        raise Invalid("skill", "Choose a skill from the list, or leave it blank.")
    if level not in LEVELS:
        raise Invalid("level", "Choose a level.")
    formats = [name for name in FORMATS if name in (formats or ())]
    if not formats:
        raise Invalid("formats", "Choose at least one way of meeting.")
    if suitable_for not in SUITABILITY:
        raise Invalid("suitable_for", "Choose who this is suitable for.")
    if author.is_minor and suitable_for == "adults":
        raise Invalid("suitable_for", "Listings by young people can't be for adults only.")
    body = (body or "").strip()
    if len(body) > BODY_MAX:
        raise Invalid("body", f"Keep the description to {BODY_MAX:,} characters; this one has "
                              f"{len(body):,}.")
    return title, skill, formats, body


def create_listing(actor, kind, title, skill_id, level, formats, suitable_for, body,
                   nudge_id=None):
    """Offer a skill or ask for one. The description goes through the content pipeline."""
    require(actor, "skills.take_part", message=why_not_take_part(actor))
    title, skill, formats, body = _clean_listing(kind, title, skill_id, level, formats,
                                                 suitable_for, body, actor)
    prepared = content.prepare(body, {"kind": "listing", "author_id": actor.id}, title=title)
    status = moderation.screen(actor, prepared.verdict, "listing", nudge_id)
    listing = Listing(author_id=actor.id, kind=kind, title=title, skill=skill, level=level,
                      formats=formats, suitable_for=suitable_for, body_source=prepared.source,
                      body_html=prepared.html, body_text=prepared.text)
    listing.apply_verdict(prepared.verdict, status)
    db.session.add(listing)
    db.session.flush()
    moderation.record_screening(listing, prepared.verdict)
    db.session.commit()
    return listing


def update_listing(actor, listing, kind, title, skill_id, level, formats, suitable_for, body,
                   nudge_id=None):
    require(actor, "listing.edit", listing)
    title, skill, formats, body = _clean_listing(kind, title, skill_id, level, formats,
                                                 suitable_for, body, actor)
    prepared = content.prepare(body, {"kind": "listing", "author_id": actor.id}, title=title)
    status = moderation.screen(actor, prepared.verdict, "edit", nudge_id)
    listing.kind, listing.title, listing.skill, listing.level = kind, title, skill, level
    listing.formats, listing.suitable_for = formats, suitable_for
    listing.body_source, listing.body_html = prepared.source, prepared.html
    listing.body_text = prepared.text
    listing.updated_at = utcnow()
    # A harmless edit never undoes a hold; an edit that must be reviewed is held.
    if status == "held" and listing.status == "published":
        listing.apply_verdict(prepared.verdict, "held")
    db.session.flush()
    moderation.record_screening(listing, prepared.verdict)
    db.session.commit()
    return listing


def set_listing_open(actor, listing, is_open):
    """Close a listing once it's taken (or reopen it); closed listings are not suggested."""
    require(actor, "listing.edit", listing)
    listing.is_open = bool(is_open)
    listing.updated_at = utcnow()
    db.session.commit()


def redact_listing(listing, redacted_text):
    """A moderator's redaction: the new text replaces the old (the caller commits)."""
    prepared = content.prepare(redacted_text, {"kind": "redaction"})
    listing.body_source, listing.body_html = redacted_text, prepared.html
    listing.body_text = prepared.text
    listing.updated_at = utcnow()


def get_listing(listing_id, viewer):
    listing = db.session.get(Listing, listing_id)
    if listing is None or not can(viewer, "listing.view", listing):
        raise NotFound("This listing doesn't exist, or isn't visible to you.")
    return listing


def young_listings_visible_to(viewer):
    """May `viewer` see listings by under-18s at all? Verified mentors and staff only."""
    return is_staff(viewer) or (getattr(viewer, "is_authenticated", False)
                                and viewer.is_verified_mentor)


def list_listings(viewer, kind=None, format=None, category=None, ward=None, slot=None,
                  under_18=False, text="", page=1, today=None):
    """Open, published listings the viewer may see, newest first, filtered.

    Young people's listings appear only to verified mentors and staff, and only when the young
    person has switched on "open to matches" (DESIGN §5).

    :param slot: "tue-evening": only people free then.
    :param under_18: only listings suitable for under-18s.
    """
    query = (select(Listing).join(User, Listing.author_id == User.id)
             .outerjoin(MatchProfile, MatchProfile.user_id == User.id)
             .where(Listing.status == "published", Listing.is_open.is_(True),
                    User.state == "active"))
    adult = is_adult_clause(today)
    if young_listings_visible_to(viewer):
        query = query.where(or_(adult, MatchProfile.open_to_matches.is_(True)))
    else:
        query = query.where(adult)
    if kind in LISTING_KINDS:
        query = query.where(Listing.kind == kind)
    if format in FORMATS:
        # Formats are a short JSON list; its text holds the quoted name.
        query = query.where(cast(Listing.formats, String).like(f'%"{format}"%'))
    if category:
        query = query.join(Skill, Listing.skill_id == Skill.id).join(SkillCategory).where(
            SkillCategory.slug == category)
    if ward:
        query = query.join(Ward, User.ward_id == Ward.id).where(Ward.slug == ward)
    if slot in SLOTS:
        query = query.where(MatchProfile.availability.op("&")(slot_bit(slot)) != 0)
    if under_18:
        query = query.where(Listing.suitable_for.in_(("everyone", "young_people")))
    words = " ".join((text or "").split())[:80]
    if words:
        like = f"%{words.lower()}%"
        query = query.where(or_(func.lower(Listing.title).like(like),
                                func.lower(Listing.body_text).like(like)))
    query = (query.options(selectinload(Listing.author).selectinload(User.ward))
             .order_by(Listing.created_at.desc(), Listing.id.desc()))
    return db.paginate(query, page=page, per_page=LISTINGS_PER_PAGE, error_out=False)


def list_offers_near(viewer, limit=4, today=None):
    """The newest open offers the viewer may see, nearest first: (listing, nearness) pairs.

    Which listings is `list_listings`'s answer (DESIGN §5: a young person's only for verified
    mentors and staff); a young viewer sees only offers suitable for under-18s. Among the
    newest page of those, offers from the viewer's own ward come first ("ward"), then those
    within the matchmaker's "near" distance of it ("near"), then the rest (""), newest first
    within each. The viewer's own offers are left out.
    """
    signed_in = getattr(viewer, "is_authenticated", False)
    recent = list_listings(viewer, kind="offer", under_18=signed_in and viewer.is_minor,
                           today=today).items
    ward_id = viewer.ward_id if signed_in else None
    locations = ward_locations() if ward_id is not None else {}

    def nearness(listing):
        other = listing.author.ward_id
        if ward_id is None or other is None:
            return ""
        if other == ward_id:
            return "ward"
        if ward_id in locations and other in locations and matching.distance_km(
                locations[ward_id], locations[other]) <= matching.NEAR_KM:
            return "near"
        return ""

    order = {"ward": 0, "near": 1, "": 2}
    found = [(listing, nearness(listing)) for listing in recent
             if not (signed_in and listing.author_id == viewer.id)]
    # sorted() is stable: within each group the listings stay newest first.
    return sorted(found, key=lambda pair: order[pair[1]])[:limit]


def list_own_listings(user):
    return db.session.execute(
        select(Listing).where(Listing.author_id == user.id, Listing.status != "deleted")
        .order_by(Listing.is_open.desc(), Listing.created_at.desc())
    ).scalars().all()


# --- suggestions ------------------------------------------------------------------------------


def ward_locations():
    return {ward_id: (lat, lon) for ward_id, lat, lon in db.session.execute(
        select(Ward.id, Ward.latitude, Ward.longitude).where(Ward.latitude.is_not(None),
                                                             Ward.longitude.is_not(None)))}


def _active_mentees(user_ids):
    rows = db.session.execute(
        select(Match.giver_id, func.count(Match.id))
        .where(Match.state == "active", Match.format == "mentoring",
               Match.giver_id.in_(user_ids))
        .group_by(Match.giver_id)
    ).all()
    return dict(rows)


def profiles_for(users, listings_by_author, today=None):
    """Matchmaker `Profile`s for these users, from a handful of queries whatever their number."""
    ids = [user.id for user in users]
    if not ids:
        return []
    stored = {profile.user_id: profile for profile in db.session.execute(
        select(MatchProfile).where(MatchProfile.user_id.in_(ids))).scalars()}
    consented = set(db.session.execute(
        select(GuardianConsent.young_person_id).where(
            GuardianConsent.young_person_id.in_(ids), GuardianConsent.given_at.is_not(None),
            GuardianConsent.withdrawn_at.is_(None))).scalars())
    blocks = {}
    for blocker, blocked in db.session.execute(
            select(Block.blocker_id, Block.blocked_id).where(Block.blocker_id.in_(ids))):
        blocks.setdefault(blocker, set()).add(blocked)
    mentees = _active_mentees(ids)
    profiles = []
    for user in users:
        profile = stored.get(user.id) or default_match_profile(user)
        band = user.age_band(today)
        listings = listings_by_author.get(user.id, ())
        profiles.append(matching.Profile(
            party=Party(id=user.id, age_band=band, verified_mentor=user.is_verified_mentor,
                        open_to_matches=profile.open_to_matches,
                        guardian_consent=user.id in consented,
                        active=user.state == "active" and user.is_verified,
                        blocked=frozenset(blocks.get(user.id, ()))),
            name=user.public_name,
            ward_id=user.ward_id,
            languages=frozenset(language.lower() for language in user.languages or ()),
            availability=profile.availability,
            formats=frozenset(profile.formats or ()),
            capacity=profile.capacity or 0,
            active_mentees=mentees.get(user.id, 0),
            offers=tuple(_claim(listing) for listing in listings if listing.kind == "offer"),
            wants=tuple(_claim(listing) for listing in listings if listing.kind == "request"),
        ))
    return profiles


def _claim(listing):
    return matching.Claim(text=f"{listing.title}. {listing.body_text}", skill_id=listing.skill_id,
                          listing_id=listing.id, formats=frozenset(listing.formats or ()),
                          label=listing.title)


def open_listings_by_author(author_ids=None):
    query = (select(Listing).join(User, Listing.author_id == User.id)
             .where(Listing.status == "published", Listing.is_open.is_(True),
                    User.state == "active"))
    if author_ids is not None:
        query = query.where(Listing.author_id.in_(author_ids))
    by_author = {}
    for listing in db.session.execute(query).scalars():
        by_author.setdefault(listing.author_id, []).append(listing)
    return by_author


def _open_partner_ids(user):
    rows = db.session.execute(
        select(Match.requester_id, Match.partner_id).where(
            Match.state.in_(("requested", "active")),
            or_(Match.requester_id == user.id, Match.partner_id == user.id))
    ).all()
    return {person for row in rows for person in row} - {user.id}


def suggest_matches(viewer, limit=20):
    """People the matchmaker suggests for `viewer`, best first, each with its reasons.

    Returns (suggestions, users by id). Everyone with an open listing is a candidate; the hard
    rules (safeguarding, blocks, capacity, consent) come before any score.
    """
    require(viewer, "skills.take_part", message=why_not_take_part(viewer))
    by_author = open_listings_by_author()
    if viewer.id not in by_author:
        return [], {}
    users = db.session.execute(
        select(User).where(User.id.in_(list(by_author)))
        .options(selectinload(User.mentor_checks), selectinload(User.ward))
    ).scalars().all()
    profiles = profiles_for(users, by_author)
    seeker = next(profile for profile in profiles if profile.id == viewer.id)
    # A young person already told "ask a parent or carer first" sees who would suit them,
    # but any request waits for the consent (the pair rule refuses it).
    if seeker.party.age_band == "under_16":
        seeker.party = replace(seeker.party, guardian_consent=True)
    # People already in a request or match with the viewer carry on there instead.
    partners = _open_partner_ids(viewer)
    others = [profile for profile in profiles
              if profile.id != viewer.id and profile.id not in partners]
    ranked = matching.rank(seeker, others, catalogue(), ward_locations(), limit=limit)
    users_by_id = {user.id: user for user in users}
    return ranked, users_by_id


def why_not_request_anyone(user):
    """What stops `user` asking anyone for a match, whoever they are (an unconfirmed e-mail, a
    mute, a guardian's consent not yet given), or None."""
    if not can(user, "skills.take_part"):
        return why_not_take_part(user)
    # The pair rule itself, against a stand-in verified mentor who welcomes everyone.
    welcoming_mentor = Party(id=0, verified_mentor=True, open_to_matches=True)
    return pair_refusal(party_of(user), welcoming_mentor, reaching_out=True)


def explain_pair(viewer, other):
    """Why `other` suits `viewer` (a Suggestion), or None when the matchmaker wouldn't suggest
    them; shown on listing and request pages."""
    by_author = open_listings_by_author([viewer.id, other.id])
    profiles = {profile.id: profile for profile in profiles_for([viewer, other], by_author)}
    seeker, candidate = profiles[viewer.id], profiles[other.id]
    return matching.score_pair(seeker, candidate, catalogue(), ward_locations())


# --- personal data ----------------------------------------------------------------------------


@signals.wards_merging.connect
def _reindex_listings_of_merged_ward(ward, into, **extra):
    """Listings are found by their authors' ward: queue those of the merged ward's residents
    (accounts moves the residents themselves after this)."""
    from forum.search.services import enqueue

    listing_ids = db.session.execute(
        select(Listing.id).join(User, User.id == Listing.author_id)
        .where(User.ward_id == ward.id)).scalars().all()
    enqueue([("listing", listing_id) for listing_id in listing_ids])
    return {}


@signals.personal_data_requested.connect
def _export_skills(user, **extra):
    profile = db.session.get(MatchProfile, user.id)
    from forum.skills.matches import time_credit_summary

    given, received = time_credit_summary(user)
    return "skills", {
        "profile": None if profile is None else {
            "availability": profile.slots, "formats": profile.formats,
            "capacity": profile.capacity, "open_to_matches": profile.open_to_matches},
        "listings": [{"kind": listing.kind, "title": listing.title,
                      "description": listing.body_source, "status": listing.status,
                      "open": listing.is_open, "created_at": listing.created_at.isoformat()}
                     for listing in list_own_listings(user)],
        "time_credits": {"minutes_given": given, "minutes_received": received},
    }
