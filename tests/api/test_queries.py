"""A page of the API costs the same few queries however many items it holds."""

import pytest

from forum.boards.models import Topic
from forum.extensions import db
from forum.news import services as news
from tests.api.conftest import API
from tests.boards import factories as boards
from tests.events import factories as events
from tests.factories import create_user, sql_statements


def _more(app, place):
    """Ten more of everything, each by a different person."""
    with app.app_context():
        topic = db.session.get(Topic, place.ids["topic"])
        staff = create_user("more_staff", roles=["staff"])
        for number in range(10):
            person = create_user(f"more{number}", display_name=f"Person {number}")
            boards.create_topic(person, topic.board, title=f"Another conversation {number}")
            boards.create_reply(person, topic, f"Another reply {number}, thanks @more{number}.")
            events.create_event(person, title=f"Another event {number}",
                                start_day=events.in_days(20 + number))
            news.publish(staff, news.save_article(
                staff, title=f"More news {number}", summary="A summary of the news.",
                body="The body of the article, long enough to keep.", category="housing"))


@pytest.mark.parametrize("path", [
    "/boards", "/boards/{board}/topics", "/topics/{topic}", "/events", "/news",
])
def test_statements_do_not_grow_with_the_items_on_a_page(app, client, place, path):
    url = API + path.format(board=place.ids["board"], topic=place.ids["topic"]) \
        + "?per_page=100"
    before = len(sql_statements(app, client, url))
    _more(app, place)
    assert len(sql_statements(app, client, url)) == before
