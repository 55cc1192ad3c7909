"""Skills-swap and mentoring: the skills list, people's match profiles and listings, matches
with their messages, sessions and feedback, the time-credit ledger, guardian consent,
safeguarding concerns and staff-run mentoring cohorts."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.core.content import ContentKind, Moderated, register_kind
from forum.extensions import db

FORMATS = {
    "mentoring": "One-to-one mentoring",
    "class": "Group class",
    "job_visit": "Job visit",
    "swap": "Two-way skill swap",
}
LEVELS = {
    "beginner": "Beginner",
    "intermediate": "Some experience",
    "advanced": "Advanced",
    "expert": "Expert or professional",
}
# Who a listing is for; "young_people" means 13 to 25, the age range the programme serves.
SUITABILITY = {
    "everyone": "Everyone (13 and over)",
    "young_people": "Young people (13 to 25)",
    "adults": "Adults only (18 and over)",
}
LISTING_KINDS = {"offer": "Offering", "request": "Looking for"}

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                            "Saturday", "Sunday"), strict=True))
PARTS = ("morning", "afternoon", "evening")
# Availability is a 21-bit mask: bit (day index × 3 + part index), Monday morning first.
SLOTS = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)

MATCH_STATES = {
    "requested": "Waiting for an answer",
    "active": "Matched",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "ended": "Ended",
}
SESSION_STATES = {
    "proposed": "Proposed",
    "confirmed": "Confirmed",
    "done": "Took place",
    "cancelled": "Cancelled",
}


def slot_bit(slot):
    return 1 << SLOTS.index(slot)


def slots_of(mask):
    return [slot for index, slot in enumerate(SLOTS) if mask >> index & 1]


class SkillCategory(db.Model):
    """A family of skills ("Languages", "Trades"): matches in the same family count a little."""

    __tablename__ = "skill_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)


class Skill(db.Model):
    """A skill on the shared list, with the other words people use for it."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("skill_categories.id"), index=True)
    # Lower-case words and phrases that mean this skill ("plumbing" for "Plumbing and
    # heating", "phone skills" for "Smartphones and apps").
    synonyms: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[SkillCategory] = relationship(lazy="joined")


class MatchProfile(db.Model):
    """How someone wants to take part: when they are free, how, and how many mentees."""

    __tablename__ = "match_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    availability: Mapped[int] = mapped_column(default=0)
    formats: Mapped[list] = mapped_column(JSON, default=list)
    # How many people an adult can mentor at once (active one-to-one matches).
    capacity: Mapped[int] = mapped_column(default=1)
    # Whether the matchmaker may suggest this person to others. Young people switch it on
    # themselves (DESIGN §5); adults start with it on.
    open_to_matches: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")

    @property
    def slots(self):
        return slots_of(self.availability)


class Listing(Moderated, db.Model):
    """A skill someone offers, or one they are looking for."""

    __tablename__ = "skill_listings"
    __table_args__ = (Index("ix_skill_listings_browse", "status", "is_open", "kind",
                            "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(10))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"), index=True)
    # The skill in the author's own words ("Guitar for beginners"), shown as the title.
    title: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(12), default="beginner")
    formats: Mapped[list] = mapped_column(JSON, default=list)
    suitable_for: Mapped[str] = mapped_column(String(14), default="everyone")
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    is_open: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    author = relationship("User")
    skill: Mapped[Skill | None] = relationship(lazy="joined")


class GuardianConsent(db.Model):
    """A parent's or carer's agreement, by e-mail, that an under-16 may be matched."""

    __tablename__ = "guardian_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                 index=True)
    guardian_name: Mapped[str] = mapped_column(String(80))
    guardian_email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    given_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]

    young_person = relationship("User")

    @property
    def in_force(self):
        return self.given_at is not None and self.withdrawn_at is None


