"""Fixtures for the open read API: a client that reads JSON, and a neighbourhood with content
of every status, people of every age, and words that must never leave the site.

Hidden things carry a marker word in their text (`HIDDEN_MARKERS`) and people a distinctive
username, e-mail address and name (`SECRETS`), so leak tests can search every response for them.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from forum.accounts.models import utcnow
from forum.events.services import cancel_event
from forum.extensions import db
from forum.news import services as news
from tests.boards import factories as boards
from tests.events import factories as events
from tests.factories import create_user, create_ward

API = "/api/v1"


@dataclass
class Neighbourhood:
    """Ids of what the fixture made, by name."""

    ids: dict = field(default_factory=dict)
    # Words that are in hidden content only.
    hidden_markers: tuple = ()
    # Usernames, e-mail addresses and young people's names: never in any response.
    secrets: tuple = ()


@pytest.fixture
def get_json(client):
    """get_json(path, status=200) -> the JSON body, after checking the status and type."""

    def get(path, status=200):
        response = client.get(path if path.startswith("http") else API + path)
        assert response.status_code == status, (path, response.status_code, response.text)
        assert response.mimetype == "application/json", path
        return response.get_json()

    return get


def _hide(obj, status):
    return boards.set_status(obj, status)


def _set_event_status(event, status):
    event.status = status
    db.session.commit()
    return event


def build_neighbourhood():
    """Make the content (inside an app context); return what tests need to know of it."""
    riverside = create_ward("Riverside")
    northgate = create_ward("Northgate")
    adult = create_user("adult_handle_q7", display_name="Grace Okafor",
                        email="grace.private@example.org", ward=riverside)
    nameless = create_user("nameless_handle_k2", display_name="",
                           email="nameless.private@example.org", ward=riverside)
    young = create_user("young_handle_z9", age_band="16_17", display_name="Leah Zyxwood",
                        email="leah.private@example.org", ward=riverside)
    child = create_user("child_handle_x4", age_band="under_16", display_name="Ayaan Qorvath",
                        email="ayaan.private@example.org", ward=northgate)
    staff = create_user("staff_handle_m3", roles=["staff"], display_name="Jo Adeyemi",
                        email="jo.private@example.org", ward=northgate)

    board = boards.create_board("Community café", description="Meet neighbours.")
    ward_board = boards.create_board("Riverside", ward=riverside, position=500)
    ids = {"board": board.slug, "ward_board": ward_board.slug}

    opened = boards.create_topic(adult, board, title="Saturday café is back",
                                 body="Tea and cake from ten.", replies=[
                                     (nameless, "I'll bring the urn."),
                                     (young, "Can I help on the cake stall?"),
                                     (adult, "Thanks @young_handle_z9 and @adult_handle_q7, "
                                             "see you there."),
                                 ])
    ids["topic"] = opened.id
    for status in ("held", "removed", "deleted"):
        reply = boards.create_reply(adult, opened, f"A reply MARKER{status.upper()}REPLY.")
        _hide(reply, status)
        ids[f"{status}_reply"] = reply.id
        topic = boards.create_topic(adult, board, title=f"Topic MARKER{status.upper()}TOPIC",
                                    body=f"Body of MARKER{status.upper()}TOPICBODY.")
        _hide(boards.posts_of(topic)[0], status)
        ids[f"{status}_topic"] = topic.id
    by_young = boards.create_topic(child, ward_board, title="Football after school?",
                                   body="Anyone want a kickabout on Friday?")
    ids["young_topic"] = by_young.id

    event = events.create_event(adult, title="Seed swap at the library")
    ids["event"] = event.id
    series = events.create_series(staff, title="Youth club evenings", official=True,
                                  start_day=events.in_days(22),
                                  ward_slug=northgate.slug, category="youth",
                                  suitable_for="under_18")
    ids["series"] = series.id
    young_event = events.create_event(young, title="Bake sale for the club",
                                      organiser_name="Leah Zyxwood",
                                      start_day=events.in_days(30))
    ids["young_event"] = young_event.id
    cancelled = events.create_event(adult, title="Quiz night at the Crown",
                                    start_day=events.in_days(10))
    cancel_event(adult, cancelled, "The cellar flooded.")
    ids["cancelled_event"] = cancelled.id
    for status in ("held", "removed", "deleted"):
        hidden = events.create_event(adult, title=f"Event MARKER{status.upper()}EVENT",
                                     start_day=events.in_days(12))
        ids[f"{status}_event"] = _set_event_status(hidden, status).id

    def article(title, **options):
        return news.save_article(staff, title=title, summary="A summary of the news.",
                                 body="The body of the article, long enough to keep.",
                                 category=options.pop("category", "services"), **options)

    live = news.publish(staff, article("Bin collections over the holidays",
                                       category="bins"))
    ids["article"] = live.id
    for_ward = news.publish(staff, article("Riverside road works", category="roads",
                                           borough_wide=False, wards=[riverside]))
    ids["ward_article"] = for_ward.id
    draft = article("Draft MARKERDRAFTNEWS article")
    ids["draft_article"] = draft.id
    scheduled = news.publish(staff, article("Scheduled MARKERSCHEDULEDNEWS article"),
                             publish_at=utcnow() + timedelta(days=2))
    ids["scheduled_article"] = scheduled.id
    taken_down = news.publish(staff, article("Unpublished MARKERUNPUBLISHEDNEWS article"))
    news.unpublish(staff, taken_down, "A mistake.")
    ids["unpublished_article"] = taken_down.id

    people = (adult, nameless, young, child, staff)
    secrets = tuple(person.username for person in people) \
        + tuple(person.email for person in people) \
        + ("Leah", "Zyxwood", "Ayaan", "Qorvath")
    markers = tuple(f"MARKER{status}{kind}" for status in ("HELD", "REMOVED", "DELETED")
                    for kind in ("REPLY", "TOPIC", "TOPICBODY", "EVENT")) \
        + ("MARKERDRAFTNEWS", "MARKERSCHEDULEDNEWS", "MARKERUNPUBLISHEDNEWS")
    return Neighbourhood(ids=ids, hidden_markers=markers, secrets=secrets)


@pytest.fixture
def place(app):
    """The neighbourhood, made in a short application context of its own."""
    with app.app_context():
        return build_neighbourhood()
