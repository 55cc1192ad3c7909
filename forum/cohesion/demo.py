"""Demo pulse-survey answers for `flask seed-demo`: four quarters across every ward and age
band, enough to draw every chart, with two wards kept small so suppression shows.

The demo's named residents answered last quarter (so each can still try this quarter's survey).
The bulk of the answers have no account (user_id empty, as answers from deleted accounts are
kept): a few hundred sign-in-able people would only clutter the staff console's lists.
"""

import random

from flask import current_app
from sqlalchemy import select

from forum.accounts.models import Ward, utcnow
from forum.cohesion.models import AGE_BANDS, SurveyResponse
from forum.cohesion.services import age_group, current_quarter, quarter_first_day, shift_quarter
from forum.core.timezones import local_midnight_utc, to_local
from forum.extensions import db

# Answers per ward per quarter; the wards not named get DEFAULT_ANSWERS.
SMALL_WARDS = {"Hollins Park": 6, "St Anne's": 8}
DEFAULT_ANSWERS = 40
# How likely each ward's residents are to agree (get on, belong, influence, volunteered).
LEANINGS = {"Riverside": (0.82, 0.70, 0.30, 0.40), "Northgate": (0.68, 0.55, 0.22, 0.30),
            "Eastbrook": (0.74, 0.62, 0.35, 0.45), "Millfield": (0.60, 0.50, 0.18, 0.25)}
OTHERWISE = (0.70, 0.60, 0.25, 0.35)
AGE_WEIGHTS = (10, 15, 35, 25, 15)


def _agreement(rng, chance):
    roll = rng.random()
    if roll < 0.05:
        return None if rng.random() < 0.5 else 0  # unanswered or "Don't know"
    if rng.random() < chance:
        return 4 if rng.random() < 0.4 else 3
    return 2 if rng.random() < 0.6 else 1


def _answers(rng, leaning, drift):
    get_on, belong, influence, volunteered = (min(0.95, chance + drift) for chance in leaning)
    return {"get_on": _agreement(rng, get_on), "belong": _agreement(rng, belong),
            "influence": _agreement(rng, influence),
            "volunteered": None if rng.random() < 0.05 else rng.random() < volunteered}


def load(people, now=None):
    """Add the demo's survey answers; `people` maps usernames to the demo's Users."""
    rng = random.Random(2026)
    now = now or utcnow()
    zone = current_app.config["TIMEZONE"]
    latest = current_quarter(now)
    quarters = [shift_quarter(latest, -back) for back in range(3, -1, -1)]
    wards = db.session.execute(select(Ward).order_by(Ward.name)).scalars().all()
    rows = []
    for number, quarter in enumerate(quarters):
        start = local_midnight_utc(quarter_first_day(quarter), zone)
        end = min(now, local_midnight_utc(quarter_first_day(shift_quarter(quarter, 1)), zone))
        drift = 0.02 * number  # things get a little better each quarter
        for ward in wards:
            leaning = LEANINGS.get(ward.name, OTHERWISE)
            for _ in range(SMALL_WARDS.get(ward.name, DEFAULT_ANSWERS)):
                moment = start + (end - start) * rng.random()
                rows.append(SurveyResponse(
                    user_id=None, quarter=quarter, ward_id=ward.id, created_at=moment,
                    age_band=rng.choices(AGE_BANDS, AGE_WEIGHTS)[0],
                    **_answers(rng, leaning, drift)))
    last_quarter = quarters[-2]
    answered_at = local_midnight_utc(quarter_first_day(last_quarter), zone)
    for user in people.values():
        day = to_local(answered_at, zone).date()
        rows.append(SurveyResponse(
            user_id=user.id, quarter=last_quarter, ward_id=user.ward_id, created_at=answered_at,
            age_band=age_group(user.date_of_birth, day),
            **_answers(rng, LEANINGS.get(user.ward.name if user.ward else "", OTHERWISE), 0)))
    db.session.add_all(rows)
    db.session.commit()
    return len(rows)
