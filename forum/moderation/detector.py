"""Assess a piece of user text before it is published.

The layered hate-speech detector arrives with the moderation capability; until then every
text is published. The shape of the answer (a Verdict) is fixed now, so that every kind of
content already calls `assess` at the one right moment: after rendering, before saving.
"""

from dataclasses import dataclass, field

ACTIONS = ("publish", "nudge", "hold", "block")


@dataclass(frozen=True)
class Verdict:
    action: str = "publish"
    score: float = 0.0
    labels: tuple = ()
    reasons: tuple = field(default=())


def assess(text, context=None):
    """Return what to do with `text`. `context` says where it goes (kind, board, author)."""
    return Verdict()
