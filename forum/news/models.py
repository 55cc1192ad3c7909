"""Council news: articles staff write, publish (now or at a set time) and pin; residents'
comments on them; and the wards residents follow for news.

An article is live when its state is "published" and its publish time has come. Nothing needs
to run at the publish time for it to appear: every list asks for `live()`. What does wait for
the time — telling followers, adding it to search — is done by `flask news release` (a job
run every few minutes), which marks the article `announced_at`.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import Ward, utcnow
from forum.core.content import ContentKind, Moderated, register_kind
from forum.extensions import db

CATEGORIES = {
    "announcement": "Announcements",
    "services": "Council services",
    "bins": "Bins and recycling",
    "roads": "Roads and transport",
    "housing": "Housing",
    "safety": "Community safety",
    "consultations": "Consultations: have your say",
    "health": "Health and care",
    "environment": "Parks and environment",
    "culture": "Culture, sport and leisure",
    "young_people": "Young people and schools",
    "cohesion": "Community cohesion",
}

STATES = {"draft": "Draft", "published": "Published", "unpublished": "Unpublished"}

article_wards = Table(
    "news_article_wards", db.metadata,
    Column("article_id", ForeignKey("news_articles.id", ondelete="CASCADE"), primary_key=True),
    Column("ward_id", ForeignKey("wards.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class NewsArticle(db.Model):
    """One piece of council news. Written by staff; not moderated like residents' text (its
    body still goes through the content pipeline, and the detector can refuse it)."""

    __tablename__ = "news_articles"
    __table_args__ = (Index("ix_news_articles_live", "state", "publish_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(300), default="")
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default="services", index=True)
    # Borough-wide news is for everyone; otherwise it is for the wards in `wards`.
    borough_wide: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    # When it goes (or went) live, naive UTC; set on publishing, kept through unpublishing.
    publish_at: Mapped[datetime | None]
    # Followers told and search indexed, once the publish time had come.
    announced_at: Mapped[datetime | None] = mapped_column(index=True)
    # A published article changed: when, and the note readers see ("Times corrected").
    updated_at: Mapped[datetime | None]
    update_note: Mapped[str] = mapped_column(String(300), default="")
    # Pinned announcements head the home page and the wards they target, until `pinned_until`.
    pinned: Mapped[bool] = mapped_column(default=False)
    pinned_until: Mapped[datetime | None]
    comments_open: Mapped[bool] = mapped_column(default=True)
    comment_count: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)

    wards: Mapped[list[Ward]] = relationship(secondary=article_wards, lazy="selectin",
                                             order_by=Ward.name)
    author = relationship("User", foreign_keys=[author_id])

    @classmethod
    def live(cls, now=None):
        """SQL condition: readers may see it now."""
        return (cls.state == "published") & (cls.publish_at <= (now or utcnow()))

    def is_live(self, now=None):
        return (self.state == "published" and self.publish_at is not None
                and self.publish_at <= (now or utcnow()))

    @property
    def is_scheduled(self):
        return self.state == "published" and not self.is_live()

    @property
    def is_pinned(self):
        return self.pinned and (self.pinned_until is None or self.pinned_until > utcnow())

    @property
    def category_label(self):
        return CATEGORIES.get(self.category, self.category)

    @property
    def where(self):
        """Who it is for, in words: "Borough-wide" or "Hulme and Moss Side"."""
        if self.borough_wide or not self.wards:
            return "Borough-wide"
        names = [ward.name for ward in self.wards]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def __repr__(self):
        return f"<NewsArticle {self.id} {self.state}>"


class NewsComment(Moderated, db.Model):
    """A resident's comment on an article, moderated like a post."""

    __tablename__ = "news_comments"
    __table_args__ = (Index("ix_news_comments_article", "article_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("news_articles.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[NewsArticle] = relationship()
    author = relationship("User", foreign_keys=[author_id])

    @property
    def ward_id(self):
        """The ward for moderators' scopes and the tension watch: the article's, if just one."""
        wards = self.article.wards
        return wards[0].id if not self.article.borough_wide and len(wards) == 1 else None


class WardFollow(db.Model):
    """A resident following a ward's news. People follow their home ward when they join."""

    __tablename__ = "ward_follows"
    __table_args__ = (UniqueConstraint("user_id", "ward_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- how the generic content machinery handles comments ---------------------------------------


def _comment_url(comment):
    from flask import url_for

    return url_for("news.article", article_id=comment.article_id, _anchor=f"c{comment.id}")


def _after_comment_status_change(comment):
    from forum.news.services import recount_comments

    recount_comments(comment.article)


def _redact_comment(comment, text):
    from forum.news.services import redact_comment

    redact_comment(comment, text)


def _article_readable(article, viewer):
    from forum.core.policy import can

    return can(viewer, "news.read", article)


def _article_document(article):
    if not article.is_live() or article.announced_at is None:
        return None
    return {"title": article.title, "body": f"{article.summary} {article.body_text}",
            "author": "", "created": article.publish_at,
            "ward": article.wards[0].slug if not article.borough_wide and article.wards
            else "", "url": f"/news/{article.id}"}


def _article_url(article):
    from flask import url_for

    return url_for("news.article", article_id=article.id)


register_kind(ContentKind(
    name="news_comment", model=NewsComment, url=_comment_url,
    title=lambda comment: f"Comment on “{comment.article.title}”",
    text=lambda comment: comment.body_text, after_status_change=_after_comment_status_change,
    redact=lambda comment, text: _redact_comment(comment, text),
    container_visible=lambda comment, viewer: _article_readable(comment.article, viewer),
))
# Articles are registered for search only: they are staff's words, not moderated content.
register_kind(ContentKind(
    name="news", model=NewsArticle, url=_article_url, title=lambda article: article.title,
    text=lambda article: article.body_text, search_document=_article_document,
))
