"""Create, list and send notifications. Only published content ever notifies anyone."""

from sqlalchemy import func, update
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, utcnow
from forum.boards.models import BoardFollow, TopicFollow
from forum.core import content
from forum.extensions import db
from forum.notifications.mail import send_email
from forum.notifications.models import Notification

PER_PAGE = 30


def _user_ids_by_username(usernames):
    if not usernames:
        return {}
    rows = db.session.execute(
        db.select(User).where(User.username_key.in_(usernames), User.state == "active")
    ).scalars()
    return {user.id: user for user in rows}


def after_post_published(post):
    """Tell mentioned people, the topic's author and followers about a newly published post.

    Each person gets one notification per post, the most specific one. Adults' @mentions do
    not notify under-18s: a mention is a way to reach someone, and adults reach young people
    only through the safeguarded matchmaker (DESIGN §5).
    """
    if not post.is_published or not post.topic.is_published:
        return
    topic, author = post.topic, post.author
    recipients = {}

    for user in _user_ids_by_username(content.mentioned_usernames(post.body_source)).values():
        if user.is_minor and not author.is_minor:
            continue
        recipients.setdefault(user.id, "mention")
    if not post.is_opening:
        recipients.setdefault(topic.author_id, "reply")
        followers = db.session.execute(
            db.select(TopicFollow.user_id).where(TopicFollow.topic_id == topic.id)
        ).scalars()
        for user_id in followers:
            recipients.setdefault(user_id, "followed_topic")
    else:
        followers = db.session.execute(
            db.select(BoardFollow.user_id).where(BoardFollow.board_id == topic.board_id)
        ).scalars()
        for user_id in followers:
            recipients.setdefault(user_id, "followed_board")
    recipients.pop(author.id, None)
    if not recipients:
        return
    summary = topic.title if post.is_opening else f"Re: {topic.title}"
    db.session.add_all([
        Notification(user_id=user_id, kind=kind, actor_id=author.id, content_kind="post",
                     content_id=post.id, summary=summary[:300])
        for user_id, kind in recipients.items()
    ])
    db.session.commit()


def notify_person(user_id, kind, summary, url, actor_id=None):
    """Add a notice for one person (the caller commits): moderation decisions, outcomes."""
    db.session.add(Notification(user_id=user_id, kind=kind, actor_id=actor_id,
                                summary=summary[:300], url=url))


def forget_content(kind_name, *content_ids):
    """Withdraw notifications about content that is no longer published (caller commits)."""
    if content_ids:
        db.session.execute(db.delete(Notification).where(
            Notification.content_kind == kind_name, Notification.content_id.in_(content_ids)))


def unread_count(user):
    return db.session.execute(
        db.select(func.count(Notification.id))
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ).scalar_one()


def list_notifications(user, page=1):
    query = (db.select(Notification).where(Notification.user_id == user.id)
             .options(selectinload(Notification.actor))
             .order_by(Notification.id.desc()))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def open_notification(user, notification_id):
    """Mark one notification read and return it (None if it is not this user's)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        return None
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user):
    db.session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()


def send_digests(link_for):
    """E-mail each person what they have neither seen nor been e-mailed about; return counts.

    :param link_for: turns a Notification into an absolute URL for the e-mail.
    """
    pending = db.session.execute(
        db.select(Notification)
        .where(Notification.read_at.is_(None), Notification.emailed_at.is_(None))
        .options(selectinload(Notification.actor))
        .order_by(Notification.user_id, Notification.id)
    ).scalars().all()
    by_user = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    users = {user.id: user for user in db.session.execute(
        db.select(User).where(User.id.in_(by_user))).scalars()}
    sent = covered = 0
    for user_id, items in by_user.items():
        user = users.get(user_id)
        if user is None or not user.email or not user.is_verified or user.state != "active":
            continue
        send_email(user.email, f"{len(items)} new on Common Ground", "digest", user=user,
                   items=[(item, link_for(item)) for item in items])
        now = utcnow()
        for item in items:
            item.emailed_at = now
        db.session.commit()
        sent += 1
        covered += len(items)
    return {"people": sent, "notifications": covered}
