"""Plain helpers that make boards, topics and replies for tests (they need an app context).

Topics and replies go through the services, so counters and follows are what residents would
get. They live here rather than in tests/factories.py so that tests/notifications can use them
too without importing a conftest.
"""

from forum.accounts.models import Ward
from forum.accounts.services import slugify
from forum.boards import services
from forum.boards.models import Board, Post, Topic
from forum.core import content
from forum.extensions import db
from forum.moderation.services import NeedsReconsideration


def create_board(name, description="", official_answers=False, ward=None, position=100):
    board = Board(name=name, slug=slugify(name), description=description,
                  official_answers=official_answers, ward=ward, position=position)
    db.session.add(board)
    db.session.commit()
    return board


def create_ward_board(ward_name="Riverside"):
    ward = db.session.execute(db.select(Ward).where(Ward.name == ward_name)).scalar_one_or_none()
    if ward is None:
        ward = Ward(name=ward_name, slug=slugify(ward_name))
        db.session.add(ward)
        db.session.flush()
    return create_board(ward_name, description=f"Neighbours in {ward_name}.", ward=ward,
                        position=500)


def load(model, obj_or_id):
    """The row in this session, from an object made in another session or from its id."""
    return db.session.get(model, getattr(obj_or_id, "id", obj_or_id))


def create_topic(author, board, title="Streetlights out on Mill Lane",
                 body="Three lights have been out for a week.", replies=(), nudge_id=None):
    """Start a topic, then add `replies`: (author, body) pairs in order. Returns the Topic."""
    topic = services.start_topic(load(type(author), author), load(Board, board), title, body,
                                 nudge_id=nudge_id)
    for reply_author, reply_body in replies:
        services.reply_to_topic(load(type(reply_author), reply_author), topic, reply_body)
    return topic


def create_reply(author, topic, body="I saw that too.", nudge_id=None):
    return services.reply_to_topic(load(type(author), author), load(Topic, topic), body,
                                   nudge_id=nudge_id)


def post_through_nudge(write, *args, **kwargs):
    """Write as an author who is asked to reconsider and posts anyway.

    `write` is start_topic, reply_to_topic, edit_post (or create_topic, create_reply): it is
    called once, must raise NeedsReconsideration, then is called again with the nudge's id, as
    the form does when the author sends the text unchanged. Returns what the second call does.
    """
    try:
        write(*args, **kwargs)
    except NeedsReconsideration as prompt:
        return write(*args, nudge_id=prompt.nudge.id, **kwargs)
    raise AssertionError("expected the author to be asked to reconsider first")


def posts_of(topic):
    return db.session.execute(
        db.select(Post).where(Post.topic_id == getattr(topic, "id", topic))
        .order_by(Post.number)
    ).scalars().all()


def set_status(obj, status):
    """What moderation will do: change a topic's or post's status, run the registry hook."""
    obj.status = status
    db.session.flush()
    content.kind_of(obj).after_status_change(obj)
    db.session.commit()
    return obj
