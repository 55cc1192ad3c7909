"""Assess a piece of user text before it is published (DESIGN §4).

Layered and explainable: the text is normalised once (normalise.py), checked against the
moderators' watched words (watchlist.py), then against our targeted-hate rules (rules.py).
Each layer that fires adds a short machine label ("dehumanising:muslims", "watched:hold") and a
sentence a volunteer moderator can read, naming the words that fired. The strongest signal sets
the score, and the score falls into a band: publish, nudge (ask the author to reconsider,
once), hold (review queue) or block.

    assess(text, context) -> Verdict(action, score, labels, reasons, replaced_text)

`context` keys, all optional: kind, board, author_id (where the text goes; not used by the
rules yet), watchlist (a WatchList, or None for no watched words), thresholds (a dict that
overrides any of DEFAULT_THRESHOLDS).
"""

from dataclasses import dataclass, field

from forum.moderation import lexicon
from forum.moderation.normalise import normalise
from forum.moderation.rules import find_hits

ACTIONS = ("publish", "nudge", "hold", "block")

# The lowest score for each action. Rules score clear targeted hate (dehumanising, slurs,
# calls for exclusion) at hold, explicit threats at block, and milder signals (negative
# generalisations, contempt) at nudge, so that the author is asked once before posting.
DEFAULT_THRESHOLDS = {"nudge": 0.4, "hold": 0.7, "block": 0.9}

SCORES = {
    "threat": 0.95,
    "dehumanising": 0.8,
    "slur": 0.8,
    "exclusion": 0.75,
    "generalisation": 0.55,
    "contempt": 0.5,
    "slur_at_person": 0.45,
}
WATCHED_SCORES = {"block": 1.0, "hold": 0.8, "flag": 0.0, "replace": 0.0}
# Several signals together weigh a little more than one, but never tip hate into a block:
# only threats and watched "block" words block.
_EXTRA_SIGNAL = 0.05
_CAP_BELOW_BLOCK = 0.85

_REASONS = {
    "dehumanising": 'Describes a group ({group}: "{group_words}") in dehumanising terms '
                    '("{words}").',
    "threat": 'Threatens or calls for violence against a group ({group}: "{group_words}"): '
              '"{words}".',
    "exclusion": 'Calls for a group ({group}: "{group_words}") to be excluded or expelled '
                 '("{words}").',
    "slur": 'Uses a slur for a group ({group}): "{words}".',
    "slur_at_person": 'Uses a slur for a group ({group}) as an insult: "{words}".',
    "generalisation": 'Makes a negative generalisation about a group ({group}: '
                      '"{group_words}"): "{words}".',
    "contempt": 'Expresses contempt for a group ({group}: "{group_words}"): "{words}".',
}
_WATCHED_REASONS = {
    "block": 'Contains a watched word that moderators block: "{words}".',
    "hold": 'Contains a watched word that moderators review first: "{words}".',
    "flag": 'Contains a watched word moderators want to see: "{words}".',
    "replace": 'A watched word was replaced: "{words}".',
}


@dataclass(frozen=True)
class Verdict:
    action: str = "publish"
    score: float = 0.0
    labels: tuple = ()
    reasons: tuple = field(default=())
    # Set when a watched "replace" word changed the text: the text to save instead.
    replaced_text: str | None = None


def thresholds_from(context):
    thresholds = dict(DEFAULT_THRESHOLDS)
    thresholds.update((context or {}).get("thresholds") or {})
    return thresholds


def action_for(score, thresholds=DEFAULT_THRESHOLDS):
    for action in ("block", "hold", "nudge"):
        if score >= thresholds[action]:
            return action
    return "publish"


def is_hateful(verdict):
    """For evaluation: did the detector object to the text at all?"""
    return verdict.action != "publish"


def assess(text, context=None):
    """Return what to do with `text`. `context` says where it goes (see the module docstring)."""
    context = context or {}
    normalised = normalise(text)
    labels, reasons, scores = [], [], []
    replaced_text = None

    watchlist = context.get("watchlist")
    if watchlist:
        for match in watchlist.check(text, normalised):
            action = match.entry.action
            label = f"watched:{action}"
            if label not in labels:
                labels.append(label)
            reasons.append(_WATCHED_REASONS[action].format(words=match.words))
            scores.append(WATCHED_SCORES[action])
            if action == "replace" and replaced_text is None:
                replaced_text = watchlist.replace(text)

    seen = set()
    hate_scores = []
    for hit in find_hits(normalised):
        key = (hit.category, hit.group)
        if key in seen:
            continue
        seen.add(key)
        labels.append(f"{hit.category}:{hit.group}")
        reasons.append(_reason(hit))
        hate_scores.append(SCORES[hit.category])

    score = _combine(hate_scores)
    score = max([score, *scores]) if scores else score
    action = action_for(score, thresholds_from(context))
    return Verdict(action=action, score=round(score, 3), labels=tuple(labels),
                   reasons=tuple(reasons), replaced_text=replaced_text)


def _combine(scores):
    if not scores:
        return 0.0
    top = max(scores)
    combined = top + _EXTRA_SIGNAL * (len(scores) - 1)
    if top < SCORES["threat"]:
        combined = min(combined, max(top, _CAP_BELOW_BLOCK))
    return min(combined, 1.0)


def _reason(hit):
    group = lexicon.GROUPS[hit.group][0]
    reason = _REASONS[hit.category].format(group=group, group_words=hit.group_words,
                                           words=hit.words)
    if hit.pronoun:
        reason += f' ("{hit.pronoun}" refers back to "{hit.group_words}".)'
    return reason
