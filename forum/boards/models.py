"""Boards, topics, posts, and what residents do with them (thank, follow, read)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.core.content import ContentKind, Moderated, register_kind
from forum.extensions import db

POSTS_PER_PAGE = 20
TOPICS_PER_PAGE = 30


class Board(db.Model):
    """A place to talk: one per ward, plus topic boards that staff create."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    # The ward this board belongs to; NULL for borough-wide topic boards.
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), unique=True)
    # "Ask the council": staff replies can be marked as the official answer.
    official_answers: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=100)
    # False for a community project's own board, reached from the project's page rather than
    # the list of boards.
    listed: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept right by boards.services, so the index page needs no counting queries.
    topic_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None]
    last_topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    # Bumped by every change that alters what the board page shows (see core/cache.py).
    revision: Mapped[int] = mapped_column(default=0)

    ward = relationship("Ward", lazy="joined")
    last_topic = relationship("Topic", foreign_keys=[last_topic_id], post_update=True)

    @property
    def is_ward_board(self):
        return self.ward_id is not None


class Topic(Moderated, db.Model):
    """A conversation on a board: a title and its posts, the first written by the author."""

    __tablename__ = "topics"
    __table_args__ = (
        Index("ix_topics_board_listing", "board_id", "is_pinned", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Published replies (not counting the opening post).
    reply_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Every post ever added, any status: the next post's number.
    posts_made: Mapped[int] = mapped_column(default=0)
    # The number of the newest published post: readers who have seen it are up to date.
    last_post_number: Mapped[int] = mapped_column(default=0)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    lock_reason: Mapped[str] = mapped_column(Text, default="")
    official_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    # Bumped by every change that alters what the topic page shows (see core/cache.py).
    revision: Mapped[int] = mapped_column(default=0)

    board: Mapped[Board] = relationship(foreign_keys=[board_id], lazy="joined")
    author = relationship("User", foreign_keys=[author_id])
    last_poster = relationship("User", foreign_keys=[last_poster_id])


class Post(Moderated, db.Model):
    """One message in a topic. `body_html` is rendered and sanitised once, when written."""

    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_topic_number", "topic_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Position in the topic, from 1 (the opening post); gaps where posts are hidden.
    number: Mapped[int]
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    edit_count: Mapped[int] = mapped_column(default=0)
    thanks_count: Mapped[int] = mapped_column(default=0)

    topic: Mapped[Topic] = relationship(foreign_keys=[topic_id])
    author = relationship("User", foreign_keys=[author_id])

    @property
    def is_opening(self):
        return self.number == 1


class PostRevision(db.Model):
    """The text a post had before an edit; moderators can read the history."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(150))
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor = relationship("User")


class Thank(db.Model):
    """One resident's thanks for one post (at most one each)."""

    __tablename__ = "thanks"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BoardFollow(db.Model):
    __tablename__ = "board_follows"
    __table_args__ = (UniqueConstraint("user_id", "board_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicFollow(db.Model):
    __tablename__ = "topic_follows"
    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicRead(db.Model):
    """How far one resident has read one topic: the highest post number seen."""

    __tablename__ = "topic_reads"
    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"),
                                          index=True)
    last_read_number: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- how the generic content machinery handles topics and posts --------------------------------


def _topic_url(topic):
    from flask import url_for

    return url_for("boards.topic", topic_id=topic.id)


def _post_url(post):
    from flask import url_for

    return url_for("boards.post_link", post_id=post.id)


def _after_status_change(obj):
    from forum.boards.services import recount_topic
    from forum.notifications.services import forget_content

    topic = obj if isinstance(obj, Topic) else obj.topic
    if isinstance(obj, Post) and obj.is_opening and topic.status != obj.status:
        # A topic is held, removed or restored with its opening post.
        topic.status = obj.status
    recount_topic(topic)
    if obj.is_published:
        return
    if isinstance(obj, Topic) or obj.is_opening:
        # Notifications about any of its posts would show a hidden topic's title to others.
        forget_content("post", *db.session.execute(
            db.select(Post.id).where(Post.topic_id == topic.id)).scalars())
    else:
        forget_content("post", obj.id)


def _announce(post):
    from forum.notifications.services import after_post_published

    after_post_published(post)


def _redact(post, text):
    from forum.boards.services import redact_post

    redact_post(post, text)


def _common_fields(topic):
    board = topic.board
    return {
        "board": board.slug,
        "ward": board.ward.slug if board.ward else "",
        "topic_id": topic.id,
        "title": topic.title,
    }


def _topic_document(topic):
    """A topic is found by its title and opening post."""
    if not topic.is_published:
        return None
    opening = db.session.execute(
        db.select(Post).where(Post.topic_id == topic.id, Post.number == 1)
    ).scalar_one_or_none()
    if opening is None or not opening.is_published:
        return None
    return {**_common_fields(topic), "body": opening.body_text, "author": topic.author.username,
            "created": topic.created_at, "url": f"/t/{topic.id}"}


def _post_document(post):
    """Replies are found on their own; the opening post is part of its topic's document."""
    if post.is_opening or not post.is_published or not post.topic.is_published:
        return None
    return {**_common_fields(post.topic), "body": post.body_text,
            "author": post.author.username, "created": post.created_at,
            "url": f"/p/{post.id}"}


def _topic_dependents(topic):
    post_ids = db.session.execute(
        db.select(Post.id).where(Post.topic_id == topic.id, Post.number > 1)
    ).scalars()
    return [("post", post_id) for post_id in post_ids]


register_kind(ContentKind(
    name="topic", model=Topic, url=_topic_url, title=lambda topic: topic.title,
    text=lambda topic: topic.title, after_status_change=_after_status_change,
    search_document=_topic_document, search_dependents=_topic_dependents,
))
register_kind(ContentKind(
    name="post", model=Post, url=_post_url,
    title=lambda post: f"Reply in “{post.topic.title}”" if not post.is_opening
    else post.topic.title,
    text=lambda post: post.body_text, after_status_change=_after_status_change,
    search_document=_post_document,
    search_dependents=lambda post: [("topic", post.topic_id)] if post.is_opening else [],
    redact=lambda post, text: _redact(post, text),
    announce=lambda post: _announce(post),
))
