"""Notifications: who is told about a post, the bell, reading them, and the e-mail digest."""

import re

import pytest
from flask import has_app_context

from forum.accounts.models import User
from forum.boards import services as boards
from forum.boards.models import Board, Post, Topic
from forum.extensions import db
from forum.notifications import services
from forum.notifications.models import Notification
from tests.boards.factories import (
    create_board,
    create_reply,
    create_topic,
    post_through_nudge,
    posts_of,
    set_status,
)
from tests.factories import Page


@pytest.fixture
def run(app):
    """run(fn) -> fn() in the test's context, or in a short one of its own (for client tests)."""

    def call(function):
        if has_app_context():
            return function()
        with app.app_context():
            return function()

    return call


@pytest.fixture
def board(run):
    return run(lambda: create_board("Community café").id)


@pytest.fixture
def sam(make_user):
    return make_user(username="sam", display_name="Sam Patel")


@pytest.fixture
def grace(make_user):
    return make_user(username="grace", display_name="Grace Okafor")


@pytest.fixture
def david(make_user):
    return make_user(username="david", display_name="David Cohen")


def user(user_or_id):
    return db.session.get(User, getattr(user_or_id, "id", user_or_id))


def notifications_of(person):
    """[(kind, actor username, content id)] for one person, oldest first."""
    rows = db.session.execute(
        db.select(Notification).where(Notification.user_id == person.id)
        .order_by(Notification.id)
    ).scalars()
    return [(row.kind, row.actor.username, row.content_id) for row in rows]


def all_notifications():
    return db.session.execute(db.select(Notification)).scalars().all()


def bell(page):
    """The unread count the header shows, or 0 when there is no badge."""
    badge = page.find("span", class_="badge")
    return int(badge.text.split()[0]) if badge is not None else 0


def notification_lines(page):
    return [item.find("a").text for item in page.find_all("li", class_="notification")]


# --- who is told -------------------------------------------------------------------------------


def test_a_mention_notifies_the_person_mentioned(ctx, sam, grace, board):
    topic = create_topic(sam, board, body="Could @Grace run the café stall?")
    assert notifications_of(grace) == [("mention", "sam", posts_of(topic)[0].id)]


def test_a_reply_notifies_the_topic_author(ctx, sam, grace, board):
    topic = create_topic(sam, board)
    reply = create_reply(grace, topic, "I saw it too")
    assert notifications_of(sam) == [("reply", "grace", reply.id)]
    assert all_notifications()[0].summary == f"Re: {topic.title}"


def test_a_reply_notifies_people_following_the_topic(ctx, sam, grace, david, board):
    topic = create_topic(sam, board)
    boards.set_topic_follow(user(david), topic, True)
    reply = create_reply(grace, topic, "Reported it")
    assert notifications_of(david) == [("followed_topic", "grace", reply.id)]


def test_repliers_follow_the_topic_and_hear_of_later_replies(ctx, sam, grace, david, board):
    topic = create_topic(sam, board)
    create_reply(grace, topic, "First reply")
    later = create_reply(david, topic, "Second reply")
    assert notifications_of(grace) == [("followed_topic", "david", later.id)]


def test_unfollowing_stops_reply_notifications(ctx, sam, grace, david, board):
    topic = create_topic(sam, board)
    create_reply(grace, topic, "First reply")
    boards.set_topic_follow(user(grace), topic, False)
    create_reply(david, topic, "Second reply")
    assert notifications_of(grace) == []


def test_a_new_topic_notifies_people_following_the_board(ctx, sam, grace, david, board):
    boards.set_board_follow(user(grace), db.session.get(Board, board), True)
    topic = create_topic(sam, board, title="Café needs volunteers")
    opening = posts_of(topic)[0]
    create_reply(david, topic, "Count me in")
    assert notifications_of(grace) == [("followed_board", "sam", opening.id)]
    assert all_notifications()[0].summary == "Café needs volunteers"


def test_one_notification_per_person_per_post_the_most_specific(ctx, sam, grace, david, board):
    topic = create_topic(sam, board)
    create_reply(grace, topic, "Following along")
    boards.set_board_follow(user(grace), db.session.get(Board, board), True)
    reply = create_reply(david, topic, "@sam and @grace: fixed! @grace @GRACE")
    # sam is the author, follows the topic and is mentioned; grace follows and is mentioned.
    about_reply = [(n.user_id, n.kind) for n in all_notifications() if n.content_id == reply.id]
    assert sorted(about_reply) == sorted([(user(sam).id, "mention"), (user(grace).id, "mention")])


def test_nobody_is_told_about_their_own_post(ctx, sam, board):
    topic = create_topic(sam, board, body="Note to self, @sam")
    boards.set_board_follow(user(sam), db.session.get(Board, board), True)
    create_reply(sam, topic, "Replying to myself, @sam")
    create_topic(sam, board, title="Another of mine")
    assert all_notifications() == []


