"""In-app notifications: what happened, for whom, and whether they have seen it."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.extensions import db

KINDS = {
    "mention": "mentioned you",
    "reply": "replied to your topic",
    "followed_topic": "replied in a topic you follow",
    "followed_board": "started a topic on a board you follow",
    "moderation": "",
    "report_outcome": "",
    "match": "",
    "safeguarding": "",
    "event": "",
    "news": "",
}


class Notification(db.Model):
    """Something a person should know about, pointing at one piece of content."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    # The content it is about, by registry kind name and id; shown only while visible.
    content_kind: Mapped[str | None] = mapped_column(String(30))
    content_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(300))
    # For notices not about content (moderation decisions, report outcomes): where to go.
    url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None] = mapped_column(index=True)

    actor = relationship("User", foreign_keys=[actor_id])

    @property
    def verb(self):
        return KINDS.get(self.kind, "")
