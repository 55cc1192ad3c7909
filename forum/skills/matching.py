"""The matchmaker: rank people for one person, and place a cohort of young people with mentors.

Plain functions over plain data: no Flask, no database. `skills.services` builds the
`Profile`s from the database and shows the results; tests and `bench/matching.py` call these
functions directly.

A match's score (0 to 100) adds up weighted parts, each from 0 to 1:

    skill fit      the best pairing of something one wants with something the other offers:
                   the same skill 1.0, a synonym 0.85, similar words up to 0.6, the same
                   category 0.4
    two-way        both sides want what the other offers, and both would swap
    availability   the share of the less available person's free times that the other shares
    distance       between the wards' centres: the same ward 1.0, falling to 0 at 8 km
    languages      a shared language (a shared language other than English is named)
    capacity       the share of a mentor's places still free
    formats        they want at least one way of meeting in common

Hard rules come first: the safeguarding pair rule (`core/safeguarding.py`, which covers blocks
and consent), then capacity. Every part that counts is explained in words.
"""

import heapq
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import linear_sum_assignment

from forum.core.safeguarding import Party, pair_refusal

WEIGHTS = {
    "skill": 45.0,
    "two_way": 10.0,
    "availability": 15.0,
    "distance": 10.0,
    "languages": 10.0,
    "capacity": 5.0,
    "formats": 5.0,
}
EXACT, SYNONYM, CATEGORY, TEXT_MAX = 1.0, 0.85, 0.4, 0.6
NEAR_KM = 8.0
# Text similarity below this is noise (one shared common word).
TEXT_FLOOR = 0.2

DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PART_LABELS = ("mornings", "afternoons", "evenings")

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset("""a an and are as at be but by for from have help i in into is it learn
learning lessons lesson me my of on or our so some teach teaching that the their them this to
want we with you your can how like would about just get also who all age ages basic basics
beginner beginners class classes course career careers mentor mentoring skill skills advice
day week new start starting good really made simple make making thinking know
am do go if no not up us""".split())


def words(text):
    """Lower-case words of a text, plurals folded, for synonym look-ups."""
    return [_fold(word) for word in _WORD.findall((text or "").lower())]


def _fold(word):
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text):
    # Two letters count ("CV", "IT"); stop words and single letters do not.
    return frozenset(word for word in words(text) if len(word) > 1 and word not in STOPWORDS)


# --- the skills list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillInfo:
    id: int
    name: str
    category_id: int
    synonyms: tuple = ()


class Catalogue:
    """The skills list, with every name and synonym as a phrase that points at its skill."""

    MAX_PHRASE = 4

    def __init__(self, skills):
        self.skills = {skill.id: skill for skill in skills}
        self.phrases = {}
        for skill in skills:
            for phrase in (skill.name, *skill.synonyms):
                key = " ".join(words(phrase))
                if key:
                    self.phrases.setdefault(key, skill.id)
        # Each claim's reading, once per catalogue: a server that keeps its catalogue reads
        # each listing once, however many people it is ranked for.
        self._readings = {}

    def read(self, claim):
        """(claim, skill ids, categories, content words) for one claim."""
        reading = self._readings.get(claim)
        if reading is None:
            # Skills are read from the title: a description often names other skills ("I'd
            # swap Polish lessons for guitar lessons").
            ids = set(self.resolve(claim.label or claim.text))
            if claim.skill_id is not None:
                ids.add(claim.skill_id)
            categories = frozenset({self.category(skill_id) for skill_id in ids} - {None})
            reading = (claim, frozenset(ids), categories, content_words(claim.text))
            if len(self._readings) < 200_000:
                self._readings[claim] = reading
        return reading

    def category(self, skill_id):
        skill = self.skills.get(skill_id)
        return skill.category_id if skill else None

    def name(self, skill_id):
        skill = self.skills.get(skill_id)
        return skill.name if skill else ""

    def resolve(self, text):
        """Ids of the skills whose name or synonym appears in `text`, as whole words."""
        tokens = words(text)
        found = set()
        for start in range(len(tokens)):
            for length in range(1, min(self.MAX_PHRASE, len(tokens) - start) + 1):
                skill_id = self.phrases.get(" ".join(tokens[start:start + length]))
                if skill_id is not None:
                    found.add(skill_id)
        return found


# --- people --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One skill someone offers or wants: from the list (skill_id), in their words, or both."""

    text: str
    skill_id: int | None = None
    listing_id: int | None = None
    formats: frozenset = frozenset()
    label: str = ""        # how to name it in reasons (the listing's title); else the text


