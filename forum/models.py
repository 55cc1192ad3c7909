"""Every domain's models, imported in one place so that Alembic sees the whole schema."""

from forum.accounts.models import (
    Block,
    MentorCheck,
    RoleGrant,
    User,
    UserSession,
    Ward,
    WardAlias,
)
from forum.boards.models import (
    Board,
    BoardFollow,
    Post,
    PostRevision,
    Thank,
    Topic,
    TopicFollow,
    TopicRead,
)
from forum.cohesion.models import SurveyResponse
from forum.core.audit import AuditEntry
from forum.events.models import CalendarFeed, Event, EventException, OccurrenceCount, Rsvp
from forum.grants.models import (
    Application,
    Assessment,
    Ballot,
    BallotChoice,
    BudgetLine,
    Fund,
    FundWard,
)
from forum.moderation.models import (
    Appeal,
    Case,
    Decision,
    Flag,
    ModeratorScope,
    Nudge,
    Sanction,
    WatchedWord,
)
from forum.news.models import NewsArticle, NewsComment, WardFollow
from forum.notifications.models import Notification
from forum.projects.models import Project, ProjectEvent, ProjectMember, ProjectTask, ProjectUpdate
from forum.search.models import SearchDocument, SearchQueue
from forum.skills.models import (
    Cohort,
    CohortMember,
    CohortPlacement,
    GuardianConsent,
    Listing,
    Match,
    MatchFeedback,
    MatchMessage,
    MatchProfile,
    MatchSession,
    SafeguardingConcern,
    Skill,
    SkillCategory,
    TimeCredit,
)

__all__ = [
    "Appeal", "AuditEntry", "Case", "Decision", "Flag", "ModeratorScope", "Nudge", "Sanction",
    "WatchedWord", "Board", "BoardFollow", "MentorCheck", "Notification", "Post", "PostRevision",
    "RoleGrant", "SearchQueue", "Thank", "Topic", "TopicFollow", "TopicRead", "User",
    "UserSession", "Ward", "Block", "Cohort", "CohortMember", "CohortPlacement",
    "GuardianConsent", "Listing", "Match", "MatchFeedback", "MatchMessage", "MatchProfile",
    "MatchSession", "SafeguardingConcern", "Skill", "SkillCategory", "TimeCredit",
    "CalendarFeed", "Event", "EventException", "OccurrenceCount", "Rsvp", "WardAlias",
    "NewsArticle", "NewsComment", "WardFollow", "SearchDocument", "Project", "ProjectEvent",
    "ProjectMember", "ProjectTask", "ProjectUpdate", "Application", "Assessment", "Ballot",
    "BallotChoice", "BudgetLine", "Fund", "FundWard", "SurveyResponse",
]
