"""Activity by ward and month, on a small dataset with one of each thing counted."""

from datetime import date, datetime, timedelta

import pytest

from forum.accounts.models import utcnow
from forum.boards.models import Board, Post, Topic
from forum.cohesion import activity
from forum.events.models import Event, Rsvp
from forum.extensions import db
from forum.grants.models import Application, Fund
from forum.projects.models import Project
from forum.skills.models import Match

NOW = datetime(2026, 6, 20, 12)
JUNE, MAY = 11, 10  # their places among the twelve months up to June 2026



def _topic(board, author, at, replies=0, status="published"):
    topic = Topic(board_id=board.id, author_id=author.id, title="A topic", created_at=at)
    db.session.add(topic)
    db.session.flush()
    for number in range(1, replies + 2):
        db.session.add(Post(topic_id=topic.id, author_id=author.id, number=number,
                            body_source="x", body_html="x", body_text="x", created_at=at,
                            status=status))


def _event(ward, starts, rrule=None, cancelled=False, title="Event"):
    event = Event(uid=f"{title}-{starts.isoformat()}@test", title=title, starts_at=starts,
                  ends_at=starts + timedelta(hours=2), rrule=rrule, ward_id=ward.id,
                  cancelled_at=utcnow() if cancelled else None)
    db.session.add(event)
    db.session.flush()
    return event


@pytest.fixture
def dataset(ctx, make_user, make_ward):
    riverside, northgate = make_ward("Riverside"), make_ward("Northgate")
    joined = make_user("joined", ward=riverside)
    joined.created_at = datetime(2026, 6, 5, 9)
    earlier = make_user("earlier", ward=northgate)
    earlier.created_at = datetime(2026, 5, 10, 9)
    adult = make_user("adult", ward=riverside, date_of_birth=date(1990, 1, 1))
    other_adult = make_user("other_adult", ward=riverside, date_of_birth=date(1985, 1, 1))
    teen = make_user("teen", ward=northgate, date_of_birth=date(2010, 1, 1))

    ward_board = Board(slug="riverside", name="Riverside", ward_id=riverside.id)
    borough = Board(slug="general", name="General")
    db.session.add_all([ward_board, borough])
    db.session.flush()
    _topic(ward_board, adult, datetime(2026, 6, 2, 10), replies=1)      # 2 posts, Riverside
    _topic(borough, teen, datetime(2026, 6, 3, 10))                     # 1 post, author's ward
    _topic(ward_board, adult, datetime(2026, 6, 4, 10), status="held")  # not counted

    one_off = _event(riverside, datetime(2026, 6, 10, 17), title="Fair")
    _event(northgate, datetime(2026, 6, 1, 17), rrule="FREQ=WEEKLY;COUNT=3", title="Club")
    _event(riverside, datetime(2026, 6, 11, 17), cancelled=True, title="Off")
    _event(riverside, datetime(2026, 6, 25, 17), title="Later")         # not held yet
    for person, state in ((adult, "going"), (teen, "going"), (other_adult, "waiting")):
        db.session.add(Rsvp(event_id=one_off.id, occurrence_start=one_off.starts_at,
                            user_id=person.id, state=state))

    for requester, partner, state in ((teen, adult, "active"),           # across: Northgate
                                      (adult, other_adult, "active"),    # same band
                                      (teen, other_adult, "declined")):
        db.session.add(Match(requester_id=requester.id, partner_id=partner.id, format="online",
                             state=state, responded_at=datetime(2026, 6, 12, 9)))

    project = Project(author_id=adult.id, ward_id=riverside.id, title="Garden",
                      created_at=datetime(2026, 6, 3, 9))
    db.session.add(project)
    db.session.flush()
    fund = Fund(name="Small grants", total_pence=500000, max_award_pence=100000,
                opens_on=date(2026, 5, 1), closes_on=date(2026, 7, 1))
    db.session.add(fund)
    db.session.flush()
    db.session.add(Application(fund_id=fund.id, project_id=project.id, amount_pence=60000,
                               state="funded", awarded_pence=50000,
                               decided_at=datetime(2026, 6, 18, 9)))
    db.session.commit()
    return riverside, northgate


def test_each_measure_counts_in_its_ward_and_month(app, dataset):
    riverside, northgate = dataset
    found = activity.activity_by_ward(now=NOW)
    assert found["months"][0] == date(2025, 7, 1) and found["months"][-1] == date(2026, 6, 1)

    def at(metric, ward, month=JUNE):
        return activity.series(found, metric, ward.id, every_ward=False)[month]

    assert at("members", riverside) == 1 and at("members", northgate, MAY) == 1
    assert at("posts", riverside) == 2 and at("posts", northgate) == 1
    assert at("events", riverside) == 1 and at("events", northgate) == 3
    assert at("attended", riverside) == 2
    assert at("matches", northgate) == 1 and at("matches", riverside) == 0
    assert at("projects", riverside) == 1
    assert at("grants", riverside) == 1 and at("awarded_pounds", riverside) == 500
    assert activity.series(found, "events")[JUNE] == 4


def test_an_adult_of_unknown_age_is_across_only_from_a_young_person():
    assert activity.across_age_bands("18+", "13–17")
    assert not activity.across_age_bands("18+", "65+")
    assert activity.across_age_bands("18–24", "65+")
    assert not activity.across_age_bands("25–44", "25–44")
