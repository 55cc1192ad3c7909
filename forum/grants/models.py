"""Small grants and participatory budgeting: funds, projects' applications with their budget
lines, staff assessments, and residents' ballots. Money is in whole pence."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.extensions import db

# How a fund chooses what it pays for.
DECIDED_BY = {"staff": "Council staff assess and decide",
              "vote": "Residents vote (participatory budgeting)"}

# An application's life. "submitted" waits for staff (or, in a vote fund, for the ballot);
# "changes" went back to the group, who may resubmit.
APPLICATION_STATES = {
    "submitted": "Submitted",
    "changes": "Changes requested",
    "funded": "Funded",
    "declined": "Declined",
    "withdrawn": "Withdrawn",
    "not_funded": "Not funded by the vote",
}


class Fund(db.Model):
    """A pot of money for community projects, decided by staff or by residents' votes."""

    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    rules: Mapped[str] = mapped_column(Text, default="")
    total_pence: Mapped[int]
    max_award_pence: Mapped[int]
    # Applications are taken from opens_on to closes_on (both included, London dates).
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    decided_by: Mapped[str] = mapped_column(String(8), default="staff")
    # Participatory budgeting: the voting window (UTC) and who may vote.
    vote_opens_at: Mapped[datetime | None]
    vote_closes_at: Mapped[datetime | None]
    min_voter_age: Mapped[int] = mapped_column(default=16)
    results_published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    wards = relationship("Ward", secondary="fund_wards", lazy="selectin", order_by="Ward.name")

    __table_args__ = (
        CheckConstraint("total_pence > 0", name="total_positive"),
        CheckConstraint("max_award_pence > 0 AND max_award_pence <= total_pence",
                        name="max_within_total"),
        CheckConstraint("closes_on >= opens_on", name="dates_in_order"),
    )

    @property
    def is_vote(self):
        return self.decided_by == "vote"

    def covers(self, ward_id):
        """Whether projects and residents of this ward belong to the fund (no wards: all do)."""
        return not self.wards or ward_id in {ward.id for ward in self.wards}

    @property
    def ward_names(self):
        return ", ".join(ward.name for ward in self.wards)


class FundWard(db.Model):
    """A ward whose projects may apply (and whose residents may vote); none means everywhere."""

    __tablename__ = "fund_wards"
    __table_args__ = (UniqueConstraint("fund_id", "ward_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)


class Application(db.Model):
    """A project's request to a fund: how much, what for (budget lines), what it will achieve."""

    __tablename__ = "grant_applications"
    __table_args__ = (
        UniqueConstraint("fund_id", "project_id"),
        Index("ix_grant_applications_fund_state", "fund_id", "state"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    amount_pence: Mapped[int]
    achieves: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(12), default="submitted")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    # Why it was declined, or what to change; shown to the group.
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    awarded_pence: Mapped[int] = mapped_column(default=0)
    # Participatory budgeting: ballots choosing it, counted when results are published.
    votes: Mapped[int | None]

    fund = relationship("Fund")
    project = relationship("Project", lazy="joined")
    lines = relationship("BudgetLine", order_by="BudgetLine.position",
                         cascade="all, delete-orphan", lazy="selectin")
    assessments = relationship("Assessment", order_by="Assessment.created_at",
                               cascade="all, delete-orphan")

    @property
    def state_label(self):
        return APPLICATION_STATES.get(self.state, self.state)


class BudgetLine(db.Model):
    """One item of an application's budget; the lines add up to the amount asked for."""

    __tablename__ = "grant_budget_lines"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("grant_applications.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    description: Mapped[str] = mapped_column(String(150))
    amount_pence: Mapped[int]


class Assessment(db.Model):
    """A staff member's notes and score (1–5) on an application, before the decision."""

    __tablename__ = "grant_assessments"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("grant_applications.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    score: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessor = relationship("User", lazy="joined")


class Ballot(db.Model):
    """One resident's vote in a participatory fund; changed freely until the window closes.

    One ballot per person per fund is the database's rule (unique constraint), so two
    simultaneous first votes cannot both be saved.
    """

    __tablename__ = "grant_ballots"
    __table_args__ = (UniqueConstraint("fund_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id", ondelete="CASCADE"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    choices = relationship("BallotChoice", cascade="all, delete-orphan", lazy="selectin")


class BallotChoice(db.Model):
    """A project (application) a ballot chooses."""

    __tablename__ = "grant_ballot_choices"
    __table_args__ = (UniqueConstraint("ballot_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("grant_ballots.id", ondelete="CASCADE"),
                                           index=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("grant_applications.id", ondelete="CASCADE"), index=True)
