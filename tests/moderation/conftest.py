"""Fixtures for the moderation flow: the people involved, places to post, and a detector that
says what a test needs it to say.

Like `make_user`, each maker works inside `ctx` (rows belong to the test's session) and outside
it (rows come back detached with their columns loaded, for tests that drive the client).
"""

from types import SimpleNamespace

import pytest
from flask import has_app_context

from forum.extensions import db
from forum.moderation import detector
from tests.boards import factories as boards

# What the real detector says about "Those Romanians next door are vermin and should be sent
# back", for tests that need the exact score rather than the rules.
HATE_LABELS = ("dehumanising:eastern_europeans", "exclusion:eastern_europeans")
HATE_REASONS = (
    'Describes a group (Eastern Europeans: "romanians") in dehumanising terms ("vermin").',
    'Calls for a group (Eastern Europeans: "romanians") to be excluded or expelled '
    '("sent back").',
)
# Obviously hateful, and held by the real detector (dehumanising + exclusion: 0.85).
HATEFUL = "Those Romanians next door are vermin and should be sent back"


@pytest.fixture
def run(app):
    """run(fn, *args) -> fn(*args) in the test's context, or in a short one of its own, with
    rows it returns detached (for client tests)."""

    def call(function, *args, **kwargs):
        if has_app_context():
            return function(*args, **kwargs)
        with app.app_context():
            result = function(*args, **kwargs)
            if isinstance(result, db.Model):
                db.session.refresh(result)
                db.session.expunge_all()
            return result

    return call


@pytest.fixture
def people(make_user):
    """sam writes, grace and david report, ravi and mo moderate, jo is council staff."""
    return SimpleNamespace(
        sam=make_user("sam", display_name="Sam Patel"),
        grace=make_user("grace", display_name="Grace Okafor"),
        david=make_user("david", display_name="David Cohen"),
        ravi=make_user("ravi", roles=["moderator"]),
        mo=make_user("mo", roles=["moderator"]),
        jo=make_user("jo", roles=["staff"]),
    )


@pytest.fixture
def places(run, people):
    """A borough-wide board (café) and two ward boards (Riverside, Hillside)."""
    return SimpleNamespace(
        cafe=run(boards.create_board, "Community café", position=10),
        riverside=run(boards.create_ward_board, "Riverside"),
        hillside=run(boards.create_ward_board, "Hillside"),
    )


@pytest.fixture
def says(monkeypatch):
    """says(action, score, *labels) -> the Verdict the detector gives every text from now on;
    says() goes back to publishing everything."""

    def set_verdict(action="publish", score=0.0, *labels, reasons=None):
        verdict = detector.Verdict(
            action=action, score=score, labels=tuple(labels),
            reasons=tuple(reasons if reasons is not None
                          else [f"The detector saw {label}." for label in labels]))
        monkeypatch.setattr(detector, "assess", lambda text, context=None: verdict)
        return verdict

    return set_verdict
