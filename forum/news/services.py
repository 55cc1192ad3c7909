"""Council news: reading it, writing and publishing it (staff), commenting on it (residents),
following wards for it, and telling followers when an article goes live."""

from datetime import timedelta

from sqlalchemy import delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, Ward, utcnow
from forum.core import audit, content, signals
from forum.core.policy import can, require
from forum.core.templating import local_time
from forum.errors import DomainError, Invalid, NotFound
from forum.extensions import db
from forum.moderation import services as moderation
from forum.news.models import CATEGORIES, NewsArticle, NewsComment, WardFollow, article_wards
from forum.notifications.models import Notification

TITLE_MIN, TITLE_MAX = 5, 150
SUMMARY_MIN, SUMMARY_MAX = 10, 300
BODY_MIN, BODY_MAX = 20, 20_000
COMMENT_MAX = 5_000
UPDATE_NOTE_MAX = 300
PER_PAGE = 20
COMMENTS_PER_PAGE = 50
PINNED_MAX = 3
# A publish time this far in the past is a typing slip, not "now".
PAST_GRACE = timedelta(minutes=5)
# An article's body follows its headline (the page's h1), so its top heading is an h2.
ARTICLE_FIRST_HEADING = 2


# --- reading ---------------------------------------------------------------------------------


def _for_ward(ward):
    """SQL condition: the article is for everyone, or for `ward` among others."""
    return or_(NewsArticle.borough_wide, exists().where(
        article_wards.c.article_id == NewsArticle.id, article_wards.c.ward_id == ward.id))


def _live_query(ward=None, category=None, now=None):
    query = select(NewsArticle).where(NewsArticle.live(now))
    if ward is not None:
        query = query.where(_for_ward(ward))
    if category:
        query = query.where(NewsArticle.category == category)
    return query.order_by(NewsArticle.publish_at.desc(), NewsArticle.id.desc())


def list_news(ward=None, category=None, page=1, per_page=PER_PAGE, unpinned=False):
    """Live articles, newest first: all of them, or those for `ward` (with borough-wide ones);
    `unpinned` leaves out the pinned announcements, for pages that show those above."""
    if category and category not in CATEGORIES:
        raise Invalid("category", "Choose a category from the list.")
    query = _live_query(ward, category)
    if unpinned:
        query = query.where(~_pinned_now())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _pinned_now():
    now = utcnow()
    return NewsArticle.pinned & or_(NewsArticle.pinned_until.is_(None),
                                    NewsArticle.pinned_until > now)


def list_pinned(ward=None):
    """Pinned announcements that are live: borough-wide ones, and `ward`'s when given."""
    query = _live_query().where(_pinned_now())
    query = query.where(_for_ward(ward)) if ward is not None \
        else query.where(NewsArticle.borough_wide)
    return db.session.execute(query.limit(PINNED_MAX)).scalars().all()


def get_live_article(article_id):
    article = db.session.get(NewsArticle, article_id)
    if article is None or not article.is_live():
        raise NotFound("There's no such news article. It may have been taken down.")
    return article


def get_article(article_id, viewer):
    """An article the viewer may read: live ones, and staff's drafts and scheduled ones."""
    article = db.session.get(NewsArticle, article_id)
    if article is None or not can(viewer, "news.read", article):
        raise NotFound("There's no such news article. It may have been taken down.")
    return article


STAFF_FILTERS = {
    "draft": "Drafts",
    "scheduled": "Scheduled",
    "live": "Published",
    "unpublished": "Unpublished",
}


