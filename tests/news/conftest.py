"""Fixtures for council news: wards, the people involved, articles written through the services,
and a clock that news reads, so scheduled articles can come due.

    jo      council staff, who writes the news
    sam     a resident of Riverside;  grace  a resident of Hillside

Like `make_user`, each maker works inside `ctx` (rows belong to the test's session) and outside
it (rows come back detached with their columns loaded, for tests that drive the client).
"""

from datetime import timedelta

import pytest
from flask import has_app_context

from forum.accounts.models import User, Ward, utcnow
from forum.extensions import db
from forum.news import models as news_models
from forum.news import services as news
from forum.news.models import NewsArticle
from tests.factories import get_or_create_ward

BODY = "From the first of March, every household's bins are collected on Tuesday."


def load(model, obj_or_id):
    """The row in this session, from an object made in another session or from its id."""
    return db.session.get(model, getattr(obj_or_id, "id", obj_or_id))


@pytest.fixture
def in_app(app):
    """in_app(fn) -> fn() in the test's context, or in a short one handing back detached rows."""

    def run(function):
        if has_app_context():
            return function()
        with app.app_context():
            result = function()
            if isinstance(result, db.Model):
                db.session.refresh(result)
                if isinstance(result, NewsArticle):
                    _ = result.wards
                db.session.expunge_all()
            return result

    return run


@pytest.fixture
def riverside(in_app):
    return in_app(lambda: get_or_create_ward("Riverside"))


@pytest.fixture
def hillside(in_app):
    return in_app(lambda: get_or_create_ward("Hillside"))


@pytest.fixture
def staff(make_user, riverside):
    return make_user("jo", roles=["staff"], display_name="Jo Council", ward="Riverside")


@pytest.fixture
def resident(make_user, riverside):
    return make_user("sam", display_name="Sam Patel", ward="Riverside")


@pytest.fixture
def neighbour(make_user, hillside):
    return make_user("grace", display_name="Grace Okafor", ward="Hillside")


@pytest.fixture
def write(in_app):
    """write(staff, title=…, wards=[ward, …], publish=True, pinned=False, **fields) -> article.

    `wards` None is borough-wide news; `publish` True publishes now, a datetime schedules it,
    False leaves a draft.
    """

    def make(author, title="Bins move to Tuesday", wards=None, publish=True, pinned=False,
             **fields):
        def save():
            actor = load(User, author)
            article = news.save_article(
                actor, title=title,
                summary=fields.pop("summary", f"What changes: {title.lower()}."),
                body=fields.pop("body", BODY), category=fields.pop("category", "bins"),
                borough_wide=wards is None,
                wards=[load(Ward, ward) for ward in wards or ()], **fields)
            if publish is True:
                news.publish(actor, article)
            elif publish:
                news.publish(actor, article, publish_at=publish)
            if pinned:
                news.set_pinned(actor, article, True)
            return article

        return in_app(save)

    return make


@pytest.fixture
def follow(in_app):
    """follow(user, ward, following=True): the user follows (or stops following) a ward."""

    def set_follow(user, ward, following=True):
        in_app(lambda: news.set_ward_follow(load(User, user), load(Ward, ward), following))

    return set_follow


@pytest.fixture
def clock(monkeypatch):
    """The time as news sees it: clock.move(hours=2) moves it on; clock.now() reads it."""

    class Clock:
        offset = timedelta()

        def now(self):
            return utcnow() + self.offset

        def move(self, **delta):
            self.offset += timedelta(**delta)

    moved = Clock()
    monkeypatch.setattr(news_models, "utcnow", moved.now)
    monkeypatch.setattr(news, "utcnow", moved.now)
    return moved