@dataclass
class Profile:
    """Everything the matchmaker weighs about one person."""

    party: Party
    name: str
    ward_id: int | None = None
    languages: frozenset = frozenset()
    availability: int = 0
    formats: frozenset = frozenset()
    capacity: int = 0
    active_mentees: int = 0
    offers: tuple = ()
    wants: tuple = ()

    @property
    def id(self):
        return self.party.id

    @property
    def places_left(self):
        return max(self.capacity - self.active_mentees, 0)

    @cached_property
    def all_formats(self):
        claimed = set(self.formats)
        for claim in (*self.offers, *self.wants):
            claimed |= claim.formats
        return frozenset(claimed)


class _Skills:
    """One side's claims as read by a catalogue: skill ids (given and found in the title),
    categories and content words, per claim and together."""

    __slots__ = ("claims", "ids", "words", "categories")

    def __init__(self, claims, catalogue):
        self.claims = [catalogue.read(claim) for claim in claims]
        self.ids = frozenset().union(*(entry[1] for entry in self.claims))
        self.categories = frozenset().union(*(entry[2] for entry in self.claims))
        self.words = frozenset().union(*(entry[3] for entry in self.claims))

    def could_meet(self, other):
        """Cheap test: might anything here fit anything there (a shared skill, category or
        word)? False means skill_fit is surely 0."""
        return bool(self.ids & other.ids or self.categories & other.categories
                    or self.words & other.words)


def _read(profile, catalogue):
    """(offers, wants) of a profile, kept on it for the catalogue that read them last."""
    cached = profile.__dict__.get("_reading")
    if cached is None or cached[0] is not catalogue:
        cached = (catalogue, _Skills(profile.offers, catalogue),
                  _Skills(profile.wants, catalogue))
        profile.__dict__["_reading"] = cached
    return cached[1], cached[2]


# --- scoring one pair ---------------------------------------------------------------------------


@dataclass
class Fit:
    strength: float = 0.0
    how: str = ""          # exact | synonym | text | category
    wanted: Claim | None = None
    offered: Claim | None = None


def _text_similarity(a, b):
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def skill_fit(wanted, offered, catalogue=None):
    """How well what one side offers meets what the other wants (both `_Skills`)."""
    best = Fit()
    for want, want_ids, want_categories, want_words in wanted.claims:
        for offer, offer_ids, offer_categories, offer_words in offered.claims:
            if want.skill_id is not None and want.skill_id == offer.skill_id:
                strength, how = EXACT, "exact"
            elif want_ids & offer_ids:
                strength, how = SYNONYM, "synonym"
            else:
                similarity = _text_similarity(want_words, offer_words)
                text = TEXT_MAX * similarity if similarity >= TEXT_FLOOR else 0.0
                category = CATEGORY if want_categories & offer_categories else 0.0
                if not (text or category):
                    continue
                strength, how = (text, "text") if text >= category else (category, "category")
            if strength > best.strength:
                best = Fit(strength, how, want, offer)
    return best


def _overlap(mask_a, mask_b):
    common = mask_a & mask_b
    if not common:
        return 0.0, 0
    fewer = min(mask_a.bit_count(), mask_b.bit_count())
    return common.bit_count() / fewer, common


