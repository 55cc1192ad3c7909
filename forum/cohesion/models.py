"""The pulse survey: four questions behind the national community-cohesion indicators, answered
by a resident at most once a quarter."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.accounts.models import utcnow
from forum.extensions import db

# The agreement scale of the Community Life Survey's questions, as stored.
AGREEMENT = {
    4: "Definitely agree",
    3: "Tend to agree",
    2: "Tend to disagree",
    1: "Definitely disagree",
    0: "Don't know",
}
AGREES = (3, 4)

# The questions, as residents read them; keys are the columns below.
QUESTIONS = {
    "get_on": "My local area is a place where people from different backgrounds get on well "
              "together.",
    "belong": "I feel I belong to my neighbourhood.",
    "influence": "I can influence decisions affecting my local area.",
    "volunteered": "In the last 12 months I have given unpaid help to a group, club or "
                   "organisation.",
}
AGREEMENT_QUESTIONS = ("get_on", "belong", "influence")

# Age bands for reporting (the survey is open from the minimum age of 13).
AGE_BANDS = ("13–17", "18–24", "25–44", "45–64", "65+")


class SurveyResponse(db.Model):
    """One resident's answers in one quarter; the ward and age band are those at the time.

    The unique constraint makes "at most once a quarter" the database's rule. Answers are
    reported only in groups of ten or more (see `cohesion.stats`).
    """

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("user_id", "quarter"),
        Index("ix_survey_responses_quarter_ward", "quarter", "ward_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    quarter: Mapped[str] = mapped_column(String(7))  # "2026-Q4"
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id", ondelete="SET NULL"))
    age_band: Mapped[str] = mapped_column(String(6))
    # 0–4 on the AGREEMENT scale; None when the resident chose not to answer that question.
    get_on: Mapped[int | None]
    belong: Mapped[int | None]
    influence: Mapped[int | None]
    volunteered: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
