"""The pulse survey: which quarter it is, whether someone has answered, and saving answers."""

from datetime import date

from flask import current_app, has_app_context
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import age_on, utcnow
from forum.cohesion.models import AGE_BANDS, AGREEMENT, AGREEMENT_QUESTIONS, SurveyResponse
from forum.core.policy import require
from forum.core.timezones import to_local
from forum.errors import DomainError, Invalid, NotAllowed
from forum.extensions import db

# Accounts without a date of birth are adults (User.age_band says so everywhere), but which
# adult band they are in is unknown. Guessing one would bend that band's figures, so they are
# stored as "18+" and reported as a group of their own ("Adults, age not given").
ADULT_AGE_UNKNOWN = "18+"
AGE_GROUPS = (*AGE_BANDS, ADULT_AGE_UNKNOWN)
AGE_GROUP_LABELS = {**{band: band for band in AGE_BANDS},
                    ADULT_AGE_UNKNOWN: "Adults, age not given"}

ALREADY_ANSWERED = "You've already answered this quarter."


class AlreadyAnswered(DomainError):
    """The resident has answered the survey this quarter."""

    def __init__(self, message=ALREADY_ANSWERED):
        super().__init__(message)


def _zone():
    if has_app_context():
        return current_app.config.get("TIMEZONE", "Europe/London")
    return "Europe/London"


# --- quarters ---------------------------------------------------------------------------------


def current_quarter(now=None):
    """"2026-Q4": the calendar quarter `now` (naive UTC) falls in, in the council's time zone."""
    local = to_local(now or utcnow(), _zone())
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def parse_quarter(quarter):
    """(year, n) from "2026-Q4"; ValueError when it isn't one."""
    try:
        year, n = quarter.split("-Q")
        year, n = int(year), int(n)
    except (AttributeError, ValueError):
        raise ValueError(f"Not a quarter: {quarter!r}") from None
    if not (1 <= n <= 4 and 2000 <= year <= 2999):
        raise ValueError(f"Not a quarter: {quarter!r}")
    return year, n


def shift_quarter(quarter, by):
    year, n = parse_quarter(quarter)
    index = year * 4 + (n - 1) + by
    return f"{index // 4}-Q{index % 4 + 1}"


def quarter_first_day(quarter):
    year, n = parse_quarter(quarter)
    return date(year, 3 * (n - 1) + 1, 1)


def recent_quarters(count=8, now=None):
    """The last `count` quarters, newest first."""
    latest = current_quarter(now)
    return [shift_quarter(latest, -offset) for offset in range(count)]


def format_day(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


# --- who answers ------------------------------------------------------------------------------


def age_group(date_of_birth, today):
    """The reporting age band for a date of birth on `today` (None: ADULT_AGE_UNKNOWN)."""
    if date_of_birth is None:
        return ADULT_AGE_UNKNOWN
    age = age_on(date_of_birth, today)
    if age < 18:
        return AGE_BANDS[0]
    if age < 25:
        return AGE_BANDS[1]
    if age < 45:
        return AGE_BANDS[2]
    if age < 65:
        return AGE_BANDS[3]
    return AGE_BANDS[4]


def has_answered(user, quarter):
    return db.session.execute(
        db.select(SurveyResponse.id).where(SurveyResponse.user_id == user.id,
                                           SurveyResponse.quarter == quarter)
    ).first() is not None


def survey_status(user, now=None):
    """What the survey page needs: {"quarter", "answered", "next_opens"} for `user`."""
    quarter = current_quarter(now)
    return {"quarter": quarter, "answered": has_answered(user, quarter),
            "next_opens": format_day(quarter_first_day(shift_quarter(quarter, 1)))}


def _clean(answers):
    """Answers as stored: 0–4 (or None) for the agreement questions, True/False/None."""
    cleaned = {}
    for question in AGREEMENT_QUESTIONS:
        value = answers.get(question)
        if value is not None and value not in AGREEMENT:
            raise Invalid(question, "Choose one of the answers.")
        cleaned[question] = value
    volunteered = answers.get("volunteered")
    if volunteered is not None and not isinstance(volunteered, bool):
        raise Invalid("volunteered", "Choose yes or no.")
    cleaned["volunteered"] = volunteered
    if all(value is None for value in cleaned.values()):
        raise Invalid("form", "Answer at least one question, or come back another time.")
    return cleaned


def answer_survey(actor, answers, now=None):
    """Save `actor`'s answers for this quarter, with their ward and age band today.

    :param answers: {question: value}: 0–4 for the agreement questions, a bool for
        "volunteered", None (or missing) for a question left unanswered.
    :raises AlreadyAnswered: they answered this quarter (also when two submissions race: the
        database's unique (user, quarter) decides).
    :raises Invalid: an answer isn't one of the choices, or nothing was answered.
    """
    require(actor, "survey.answer")
    now = now or utcnow()
    today = to_local(now, _zone()).date()
    minimum = current_app.config["MINIMUM_AGE"]  # the site's own: no one younger joins
    if actor.date_of_birth is not None and age_on(actor.date_of_birth, today) < minimum:
        raise NotAllowed(f"The survey is for residents aged {minimum} or over.")
    cleaned = _clean(answers)
    quarter = current_quarter(now)
    if has_answered(actor, quarter):
        raise AlreadyAnswered()
    response = SurveyResponse(user_id=actor.id, quarter=quarter, ward_id=actor.ward_id,
                              age_band=age_group(actor.date_of_birth, today), created_at=now,
                              **cleaned)
    db.session.add(response)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered() from None
    return response