def list_for_staff(actor, which=None, page=1):
    """Every article for the news desk, most recently changed first, optionally one kind."""
    require(actor, "news.manage")
    now = utcnow()
    query = select(NewsArticle).options(selectinload(NewsArticle.author))
    if which == "draft":
        query = query.where(NewsArticle.state == "draft")
    elif which == "scheduled":
        query = query.where(NewsArticle.state == "published", NewsArticle.publish_at > now)
    elif which == "live":
        query = query.where(NewsArticle.live(now))
    elif which == "unpublished":
        query = query.where(NewsArticle.state == "unpublished")
    elif which:
        raise Invalid("show", "Choose which articles to show from the list.")
    query = query.order_by(NewsArticle.edited_at.desc(), NewsArticle.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def count_for_staff(actor):
    """{filter name: how many}, for the news desk's tabs."""
    require(actor, "news.manage")
    now = utcnow()
    row = db.session.execute(select(
        func.count().filter(NewsArticle.state == "draft"),
        func.count().filter(NewsArticle.state == "published", NewsArticle.publish_at > now),
        func.count().filter(NewsArticle.live(now)),
        func.count().filter(NewsArticle.state == "unpublished"),
    )).one()
    return dict(zip(STAFF_FILTERS, row, strict=True))


# Audit actions that change an article's words or state.
EDITING_ACTIONS = ("news.create", "news.edit", "news.publish", "news.schedule", "news.unpublish")


def last_editors(articles):
    """{article id: the name of who last wrote, published or took it down}, from the audit
    log, which is the record of who did what."""
    ids = [article.id for article in articles]
    if not ids:
        return {}
    rows = db.session.execute(
        select(audit.AuditEntry.target_id, User)
        .join(User, User.id == audit.AuditEntry.actor_id)
        .where(audit.AuditEntry.target_type == "newsarticle",
               audit.AuditEntry.target_id.in_(ids),
               audit.AuditEntry.action.in_(EDITING_ACTIONS))
        .order_by(audit.AuditEntry.at, audit.AuditEntry.id))
    return {article_id: user.name for article_id, user in rows}  # the latest wins


def list_comments(article, viewer, page=1):
    query = (select(NewsComment)
             .where(NewsComment.article_id == article.id, NewsComment.visible_to(viewer))
             .options(selectinload(NewsComment.author)).order_by(NewsComment.id))
    return db.paginate(query, page=page, per_page=COMMENTS_PER_PAGE, error_out=False)


def get_comment(comment_id, viewer):
    comment = db.session.get(NewsComment, comment_id)
    if comment is None or not content.visible(comment, viewer) \
            or not can(viewer, "news.read", comment.article):
        raise NotFound("There's no such comment.")
    return comment


# --- writing articles (staff) ----------------------------------------------------------------


def _clean_article(title, summary, body, category, borough_wide, wards):
    title = " ".join((title or "").split())
    summary = " ".join((summary or "").split())
    body = (body or "").strip()
    if len(title) < TITLE_MIN:
        raise Invalid("title", f"Give the article a headline of at least {TITLE_MIN} "
                               "characters.")
    if len(title) > TITLE_MAX:
        raise Invalid("title", f"Keep the headline to {TITLE_MAX} characters or fewer.")
    if len(summary) < SUMMARY_MIN:
        raise Invalid("summary", "Write a one- or two-sentence summary: it is what lists, "
                                 "feeds and notifications show.")
    if len(summary) > SUMMARY_MAX:
        raise Invalid("summary", f"Keep the summary to {SUMMARY_MAX} characters or fewer.")
    if len(body) < BODY_MIN:
        raise Invalid("body", f"Write the article (at least {BODY_MIN} characters).")
    if len(body) > BODY_MAX:
        raise Invalid("body", f"Keep the article to {BODY_MAX:,} characters or fewer.")
    if category not in CATEGORIES:
        raise Invalid("category", "Choose a category from the list.")
    if not borough_wide and not wards:
        raise Invalid("wards", "Choose the wards this news is for, or make it borough-wide.")
    return title, summary, body


def _render_body(actor, title, body):
    """The body through the content pipeline. Staff aren't nudged or queued, but the detector
    can still refuse words it would hold from anyone else."""
    prepared = content.prepare(body, {"kind": "news", "author_id": actor.id}, title=title,
                               first_heading=ARTICLE_FIRST_HEADING)
    if prepared.verdict.action in ("hold", "block"):
        raise Invalid("body", "The hate-speech check would hold this from anyone else: "
                      + " ".join(prepared.verdict.reasons)
                      + " Reword it; if you are quoting abuse to condemn it, say so plainly.")
    return prepared


def preview_body(actor, body):
    """The article body as readers will see it, without saving anything."""
    require(actor, "news.manage")
    return content.render((body or "").strip(), ARTICLE_FIRST_HEADING)


def _snapshot(article):
    return {"title": article.title, "state": article.state,
            "publish_at": article.publish_at.isoformat() if article.publish_at else None,
            "wards": "borough" if article.borough_wide
            else [ward.slug for ward in article.wards],
            "category": article.category, "pinned": article.pinned,
            "comments_open": article.comments_open}


def save_article(actor, article=None, *, title, summary, body, category, borough_wide=True,
                 wards=(), comments_open=True, update_note=""):
    """Write a new draft (`article` None) or change an article. Returns the article.

    Changing a live article marks it updated, with `update_note` shown to readers; nobody is
    notified again. Sending the article back as it is changes nothing (and audits nothing).
    """
    require(actor, "news.manage")
    wards = list(dict.fromkeys(wards))
    title, summary, body = _clean_article(title, summary, body, category, borough_wide, wards)
    update_note = " ".join((update_note or "").split())
    if len(update_note) > UPDATE_NOTE_MAX:
        raise Invalid("update_note", f"Keep the note to {UPDATE_NOTE_MAX} characters or fewer.")
    prepared = _render_body(actor, title, body)
    creating = article is None
    if not creating and not update_note and _same_as(article, title, summary, prepared.source,
                                                     category, borough_wide, wards,
                                                     comments_open):
        return article
    before = None if creating else _snapshot(article)
    if creating:
        article = NewsArticle(author_id=actor.id, state="draft")
        db.session.add(article)
    changed_words = creating or (title, summary, prepared.source) != (
        article.title, article.summary, article.body_source)
    article.title, article.summary, article.category = title, summary, category
    article.body_source, article.body_html, article.body_text = \
        prepared.source, prepared.html, prepared.text
    article.borough_wide = bool(borough_wide)
    article.wards = [] if borough_wide else wards
    article.comments_open = bool(comments_open)
    article.edited_at = utcnow()
    if not creating and article.is_live() and (changed_words or update_note):
        article.updated_at = utcnow()
        article.update_note = update_note
    db.session.flush()
    audit.record(actor, "news.create" if creating else "news.edit", article, before=before,
                 after=_snapshot(article), reason=update_note)
    db.session.commit()
    return article


def _same_as(article, title, summary, source, category, borough_wide, wards, comments_open):
    return ((title, summary, source, category, bool(borough_wide), bool(comments_open))
            == (article.title, article.summary, article.body_source, article.category,
                article.borough_wide, article.comments_open)
            and (borough_wide or {ward.id for ward in wards}
                 == {ward.id for ward in article.wards}))


def publish(actor, article, publish_at=None, now=None):
    """Publish now (`publish_at` None) or at a later time (naive UTC).

    A scheduled article stays out of every list, feed, search and the API until its time;
    followers are told then, by `release_due` (or at once when it goes live now).
    """
    require(actor, "news.manage")
    now = now or utcnow()
    if publish_at is not None and publish_at < now - PAST_GRACE:
        raise Invalid("publish_at", "That time has passed. Choose a time in the future, or "
                                    "publish now.")
    before = _snapshot(article)
    article.state = "published"
    article.publish_at = max(publish_at, now) if publish_at is not None else now
    article.edited_at = now
    scheduled = article.publish_at > now
    if scheduled:
        _withdraw(article)  # moved to a later time: announced afresh when that comes
    audit.record(actor, "news.schedule" if scheduled else "news.publish", article,
                 before=before, after=_snapshot(article))
    db.session.commit()
    if not scheduled:
        _announce(article, now)
    return article


def unpublish(actor, article, reason=""):
    """Take an article (or a scheduled one) down; staff can publish it again later."""
    require(actor, "news.manage")
    if article.state != "published":
        raise DomainError("This article isn't published.")
    before = _snapshot(article)
    article.state = "unpublished"
    article.edited_at = utcnow()
    _withdraw(article)
    audit.record(actor, "news.unpublish", article, reason=(reason or "").strip(),
                 before=before, after=_snapshot(article))
    db.session.commit()
    return article


def _withdraw(article):
    """Take back the notifications about an article; publishing it again announces it anew."""
    db.session.execute(delete(Notification).where(Notification.content_kind == "news",
                                                  Notification.content_id == article.id))
    article.announced_at = None


def delete_draft(actor, article):
    """Throw away a draft that was never published."""
    require(actor, "news.manage")
    if article.state != "draft":
        raise DomainError("Only drafts can be deleted; unpublish a published article instead.")
    audit.record(actor, "news.delete_draft", article, before=_snapshot(article))
    db.session.delete(article)
    db.session.commit()


def set_pinned(actor, article, pinned, until=None):
    """Pin an announcement to the top of the home page and its wards' pages, maybe until a
    time (naive UTC)."""
    require(actor, "news.manage")
    if pinned and until is not None and until <= utcnow():
        raise Invalid("pinned_until", "Choose a time in the future, or leave it blank to keep "
                                      "it pinned until you unpin it.")
    before = _snapshot(article)
    article.pinned = bool(pinned)
    article.pinned_until = until if pinned else None
    audit.record(actor, "news.pin" if pinned else "news.unpin", article, before=before,
                 after={**_snapshot(article), "pinned_until":
                        until.isoformat() if pinned and until else None})
    db.session.commit()
    return article


def set_comments_open(actor, article, comments_open, reason=""):
    require(actor, "news.manage")
    article.comments_open = bool(comments_open)
    audit.record(actor, "news.comments_open" if comments_open else "news.comments_closed",
                 article, reason=(reason or "").strip())
    db.session.commit()
    return article


# --- telling followers -----------------------------------------------------------------------


def _follower_ids(article):
    query = select(WardFollow.user_id).join(User, User.id == WardFollow.user_id) \
        .where(User.state == "active").distinct()
    if not article.borough_wide:
        query = query.where(WardFollow.ward_id.in_([ward.id for ward in article.wards]))
    return set(db.session.execute(query).scalars())


def _announce(article, now):
    """Claim the article's announcement (one server wins), tell its wards' followers, and put
    it in the search index. Returns True when this call did it."""
    from forum.search.services import enqueue

    claimed = db.session.execute(
        update(NewsArticle).where(NewsArticle.id == article.id,
                                  NewsArticle.announced_at.is_(None),
                                  NewsArticle.live(now))
        .values(announced_at=now)
    ).rowcount
    if not claimed:
        db.session.rollback()
        return False
    recipients = _follower_ids(article) - {article.author_id}
    summary = f"Council news: {article.title}" if article.borough_wide \
        else f"Council news for {article.where}: {article.title}"
    if recipients:
        db.session.execute(insert(Notification), [
            {"user_id": user_id, "kind": "news", "actor_id": None, "content_kind": "news",
             "content_id": article.id, "summary": summary[:300],
             "url": f"/news/{article.id}", "created_at": now}
            for user_id in sorted(recipients)
        ])
    enqueue([("news", article.id)])
    db.session.commit()
    db.session.refresh(article)
    return True


def release_due(now=None):
    """Announce every article whose publish time has come; return how many. Run by a job."""
    now = now or utcnow()
    due = db.session.execute(
        select(NewsArticle).where(NewsArticle.live(now), NewsArticle.announced_at.is_(None))
        .order_by(NewsArticle.publish_at)
    ).scalars().all()
    return sum(_announce(article, now) for article in due)


# --- following wards -------------------------------------------------------------------------


def followed_ward_ids(user):
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(db.session.execute(
        select(WardFollow.ward_id).where(WardFollow.user_id == user.id)).scalars())


def set_ward_follow(actor, ward, following):
    require(actor, "ward.follow", ward)
    found = db.session.execute(select(WardFollow).where(
        WardFollow.user_id == actor.id, WardFollow.ward_id == ward.id)).scalar_one_or_none()
    if following and found is None:
        db.session.add(WardFollow(user_id=actor.id, ward_id=ward.id))
    elif not following and found is not None:
        db.session.delete(found)
    db.session.commit()


@signals.user_signed_up.connect
def _follow_home_ward(user, **extra):
    if user.ward_id is not None:
        db.session.add(WardFollow(user_id=user.id, ward_id=user.ward_id))
        db.session.commit()


# --- comments (residents) --------------------------------------------------------------------


def _clean_comment(body):
    body = (body or "").strip()
    if not body:
        raise Invalid("body", "Write your comment first.")
    if len(body) > COMMENT_MAX:
        raise Invalid("body", f"Keep your comment to {COMMENT_MAX:,} characters or fewer.")
    return body


def why_not_comment(actor, article):
    """A sentence saying why `actor` can't comment here, or None when they can."""
    if can(actor, "news.comment", article):
        return None
    if not article.comments_open:
        return "Comments on this article are closed."
    if not getattr(actor, "is_authenticated", False):
        return "Sign in to comment."
    if not actor.is_verified:
        return "Confirm your e-mail address to comment: follow the link we sent you."
    if getattr(actor, "is_muted", False):
        # Stored in UTC; people read their local time.
        return f"You're muted until {local_time(actor.muted_until):%-d %B %Y at %H:%M}, so " \
               "you can't comment yet."
    return "You can't comment on this article."


def add_comment(actor, article, body, nudge_id=None):
    """Comment on a live article, moderated like a reply. Returns the comment.

    :raises NeedsReconsideration: the detector asks the author to think again, once.
    """
    reason = why_not_comment(actor, article)
    if reason:
        raise Invalid("body", reason)
    body = _clean_comment(body)
    prepared = content.prepare(body, {"kind": "news_comment", "author_id": actor.id})
    status = moderation.screen(actor, prepared.verdict, "news_comment", nudge_id)
    comment = NewsComment(article=article, author_id=actor.id, body_source=prepared.source,
                          body_html=prepared.html, body_text=prepared.text)
    comment.apply_verdict(prepared.verdict, status)
    db.session.add(comment)
    db.session.flush()
    moderation.record_screening(comment, prepared.verdict)
    recount_comments(article)
    db.session.commit()
    return comment


def delete_comment(actor, comment):
    require(actor, "news.comment.delete", comment)
    comment.status = "deleted"
    if comment.author_id != actor.id:
        audit.record(actor, "news.comment_delete", comment)
    db.session.flush()
    recount_comments(comment.article)
    db.session.commit()


def redact_comment(comment, redacted_text):
    """A moderator's redaction: the comment's words replaced (the caller commits)."""
    comment.body_source = redacted_text
    comment.body_html = content.render(redacted_text)
    comment.body_text = content.plain_text(comment.body_html)


def recount_comments(article):
    article.comment_count = db.session.execute(
        select(func.count(NewsComment.id)).where(NewsComment.article_id == article.id,
                                                 NewsComment.status == "published")
    ).scalar_one()


# --- other domains' events -------------------------------------------------------------------


@signals.account_deleted.connect
def _forget_follows(user_id, **extra):
    db.session.execute(delete(WardFollow).where(WardFollow.user_id == user_id))
    db.session.commit()


@signals.wards_merging.connect
def _merge_ward_news(ward, into, **extra):
    """News for the merged ward is now for the ward that remains; so are its followers."""
    moved = {}
    for table, column in ((article_wards, article_wards.c.article_id),
                          (WardFollow.__table__, WardFollow.__table__.c.user_id)):
        already = select(column).where(table.c.ward_id == into.id)
        db.session.execute(delete(table).where(table.c.ward_id == ward.id,
                                               column.in_(already)))
        moved[table.name] = db.session.execute(
            update(table).where(table.c.ward_id == ward.id).values(ward_id=into.id)).rowcount
    return moved


@signals.personal_data_requested.connect
def _export_news(user, **extra):
    comments = db.session.execute(
        select(NewsComment).where(NewsComment.author_id == user.id,
                                  NewsComment.status != "deleted")
        .options(selectinload(NewsComment.article)).order_by(NewsComment.id)).scalars()
    wards = db.session.execute(
        select(Ward.name).join(WardFollow, WardFollow.ward_id == Ward.id)
        .where(WardFollow.user_id == user.id).order_by(Ward.name)).scalars()
    return "news", {
        "following_wards": list(wards),
        "comments": [{"article": comment.article.title, "text": comment.body_source,
                      "written_at": comment.created_at.isoformat() + "Z",
                      "status": comment.status} for comment in comments],
    }
