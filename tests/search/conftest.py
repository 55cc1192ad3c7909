"""Fixtures for search: boards to post on, helpers to post and to search."""

from types import SimpleNamespace

import pytest

from forum.accounts.services import slugify
from forum.boards import services as boards
from forum.boards.models import Board
from forum.extensions import db
from forum.moderation import detector
from forum.search import services
from tests.conftest import POSTGRES_URL
from tests.factories import get_or_create_ward

# One suite for both backends: the PostgreSQL one needs the tests' database to be PostgreSQL,
# so the PostgreSQL pass of `make test` runs every search test twice.
BACKENDS = ["whoosh", "postgres"] if POSTGRES_URL else ["whoosh"]


@pytest.fixture(params=BACKENDS)
def app_overrides(request):
    """Each search test runs on every backend this database can hold (modules about the
    Whoosh files override this)."""
    return {"SEARCH_BACKEND": request.param}


def _board(name, ward=None):
    board = Board(name=name, slug=slugify(name) if ward is None else f"ward-{slugify(name)}",
                  ward=ward)
    db.session.add(board)
    return board


@pytest.fixture
def places(ctx):
    """Two ward boards (Riverside, Hillside) and two topic boards (café, parks)."""
    riverside, hillside = get_or_create_ward("Riverside"), get_or_create_ward("Hillside")
    found = SimpleNamespace(
        riverside=_board("Riverside", riverside), hillside=_board("Hillside", hillside),
        cafe=_board("Community café"), parks=_board("Parks and gardens"),
    )
    db.session.commit()
    return found


@pytest.fixture
def author(ctx, make_user):
    return make_user(username="grace")


@pytest.fixture
def topic(author, places):
    """topic(title, body, board=places.cafe, by=author) -> a published Topic."""

    def start(title, body, board=None, by=None, nudge_id=None):
        return boards.start_topic(by or author, board or places.cafe, title, body,
                                  nudge_id=nudge_id)

    return start


@pytest.fixture
def reply(author):
    """reply(topic, body, by=author) -> a published Post."""

    def add(to, body, by=None, nudge_id=None):
        return boards.reply_to_topic(by or author, to, body, nudge_id=nudge_id)

    return add


def find(text, **filters):
    """{kind: [document ids]} for a search as an anonymous visitor, best first."""
    results = services.search(text, None, **filters)
    return {group.kind: [hit["id"] for hit in group.hits] for group in results.groups}


@pytest.fixture(autouse=True)
def _publish_everything(monkeypatch):
    """These tests are about search, not the detector: everything is published unless a test
    says otherwise (by patching `detector.assess` itself)."""
    monkeypatch.setattr(detector, "assess", lambda text, context=None: detector.Verdict())


@pytest.fixture(autouse=True)
def _close_index(app):
    """Searchers over a folder hold files open; close them before the folder goes."""
    yield
    app.extensions["search"].close()
