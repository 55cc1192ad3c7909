"""Board use-cases called directly: counters, numbering, thanks, edits, locks, who may post."""

from datetime import timedelta

import pytest

from forum.accounts import services as accounts
from forum.accounts.models import utcnow
from forum.boards import services
from forum.boards.models import Board, Post, PostRevision, Thank, Topic, TopicFollow
from forum.errors import Invalid, NotAllowed
from forum.extensions import db
from forum.moderation import detector
from forum.notifications.models import Notification
from tests.boards.factories import (
    create_reply,
    create_topic,
    post_through_nudge,
    posts_of,
    set_status,
)


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


@pytest.fixture
def resident(make_user):
    return make_user(username="sam")


@pytest.fixture
def neighbour(make_user):
    return make_user(username="grace")


@pytest.fixture
def moderator(make_user):
    return make_user(username="ravi", roles=["moderator"])


@pytest.fixture
def staff(make_user):
    return make_user(username="jo", roles=["staff"])


def counters(obj):
    db.session.refresh(obj)
    if isinstance(obj, Board):
        return {"topics": obj.topic_count, "posts": obj.post_count,
                "last_topic": obj.last_topic_id}
    return {"replies": obj.reply_count, "last_post": obj.last_post_id,
            "last_number": obj.last_post_number, "last_poster": obj.last_poster_id}


# --- starting and replying ---------------------------------------------------------------------


def test_starting_a_topic_counts_it_on_the_board(resident, topic_board):
    topic = services.start_topic(resident, topic_board, "  Saturday   café is back ",
                                 "From the *6th*, 10am.")
    opening = posts_of(topic)[0]
    assert topic.title == "Saturday café is back"
    assert (topic.status, opening.status, opening.number) == ("published", "published", 1)
    assert opening.body_html == "<p>From the <em>6th</em>, 10am.</p>"
    assert opening.body_text == "From the 6th, 10am."
    assert counters(topic_board) == {"topics": 1, "posts": 1, "last_topic": topic.id}
    assert topic_board.last_activity_at == topic.created_at
    assert counters(topic) == {"replies": 0, "last_post": opening.id, "last_number": 1,
                               "last_poster": resident.id}


def test_the_author_follows_their_new_topic(resident, topic_board):
    topic = create_topic(resident, topic_board)
    assert services.is_following_topic(resident, topic)


def test_replies_are_numbered_in_order_and_update_the_counters(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board)
    first = services.reply_to_topic(neighbour, topic, "Me too.")
    second = services.reply_to_topic(resident, topic, "Reported it.")
    assert [post.number for post in posts_of(topic)] == [1, 2, 3]
    assert counters(topic) == {"replies": 2, "last_post": second.id, "last_number": 3,
                               "last_poster": resident.id}
    assert topic.last_activity_at == second.created_at >= first.created_at
    assert counters(topic_board)["posts"] == 3
    assert services.is_following_topic(neighbour, topic)


