"""Board use-cases: start and reply to topics, edit, delete, thank, follow, read, moderate.

Counters on boards and topics (topic and post counts, latest activity) are kept here, so the
pages that show them never count rows.
"""

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload

from forum.accounts.models import User, utcnow
from forum.boards.models import (
    POSTS_PER_PAGE,
    TOPICS_PER_PAGE,
    Board,
    BoardFollow,
    Post,
    PostRevision,
    Thank,
    Topic,
    TopicFollow,
    TopicRead,
)
from forum.core import audit, content, signals
from forum.core.policy import can, require
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications import services as notifications

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 20_000

LOCKED_MESSAGE = "This topic is locked, so no new replies can be added."


# --- reading ---------------------------------------------------------------------------------


def list_boards():
    """Every listed board, ward boards after the borough-wide ones, with their latest topic
    (community projects' boards are reached from their projects)."""
    return db.session.execute(
        db.select(Board).where(Board.listed).options(selectinload(Board.last_topic))
        .order_by(Board.ward_id.is_not(None), Board.position, Board.name)
    ).scalars().all()


def get_board(slug):
    board = db.session.execute(db.select(Board).where(Board.slug == slug)).scalar_one_or_none()
    if board is None:
        raise NotFound("There's no board at this address.")
    return board


def get_ward_board(ward_id):
    return db.session.execute(
        db.select(Board).where(Board.ward_id == ward_id)
    ).scalar_one_or_none()