def describe_times(mask, most=2):
    """'Tuesday evenings and Saturday mornings' for the first `most` shared slots."""
    slots = [index for index in range(21) if mask >> index & 1]
    names = [f"{DAY_LABELS[index // 3]} {PART_LABELS[index % 3]}" for index in slots[:most]]
    if len(slots) > most:
        names.append(f"{len(slots) - most} more")
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def distance_km(a, b):
    (lat1, lon1), (lat2, lon2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@dataclass
class Suggestion:
    """A candidate for someone, with the score and the reasons in plain words."""

    profile: Profile
    score: float
    reasons: list = field(default_factory=list)
    parts: dict = field(default_factory=dict)
    fit: Fit | None = None
    gives: bool = True     # the candidate would teach the seeker (False: the other way)

    @property
    def id(self):
        return self.profile.id


def _claim_name(claim, catalogue):
    return claim.label or claim.text or (catalogue.name(claim.skill_id) if catalogue else "")


def _skill_reason(fit, giver_name, gives, catalogue, seeker_name=None):
    """"Sam offers guitar, which you want" (or, for staff, "…, which Leah wants")."""
    offered = _claim_name(fit.offered, catalogue)
    wanted = _claim_name(fit.wanted, catalogue)
    subject = giver_name if gives else (seeker_name or "You")
    verb = "offers" if gives or seeker_name else "offer"
    whom = (f"{seeker_name} wants" if seeker_name else "you want") if gives \
        else f"{giver_name} wants"
    if fit.how in ("exact", "synonym"):
        return f"{subject} {verb} {offered}, which {whom}"
    if fit.how == "text":
        return f"{subject} {verb} {offered}, close to {wanted}, which {whom}"
    return f"{subject} {verb} {offered}, in the same area as {wanted}, which {whom}"


def score_pair(seeker, candidate, catalogue, locations=None, require_skill=True,
               for_staff=False):
    """Score `candidate` for `seeker`, or None when a hard rule or no fit rules it out.

    :param locations: {ward id: (latitude, longitude)} for distances; wards without one count
        as neither near nor far.
    :param require_skill: False in a cohort, where staff match people for mentoring in
        general and a shared skill is a bonus, not a condition.
    :param for_staff: a cohort: the candidate is the mentor (who teaches the seeker), and the
        reasons name the seeker instead of saying "you", since staff read them.
    """
    seeker_name = seeker.name if for_staff else None
    if pair_refusal(seeker.party, candidate.party, suggesting=True):
        return None
    seeker_offers, seeker_wants = _read(seeker, catalogue)
    candidate_offers, candidate_wants = _read(candidate, catalogue)
    taught = skill_fit(seeker_wants, candidate_offers)     # the candidate teaches the seeker
    teaches = skill_fit(candidate_wants, seeker_offers)    # the seeker teaches the candidate
    if require_skill and not (taught.strength or teaches.strength):
        return None
    gives = taught.strength >= teaches.strength
    if seeker.party.is_minor or for_staff:
        gives = True
    elif candidate.party.is_minor:
        gives = False
    fit = taught if gives else teaches
    # With a young person the adult always teaches: a young person teaching an adult is not a
    # reason to suggest them to each other.
    if require_skill and not fit.strength:
        return None
    mentor = candidate if gives else seeker
    # Capacity is about mentoring: a full mentor takes no one new, whoever asks.
    if mentor.capacity and mentor.places_left == 0 and (candidate.party.is_minor
                                                         or seeker.party.is_minor
                                                         or "mentoring" in mentor.formats):
        return None

    reasons, parts = [], {}
    parts["skill"] = fit.strength
    if fit.strength:
        reasons.append(_skill_reason(fit, candidate.name, gives, catalogue, seeker_name))
    if taught.strength and teaches.strength and "swap" in seeker.all_formats \
            and "swap" in candidate.all_formats:
        parts["two_way"] = min(taught.strength, teaches.strength)
        other = teaches if gives else taught
        reasons.append(_skill_reason(other, candidate.name, not gives, catalogue, seeker_name)
                       + ": a two-way swap")
    share, common = _overlap(seeker.availability, candidate.availability)
    parts["availability"] = share
    if common:
        reasons.append(f"Both free {describe_times(common)}")
    parts["distance"] = 0.5
    if seeker.ward_id is not None and seeker.ward_id == candidate.ward_id:
        parts["distance"] = 1.0
        reasons.append("They live in the same ward" if for_staff else "You live in the same ward")
    elif locations and seeker.ward_id in locations and candidate.ward_id in locations:
        km = distance_km(locations[seeker.ward_id], locations[candidate.ward_id])
        parts["distance"] = max(0.0, 1 - km / NEAR_KM)
        if km <= NEAR_KM / 2:
            reasons.append(f"{km:.1f} km apart" if for_staff else f"Lives {km:.1f} km away")
    shared = seeker.languages & candidate.languages
    if shared:
        named = sorted(shared - {"english"}) or sorted(shared)
        parts["languages"] = 1.0
        if named != ["english"]:
            reasons.append(("Both speak " if for_staff else "You both speak ")
                           + " and ".join(word.title() for word in named))
    if mentor.capacity:
        parts["capacity"] = mentor.places_left / mentor.capacity
    formats = seeker.all_formats & candidate.all_formats
    if formats:
        parts["formats"] = 1.0
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    return Suggestion(candidate, round(score, 1), reasons, parts, fit, gives)


def rank(seeker, candidates, catalogue, locations=None, limit=20):
    """The best `limit` candidates for `seeker`, best first (ties: lower id first).

    Hard rules first, without reading anyone's skills; then a cheap test of shared skills,
    categories or words; only candidates who pass both are scored.
    """
    seeker_offers, seeker_wants = _read(seeker, catalogue)
    scored = []
    for candidate in candidates:
        if pair_refusal(seeker.party, candidate.party, suggesting=True):
            continue
        offers, wants = _read(candidate, catalogue)
        if not (seeker_wants.could_meet(offers) or wants.could_meet(seeker_offers)):
            continue
        suggestion = score_pair(seeker, candidate, catalogue, locations)
        if suggestion is not None:
            scored.append(suggestion)
    return heapq.nsmallest(limit, scored, key=lambda item: (-item.score, item.id))


# --- cohorts -------------------------------------------------------------------------------------


@dataclass
class Placement:
    young_id: int
    mentor_id: int | None
    score: float = 0.0
    reasons: list = field(default_factory=list)


FORBIDDEN = 1e6


def score_matrix(young, mentors, catalogue, locations=None):
    """Scores of every young person (rows) with every mentor (columns); NaN where a hard rule
    forbids the pair. Also returns the suggestions, for their reasons."""
    scores = np.full((len(young), len(mentors)), np.nan)
    suggestions = {}
    for row, person in enumerate(young):
        for column, mentor in enumerate(mentors):
            suggestion = score_pair(person, mentor, catalogue, locations, require_skill=False,
                                    for_staff=True)
            if suggestion is not None:
                scores[row, column] = suggestion.score
                suggestions[(row, column)] = suggestion
    return scores, suggestions


def place_cohort(young, mentors, capacities, catalogue, locations=None):
    """The placement of young people with mentors that has the best total score.

    Each mentor is `capacities[mentor id]` slots; scipy's linear_sum_assignment (the Hungarian
    method) finds the optimal assignment of young people to slots. People a hard rule keeps
    from every free slot are left unplaced, with the reason.
    """
    scores, suggestions = score_matrix(young, mentors, catalogue, locations)
    slots = [column for column, mentor in enumerate(mentors)
             for _ in range(max(capacities.get(mentor.id, 1), 0))]
    placements = {person.id: Placement(person.id, None, 0.0,
                                       ["No mentor in this cohort can be matched with them."])
                  for person in young}
    if slots and young:
        cost = np.where(np.isnan(scores[:, slots]), FORBIDDEN, -scores[:, slots])
        rows, columns = linear_sum_assignment(cost)
        for row, slot in zip(rows, columns, strict=True):
            if cost[row, slot] >= FORBIDDEN:
                continue
            column = slots[slot]
            suggestion = suggestions[(row, column)]
            placements[young[row].id] = Placement(young[row].id, mentors[column].id,
                                                  suggestion.score, suggestion.reasons)
    _explain_unplaced(young, mentors, placements)
    return [placements[person.id] for person in young]


def _explain_unplaced(young, mentors, placements):
    for person in young:
        placement = placements[person.id]
        if placement.mentor_id is not None:
            continue
        refusals = [pair_refusal(person.party, mentor.party, suggesting=True)
                    for mentor in mentors]
        if None in refusals:
            placement.reasons = ["Every suitable mentor's places were taken by better fits."]
        elif len(set(refusals)) == 1:
            placement.reasons = [refusals[0]]


def place_cohort_greedily(young, mentors, capacities, catalogue, locations=None):
    """The obvious placement (best pair first, then the next best still free): the baseline
    that `bench/matching.py` compares the optimal placement against."""
    scores, suggestions = score_matrix(young, mentors, catalogue, locations)
    places = {mentor.id: capacities.get(mentor.id, 1) for mentor in mentors}
    pairs = sorted(((scores[row, column], row, column)
                    for row in range(len(young)) for column in range(len(mentors))
                    if not np.isnan(scores[row, column])), key=lambda item: -item[0])
    placed = {}
    for _score, row, column in pairs:
        if row in placed or places[mentors[column].id] == 0:
            continue
        placed[row] = column
        places[mentors[column].id] -= 1
    return [Placement(person.id, mentors[placed[row]].id if row in placed else None,
                      scores[row, placed[row]] if row in placed else 0.0,
                      suggestions[(row, placed[row])].reasons if row in placed else [])
            for row, person in enumerate(young)]


def total_score(placements):
    return round(sum(placement.score for placement in placements), 1)
