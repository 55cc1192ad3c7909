"""Fixtures for community projects: a detector that says what a test needs it to say."""

import pytest

from forum.moderation import detector


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