def test_an_adults_mention_does_not_notify_an_under_18(ctx, make_user, sam, board):
    make_user(username="leah", age_band="16_17")
    make_user(username="ayaan", age_band="under_16")
    create_topic(sam, board, body="Ask @leah or @ayaan, they know")
    assert all_notifications() == []


def test_a_young_persons_mention_notifies_another_young_person(ctx, make_user, board):
    leah = make_user(username="leah", age_band="16_17")
    ayaan = make_user(username="ayaan", age_band="under_16")
    create_topic(leah, board, body="@ayaan want to do the mural?")
    assert [kind for kind, _, _ in notifications_of(ayaan)] == ["mention"]


def test_mentions_of_unknown_or_inactive_people_notify_nobody(ctx, make_user, sam, board):
    make_user(username="gone", state="suspended")
    create_topic(sam, board, body="Hello @nobody_here and @gone")
    assert all_notifications() == []


def test_a_mention_in_code_notifies_nobody(ctx, sam, grace, board):
    create_topic(sam, board, body="Type `@grace` to mention someone")
    assert notifications_of(grace) == []


# --- held, removed and deleted content --------------------------------------------------------


@pytest.mark.parametrize("status", ["held", "removed"])
def test_notification_about_a_reply_later_hidden_disappears(ctx, sam, grace, david, board,
                                                            status):
    topic = create_topic(sam, board, body="Hi")
    create_reply(grace, topic, "Hello @david")
    reply = db.session.get(Post, posts_of(topic)[1].id)
    assert len(all_notifications()) == 2
    set_status(reply, status)
    assert all_notifications() == []
    assert services.unread_count(user(sam)) == 0


@pytest.mark.parametrize("status", ["held", "removed"])
def test_notifications_about_a_hidden_topic_and_its_replies_disappear(ctx, sam, grace, david,
                                                                      board, status):
    boards.set_board_follow(user(david), db.session.get(Board, board), True)
    topic = create_topic(sam, board, title="A borderline title")
    create_reply(grace, topic, "A reply")
    assert {n.user_id for n in all_notifications()} == {user(sam).id, user(david).id}
    set_status(db.session.get(Topic, topic.id), status)
    assert all_notifications() == []


def test_notifications_about_a_deleted_reply_disappear(ctx, sam, grace, board):
    topic = create_topic(sam, board)
    reply = create_reply(grace, topic, "Oops")
    boards.delete_post(user(grace), reply)
    assert notifications_of(sam) == []


def test_notifications_about_a_deleted_topic_disappear(ctx, sam, grace, david, board):
    topic = create_topic(sam, board)
    create_reply(grace, topic, "A reply")
    create_reply(david, topic, "Another")
    boards.delete_post(user(sam), posts_of(topic)[0])
    assert all_notifications() == []


def test_held_content_notifies_nobody(ctx, sam, grace, board, monkeypatch):
    from forum.moderation import detector

    topic = create_topic(sam, board)
    monkeypatch.setattr(detector, "assess",
                        lambda text, context: detector.Verdict(action="hold", score=0.8))
    held = post_through_nudge(create_reply, grace, topic, "@sam something borderline")
    assert held.status == "held"
    assert all_notifications() == []


# --- the bell and the list ---------------------------------------------------------------------


@pytest.fixture
def two_replies(run, sam, grace, david, board):
    """sam's topic with replies by grace and david: two notifications for sam."""

    def make():
        topic = create_topic(sam, board, title="Streetlights on Mill Lane")
        create_reply(grace, topic, "Me too")
        create_reply(david, topic, "Reported it")
        return topic.id

    return run(make)


def test_the_bell_shows_the_unread_count(client, login, sam, two_replies):
    login(sam)
    page = Page(client.get("/boards/"))
    assert bell(page) == 2
    assert "2 unread" in page.find("header").text


def test_the_list_shows_who_did_what_newest_first(client, login, sam, two_replies):
    login(sam)
    page = Page(client.get("/notifications"))
    assert notification_lines(page) == [
        "David Cohen replied to your topic: Re: Streetlights on Mill Lane",
        "Grace Okafor replied to your topic: Re: Streetlights on Mill Lane",
    ]
    assert len(page.find_all("span", class_="tag-new")) == 2


def test_a_young_actor_is_named_by_first_name_only(client, login, make_user, sam, run, board):
    leah = make_user(username="leah", display_name="Leah Brown", age_band="16_17")
    run(lambda: create_topic(sam, board, replies=[(leah, "I can help")]))
    login(sam)
    lines = notification_lines(Page(client.get("/notifications")))
    assert lines == ["Leah replied to your topic: Re: Streetlights out on Mill Lane"]


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(client, login, sam, run,
                                                                   two_replies):
    login(sam)
    page = Page(client.get("/notifications"))
    first = page.find("li", class_="notification").find("a").attrs["href"]
    newest = run(lambda: db.session.execute(
        db.select(Notification).where(Notification.user_id == sam.id)
        .order_by(Notification.id.desc())).scalars().first())
    assert first == f"/notifications/{newest.id}"
    response = client.get(first)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{newest.content_id}"
    landed = client.get(response.headers["Location"], follow_redirects=True)
    assert f"p{newest.content_id}" in [a.attrs["id"] for a in Page(landed).find_all("article")]
    page = Page(client.get("/notifications"))
    assert bell(page) == 1
    assert len(page.find_all("span", class_="tag-new")) == 1