def test_a_deleted_reply_leaves_a_gap_in_the_numbers(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Two"), (neighbour, "Three")])
    services.delete_post(neighbour, posts_of(topic)[2])
    reply = services.reply_to_topic(neighbour, topic, "Four")
    assert reply.number == 4
    assert [post.number for post in posts_of(topic) if post.status == "published"] == [1, 2, 4]


def test_deleting_the_latest_reply_puts_the_counters_back(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Two")])
    two = posts_of(topic)[1]
    three = create_reply(resident, topic, "Three")
    services.delete_post(resident, three)
    assert db.session.get(Post, three.id).status == "deleted"
    assert counters(topic) == {"replies": 1, "last_post": two.id, "last_number": 2,
                               "last_poster": neighbour.id}
    assert topic.last_activity_at == two.created_at
    assert counters(topic_board)["posts"] == 2


def test_deleting_the_opening_post_deletes_the_topic(resident, neighbour, topic_board):
    older = create_topic(resident, topic_board, title="The older topic")
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Two")])
    services.delete_post(resident, posts_of(topic)[0])
    assert db.session.get(Topic, topic.id).status == "deleted"
    assert counters(topic_board) == {"topics": 1, "posts": 1, "last_topic": older.id}


def test_a_deleted_topic_is_not_found(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board)
    services.delete_post(resident, posts_of(topic)[0])
    with pytest.raises(services.NotFound):
        services.get_topic(topic.id, neighbour)
    with pytest.raises(services.NotFound):
        services.get_topic(topic.id, resident)


def test_moving_a_topic_recounts_both_boards(resident, neighbour, moderator, topic_board,
                                             ward_board):
    staying = create_topic(resident, topic_board, title="Staying here")
    moving = create_topic(resident, topic_board, title="Moving on", replies=[(neighbour, "Hi")])
    services.move_topic(moderator, moving, ward_board)
    assert db.session.get(Topic, moving.id).board_id == ward_board.id
    assert counters(topic_board) == {"topics": 1, "posts": 1, "last_topic": staying.id}
    assert counters(ward_board) == {"topics": 1, "posts": 2, "last_topic": moving.id}


def test_moving_to_the_same_board_is_refused(resident, moderator, topic_board):
    topic = create_topic(resident, topic_board)
    with pytest.raises(Invalid) as error:
        services.move_topic(moderator, topic, topic_board)
    assert error.value.field == "board"


@pytest.mark.parametrize("status", ["held", "removed"])
def test_a_hidden_reply_drops_out_of_the_counters_and_back(resident, neighbour, topic_board,
                                                           status):
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Two")])
    two = posts_of(topic)[1]
    three = create_reply(neighbour, topic, "Three")
    set_status(three, status)
    assert counters(topic) == {"replies": 1, "last_post": two.id, "last_number": 2,
                               "last_poster": neighbour.id}
    assert counters(topic_board)["posts"] == 2
    set_status(three, "published")
    assert counters(topic) == {"replies": 2, "last_post": three.id, "last_number": 3,
                               "last_poster": neighbour.id}
    assert counters(topic_board)["posts"] == 3


@pytest.mark.parametrize("status", ["held", "removed"])
def test_a_hidden_topic_drops_out_of_its_board_counters(resident, neighbour, topic_board,
                                                        status):
    older = create_topic(resident, topic_board, title="The older topic")
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Two")])
    set_status(topic, status)
    assert counters(topic_board) == {"topics": 1, "posts": 1, "last_topic": older.id}
    set_status(topic, "published")
    assert counters(topic_board) == {"topics": 2, "posts": 3, "last_topic": topic.id}


def test_content_the_detector_holds_is_saved_held_and_not_counted(resident, topic_board,
                                                                  monkeypatch):
    monkeypatch.setattr(detector, "assess", lambda text, context: detector.Verdict(
        action="hold", score=0.9, labels=("hate",)))
    topic = post_through_nudge(services.start_topic, resident, topic_board,
                               "A title for review", "Body text")
    opening = posts_of(topic)[0]
    assert (topic.status, opening.status) == ("held", "held")
    assert opening.moderation_labels == ["hate"] and opening.moderation_score == 0.9
    assert counters(topic_board) == {"topics": 0, "posts": 0, "last_topic": None}


def test_a_held_reply_is_not_counted(resident, neighbour, topic_board, monkeypatch):
    topic = create_topic(resident, topic_board)
    monkeypatch.setattr(detector, "assess",
                        lambda text, context: detector.Verdict(action="hold", score=0.8))
    reply = post_through_nudge(services.reply_to_topic, neighbour, topic, "Something nasty")
    assert reply.status == "held"
    assert counters(topic)["replies"] == 0 and counters(topic_board)["posts"] == 1


def test_list_topics_puts_pinned_first_then_latest_activity(resident, moderator, topic_board):
    quiet = create_topic(resident, topic_board, title="Quiet topic")
    busy = create_topic(resident, topic_board, title="Busy topic")
    pinned = create_topic(resident, topic_board, title="House rules")
    db.session.get(Topic, quiet.id).last_activity_at = utcnow() - timedelta(days=2)
    db.session.get(Topic, pinned.id).last_activity_at = utcnow() - timedelta(days=9)
    db.session.commit()
    services.set_pinned(moderator, pinned, True)
    create_reply(resident, busy, "Bump")
    titles = [topic.title for topic in services.list_topics(topic_board, resident).items]
    assert titles == ["House rules", "Busy topic", "Quiet topic"]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize("title, body, field", [
    ("A fine title", "", "body"),
    ("A fine title", "   \n  ", "body"),
    ("A fine title", "x" * (services.BODY_MAX + 1), "body"),
    ("Hey", "A body", "title"),
    ("x" * 151, "A body", "title"),
])
def test_bad_topics_are_refused_with_the_field_named(resident, topic_board, title, body, field):
    with pytest.raises(Invalid) as error:
        services.start_topic(resident, topic_board, title, body)
    assert error.value.field == field
    assert db.session.execute(db.select(Topic)).first() is None


def test_a_too_long_post_says_how_long_it_may_be(resident, topic_board):
    topic = create_topic(resident, topic_board)
    with pytest.raises(Invalid) as error:
        services.reply_to_topic(resident, topic, "x" * 100_000)
    assert "up to 20,000 characters" in error.value.message
    assert "100,000" in error.value.message


def test_stored_html_is_sanitised(resident, topic_board):
    topic = services.start_topic(resident, topic_board, "<script>alert(1)</script> title",
                                 "<img src=x onerror=alert(1)> [x](javascript:alert(1))")
    opening = posts_of(topic)[0]
    assert topic.title == "<script>alert(1)</script> title"  # escaped when shown
    assert "<img" not in opening.body_html and "<script" not in opening.body_html
    assert 'href="javascript' not in opening.body_html


# --- who may post ------------------------------------------------------------------------------


def test_unverified_people_cannot_start_or_reply(make_user, resident, topic_board):
    unverified = make_user(username="newbie", verified=False)
    topic = create_topic(resident, topic_board)
    with pytest.raises(NotAllowed):
        services.start_topic(unverified, topic_board, "A fine title", "Body")
    with pytest.raises(NotAllowed) as error:
        services.reply_to_topic(unverified, topic, "Body")
    assert "Confirm your e-mail" in error.value.message
    assert counters(topic)["replies"] == 0


def test_muted_people_cannot_start_or_reply_and_are_told_why(make_user, resident, topic_board):
    muted = make_user(username="loud")
    muted.muted_until = utcnow() + timedelta(days=2)
    db.session.commit()
    topic = create_topic(resident, topic_board)
    with pytest.raises(NotAllowed) as error:
        services.start_topic(muted, topic_board, "A fine title", "Body")
    assert "muted" in error.value.message
    with pytest.raises(NotAllowed) as error:
        services.reply_to_topic(muted, topic, "Body")
    assert "muted" in error.value.message
    assert db.session.execute(db.select(db.func.count(Post.id))).scalar() == 1


def test_a_locked_topic_refuses_residents_replies(resident, neighbour, moderator, topic_board):
    topic = create_topic(resident, topic_board)
    services.set_locked(moderator, topic, True, "Resolved, thanks all")
    assert topic.lock_reason == "Resolved, thanks all"
    with pytest.raises(NotAllowed) as error:
        services.reply_to_topic(neighbour, topic, "One more thing")
    assert error.value.message == services.LOCKED_MESSAGE
    assert services.reply_to_topic(moderator, topic, "Locked now.").number == 2


def test_unlocking_lets_residents_reply_again(resident, neighbour, moderator, topic_board):
    topic = create_topic(resident, topic_board)
    services.set_locked(moderator, topic, True, "Cooling off")
    services.set_locked(moderator, topic, False)
    assert topic.lock_reason == ""
    assert services.reply_to_topic(neighbour, topic, "Back again").number == 2


def test_residents_cannot_pin_lock_or_move(resident, topic_board, ward_board):
    topic = create_topic(resident, topic_board)
    for action in (lambda: services.set_pinned(resident, topic, True),
                   lambda: services.set_locked(resident, topic, True),
                   lambda: services.move_topic(resident, topic, ward_board)):
        with pytest.raises(NotAllowed):
            action()
    assert (topic.is_pinned, topic.is_locked, topic.board_id) == (False, False, topic_board.id)


# --- thanks --------------------------------------------------------------------------------------


def test_a_post_is_thanked_once_per_person(resident, neighbour, make_user, topic_board):
    topic = create_topic(resident, topic_board)
    opening = posts_of(topic)[0]
    assert services.thank_post(neighbour, opening) is True
    assert services.thank_post(neighbour, opening) is False
    assert services.thank_post(make_user(username="third"), opening) is True
    db.session.refresh(opening)
    assert opening.thanks_count == 2
    assert db.session.execute(db.select(db.func.count(Thank.id))).scalar() == 2


def test_nobody_thanks_their_own_post(resident, topic_board):
    opening = posts_of(create_topic(resident, topic_board))[0]
    with pytest.raises(NotAllowed):
        services.thank_post(resident, opening)
    assert opening.thanks_count == 0


def test_taking_thanks_back(resident, neighbour, topic_board):
    opening = posts_of(create_topic(resident, topic_board))[0]
    services.thank_post(neighbour, opening)
    services.unthank_post(neighbour, opening)
    services.unthank_post(neighbour, opening)
    db.session.refresh(opening)
    assert opening.thanks_count == 0


# --- editing -------------------------------------------------------------------------------------


def test_editing_keeps_the_earlier_text_as_a_revision(resident, moderator, topic_board):
    topic = create_topic(resident, topic_board, title="First title", body="First body")
    opening = posts_of(topic)[0]
    services.edit_post(resident, opening, "Second body", title="Second title")
    services.edit_post(resident, opening, "Third body", title="Second title")
    assert (opening.body_source, opening.body_html) == ("Third body", "<p>Third body</p>")
    assert topic.title == "Second title"
    assert opening.edit_count == 2 and opening.edited_at is not None
    revisions = services.list_revisions(moderator, opening)
    assert [(r.body_source, r.title) for r in revisions] == [
        ("Second body", "Second title"), ("First body", "First title")]
    assert {r.editor_id for r in revisions} == {resident.id}


def test_an_edit_that_changes_nothing_keeps_no_revision(resident, topic_board):
    opening = posts_of(create_topic(resident, topic_board, body="Same"))[0]
    services.edit_post(resident, opening, "Same")
    assert opening.edit_count == 0 and opening.edited_at is None
    assert db.session.execute(db.select(PostRevision)).first() is None


def test_editing_a_reply_leaves_the_title_alone(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board, title="Original title",
                         replies=[(neighbour, "Reply")])
    services.edit_post(neighbour, posts_of(topic)[1], "Better reply", title="Hijacked title")
    assert topic.title == "Original title"


def test_only_moderators_read_the_edit_history(resident, topic_board):
    opening = posts_of(create_topic(resident, topic_board))[0]
    with pytest.raises(NotAllowed):
        services.list_revisions(resident, opening)


def test_someone_elses_post_cannot_be_edited_or_deleted(resident, neighbour, topic_board):
    opening = posts_of(create_topic(resident, topic_board, body="Mine"))[0]
    with pytest.raises(NotAllowed):
        services.edit_post(neighbour, opening, "Not yours")
    with pytest.raises(NotAllowed):
        services.delete_post(neighbour, opening)
    assert (opening.body_source, opening.status) == ("Mine", "published")


def test_a_moderator_may_edit_and_delete_anyones_post(resident, neighbour, moderator,
                                                      topic_board):
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Rude reply")])
    reply = posts_of(topic)[1]
    services.edit_post(moderator, reply, "[redacted]")
    assert services.list_revisions(moderator, reply)[0].editor_id == moderator.id
    services.delete_post(moderator, reply)
    assert reply.status == "deleted"


# --- official answers ----------------------------------------------------------------------------


def test_staff_mark_a_staff_reply_as_the_official_answer(resident, staff, council_board):
    topic = create_topic(resident, council_board, replies=[(staff, "Crew booked Thursday.")])
    answer = posts_of(topic)[1]
    services.mark_official_answer(staff, answer)
    assert topic.official_post_id == answer.id
    services.mark_official_answer(staff, answer)
    assert topic.official_post_id is None


@pytest.mark.parametrize("who", ["resident", "moderator"])
def test_only_staff_mark_official_answers(request, resident, staff, council_board, who):
    topic = create_topic(resident, council_board, replies=[(staff, "Crew booked Thursday.")])
    with pytest.raises(NotAllowed):
        services.mark_official_answer(request.getfixturevalue(who), posts_of(topic)[1])
    assert topic.official_post_id is None


def test_no_official_answers_outside_a_question_board(resident, staff, topic_board):
    topic = create_topic(resident, topic_board, replies=[(staff, "Staff reply")])
    with pytest.raises(NotAllowed):
        services.mark_official_answer(staff, posts_of(topic)[1])


def test_only_staff_replies_can_be_the_official_answer(resident, neighbour, staff,
                                                       council_board):
    topic = create_topic(resident, council_board, replies=[(neighbour, "I think Thursday")])
    with pytest.raises(NotAllowed):
        services.mark_official_answer(staff, posts_of(topic)[1])


# --- following and reading -----------------------------------------------------------------------


def test_first_unread_is_the_first_post_after_what_was_read(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board, replies=[(neighbour, "Two")])
    assert services.first_unread(topic, neighbour) is None  # wrote the newest post
    three = create_reply(resident, topic, "Three")
    create_reply(resident, topic, "Four")
    assert services.first_unread(topic, neighbour).id == three.id
    services.mark_read(neighbour, topic, posts_of(topic))
    assert services.first_unread(topic, neighbour) is None


def test_someone_who_never_opened_a_topic_has_no_unread_mark(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board, replies=[(resident, "Two")])
    assert services.first_unread(topic, neighbour) is None
    assert services.read_marks(neighbour, [topic]) == {}


def test_following_and_unfollowing(resident, neighbour, topic_board):
    topic = create_topic(resident, topic_board)
    services.set_topic_follow(neighbour, topic, True)
    services.set_topic_follow(neighbour, topic, True)
    services.set_board_follow(neighbour, topic_board, True)
    services.set_board_follow(neighbour, topic_board, True)
    assert services.is_following_topic(neighbour, topic)
    assert services.is_following_board(neighbour, topic_board)
    assert db.session.execute(db.select(db.func.count(TopicFollow.id))
                              .where(TopicFollow.user_id == neighbour.id)).scalar() == 1
    services.set_topic_follow(neighbour, topic, False)
    services.set_board_follow(neighbour, topic_board, False)
    assert not services.is_following_topic(neighbour, topic)
    assert not services.is_following_board(neighbour, topic_board)


# --- boards and wards ----------------------------------------------------------------------------


def test_creating_a_ward_gives_it_a_board(staff):
    ward = accounts.create_ward(staff, "Hollins Park")
    board = services.get_ward_board(ward.id)
    assert (board.name, board.slug, board.is_ward_board) == ("Hollins Park", "hollins-park", True)
    assert services.get_board("hollins-park").id == board.id


def test_renaming_a_ward_renames_its_board_but_keeps_the_address(staff):
    ward = accounts.create_ward(staff, "Hollins Park")
    accounts.rename_ward(staff, ward, "Hollins Park and Vale")
    board = services.get_ward_board(ward.id)
    assert (board.name, board.slug) == ("Hollins Park and Vale", "hollins-park")
    assert "Hollins Park and Vale" in board.description


def test_a_ward_whose_address_is_taken_by_a_board_gets_its_own(staff):
    services.create_board(staff, "Eastbrook")
    ward = accounts.create_ward(staff, "Eastbrook")
    assert services.get_ward_board(ward.id).slug == "eastbrook-ward"


def test_staff_create_topic_boards(staff, resident):
    board = services.create_board(staff, "  Lost and   found ", "Lost a cat?",
                                  official_answers=False)
    assert (board.name, board.slug, board.ward_id) == ("Lost and found", "lost-and-found", None)
    with pytest.raises(Invalid):
        services.create_board(staff, "Lost and found")
    with pytest.raises(NotAllowed):
        services.create_board(resident, "Residents' own board")


def test_list_boards_puts_topic_boards_before_ward_boards(ward_board, council_board, topic_board):
    assert [board.name for board in services.list_boards()] == [
        "Community café", "Ask the council", "Riverside"]


def test_held_content_notifies_nobody(resident, neighbour, topic_board, monkeypatch):
    services.set_board_follow(neighbour, topic_board, True)
    monkeypatch.setattr(detector, "assess",
                        lambda text, context: detector.Verdict(action="hold", score=0.8))
    topic = post_through_nudge(services.start_topic, resident, topic_board, "Held for review",
                               "Hello @grace")
    assert topic.status == "held"
    assert db.session.execute(db.select(Notification)).first() is None
