"""Helpers for the cohesion tests: survey answers written straight to the table."""

import pytest

from forum.cohesion.models import SurveyResponse
from forum.extensions import db


@pytest.fixture
def add_answers(app):
    """add_answers(n, quarter=..., ward=None, age_band="25–44", **answers) -> None.

    `n` rows without an account (as a deleted account's answers are kept), so tests can add
    dozens without making dozens of users.
    """

    def add(n, quarter, ward=None, age_band="25–44", **answers):
        ward_id = getattr(ward, "id", ward)
        with app.app_context():
            db.session.add_all([SurveyResponse(user_id=None, quarter=quarter, ward_id=ward_id,
                                               age_band=age_band, **answers)
                                for _ in range(n)])
            db.session.commit()

    return add
