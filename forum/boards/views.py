"""Boards, topics and posts: read, start, reply, edit, thank, follow, moderate."""

import contextlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.boards import forms, services
from forum.core.cache import cacheable, cached_page
from forum.core.forms import ActionForm, flash_if_held, form_status, submit_text
from forum.core.paging import page_number
from forum.core.policy import can
from forum.errors import DomainError, NotAllowed
from forum.news import services as news

bp = Blueprint("boards", __name__)


def _post_url(post, viewer):
    page = services.page_of_post(post, viewer)
    # Always name the page: without one, /t/<id> jumps to the first unread post instead, which
    # would send a reader with unread posts round in a loop (or away from the linked post).
    return url_for("boards.topic", topic_id=post.topic_id, page=page, _anchor=f"p{post.id}")


@bp.route("/boards/")
def index():
    """List every board with its topic count and latest activity."""
    return cached_page(services.page_stamp_of_index(), lambda: render_template(
        "boards/index.html", boards=services.list_boards()))


@bp.route("/boards/<slug>")
def board(slug):
    """Show a board's topics, pinned first, then the most recently active."""
    stamp = services.page_stamp_of_board(slug)
    if stamp is None:
        moved = services.board_of_merged_ward(slug)
        if moved is not None:  # a merged ward's board: links to it outlive the merge
            return redirect(url_for("boards.board", slug=moved.slug,
                                   page=request.args.get("page")), 301)
        abort(404, "There's no board at this address.")
    board = services.get_board(slug)
    # A ward's board shows the council's pinned announcements for it; they are in the stamp
    # so that a cached page changes with them.
    pinned_news = news.list_pinned(board.ward) if board.ward is not None else []
    stamp = (*stamp, *((article.id, article.edited_at) for article in pinned_news))
    return cached_page(stamp, lambda: _render_board(board, pinned_news))


def _render_board(board, pinned_news=()):
    topics = services.list_topics(board, current_user, page_number())
    return render_template(
        "boards/board.html", board=board, topics=topics, pinned_news=pinned_news,
        read_marks=services.read_marks(current_user, topics.items),
        following=services.is_following_board(current_user, board),
        can_start=can(current_user, "topic.create", board),
        can_follow=can(current_user, "follow"),
    )


@bp.route("/boards/<slug>/new", methods=["GET", "POST"])
@login_required
def new_topic(slug):
    """Start a topic on a board."""
    board = services.get_board(slug)
    form = forms.TopicForm()
    topic, nudge = submit_text(form, lambda nudge_id: services.start_topic(
        current_user, board, form.title.data, form.body.data, nudge_id=nudge_id))
    if topic is not None:
        flash_if_held(topic)
        return redirect(url_for("boards.topic", topic_id=topic.id))
    return render_template("boards/new_topic.html", board=board, form=form, nudge=nudge,
                           can_start=can(current_user, "topic.create", board)), \
        form_status(form)


@bp.route("/t/<int:topic_id>")
def topic(topic_id):
    """Show a topic, twenty posts a page; open at the first unread post."""
    stamp = services.page_stamp_of_topic(topic_id)
    if stamp is not None and cacheable() and stamp.status == "published":
        return cached_page(tuple(stamp), lambda: _render_topic(
            services.get_topic(topic_id, current_user), forms.ReplyForm()))
    topic = services.get_topic(topic_id, current_user)
    if "page" not in request.args:
        unread = services.first_unread(topic, current_user)
        if unread is not None:
            return redirect(_post_url(unread, current_user))
    form = forms.ReplyForm()
    quote_id = request.args.get("quote", type=int)
    if quote_id:
        with contextlib.suppress(DomainError):
            form.body.data = services.quote_text(services.get_post(quote_id, current_user))
    return _render_topic(topic, form)


def _render_topic(topic, form, nudge=None):
    posts = services.list_posts(topic, current_user, page_number())
    can_moderate = can(current_user, "topic.moderate", topic)
    page = render_template(
        "boards/topic.html", topic=topic, posts=posts, form=form, nudge=nudge,
        thanked=services.thanked_post_ids(current_user, posts.items),
        following=services.is_following_topic(current_user, topic),
        can_reply=can(current_user, "post.reply", topic),
        can_moderate=can_moderate, can_follow=can(current_user, "follow"),
        lock_form=forms.LockForm() if can_moderate else None,
        move_form=_move_form(topic) if can_moderate else None,
    )
    # Last: marking read commits, and the page must be built from the rows loaded above.
    services.mark_read(current_user, topic, posts.items)
    return page


def _move_form(topic):
    form = forms.MoveForm()
    form.board.choices = [(board.slug, board.name) for board in services.list_boards()
                          if board.id != topic.board_id]
    return form