def list_topics(board, viewer, page=1, per_page=TOPICS_PER_PAGE):
    """Topics on a board the viewer may see: pinned first, then most recently active."""
    query = (
        db.select(Topic)
        .where(Topic.board_id == board.id, Topic.visible_to(viewer))
        # Names are all the list shows: roles are not loaded for these people.
        .options(selectinload(Topic.author).lazyload(User.role_grants),
                 selectinload(Topic.last_poster).lazyload(User.role_grants))
        .order_by(Topic.is_pinned.desc(), Topic.last_activity_at.desc(), Topic.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def list_active_topics(limit=6, board=None):
    """Published topics, most recently active first: across every board, or on `board`.

    Every board is public (boards have no visibility of their own), so a topic's own status
    is all that decides whether everyone may see it. For the home page.
    """
    query = (db.select(Topic).where(Topic.status == "published")
             .order_by(Topic.last_activity_at.desc(), Topic.id.desc()).limit(limit))
    if board is not None:
        query = query.where(Topic.board_id == board.id)
    return db.session.execute(query).scalars().all()


def list_recent_posts(board=None, openings_only=False, limit=30):
    """Published posts in published topics, newest first, with their topic, board and author
    loaded: every post on `board` (or on any board), or only topics' opening posts. For feeds.
    """
    query = (db.select(Post).join(Topic, Post.topic_id == Topic.id)
             .where(Post.status == "published", Topic.status == "published")
             .options(selectinload(Post.topic),
                      selectinload(Post.author).lazyload(User.role_grants))
             .order_by(Post.created_at.desc(), Post.id.desc()).limit(limit))
    if board is not None:
        query = query.where(Topic.board_id == board.id)
    if openings_only:
        query = query.where(Post.number == 1)
    return db.session.execute(query).scalars().all()


def read_marks(viewer, topics):
    """{topic id: highest post number the viewer has read} for these topics (one query)."""
    if not can(viewer, "follow") or not topics:
        return {}
    rows = db.session.execute(
        db.select(TopicRead.topic_id, TopicRead.last_read_number)
        .where(TopicRead.user_id == viewer.id,
               TopicRead.topic_id.in_([topic.id for topic in topics]))
    ).all()
    return dict(rows)


def get_topic(topic_id, viewer):
    topic = db.session.get(Topic, topic_id)
    if topic is None or not content.visible(topic, viewer):
        raise NotFound("This topic doesn't exist, or has been removed.")
    return topic


def get_post(post_id, viewer):
    post = db.session.get(Post, post_id)
    if post is None or not content.visible(post, viewer) or not content.visible(post.topic,
                                                                                  viewer):
        raise NotFound("This post doesn't exist, or has been removed.")
    return post


def _visible_posts(topic, viewer):
    return db.select(Post).where(Post.topic_id == topic.id, Post.visible_to(viewer))


def list_posts(topic, viewer, page=1, per_page=POSTS_PER_PAGE):
    query = (_visible_posts(topic, viewer)
             .options(selectinload(Post.author).selectinload(User.role_grants),
                      defer(Post.body_source), defer(Post.body_text))
             .order_by(Post.number))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def page_of_post(post, viewer):
    """The page of its topic a post appears on, for this viewer."""
    before = db.session.execute(
        _visible_posts(post.topic, viewer).where(Post.number < post.number)
        .with_only_columns(func.count())
    ).scalar_one()
    return before // POSTS_PER_PAGE + 1


def first_unread(topic, viewer):
    """The first post the viewer has not read, or None if they are up to date (or new here)."""
    if not can(viewer, "follow"):
        return None
    mark = db.session.execute(
        db.select(TopicRead.last_read_number)
        .where(TopicRead.user_id == viewer.id, TopicRead.topic_id == topic.id)
    ).scalar_one_or_none()
    if mark is None or mark >= topic.last_post_number:
        return None
    return db.session.execute(
        _visible_posts(topic, viewer).where(Post.number > mark).order_by(Post.number).limit(1)
    ).scalar_one_or_none()


def thanked_post_ids(viewer, posts):
    if not can(viewer, "follow") or not posts:
        return set()
    return set(db.session.execute(
        db.select(Thank.post_id).where(Thank.user_id == viewer.id,
                                       Thank.post_id.in_([post.id for post in posts]))
    ).scalars())


def is_following_topic(viewer, topic):
    return can(viewer, "follow") and db.session.execute(
        db.select(TopicFollow.id).where(TopicFollow.user_id == viewer.id,
                                        TopicFollow.topic_id == topic.id)
    ).first() is not None


def is_following_board(viewer, board):
    return can(viewer, "follow") and db.session.execute(
        db.select(BoardFollow.id).where(BoardFollow.user_id == viewer.id,
                                        BoardFollow.board_id == board.id)
    ).first() is not None


def list_revisions(actor, post):
    require(actor, "post.view_history", post)
    return db.session.execute(
        db.select(PostRevision).where(PostRevision.post_id == post.id)
        .options(selectinload(PostRevision.editor))
        .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
    ).scalars().all()


def quote_text(post):
    """Markdown that quotes a post, for the reply box."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body_source.splitlines())
    return f"> **@{post.author.username} wrote:**\n>\n{quoted}\n\n"


# --- validation ------------------------------------------------------------------------------


def _clean_title(title):
    title = " ".join((title or "").split())
    if len(title) < TITLE_MIN:
        raise Invalid("title", f"Give your topic a title of at least {TITLE_MIN} characters.")
    if len(title) > TITLE_MAX:
        raise Invalid("title", f"Keep the title to {TITLE_MAX} characters or fewer.")
    return title


def _clean_body(body):
    body = (body or "").strip()
    if not body:
        raise Invalid("body", "Write something before you post.")
    if len(body) > BODY_MAX:
        raise Invalid("body", f"Posts can be up to {BODY_MAX:,} characters; this one has "
                              f"{len(body):,}. Split it into two posts, or shorten it.")
    return body


def _why_not_write(actor, doing):
    """What to tell someone the policy stops from writing: muted, or e-mail not confirmed."""
    if getattr(actor, "is_muted", False):
        from forum.core.templating import local_time

        return (f"You've been muted: you can read, but not post, until "
                f"{local_time(actor.muted_until):%-d %B %Y at %H:%M}.")
    return f"Confirm your e-mail address before you {doing}."


def _prepare(body, actor, board, kind, title=""):
    return content.prepare(body, {"kind": kind, "board": board.slug, "author_id": actor.id},
                           title=title)


# --- writing ---------------------------------------------------------------------------------


def start_topic(actor, board, title, body, nudge_id=None):
    """Open a topic with its first post; the author follows it. Returns the Topic.

    :param nudge_id: the nudge the author saw and chose to post anyway (or edit) after.
    :raises NeedsReconsideration: the text seems hurtful and the author has not seen a nudge.
    """
    require(actor, "topic.create", board, message=_why_not_write(actor, "start a topic"))
    title = _clean_title(title)
    body = _clean_body(body)
    prepared = _prepare(body, actor, board, "topic", title=title)
    status = moderation.screen(actor, prepared.verdict, "topic", nudge_id)
    now = utcnow()
    topic = Topic(board=board, author=actor, title=title, created_at=now, last_activity_at=now,
                  posts_made=1, last_poster_id=actor.id)
    topic.apply_verdict(prepared.verdict, status)
    post = Post(topic=topic, author=actor, number=1, body_source=prepared.source,
                body_html=prepared.html, body_text=prepared.text, created_at=now)
    post.apply_verdict(prepared.verdict, status)
    db.session.add_all([topic, post])
    db.session.flush()
    moderation.record_screening(post, prepared.verdict)
    db.session.add(TopicFollow(user_id=actor.id, topic_id=topic.id))
    _mark_read_to(actor, topic, 1)
    if topic.is_published:
        topic.last_post_id = post.id
        topic.last_post_number = 1
        _count_on_board(board, topics=1, posts=1, topic=topic, at=now)
    else:
        _touch(None, board)
    db.session.commit()
    if topic.is_published:
        notifications.after_post_published(post)
    return topic


def reply_to_topic(actor, topic, body, nudge_id=None):
    """Add a reply; the replier follows the topic. Returns the Post.

    :raises NeedsReconsideration: as for start_topic.
    """
    require(actor, "post.reply", topic,
            message=LOCKED_MESSAGE if topic.is_locked else _why_not_write(actor, "reply"))
    body = _clean_body(body)
    prepared = _prepare(body, actor, topic.board, "post")
    status = moderation.screen(actor, prepared.verdict, "post", nudge_id)
    # Numbers come from the database row, so two replies at once never share a number.
    number = db.session.execute(
        update(Topic).where(Topic.id == topic.id).values(posts_made=Topic.posts_made + 1)
        .returning(Topic.posts_made)
    ).scalar_one()
    now = utcnow()
    post = Post(topic=topic, author=actor, number=number, body_source=prepared.source,
                body_html=prepared.html, body_text=prepared.text, created_at=now)
    post.apply_verdict(prepared.verdict, status)
    db.session.add(post)
    db.session.flush()
    moderation.record_screening(post, prepared.verdict)
    _follow_topic_quietly(actor, topic)
    _mark_read_to(actor, topic, number)
    if post.is_published:
        db.session.execute(
            update(Topic).where(Topic.id == topic.id).values(
                reply_count=Topic.reply_count + 1, last_activity_at=now, last_post_id=post.id,
                last_poster_id=actor.id,
                last_post_number=case((Topic.last_post_number < number, number),
                                      else_=Topic.last_post_number),
            )
        )
        _count_on_board(topic.board, posts=1, topic=topic, at=now)
    _touch(topic)
    db.session.commit()
    if post.is_published:
        notifications.after_post_published(post)
    return post


def _count_on_board(board, topic, at, topics=0, posts=0):
    db.session.execute(
        update(Board).where(Board.id == board.id).values(
            topic_count=Board.topic_count + topics, post_count=Board.post_count + posts,
            last_activity_at=at, last_topic_id=topic.id, revision=Board.revision + 1,
        )
    )


def _touch(topic=None, *boards):
    """Mark pages as changed, so cached copies are not served again (core/cache.py)."""
    if topic is not None:
        db.session.execute(update(Topic).where(Topic.id == topic.id)
                           .values(revision=Topic.revision + 1))
    board_ids = {board.id for board in boards}
    if board_ids:
        db.session.execute(update(Board).where(Board.id.in_(board_ids))
                           .values(revision=Board.revision + 1))


def page_stamp_of_topic(topic_id):
    """What the cached topic page depends on: (revision, status), or None if no such topic."""
    return db.session.execute(
        db.select(Topic.revision, Topic.status).where(Topic.id == topic_id)
    ).one_or_none()


def page_stamp_of_board(slug):
    return db.session.execute(
        db.select(Board.id, Board.revision).where(Board.slug == slug)
    ).one_or_none()


def page_stamp_of_index():
    return tuple(db.session.execute(
        db.select(func.count(Board.id), func.coalesce(func.sum(Board.revision), 0))
    ).one())


def edit_post(actor, post, body, title=None, nudge_id=None):
    """Change a post's text (and the topic's title, for an opening post), keeping history.

    Edits are screened like new posts, so an edit cannot slip hate past the detector.
    """
    require(actor, "post.edit", post)
    body = _clean_body(body)
    topic = post.topic
    new_title = _clean_title(title) if post.is_opening and title is not None else topic.title
    if body == post.body_source and new_title == topic.title:
        return post
    prepared = _prepare(body, actor, topic.board, "post",
                        title=new_title if post.is_opening else "")
    status = moderation.screen(actor, prepared.verdict, "edit", nudge_id)
    if actor.id != post.author_id:
        audit.record(actor, "post.edit", post, before={"body": post.body_source,
                                                       "title": topic.title},
                     after={"body": prepared.source, "title": new_title})
    db.session.add(PostRevision(post_id=post.id, editor_id=actor.id, body_source=post.body_source,
                                title=topic.title if post.is_opening else None))
    post.body_source = prepared.source
    post.body_html = prepared.html
    post.body_text = prepared.text
    post.edited_at = utcnow()
    post.edit_count += 1
    topic.title = new_title
    # A harmless edit never undoes a hold; an edit that must be reviewed is held.
    if status == "held" and post.status == "published":
        post.apply_verdict(prepared.verdict, "held")
        db.session.flush()
        content.kind_of(post).after_status_change(post)
    db.session.flush()
    moderation.record_screening(post, prepared.verdict)
    _touch(topic, topic.board)
    db.session.commit()
    return post


def redact_post(post, redacted_text):
    """A moderator's redaction: the new text replaces the old, marked as edited."""
    prepared = content.prepare(redacted_text, {"kind": "redaction"})
    db.session.add(PostRevision(post_id=post.id, editor_id=None, body_source=post.body_source))
    post.body_source = redacted_text
    post.body_html = prepared.html
    post.body_text = prepared.text
    post.edited_at = utcnow()
    post.edit_count += 1
    _touch(post.topic)


def delete_post(actor, post):
    """Soft-delete a post; deleting the opening post deletes the whole topic."""
    require(actor, "post.delete", post)
    topic = post.topic
    if post.is_opening:
        topic.status = "deleted"
        post.status = "deleted"
        if actor.id != post.author_id:
            audit.record(actor, "topic.delete", topic, before={"title": topic.title})
    else:
        post.status = "deleted"
        if actor.id != post.author_id:
            audit.record(actor, "post.delete", post, before={"body": post.body_source})
    db.session.flush()
    # Like any change of status: recount, and withdraw notifications about what is gone.
    gone = topic if post.is_opening else post
    content.kind_of(gone).after_status_change(gone)
    db.session.commit()
    return topic


def thank_post(actor, post):
    require(actor, "post.thank", post, message="You can't thank your own post.")
    exists = db.session.execute(
        db.select(Thank.id).where(Thank.post_id == post.id, Thank.user_id == actor.id)
    ).first()
    if exists:
        return False
    db.session.add(Thank(post_id=post.id, user_id=actor.id))
    db.session.execute(update(Post).where(Post.id == post.id)
                       .values(thanks_count=Post.thanks_count + 1))
    _touch(post.topic)
    try:
        db.session.commit()
    except IntegrityError:
        # A double click racing itself: the unique constraint keeps it to one thanks.
        db.session.rollback()
        return False
    return True


def unthank_post(actor, post):
    require(actor, "follow")
    deleted = db.session.execute(
        db.delete(Thank).where(Thank.post_id == post.id, Thank.user_id == actor.id)
    ).rowcount
    if deleted:
        db.session.execute(update(Post).where(Post.id == post.id)
                           .values(thanks_count=Post.thanks_count - 1))
        _touch(post.topic)
    db.session.commit()


def mark_official_answer(actor, post):
    """Mark (or unmark) a staff reply as the council's official answer to the question."""
    require(actor, "post.mark_official", post,
            message="Only council staff can mark their own team's replies as the answer.")
    topic = post.topic
    topic.official_post_id = None if topic.official_post_id == post.id else post.id
    audit.record(actor, "topic.official_answer", topic, after={"post_id": topic.official_post_id})
    _touch(topic)
    db.session.commit()


# --- following and reading -------------------------------------------------------------------


def _follow_topic_quietly(user, topic):
    exists = db.session.execute(
        db.select(TopicFollow.id).where(TopicFollow.user_id == user.id,
                                        TopicFollow.topic_id == topic.id)
    ).first()
    if not exists:
        db.session.add(TopicFollow(user_id=user.id, topic_id=topic.id))


def set_topic_follow(actor, topic, following):
    require(actor, "follow")
    if following:
        _follow_topic_quietly(actor, topic)
    else:
        db.session.execute(db.delete(TopicFollow).where(TopicFollow.user_id == actor.id,
                                                        TopicFollow.topic_id == topic.id))
    db.session.commit()


def set_board_follow(actor, board, following):
    require(actor, "follow")
    exists = is_following_board(actor, board)
    if following and not exists:
        db.session.add(BoardFollow(user_id=actor.id, board_id=board.id))
    elif not following:
        db.session.execute(db.delete(BoardFollow).where(BoardFollow.user_id == actor.id,
                                                        BoardFollow.board_id == board.id))
    db.session.commit()


def _mark_read_to(user, topic, number):
    row = db.session.execute(
        db.select(TopicRead).where(TopicRead.user_id == user.id, TopicRead.topic_id == topic.id)
    ).scalar_one_or_none()
    if row is None:
        db.session.add(TopicRead(user_id=user.id, topic_id=topic.id, last_read_number=number))
    elif number > row.last_read_number:
        row.last_read_number = number
        row.updated_at = utcnow()


def mark_read(viewer, topic, posts):
    """Remember that the viewer has seen these posts (called when a page of them is shown)."""
    if not can(viewer, "follow") or not posts:
        return
    highest = max(post.number for post in posts)
    _mark_read_to(viewer, topic, highest)
    db.session.commit()


# --- moderators and staff --------------------------------------------------------------------


def set_pinned(actor, topic, pinned):
    require(actor, "topic.moderate", topic)
    topic.is_pinned = pinned
    audit.record(actor, "topic.pin" if pinned else "topic.unpin", topic)
    _touch(topic, topic.board)
    db.session.commit()


def set_locked(actor, topic, locked, reason=""):
    require(actor, "topic.moderate", topic)
    topic.is_locked = locked
    topic.lock_reason = (reason or "").strip() if locked else ""
    audit.record(actor, "topic.lock" if locked else "topic.unlock", topic, reason=topic.lock_reason)
    _touch(topic, topic.board)
    db.session.commit()


def move_topic(actor, topic, board):
    require(actor, "topic.moderate", topic)
    if board.id == topic.board_id:
        raise Invalid("board", "The topic is already on that board.")
    old_board = topic.board
    topic.board = board
    audit.record(actor, "topic.move", topic, before={"board": old_board.slug},
                 after={"board": board.slug})
    db.session.flush()
    recount_board(old_board)
    recount_board(board)
    db.session.commit()


def create_board(actor, name, description="", official_answers=False, ward=None):
    require(actor, "board.manage")
    from forum.accounts.services import slugify

    name = " ".join((name or "").split())
    if not 3 <= len(name) <= 80:
        raise Invalid("name", "Give the board a name of 3 to 80 characters.")
    slug = slugify(name)
    if db.session.execute(db.select(Board.id).where(Board.slug == slug)).first():
        raise Invalid("name", "There is already a board with that name.")
    board = Board(name=name, slug=slug, description=(description or "").strip(),
                  official_answers=official_answers, ward=ward)
    db.session.add(board)
    db.session.flush()
    audit.record(actor, "board.create", board, after={"name": name})
    db.session.commit()
    return board


@signals.ward_saved.connect
def ensure_ward_board(ward):
    """Give a new ward its board, or follow a ward's new name, in the caller's transaction."""
    board = get_ward_board(ward.id) if ward.id is not None else None
    description = f"News, questions and neighbourly help for {ward.name}."
    if board is None:
        taken = db.session.execute(db.select(Board.id).where(Board.slug == ward.slug)).first()
        db.session.add(Board(name=ward.name, slug=f"{ward.slug}-ward" if taken else ward.slug,
                             ward=ward, position=500, description=description))
    else:
        board.name = ward.name
        board.description = description


@signals.wards_merging.connect
def merge_ward_boards(ward, into, **extra):
    """Move a merged ward's board into the remaining ward's: its topics, followers, cases and
    moderators' scopes; then delete it (its address leads on: see board_of_merged_ward)."""
    old = get_ward_board(ward.id)
    if old is None:
        return {}
    new = get_ward_board(into.id)
    if new is None:
        # The remaining ward had no board of its own: the old one becomes its board.
        old.ward = into
        old.name = into.name
        old.description = f"News, questions and neighbourly help for {into.name}."
        return {}
    topics = db.session.execute(select(Topic).where(Topic.board_id == old.id)).scalars().all()
    for topic in topics:  # one at a time, so the search index hears of each
        topic.board = new
    followers = select(BoardFollow.user_id).where(BoardFollow.board_id == new.id)
    follows = db.session.execute(
        update(BoardFollow).where(BoardFollow.board_id == old.id,
                                  BoardFollow.user_id.not_in(followers))
        .values(board_id=new.id)).rowcount
    db.session.execute(delete(BoardFollow).where(BoardFollow.board_id == old.id))
    moved = moderation.move_board(old, new)
    db.session.flush()
    if topics:  # their pages name the board
        db.session.execute(update(Topic).where(Topic.id.in_([topic.id for topic in topics]))
                           .values(revision=Topic.revision + 1))
    db.session.delete(old)
    recount_board(new)
    return {"topics": len(topics), "board_follows": follows, **moved}


def board_of_merged_ward(slug):
    """The board that a merged ward's old board address now leads to, or None.

    A ward board's address is its ward's (or that with "-ward", when a topic board had it).
    """
    from forum.accounts.services import merged_into

    for ward_slug in dict.fromkeys((slug, slug.removesuffix("-ward"))):
        ward = merged_into(ward_slug)
        board = get_ward_board(ward.id) if ward is not None else None
        if board is not None:
            return board
    return None


# --- counters --------------------------------------------------------------------------------


def recount_topic(topic):
    """Recompute a topic's counters from its published posts, then its board's."""
    published = (db.select(Post).where(Post.topic_id == topic.id, Post.status == "published")
                 .order_by(Post.number.desc()))
    last = db.session.execute(published.limit(1)).scalar_one_or_none()
    count = db.session.execute(published.with_only_columns(func.count()).order_by(None))\
        .scalar_one()
    topic.reply_count = max(count - 1, 0)
    topic.last_post_id = last.id if last else None
    topic.last_post_number = last.number if last else 0
    topic.last_poster_id = last.author_id if last else topic.author_id
    topic.last_activity_at = last.created_at if last else topic.created_at
    db.session.flush()
    _touch(topic)
    recount_board(topic.board)


def recount_board(board):
    topics = select(Topic).where(Topic.board_id == board.id, Topic.status == "published")
    board.topic_count = db.session.execute(
        topics.with_only_columns(func.count())).scalar_one()
    board.post_count = db.session.execute(
        select(func.count(Post.id)).join(Topic, Post.topic_id == Topic.id)
        .where(Topic.board_id == board.id, Topic.status == "published",
               Post.status == "published")
    ).scalar_one()
    latest = db.session.execute(
        topics.order_by(Topic.last_activity_at.desc()).limit(1)).scalar_one_or_none()
    board.last_topic_id = latest.id if latest else None
    board.last_activity_at = latest.last_activity_at if latest else None
    db.session.flush()
    _touch(None, board)