class Cohort(db.Model):
    """A mentoring programme that staff run: young people and mentors placed together."""

    __tablename__ = "mentoring_cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # draft → proposed (a placement was computed) → confirmed (matches made, people told)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    confirmed_at: Mapped[datetime | None]

    members: Mapped[list["CohortMember"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortMember.id")
    placements: Mapped[list["CohortPlacement"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", order_by="CohortPlacement.id")


class CohortMember(db.Model):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("mentoring_cohorts.id",
                                                      ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    # young | mentor
    role: Mapped[str] = mapped_column(String(8))
    # Mentors: how many of this cohort's young people they take.
    capacity: Mapped[int] = mapped_column(default=1)

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user = relationship("User")


class CohortPlacement(db.Model):
    """One young person's proposed mentor in a cohort, before and after staff adjust it."""

    __tablename__ = "cohort_placements"
    __table_args__ = (UniqueConstraint("cohort_id", "young_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("mentoring_cohorts.id",
                                                      ondelete="CASCADE"), index=True)
    young_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    # None: nobody suitable (the reason says why).
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                  index=True)
    score: Mapped[float] = mapped_column(default=0.0)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    adjusted: Mapped[bool] = mapped_column(default=False)

    cohort: Mapped[Cohort] = relationship(back_populates="placements")
    young = relationship("User", foreign_keys=[young_id])
    mentor = relationship("User", foreign_keys=[mentor_id])


class Match(db.Model):
    """Two people agreeing to learn from each other: a request, then a match."""

    __tablename__ = "skill_matches"
    __table_args__ = (Index("ix_skill_matches_pair", "requester_id", "partner_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                              index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    listing_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_listings.id", ondelete="SET NULL"), index=True)
    format: Mapped[str] = mapped_column(String(12))
    # Who teaches, for the time-credit ledger (the other learns); for swaps each session says.
    giver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_cohorts.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="requested", index=True)
    # A young person's age group at the time, so safeguarding pages can list these matches.
    involves_minor: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str] = mapped_column(Text, default="")
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    requester = relationship("User", foreign_keys=[requester_id])
    partner = relationship("User", foreign_keys=[partner_id])
    giver = relationship("User", foreign_keys=[giver_id])
    listing: Mapped[Listing | None] = relationship()
    cohort: Mapped[Cohort | None] = relationship()

    @property
    def people(self):
        return (self.requester, self.partner)

    def other(self, user):
        return self.partner if user.id == self.requester_id else self.requester

    def includes(self, user):
        return getattr(user, "id", None) in (self.requester_id, self.partner_id)


class MatchMessage(Moderated, db.Model):
    """A message inside a match; screened like a post, and held when it shares contact
    details with or from a young person."""

    __tablename__ = "match_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("skill_matches.id", ondelete="CASCADE"),
                                          index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship()
    author = relationship("User")


class MatchSession(db.Model):
    """A meeting in a match: proposed by one side, confirmed by the other, then held."""

    __tablename__ = "match_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("skill_matches.id", ondelete="CASCADE"),
                                          index=True)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    # Who teaches in this session (credited hours given); the other person receives.
    giver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    starts_at: Mapped[datetime]  # UTC
    minutes: Mapped[int] = mapped_column(default=60)
    venue: Mapped[str] = mapped_column(String(160))
    venue_is_public: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    confirmed_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship()
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    giver = relationship("User", foreign_keys=[giver_id])


class TimeCredit(db.Model):
    """One line of the time-credit ledger: minutes one person gave or received in a session."""

    __tablename__ = "time_credits"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("match_sessions.id",
                                                       ondelete="CASCADE"), index=True)
    # given | received
    direction: Mapped[str] = mapped_column(String(8))
    minutes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[MatchSession] = relationship()


class MatchFeedback(db.Model):
    """What one side thought of a match: a rating and a few words, once each."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("match_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("skill_matches.id", ondelete="CASCADE"),
                                          index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    rating: Mapped[int]
    comment_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")


class SafeguardingConcern(db.Model):
    """A worry raised from a match page; it goes straight to council staff."""

    __tablename__ = "safeguarding_concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int | None] = mapped_column(
        ForeignKey("skill_matches.id", ondelete="SET NULL"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    about_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    details: Mapped[str] = mapped_column(Text)
    # open | closed
    state: Mapped[str] = mapped_column(String(8), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(Text, default="")

    match: Mapped[Match | None] = relationship()
    reporter = relationship("User", foreign_keys=[reporter_id])
    about = relationship("User", foreign_keys=[about_id])
    handled_by = relationship("User", foreign_keys=[handled_by_id])


# --- how the generic content machinery handles listings and match messages --------------------


def _listing_url(listing):
    from flask import url_for

    return url_for("skills.listing", listing_id=listing.id)


def _message_url(message):
    from flask import url_for

    return url_for("skills.match", match_id=message.match_id, _anchor=f"m{message.id}")


def _listing_document(listing):
    """Only adults' open listings are searchable: young people's never are (DESIGN §5)."""
    if not (listing.is_published and listing.is_open) or listing.author.is_minor:
        return None
    return {"title": listing.title, "body": listing.body_text,
            "author": listing.author.username, "created": listing.created_at,
            "ward": listing.author.ward.slug if listing.author.ward else "",
            "url": f"/skills/listings/{listing.id}"}


def _announce_message(message):
    from forum.skills.matches import announce_released_message

    announce_released_message(message)


def _redact_listing(listing, text):
    from forum.skills.services import redact_listing

    redact_listing(listing, text)


register_kind(ContentKind(
    name="listing", model=Listing, url=_listing_url,
    title=lambda listing: f"{LISTING_KINDS[listing.kind]}: {listing.title}",
    text=lambda listing: listing.body_text,
    search_document=_listing_document,
    redact=lambda listing, text: _redact_listing(listing, text),
))
register_kind(ContentKind(
    name="match_message", model=MatchMessage, url=_message_url,
    title=lambda message: "Message in a skills match",
    text=lambda message: message.body_text,
    announce=lambda message: _announce_message(message),
    private=True,
))
