"""The append-only audit log: who did what to what, when, why, and what it looked like before."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from forum.accounts.models import utcnow
from forum.extensions import db


class AuditEntry(db.Model):
    """One staff or moderation action. Rows are only ever added (see the guards below)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40), default="")
    target_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor = relationship("User", foreign_keys=[actor_id])


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, entry):
    raise AuditLogIsAppendOnly("Audit entries cannot be changed or deleted.")


def record(actor, action, target=None, reason="", before=None, after=None):
    """Add an audit entry to the current transaction; the calling service commits it."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        reason=reason,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry


def list_entries(page=1, per_page=50, action=None, actor_id=None):
    query = (db.select(AuditEntry).options(selectinload(AuditEntry.actor))
             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if action:
        query = query.where(AuditEntry.action == action)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
