"""Moderation records: watched words, nudges, flags, review cases, decisions, appeals,
sanctions and moderators' scopes."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.extensions import db

FLAG_REASONS = {
    "hate": "Hate or harassment against a group",
    "threat": "Threat of violence",
    "harassment": "Harassment of a person",
    "spam": "Spam or advertising",
    "misinformation": "Misinformation",
    "illegal": "Illegal content",
    "other": "Something else",
}
# Reasons that go to council staff as well as moderators, whatever the queue's scope.
STAFF_REASONS = ("threat", "illegal")

DECISIONS = {
    "keep": "Keep: no rule broken",
    "remove": "Remove the content",
    "redact": "Redact part of the content",
    "warn": "Warn the author",
    "mute": "Mute the author",
    "suspend": "Suspend the author",
    "ban": "Ban the author",
    "escalate": "Escalate to council staff",
}
# Decisions that act against someone, and so come with a statement of reasons and an appeal.
ADVERSE = ("remove", "redact", "warn", "mute", "suspend", "ban")


class WatchedWord(db.Model):
    """A word, phrase or wildcard pattern moderators want blocked, held, flagged or replaced."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    pattern: Mapped[str] = mapped_column(String(120), unique=True)
    action: Mapped[str] = mapped_column(String(10))
    replacement: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")


class Nudge(db.Model):
    """One time the detector asked an author to reconsider, and what they did."""

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(30))
    score: Mapped[float]
    labels: Mapped[list] = mapped_column(JSON, default=list)
    # pending → edited | withdrawn | posted
    outcome: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None]


class Case(db.Model):
    """One piece of content (or profile) in the review queue, however it got there."""

    __tablename__ = "moderation_cases"
    __table_args__ = (
        Index("ix_moderation_cases_open", "state", "severity", "opened_at"),
        Index("ix_moderation_cases_content", "content_kind", "content_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    content_kind: Mapped[str] = mapped_column(String(30))
    content_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id"), index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    # detector | flags | escalation | appeal
    source: Mapped[str] = mapped_column(String(12))
    automated: Mapped[bool] = mapped_column(default=False)
    # 0–100: detector score, threats and illegal content highest.
    severity: Mapped[int] = mapped_column(default=0)
    flag_weight: Mapped[float] = mapped_column(default=0.0)
    labels: Mapped[list] = mapped_column(JSON, default=list)
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    needs_staff: Mapped[bool] = mapped_column(default=False)
    # open | decided
    state: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]

    author = relationship("User", foreign_keys=[author_id])
    claimed_by = relationship("User", foreign_keys=[claimed_by_id])
    board = relationship("Board")
    flags: Mapped[list["Flag"]] = relationship(back_populates="case",
                                               order_by="Flag.created_at")
    decisions: Mapped[list["Decision"]] = relationship(back_populates="case",
                                                       order_by="Decision.created_at")


class Flag(db.Model):
    """A report by a resident (or, for illegal content, a visitor)."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("content_kind", "content_id", "reporter_id",
                                       name="uq_flags_reporter_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    content_kind: Mapped[str] = mapped_column(String(30))
    content_id: Mapped[int]
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                    index=True)
    # A visitor reporting illegal content may leave an address to hear the outcome.
    reporter_email: Mapped[str] = mapped_column(String(254), default="")
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float] = mapped_column(default=1.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # upheld (the content was actioned) | rejected (kept) — set when the case is decided.
    outcome: Mapped[str] = mapped_column(String(10), default="")

    case: Mapped[Case] = relationship(back_populates="flags")
    reporter = relationship("User")


class Decision(db.Model):
    """What a moderator (or staff member) decided about a case, with the rule and why."""

    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_cases.id"), index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    rule: Mapped[str] = mapped_column(String(30), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    automated: Mapped[bool] = mapped_column(default=False)
    days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    case: Mapped[Case | None] = relationship(back_populates="decisions")
    moderator = relationship("User", foreign_keys=[moderator_id])
    subject = relationship("User", foreign_keys=[subject_id])
    appeal: Mapped["Appeal | None"] = relationship(back_populates="decision", uselist=False)


class Appeal(db.Model):
    """The one appeal allowed against a decision, decided by someone else."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("moderation_decisions.id"),
                                             unique=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None]
    # upheld (the decision stands) | overturned
    outcome: Mapped[str] = mapped_column(String(10), default="")
    outcome_reason: Mapped[str] = mapped_column(Text, default="")

    decision: Mapped[Decision] = relationship(back_populates="appeal")
    appellant = relationship("User", foreign_keys=[appellant_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class Sanction(db.Model):
    """A warning, mute, suspension or ban on an account, kept so sanctions escalate."""

    __tablename__ = "sanctions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_decisions.id"),
                                                    index=True)
    kind: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime | None]
    lifted_at: Mapped[datetime | None]


class ModeratorScope(db.Model):
    """Limits a volunteer moderator to some boards or wards; none means everywhere."""

    __tablename__ = "moderator_scopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"),
                                                 index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"),
                                                index=True)

    board = relationship("Board", lazy="joined")
    ward = relationship("Ward", lazy="joined")
