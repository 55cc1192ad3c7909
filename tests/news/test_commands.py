"""`flask news release`, run by cron: scheduled news is announced once its time has come."""

from datetime import timedelta

import pytest

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.notifications.models import Notification


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here sets up through services, in one application context."""


@pytest.fixture
def release(app):
    """Run `flask news release` as cron would; returns the result."""
    runner = app.test_cli_runner()

    def invoke():
        # `flask` pushes an app context for every command; the test runner does not.
        with app.app_context():
            return runner.invoke(args=["news", "release"])

    return invoke


def notified(article):
    return db.session.execute(db.select(Notification.user_id).where(
        Notification.content_kind == "news", Notification.content_id == article.id)
    ).scalars().all()


def test_release_announces_due_news_once(staff, resident, riverside, write, follow, release,
                                         clock):
    follow(resident, riverside)
    article = write(staff, "Roadworks start", wards=[riverside],
                    publish=utcnow() + timedelta(minutes=30))

    result = release()
    assert result.exit_code == 0, result.output
    assert result.output == "Announced 0 articles.\n"
    assert notified(article) == []

    clock.move(minutes=31)
    result = release()
    assert result.exit_code == 0, result.output
    assert result.output == "Announced 1 article.\n"
    assert notified(article) == [resident.id]

    assert release().output == "Announced 0 articles.\n"
    assert notified(article) == [resident.id]


def test_news_published_now_is_not_announced_again(staff, resident, riverside, write, follow,
                                                   release):
    follow(resident, riverside)
    article = write(staff, "Published straight away", wards=[riverside])
    assert notified(article) == [resident.id]
    assert release().output == "Announced 0 articles.\n"
    assert notified(article) == [resident.id]
