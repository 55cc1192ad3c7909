"""Fixtures for boards: a ward board, a topic board, "Ask the council", and topic makers.

Like `make_user`, each works both inside `ctx` (rows belong to the test's session) and outside
it (rows come back detached with their columns loaded, for tests that drive the client).
"""

import pytest
from flask import has_app_context

from forum.extensions import db
from tests.boards import factories
from tests.factories import PASSWORD


@pytest.fixture
def in_app(app):
    """Run a maker inside the test's context, or in a short one and hand back detached rows."""

    def run(make, *args, **kwargs):
        if has_app_context():
            return make(*args, **kwargs)
        with app.app_context():
            obj = make(*args, **kwargs)
            db.session.refresh(obj)
            db.session.expunge_all()
            return obj

    return run


@pytest.fixture
def ward_board(in_app):
    return in_app(factories.create_ward_board, "Riverside")


@pytest.fixture
def topic_board(in_app):
    return in_app(factories.create_board, "Community café",
                  description="What's on at the Saturday café.", position=10)


@pytest.fixture
def council_board(in_app):
    return in_app(factories.create_board, "Ask the council",
                  description="Questions for council staff.", official_answers=True,
                  position=20)


@pytest.fixture
def make_topic(in_app):
    """make_topic(author, board, title=…, body=…, replies=[(user, body), …]) -> Topic."""

    def make(author, board, **options):
        return in_app(factories.create_topic, author, board, **options)

    return make


@pytest.fixture
def make_reply(in_app):
    """make_reply(author, topic, body=…) -> Post."""

    def make(author, topic, body="I saw that too."):
        return in_app(factories.create_reply, author, topic, body)

    return make


@pytest.fixture
def browser(app):
    """A separate signed-in browser per person: browser(user) -> test client."""

    def make(user):
        client = app.test_client()
        response = client.post("/account/signin", data={"login": user.username,
                                                        "password": PASSWORD})
        assert response.status_code == 302, "sign-in failed in a fixture"
        return client

    return make
