"""Index work waiting to be done, written in the same transaction as the content it is about."""

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
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


class SearchDocument(db.Model):
    """One searchable document, for the PostgreSQL backend (SEARCH_BACKEND=postgres).

    The same fields the Whoosh index stores, plus `words`: the title (weight A) and body
    (weight B) as a tsvector, written by the backend from accent-folded text and indexed with
    GIN. The table exists on every database so the schema is the same everywhere; only the
    PostgreSQL backend fills it.
    """

    __tablename__ = "search_documents"

    doc_id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "post:123"
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    board: Mapped[str | None] = mapped_column(Text)
    ward: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime | None]
    url: Mapped[str | None] = mapped_column(Text)
    topic_id: Mapped[int | None]
    words = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))

    __table_args__ = (
        Index("ix_search_documents_words", "words", postgresql_using="gin"),
        Index("ix_search_documents_kind_created", "kind", "created"),
    )
