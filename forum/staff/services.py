"""What the staff console reads across the domains: the dashboard, and what a ward merge moves.

Only reads: every change goes through the owning domain's services.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from forum.accounts.models import MentorCheck, User, Ward, utcnow
from forum.boards.models import Board, Topic
from forum.core import audit
from forum.core.policy import require
from forum.events import services as events
from forum.events.models import Event
from forum.extensions import db
from forum.moderation.models import Case, ModeratorScope
from forum.news import services as news
from forum.skills.models import SafeguardingConcern

LIST_LENGTH = 5
CHECK_WARNING_DAYS = 30
EVENT_DAYS_AHEAD = 56


@dataclass
class Overview:
    """Counts and short lists for the console's front page."""

    escalated_count: int = 0
    escalated: list = field(default_factory=list)
    expiring_checks: list = field(default_factory=list)
    official_events: list = field(default_factory=list)
    open_concerns: int = 0
    people: int = 0
    suspended: int = 0
    wards: int = 0
    boards: int = 0
    news: dict = field(default_factory=dict)  # {"draft": 2, "scheduled": 1, …}
    recent_audit: list = field(default_factory=list)


def console_overview(actor, today=None):
    """What needs staff now, and how big each part of the platform is."""
    require(actor, "staff.console")
    today = today or date.today()
    waiting = select(Case).where(Case.needs_staff.is_(True), Case.state == "open")
    now = utcnow()
    return Overview(
        escalated_count=_count(waiting.with_only_columns(func.count(Case.id))),
        escalated=db.session.execute(
            waiting.options(selectinload(Case.author).lazyload(User.role_grants))
            .order_by(Case.opened_at, Case.id).limit(LIST_LENGTH)).scalars().all(),
        expiring_checks=expiring_checks(today),
        official_events=events.list_occurrences(
            actor, now, now + timedelta(days=EVENT_DAYS_AHEAD),
            events.Filters(official=True))[:LIST_LENGTH],
        open_concerns=_count(select(func.count(SafeguardingConcern.id))
                             .where(SafeguardingConcern.state == "open")),
        people=_count(select(func.count(User.id)).where(User.state != "deleted")),
        suspended=_count(select(func.count(User.id)).where(User.state == "suspended")),
        wards=_count(select(func.count(Ward.id))),
        boards=_count(select(func.count(Board.id))),
        news=news.count_for_staff(actor),
        recent_audit=audit.list_entries(per_page=LIST_LENGTH).items,
    )


def expiring_checks(today, days=CHECK_WARNING_DAYS):
    """Mentors whose check runs out within `days`, with no later check to take over; soonest
    first."""
    later = aliased(MentorCheck)
    renewed = (select(later.id).where(later.user_id == MentorCheck.user_id,
                                      later.revoked_at.is_(None),
                                      later.expires_on > MentorCheck.expires_on)
               .exists())
    return db.session.execute(
        select(MentorCheck).join(User, MentorCheck.user_id == User.id)
        .where(MentorCheck.revoked_at.is_(None), MentorCheck.checked_on <= today,
               MentorCheck.expires_on >= today,
               MentorCheck.expires_on <= today + timedelta(days=days),
               User.state != "deleted", ~renewed)
        .options(selectinload(MentorCheck.user).lazyload(User.role_grants))
        .order_by(MentorCheck.expires_on, MentorCheck.id)
    ).scalars().all()


def ward_contents(ward):
    """[(how many, what)] a merge would move out of `ward`, for staff to confirm."""
    board_ids = select(Board.id).where(Board.ward_id == ward.id)
    return [
        (_count(select(func.count(User.id)).where(User.ward_id == ward.id)),
         ("resident", "residents")),
        (_count(select(func.count(Topic.id)).where(Topic.board_id.in_(board_ids))),
         ("topic on its board", "topics on its board")),
        (_count(select(func.count(Event.id)).where(Event.ward_id == ward.id)),
         ("event", "events")),
        (_count(select(func.count(Case.id)).where(Case.ward_id == ward.id)),
         ("moderation case", "moderation cases")),
        (_count(select(func.count(ModeratorScope.id)).where(
            (ModeratorScope.ward_id == ward.id) | ModeratorScope.board_id.in_(board_ids))),
         ("moderator's scope", "moderators' scopes")),
    ]


def _count(query):
    return db.session.execute(query).scalar_one()