def test_someone_elses_notification_cannot_be_opened(client, login, grace, run, two_replies):
    notification_id = run(lambda: all_notifications()[0].id)
    login(grace)
    assert client.get(f"/notifications/{notification_id}").status_code == 404
    assert run(lambda: db.session.get(Notification, notification_id).read_at) is None


def test_mark_all_read_clears_the_bell(client, login, sam, two_replies):
    login(sam)
    response = client.post("/notifications/read")
    assert response.status_code == 302
    page = Page(client.get("/notifications"))
    assert bell(page) == 0
    assert page.find_all("span", class_="tag-new") == []
    assert "Mark all as read" not in page.main_text
    assert len(notification_lines(page)) == 2


def test_notifications_need_signing_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]


def test_a_held_reply_leaves_the_list_and_the_bell(client, login, sam, run, two_replies):
    def hold_davids_reply():
        set_status(posts_of(two_replies)[2], "held")

    run(hold_davids_reply)
    login(sam)
    page = Page(client.get("/notifications"))
    assert bell(page) == 1
    assert notification_lines(page) == [
        "Grace Okafor replied to your topic: Re: Streetlights on Mill Lane"]


def test_a_notification_whose_post_is_gone_says_so(client, login, sam, grace, run, two_replies):
    def make_orphan():
        # A notification left behind by older code: its post has since been deleted.
        post = posts_of(two_replies)[1]
        post.status = "deleted"
        db.session.commit()
        return db.session.execute(db.select(Notification.id).where(
            Notification.content_id == post.id)).scalar_one()

    notification_id = run(make_orphan)
    login(sam)
    response = client.get(f"/notifications/{notification_id}")
    assert response.status_code == 404
    assert "no longer available" in Page(response).main_text


# --- the e-mail digest --------------------------------------------------------------------------


def digest(app):
    """Run `flask notify digest`; `flask` pushes an app context, the test runner does not."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["notify", "digest"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_digest_emails_unseen_notifications_once(app, outbox, sam, run, two_replies):
    # sam hears of both replies; grace, who replied first, of david's reply after hers.
    assert digest(app) == "Sent 2 digest e-mails covering 3 notifications."
    messages = {message["To"]: message for message in outbox()}
    assert sorted(messages) == ["grace@example.org", "sam@example.org"]
    message = messages["sam@example.org"]
    assert message["Subject"] == "2 new on Common Ground"
    text = message.get_content()
    assert "David Cohen replied to your topic: Re: Streetlights on Mill Lane" in text
    assert "Grace Okafor replied to your topic: Re: Streetlights on Mill Lane" in text
    ids = run(lambda: [n.id for n in all_notifications() if n.user_id == sam.id])
    links = re.findall(r"https?://\S+/notifications/(\d+)", text)
    assert sorted(map(int, links)) == sorted(ids)
    assert digest(app) == "Sent 0 digest e-mails covering 0 notifications."
    assert len(outbox()) == 2


def test_digest_leaves_out_what_was_already_read(app, client, login, outbox, sam, grace, run,
                                                 board):
    run(lambda: create_topic(sam, board, replies=[(grace, "First")]))
    login(sam)
    client.post("/notifications/read")
    run(lambda: create_reply(grace, db.session.execute(db.select(Topic)).scalar_one(),
                             "Second"))
    assert digest(app) == "Sent 1 digest e-mails covering 1 notifications."
    (message,) = outbox()
    assert message["Subject"] == "1 new on Common Ground"


def test_unverified_people_get_no_digest(app, outbox, make_user, sam, run, board):
    newbie = make_user(username="newbie", verified=False)
    run(lambda: create_topic(sam, board, body="Welcome @newbie!"))
    assert run(lambda: len(all_notifications())) == 1
    assert digest(app) == "Sent 0 digest e-mails covering 0 notifications."
    assert outbox() == []
    assert run(lambda: db.session.get(User, newbie.id) is not None)


def test_digest_uses_a_young_actors_first_name_only(app, outbox, make_user, sam, run, board):
    leah = make_user(username="leah", display_name="Leah Brown", age_band="16_17")
    run(lambda: create_topic(sam, board, replies=[(leah, "I can help")]))
    digest(app)
    (message,) = outbox()
    text = message.get_content()
    assert "Leah replied to your topic" in text and "Brown" not in text