@bp.route("/t/<int:topic_id>/reply", methods=["POST"])
@login_required
def reply(topic_id):
    """Add a reply; on a problem, show the topic again with the text kept."""
    topic = services.get_topic(topic_id, current_user)
    form = forms.ReplyForm()
    post, nudge = submit_text(form, lambda nudge_id: services.reply_to_topic(
        current_user, topic, form.body.data, nudge_id=nudge_id))
    if post is not None:
        flash_if_held(post)
        return redirect(_post_url(post, current_user))
    return _render_topic(topic, form, nudge), 200 if nudge else 400


@bp.route("/p/<int:post_id>")
def post_link(post_id):
    """Go to a post on the right page of its topic."""
    return redirect(_post_url(services.get_post(post_id, current_user), current_user))


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    """Edit a post (and the title, for a topic's opening post)."""
    post = services.get_post(post_id, current_user)
    if not can(current_user, "post.edit", post):
        abort(403)
    form = forms.EditPostForm()
    if request.method == "GET":
        form.body.data = post.body_source
        form.title.data = post.topic.title
    saved, nudge = submit_text(form, lambda nudge_id: services.edit_post(
        current_user, post, form.body.data, form.title.data if post.is_opening else None,
        nudge_id=nudge_id))
    if saved is not None:
        flash("Your changes are saved.", "success")
        flash_if_held(post)
        return redirect(_post_url(post, current_user))
    return render_template("boards/edit_post.html", post=post, form=form, nudge=nudge), \
        form_status(form)


@bp.route("/p/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id):
    """Confirm, then delete a post (or a whole topic, for its opening post)."""
    post = services.get_post(post_id, current_user)
    if not can(current_user, "post.delete", post):
        abort(403)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        topic = services.delete_post(current_user, post)
        if post.is_opening:
            flash("The topic is deleted.", "success")
            return redirect(url_for("boards.board", slug=topic.board.slug))
        flash("The post is deleted.", "success")
        return redirect(url_for("boards.topic", topic_id=topic.id))
    return render_template("boards/delete_post.html", post=post, form=form)


@bp.route("/p/<int:post_id>/history")
@login_required
def post_history(post_id):
    """Show a post's earlier versions (moderators)."""
    post = services.get_post(post_id, current_user)
    if not can(current_user, "post.view_history", post):
        abort(403)
    return render_template("boards/history.html", post=post,
                           revisions=services.list_revisions(current_user, post))


@bp.route("/p/<int:post_id>/thank", methods=["POST"])
@login_required
def thank(post_id):
    """Thank a post, or take the thanks back."""
    post = services.get_post(post_id, current_user)
    if ActionForm().validate_on_submit():
        if request.form.get("undo"):
            services.unthank_post(current_user, post)
        else:
            services.thank_post(current_user, post)
    return redirect(_post_url(post, current_user))


@bp.route("/p/<int:post_id>/official", methods=["POST"])
@login_required
def mark_official(post_id):
    """Mark or unmark a staff reply as the council's official answer."""
    post = services.get_post(post_id, current_user)
    if ActionForm().validate_on_submit():
        services.mark_official_answer(current_user, post)
    return redirect(_post_url(post, current_user))


@bp.route("/t/<int:topic_id>/follow", methods=["POST"])
@login_required
def follow_topic(topic_id):
    """Follow a topic to be told about replies, or stop following it."""
    topic = services.get_topic(topic_id, current_user)
    if ActionForm().validate_on_submit():
        following = request.form.get("follow") == "1"
        services.set_topic_follow(current_user, topic, following)
        flash("You're following this topic." if following else "You've stopped following "
              "this topic.", "success")
    return redirect(url_for("boards.topic", topic_id=topic.id, page=request.form.get("page")))


@bp.route("/boards/<slug>/follow", methods=["POST"])
@login_required
def follow_board(slug):
    """Follow a board to be told about new topics, or stop following it."""
    board = services.get_board(slug)
    if ActionForm().validate_on_submit():
        following = request.form.get("follow") == "1"
        services.set_board_follow(current_user, board, following)
        flash(f"You're following {board.name}." if following
              else f"You've stopped following {board.name}.", "success")
    return redirect(url_for("boards.board", slug=board.slug))


@bp.route("/t/<int:topic_id>/moderate", methods=["POST"])
@login_required
def moderate_topic(topic_id):
    """Pin, unpin, lock, unlock or move a topic (moderators and staff)."""
    topic = services.get_topic(topic_id, current_user)
    if not can(current_user, "topic.moderate", topic):
        abort(403)
    action = request.form.get("action")
    form = forms.LockForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if action in ("pin", "unpin"):
            services.set_pinned(current_user, topic, action == "pin")
            flash("Topic pinned." if action == "pin" else "Topic unpinned.", "success")
        elif action in ("lock", "unlock"):
            services.set_locked(current_user, topic, action == "lock", form.reason.data)
            flash("Topic locked." if action == "lock" else "Topic unlocked.", "success")
        elif action == "move":
            board = services.get_board(request.form.get("board", ""))
            services.move_topic(current_user, topic, board)
            flash(f"Topic moved to {board.name}.", "success")
        else:
            abort(400)
    except NotAllowed:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("boards.topic", topic_id=topic.id))
