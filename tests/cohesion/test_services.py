"""The pulse survey: once a quarter, stored with the ward and age band of the day."""

from datetime import date, datetime

import pytest

from forum.cohesion import services
from forum.cohesion.models import SurveyResponse
from forum.errors import Invalid, NotAllowed
from forum.extensions import db
from tests.factories import date_of_birth_for

ANSWERS = {"get_on": 4, "belong": 3, "influence": 0, "volunteered": True}
NOV = datetime(2026, 11, 15, 12, 0)


def _rows():
    return db.session.execute(db.select(SurveyResponse)).scalars().all()


@pytest.mark.parametrize(("now", "quarter"), [
    (datetime(2026, 1, 1, 0, 0), "2026-Q1"),
    (datetime(2025, 12, 31, 23, 59), "2025-Q4"),
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    (datetime(2026, 6, 30, 23, 30), "2026-Q3"),
    (datetime(2026, 9, 30, 22, 59), "2026-Q3"),
])
def test_quarter_is_counted_in_london_time(ctx, now, quarter):
    assert services.current_quarter(now) == quarter


def test_answers_are_stored_with_ward_and_age_band(ctx, make_user):
    person = make_user(date_of_birth=date(1990, 5, 1))
    response = services.answer_survey(person, ANSWERS, now=NOV)
    assert (response.quarter, response.ward_id, response.age_band) == (
        "2026-Q4", person.ward_id, "25–44")
    assert (response.get_on, response.belong, response.influence, response.volunteered) == (
        4, 3, 0, True)


def test_a_second_answer_in_the_quarter_is_refused(ctx, make_user):
    person = make_user()
    services.answer_survey(person, ANSWERS, now=NOV)
    with pytest.raises(services.AlreadyAnswered):
        services.answer_survey(person, ANSWERS, now=datetime(2026, 12, 31, 12))
    assert len(_rows()) == 1
    assert services.has_answered(person, "2026-Q4")


def test_next_quarter_is_open_again(ctx, make_user):
    person = make_user()
    services.answer_survey(person, ANSWERS, now=NOV)
    services.answer_survey(person, ANSWERS, now=datetime(2027, 1, 1, 9))
    assert sorted(row.quarter for row in _rows()) == ["2026-Q4", "2027-Q1"]


def test_two_submissions_at_once_make_one_row(ctx, make_user, monkeypatch):
    """Both passed the has_answered check before either saved: the database decides."""
    person = make_user()
    monkeypatch.setattr(services, "has_answered", lambda user, quarter: False)
    services.answer_survey(person, ANSWERS, now=NOV)
    with pytest.raises(services.AlreadyAnswered, match="already answered this quarter"):
        services.answer_survey(person, ANSWERS, now=NOV)
    assert len(_rows()) == 1


def test_questions_may_be_left_unanswered_but_not_all(ctx, make_user):
    person = make_user()
    with pytest.raises(Invalid):
        services.answer_survey(person, dict.fromkeys(ANSWERS), now=NOV)
    response = services.answer_survey(person, {"belong": 2}, now=NOV)
    assert (response.get_on, response.belong, response.volunteered) == (None, 2, None)


def test_answers_off_the_scale_are_refused(ctx, make_user):
    with pytest.raises(Invalid) as error:
        services.answer_survey(make_user(), {**ANSWERS, "get_on": 7}, now=NOV)
    assert error.value.field == "get_on"


@pytest.mark.parametrize(("age", "band"), [(13, "13–17"), (17, "13–17"), (18, "18–24"),
                                           (44, "25–44"), (45, "45–64"), (80, "65+")])
def test_age_bands(age, band):
    today = date(2026, 11, 15)
    assert services.age_group(date_of_birth_for(age, today), today) == band


def test_an_account_without_a_date_of_birth_is_an_adult_of_unknown_age(ctx, make_user):
    person = make_user()
    person.date_of_birth = None
    db.session.commit()
    assert services.answer_survey(person, ANSWERS, now=NOV).age_band == "18+"


def test_under_thirteens_cannot_answer(ctx, make_user):
    child = make_user(date_of_birth=date_of_birth_for(12, date(2026, 11, 15)))
    with pytest.raises(NotAllowed):
        services.answer_survey(child, ANSWERS, now=NOV)


def test_survey_status_says_when_it_opens_again(ctx, make_user):
    person = make_user()
    services.answer_survey(person, ANSWERS, now=NOV)
    status = services.survey_status(person, now=NOV)
    assert status["answered"] and status["next_opens"] == "Friday 1 January 2027"


def test_no_one_younger_than_the_site_allows_answers(ctx, make_user):
    # Someone who joined at 13 and whose date of birth was later corrected to make them 12.
    child = make_user(date_of_birth=date(2014, 6, 1))
    with pytest.raises(NotAllowed, match="aged 13 or over"):
        services.answer_survey(child, ANSWERS, now=NOV)
    assert _rows() == []
    # Just 13 on the day: welcome.
    services.answer_survey(make_user(date_of_birth=date(2013, 11, 15)), ANSWERS, now=NOV)
    assert len(_rows()) == 1
