"""Index work waiting to be done, written in the same transaction as the content it is about."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from forum.accounts.models import utcnow
from forum.extensions import db


class SearchQueue(db.Model):
    """One object whose search document must be rebuilt (or removed) after commit.

    Rows are added by the session hooks in `forum.search` and deleted by a drain only once
    the index has committed the change, so a failing or locked index never loses work.
    """

    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
