"""Every domain's models, imported in one place so that Alembic sees the whole schema."""

from forum.accounts.models import MentorCheck, RoleGrant, User, UserSession, Ward
from forum.core.audit import AuditEntry

__all__ = ["AuditEntry", "MentorCheck", "RoleGrant", "User", "UserSession", "Ward"]
