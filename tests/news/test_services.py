"""News use-cases called directly: scheduling, telling followers, unpublishing, comments."""

from datetime import datetime, timedelta

import pytest

from forum.accounts.models import utcnow
from forum.core.audit import AuditEntry
from forum.errors import Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.moderation.models import Case
from forum.moderation.services import NeedsReconsideration
from forum.news import services as news
from forum.news.models import NewsComment
from forum.notifications.models import Notification
from tests.moderation.conftest import HATEFUL


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here calls services directly, in one application context."""


def told(article):
    """{user id: how many notifications about `article`}."""
    rows = db.session.execute(db.select(Notification.user_id).where(
        Notification.content_kind == "news", Notification.content_id == article.id)).scalars()
    counts = {}
    for user_id in rows:
        counts[user_id] = counts.get(user_id, 0) + 1
    return counts


def titles(found):
    return [article.title for article in found.items]


# --- publishing, now and later ----------------------------------------------------------------


def test_a_draft_is_nowhere_until_it_is_published(staff, resident, write):
    draft = write(staff, "Draft about parking", publish=False)
    assert titles(news.list_news()) == []
    with pytest.raises(NotFound):
        news.get_article(draft.id, resident)
    assert news.get_article(draft.id, staff) is draft


def test_scheduled_news_appears_at_its_time_and_not_before(staff, resident, riverside, write,
                                                           follow, clock):
    follow(resident, riverside)
    article = write(staff, "Road closed on Sunday", wards=[riverside],
                    publish=utcnow() + timedelta(hours=2))
    assert article.is_scheduled
    assert titles(news.list_news()) == [] and titles(news.list_news(ward=riverside)) == []
    with pytest.raises(NotFound):
        news.get_live_article(article.id)
    assert news.release_due() == 0
    assert told(article) == {}

    clock.move(hours=1, minutes=59)
    assert titles(news.list_news()) == []
    assert news.release_due(now=clock.now()) == 0

    clock.move(minutes=2)
    assert titles(news.list_news(ward=riverside)) == ["Road closed on Sunday"]
    assert news.get_live_article(article.id) is article
    assert news.release_due(now=clock.now()) == 1
    assert told(article) == {resident.id: 1}
    assert news.release_due(now=clock.now()) == 0
    assert told(article) == {resident.id: 1}


def test_a_publish_time_in_the_past_is_refused(staff, write):
    article = write(staff, publish=False)
    with pytest.raises(Invalid) as refused:
        news.publish(staff, article, publish_at=utcnow() - timedelta(hours=1))
    assert refused.value.field == "publish_at"
    assert article.state == "draft"


def test_followers_of_a_targeted_ward_are_told_once_and_nobody_else(
        make_user, staff, resident, neighbour, riverside, hillside, write, follow):
    both = make_user("mo", ward="Riverside")
    for person, ward in ((resident, riverside), (neighbour, hillside), (both, riverside),
                         (both, hillside), (staff, riverside)):
        follow(person, ward)
    article = write(staff, "Riverside play area reopens", wards=[riverside])
    assert told(article) == {resident.id: 1, both.id: 1}

    two_wards = write(staff, "Bridge works in two wards", wards=[riverside, hillside])
    assert told(two_wards) == {resident.id: 1, neighbour.id: 1, both.id: 1}
    assert news.release_due() == 0
    assert told(two_wards) == {resident.id: 1, neighbour.id: 1, both.id: 1}


def test_borough_wide_news_reaches_every_wards_followers_once(make_user, staff, resident,
                                                             neighbour, riverside, hillside,
                                                             write, follow):
    both = make_user("mo")
    make_user("quiet")  # follows nothing, so hears nothing
    for person, ward in ((resident, riverside), (neighbour, hillside), (both, riverside),
                         (both, hillside)):
        follow(person, ward)
    article = write(staff, "Council tax bills are on their way")
    assert told(article) == {resident.id: 1, neighbour.id: 1, both.id: 1}


def test_nobody_is_told_again_when_an_article_is_edited(staff, resident, riverside, write,
                                                        follow):
    follow(resident, riverside)
    article = write(staff, "Library hours change")
    news.save_article(staff, article, title="Library hours change", summary=article.summary,
                      body=article.body_source + " Saturdays too.", category="culture",
                      update_note="Saturday hours added.")
    assert article.updated_at is not None and article.update_note == "Saturday hours added."
    assert told(article) == {resident.id: 1}


def test_saving_an_article_as_it_is_changes_and_audits_nothing(staff, write):
    article = write(staff, "Library hours change")
    edited, entries = article.edited_at, db.session.query(AuditEntry).count()
    same = news.save_article(staff, article, title=" Library  hours change ",
                             summary=article.summary, body=article.body_source + "\n",
                             category=article.category, borough_wide=True)
    assert same.edited_at == edited and same.updated_at is None
    assert db.session.query(AuditEntry).count() == entries
    news.save_article(staff, article, title="Library hours change", summary=article.summary,
                      body=article.body_source, category="culture")  # the category changed
    assert article.edited_at > edited and article.category == "culture"
    assert db.session.query(AuditEntry).count() == entries + 1


def test_unpublishing_takes_news_out_of_lists_and_withdraws_notifications(
        staff, resident, riverside, write, follow):
    follow(resident, riverside)
    article = write(staff, "Bin strike called off", wards=[riverside], pinned=True)
    assert told(article) == {resident.id: 1}
    assert titles(news.list_news(ward=riverside)) == ["Bin strike called off"]
    assert news.list_pinned(riverside) == [article]

    news.unpublish(staff, article, "Published by mistake.")

    assert titles(news.list_news()) == [] and titles(news.list_news(ward=riverside)) == []
    assert news.list_pinned(riverside) == []
    assert told(article) == {}
    with pytest.raises(NotFound):
        news.get_article(article.id, resident)


def test_an_unpublished_scheduled_article_is_never_announced(staff, resident, riverside, write,
                                                             follow, clock):
    follow(resident, riverside)
    article = write(staff, publish=utcnow() + timedelta(hours=1))
    news.unpublish(staff, article)
    clock.move(hours=2)
    assert news.release_due(now=clock.now()) == 0
    assert titles(news.list_news()) == [] and told(article) == {}


def test_ward_news_includes_borough_wide_news_but_not_other_wards(staff, riverside, hillside,
                                                                  write):
    write(staff, "For everyone")
    write(staff, "For Riverside", wards=[riverside])
    write(staff, "For Hillside", wards=[hillside])
    assert set(titles(news.list_news(ward=riverside))) == {"For everyone", "For Riverside"}
    assert set(titles(news.list_news())) == {"For everyone", "For Riverside", "For Hillside"}


def test_pinning_until_a_time_stops_at_that_time(staff, riverside, write, clock):
    article = write(staff, "Polling stations open")
    news.set_pinned(staff, article, True, until=utcnow() + timedelta(days=1))
    assert news.list_pinned() == [article]
    clock.move(days=1, minutes=1)
    assert news.list_pinned() == []


# --- comments ---------------------------------------------------------------------------------


def test_a_comment_is_published_and_counted(staff, resident, write):
    article = write(staff)
    comment = news.add_comment(resident, article, "Thanks for the *notice*.")
    assert comment.status == "published" and "<em>notice</em>" in comment.body_html
    assert article.comment_count == 1
    assert [c.id for c in news.list_comments(article, None).items] == [comment.id]


def test_a_hateful_comment_is_nudged_then_held_for_moderators(staff, resident, neighbour,
                                                              write):
    article = write(staff)
    with pytest.raises(NeedsReconsideration) as prompt:
        news.add_comment(resident, article, HATEFUL)
    assert db.session.execute(db.select(NewsComment)).first() is None

    comment = news.add_comment(resident, article, HATEFUL, nudge_id=prompt.value.nudge.id)

    assert comment.status == "held"
    assert article.comment_count == 0
    case = db.session.execute(db.select(Case).where(Case.content_kind == "news_comment",
                                                    Case.content_id == comment.id)).scalar_one()
    assert case.labels
    assert [c.id for c in news.list_comments(article, resident).items] == [comment.id]
    assert news.list_comments(article, neighbour).items == []
    assert news.list_comments(article, None).items == []


def test_closed_comments_refuse_with_a_message(staff, resident, write):
    article = write(staff, comments_open=False)
    with pytest.raises(Invalid) as refused:
        news.add_comment(resident, article, "Can I still say something?")
    assert refused.value.field == "body"
    assert refused.value.message == "Comments on this article are closed."
    assert db.session.execute(db.select(NewsComment)).first() is None


def test_muted_residents_cannot_comment(staff, resident, write):
    article = write(staff)
    resident.muted_until = utcnow() + timedelta(days=2)
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        news.add_comment(resident, article, "Let me speak")
    assert refused.value.message.startswith("You're muted until")
    assert news.why_not_comment(resident, article) == refused.value.message


def test_the_end_of_a_mute_is_said_in_local_time(staff, resident, write):
    article = write(staff)
    resident.muted_until = datetime(2100, 7, 1, 12, 0)  # noon UTC is 13:00 in a London summer
    db.session.commit()
    assert news.why_not_comment(resident, article) == \
        "You're muted until 1 July 2100 at 13:00, so you can't comment yet."


def test_nobody_comments_on_news_that_is_not_live(staff, resident, write):
    article = write(staff, publish=utcnow() + timedelta(hours=3))
    with pytest.raises(Invalid):
        news.add_comment(resident, article, "First!")
    with pytest.raises(Invalid):
        news.add_comment(staff, article, "Staff can't either.")


def test_deleting_a_comment_hides_it_and_uncounts_it(staff, resident, neighbour, write):
    article = write(staff)
    comment = news.add_comment(resident, article, "A comment I regret.")
    with pytest.raises(NotAllowed):
        news.delete_comment(neighbour, comment)
    news.delete_comment(resident, comment)
    assert comment.status == "deleted" and article.comment_count == 0
    assert news.list_comments(article, resident).items == []
