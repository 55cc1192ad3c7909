"""`flask seed-demo` fills the news desk: live, pinned, scheduled, draft and unpublished news,
residents' comments, and every demo resident following their home ward's news."""

import pytest
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.extensions import db
from forum.news import services as news
from forum.news.demo import follow_home_wards
from forum.news.models import NewsArticle, NewsComment, WardFollow
from forum.notifications.models import Notification


@pytest.fixture
def seed(app):
    runner = app.test_cli_runner()

    def invoke():
        with app.app_context():
            result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        return result

    return invoke


def news_facts():
    articles = db.session.execute(select(NewsArticle)).scalars().all()
    return {
        "states": sorted((article.state, article.is_scheduled) for article in articles),
        "comments": db.session.execute(select(func.count(NewsComment.id))).scalar_one(),
        "follows": db.session.execute(select(func.count(WardFollow.id))).scalar_one(),
        "notifications": db.session.execute(select(func.count(Notification.id)).where(
            Notification.kind == "news")).scalar_one(),
    }


def test_the_demo_has_news_in_every_state_and_followers_for_it_once(app, seed):
    # One test: seeding the whole demo takes seconds.
    seed()
    with app.app_context():
        facts = news_facts()
        assert facts["states"] == sorted(
            [("draft", False), ("unpublished", False), ("published", True)]
            + [("published", False)] * 5)
        assert facts["comments"] == 6
        assert [article.title for article in news.list_pinned()] \
            == ["Cold weather: warm spaces open across the borough"]
        people = db.session.execute(select(User)).scalars().all()
        grace = next(person for person in people if person.username == "grace")
        assert {article.title for article in news.list_pinned(grace.ward)} == {
            "Cold weather: warm spaces open across the borough",
            "Mill Lane closed for three weeks for water main works"}
        updated = [article for article in news.list_news().items if article.updated_at]
        assert [article.update_note for article in updated] \
            == ["Ward meetings are now on the events calendar."]

        # Every demo resident follows their home ward, and has heard its news.
        follows = {tuple(row) for row in db.session.execute(
            select(WardFollow.user_id, WardFollow.ward_id))}
        assert follows == {(person.id, person.ward_id) for person in people}
        told = db.session.execute(select(Notification.summary).where(
            Notification.user_id == grace.id, Notification.kind == "news")).scalars().all()
        assert any("Mill Lane" in summary for summary in told)
        assert not any("flu jabs" in summary for summary in told)  # scheduled: not yet

    assert "already loaded" in seed().output
    with app.app_context():
        assert news_facts() == facts
        # Following home wards again changes nothing either.
        follow_home_wards({user.username: user
                           for user in db.session.execute(select(User)).scalars()})
        assert news_facts() == facts
