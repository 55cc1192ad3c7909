"""The API keeps to its own document, /api/v1/openapi.json, with the demo neighbourhood loaded.

Schemathesis generates requests for every operation from the document: ones it allows
(positive), ones it rules out (negative), and ones naming real boards, topics, events and
articles (generated ids rarely name anything). Each answer's status code, content type, headers
and body are checked against the document. Then every address the API links to is checked too.

(Schemathesis's own pytest plugin can't run under pytest 9.2, so its strategies are used with
`hypothesis.given` directly; one subtest per operation keeps the demo loaded once.)
"""

import re
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from forum import demo
from forum.accounts.models import User
from forum.accounts.services import list_wards
from forum.boards.models import Board, Topic
from forum.events.models import Event
from forum.extensions import db
from forum.news import services as news
from forum.news.models import NewsArticle
from tests.api.conftest import API
from tests.api.test_leaks import crawl
from tests.events import factories as events

# Repeatable and quick; no .hypothesis folder is written.
QUICK = settings(max_examples=20, derandomize=True, database=None, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
# Which path parameter names what, for requests about real things.
NAMES = {"slug": Board.slug, "topic_id": Topic.id, "event_id": Event.id,
         "article_id": NewsArticle.id}


def _demo_news():
    staff = db.session.execute(db.select(User).where(User.username == "jo.staff")).scalar_one()
    wards = list_wards()
    for title, category, targets in (("Christmas bin collections", "bins", ()),
                                     ("Road closure on Mill Lane", "roads", wards[:2])):
        news.publish(staff, news.save_article(
            staff, title=title, summary="What changes, and when.", category=category,
            body="Collections move by a day in the week after Christmas.",
            borough_wide=not targets, wards=list(targets)))


@pytest.fixture(autouse=True, scope="module")
def hypothesis_storage(tmp_path_factory):
    """Hypothesis keeps caches (string constants, Unicode tables) even without an example
    database: in a temporary folder, not a .hypothesis folder in the project."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture
def demo_app(app):
    with app.app_context():
        demo.load(app)
        _demo_news()
    return app


@pytest.fixture
def document(demo_app):
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", demo_app)


def _refused_window(case, response):
    """The one rule the document can only say in words: the events list's `to` is on or after
    `from` (today, without it) and at most 365 days after it. True when that refused `case`."""
    if case.operation.path != "/events" or response.status_code != 400 \
            or response.json().get("field") != "to":
        return False
    try:
        first = date.fromisoformat(case.query.get("from") or events.today().isoformat())
        last = date.fromisoformat(case.query["to"])
    except (TypeError, ValueError):
        return False  # not a date at all: the document rules it out, the usual checks apply
    assert not 0 <= (last - first).days < 366, case.query
    return True


def _check(case):
    response = case.call()
    excluded = [positive_data_acceptance] if _refused_window(case, response) else []
    case.validate_response(response, excluded_checks=excluded)


def _strategies(operation, real_values):
    """(name, strategy) of the cases to try for one operation."""
    parameters = [parameter.name for parameter in operation.path_parameters]
    yield "positive", operation.as_strategy(GenerationMode.POSITIVE)
    if list(operation.iter_parameters()):
        yield "negative", operation.as_strategy(GenerationMode.NEGATIVE)
    if parameters:
        name = parameters[0]
        yield "real", st.sampled_from(real_values[name]).flatmap(
            lambda value: operation.as_strategy(path_parameters={name: value}))


def test_generated_requests_get_answers_that_keep_to_the_document(demo_app, document,
                                                                   subtests):
    with demo_app.app_context():
        real_values = {name: list(db.session.execute(db.select(column)).scalars())
                       for name, column in NAMES.items()}
    operations = [result.ok() for result in document.get_all_operations()]
    # Schemathesis leaves out the document's own address; the crawl below checks it.
    assert {operation.label for operation in operations} == \
        {f"GET {template}" for template in document} - {"GET /openapi.json"}
    for operation in operations:
        for kind, strategy in _strategies(operation, real_values):
            with subtests.test(operation=operation.label, cases=kind):
                QUICK(given(case=strategy)(_check))()


def _operation_for(document, address):
    """The operation whose path template matches an absolute address."""
    path = address.split(API, 1)[1].split("?")[0] or "/"
    for template in document:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return document[template]["GET"]
    raise LookupError(address)


def test_everything_the_api_links_to_keeps_to_the_document(demo_app, document):
    client = demo_app.test_client()
    checked = set()
    for address in crawl(client):
        operation = _operation_for(document, address)
        operation.validate_response(client.get(address))
        checked.add(operation.label)
    assert checked == {f"GET {template}" for template in document}
