"""Atom feeds of the boards. Their routes join the boards blueprint (`forum.boards.views.bp`).

- `/boards/feed.atom`: new topics on every board, one entry per topic (its opening post).
- `/boards/<slug>/feed.atom`: the board's activity, one entry per new topic and per reply.

Only published posts in published topics appear (DESIGN §3); boards are all public. An entry's
id is its permanent address, `/t/<topic id>` for a topic and `/p/<post id>` for a reply, so a
feed reader never shows the same post twice, even after an edit or a move to another board.
"""

from flask import current_app, redirect, url_for

from forum.boards import services
from forum.boards.views import bp
from forum.core import atom
from forum.errors import NotFound

ENTRIES = 30


def _author(user):
    """The name a feed shows: a young person's first name only (DESIGN §5)."""
    if user is None or user.state == "deleted":
        return "A former member"
    return user.public_name


def _entry(post, with_board):
    topic = post.topic
    if post.is_opening:
        url = atom.absolute_url("boards.topic", topic_id=topic.id)
        title = topic.title
    else:
        url = atom.absolute_url("boards.post_link", post_id=post.id)
        title = f"Re: {topic.title}"
    return atom.Entry(
        id=url, title=title, url=url, published=post.created_at,
        updated=post.edited_at or post.created_at, html=post.body_html,
        author=_author(post.author),
        categories=(topic.board.name,) if with_board else (),
    )


def _feed(title, self_url, page_url, entries, subtitle):
    return atom.response(f"{current_app.config['SITE_NAME']}: {title}", self_url, page_url,
                         entries, subtitle=subtitle)


@bp.route("/boards/feed.atom")
def feed():
    """New topics on every board, newest first."""
    posts = services.list_recent_posts(openings_only=True, limit=ENTRIES)
    return _feed("new topics", atom.absolute_url("boards.feed"),
                 atom.absolute_url("boards.index"),
                 [_entry(post, with_board=True) for post in posts],
                 subtitle="New conversations on every board.")


@bp.route("/boards/<slug>/feed.atom")
def board_feed(slug):
    """A board's new topics and replies, newest first."""
    try:
        board = services.get_board(slug)
    except NotFound:  # a 404 page, unless this was a merged ward's board
        moved = services.board_of_merged_ward(slug)
        if moved is None:
            raise
        return redirect(url_for("boards.board_feed", slug=moved.slug), 301)
    posts = services.list_recent_posts(board=board, limit=ENTRIES)
    return _feed(board.name, atom.absolute_url("boards.board_feed", slug=board.slug),
                 atom.absolute_url("boards.board", slug=board.slug),
                 [_entry(post, with_board=False) for post in posts],
                 subtitle=board.description or f"New topics and replies on {board.name}.")
