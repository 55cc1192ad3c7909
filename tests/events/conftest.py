"""Fixtures for the events calendar: the people involved, and a detector that says what a test
needs it to say.

    olu     a resident who organises events
    ada     a resident who goes to them;  ben  another
    tia     17
    jo      council staff;  ravi  a volunteer moderator

These makers need the test's application context (`ctx`); event tests call services directly.
"""

import pytest

from forum.moderation import detector


@pytest.fixture
def organiser(ctx, make_user):
    return make_user("olu", display_name="Olu Organiser")


@pytest.fixture
def resident(ctx, make_user):
    return make_user("ada", display_name="Ada Resident")


@pytest.fixture
def neighbour(ctx, make_user):
    return make_user("ben", display_name="Ben Neighbour")


@pytest.fixture
def teen(ctx, make_user):
    return make_user("tia", age_band="16_17", display_name="Tia Young")


@pytest.fixture
def staff(ctx, make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def moderator(ctx, make_user):
    return make_user("ravi", roles=["moderator"], display_name="Ravi Volunteer")


@pytest.fixture
def crowd(ctx, make_user):
    """crowd(n, prefix="guest") -> n verified adults: guest01, guest02, …"""

    def make(size, prefix="guest"):
        return [make_user(f"{prefix}{number:02d}") for number in range(1, size + 1)]

    return make


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
