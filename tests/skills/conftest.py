"""Fixtures for the skills swap: the people DESIGN §5 is about, and a detector that says what a
test needs it to say.

    maya    a verified mentor (an adult with a current DBS check), open to matches
    rob     an adult resident with no DBS check
    ada     another adult resident
    tia     17, open to matches
    kai     14, open to matches, no guardian consent yet
    jo      council staff;  ravi  a volunteer moderator

These makers need the test's application context (`ctx`); every test here calls services.
"""

import pytest

from forum.moderation import detector
from tests.skills import factories


@pytest.fixture
def mentor(ctx, make_user):
    return make_user("maya", display_name="Maya Mentor", mentor=True, languages=["English"])


@pytest.fixture
def resident(ctx, make_user):
    return make_user("rob", display_name="Rob Resident")


@pytest.fixture
def neighbour(ctx, make_user):
    return make_user("ada", display_name="Ada Neighbour")


@pytest.fixture
def teen(ctx, make_user):
    """A 17-year-old who has switched on "open to matches"."""
    user = make_user("tia", age_band="16_17", display_name="Tia Young")
    factories.set_profile(user, open_to_matches=True, capacity=0)
    return user


@pytest.fixture
def child(ctx, make_user):
    """A 14-year-old, open to matches, whose guardian has not yet agreed."""
    user = make_user("kai", age_band="under_16", display_name="Kai Younger")
    factories.set_profile(user, open_to_matches=True, capacity=0)
    return user


@pytest.fixture
def staff(ctx, make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def moderator(ctx, make_user):
    return make_user("ravi", roles=["moderator"], display_name="Ravi Volunteer")


@pytest.fixture
def says(monkeypatch):
    """says(action, score, *labels) -> the Verdict the detector gives every text from now on."""

    def set_verdict(action="publish", score=0.0, *labels, reasons=None):
        verdict = detector.Verdict(
            action=action, score=score, labels=tuple(labels),
            reasons=tuple(reasons if reasons is not None
                          else [f"The detector saw {label}." for label in labels]))
        monkeypatch.setattr(detector, "assess", lambda text, context=None: verdict)
        return verdict

    return set_verdict
