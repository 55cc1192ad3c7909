"""The survey's indicators: shares with 95% Wilson intervals, by ward and age band, with small
groups suppressed.

Every share is over everyone who answered that question, "Don't know" included: agreeing
means "Definitely" or "Tend to" agree (3 or 4); volunteering means "yes".
"""

import math
from dataclasses import dataclass

from sqlalchemy import case, func

from forum.cohesion.models import AGREES, QUESTIONS, SurveyResponse
from forum.cohesion.services import ADULT_AGE_UNKNOWN, AGE_GROUP_LABELS, AGE_GROUPS
from forum.extensions import db

MIN_REPORTABLE = 10
Z_95 = 1.959963984540054

INDICATORS = tuple(QUESTIONS)
# How each indicator reads on the dashboard: the share of people who ...
INDICATOR_LABELS = {
    "get_on": "Agree people from different backgrounds get on well",
    "belong": "Feel they belong to their neighbourhood",
    "influence": "Feel they can influence local decisions",
    "volunteered": "Gave unpaid help in the last 12 months",
}

TOO_FEW = "too few to report"
PROTECTS = "hidden so that another group's figure can't be worked out"
ALL = object()  # "any ward" / "any age band", as opposed to None (no ward given)
NO_WARD = "No ward given"


def wilson(successes, n, z=Z_95):
    """The Wilson score interval (low, high) for `successes` out of `n`; (None, None) for n=0."""
    if n <= 0:
        return None, None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Share:
    """One group's figure for one indicator; value, low and high are None when suppressed."""

    label: str
    answered: int
    agreeing: int
    hidden_because: str = ""

    @classmethod
    def of(cls, label, answered, agreeing):
        return cls(label, answered, agreeing,
                   "" if answered >= MIN_REPORTABLE else TOO_FEW)

    @property
    def suppressed(self):
        return bool(self.hidden_because)

    @property
    def note(self):
        """What a reader sees instead of a hidden figure."""
        if not self.suppressed:
            return ""
        return TOO_FEW if self.hidden_because == TOO_FEW else "not shown, to protect a small group"

    @property
    def value(self):
        return None if self.suppressed else self.agreeing / self.answered

    @property
    def low(self):
        return None if self.suppressed else wilson(self.agreeing, self.answered)[0]

    @property
    def high(self):
        return None if self.suppressed else wilson(self.agreeing, self.answered)[1]

    def hidden(self, because):
        return Share(self.label, self.answered, self.agreeing, because)


def survey_counts(quarters):
    """{(quarter, ward_id, age_band): {indicator: (answered, agreeing)}}, in one GROUP BY."""
    columns = []
    for question in INDICATORS:
        column = getattr(SurveyResponse, question)
        yes = column.is_(True) if question == "volunteered" else column.in_(AGREES)
        columns += [func.count(column), func.sum(case((yes, 1), else_=0))]
    rows = db.session.execute(
        db.select(SurveyResponse.quarter, SurveyResponse.ward_id, SurveyResponse.age_band,
                  *columns)
        .where(SurveyResponse.quarter.in_(list(quarters)))
        .group_by(SurveyResponse.quarter, SurveyResponse.ward_id, SurveyResponse.age_band)
    ).all()
    counts = {}
    for quarter, ward_id, age_band, *numbers in rows:
        counts[quarter, ward_id, age_band] = {
            question: (int(numbers[2 * index] or 0), int(numbers[2 * index + 1] or 0))
            for index, question in enumerate(INDICATORS)}
    return counts


def _total(counts, quarter, ward_id=ALL, age_band=ALL):
    totals = dict.fromkeys(INDICATORS, (0, 0))
    for (row_quarter, row_ward, row_band), numbers in counts.items():
        if row_quarter != quarter or (ward_id is not ALL and row_ward != ward_id) \
                or (age_band is not ALL and row_band != age_band):
            continue
        for question, (answered, agreeing) in numbers.items():
            totals[question] = (totals[question][0] + answered, totals[question][1] + agreeing)
    return totals


def overall(counts, quarter, ward_id=ALL, label="All residents"):
    """{indicator: Share} for everyone (or one ward's residents) in `quarter`."""
    totals = _total(counts, quarter, ward_id=ward_id)
    return {question: Share.of(label, *totals[question]) for question in INDICATORS}


def _protect(shares):
    """Hide a second group when exactly one is hidden, so the total minus the groups shown
    can't give the hidden group's numbers away (groups with no answers give nothing away)."""
    hidden = [share for share in shares if share.suppressed and share.answered > 0]
    shown = [share for share in shares if not share.suppressed]
    if len(hidden) != 1 or not shown:
        return shares
    smallest = min(shown, key=lambda share: share.answered)
    return [share.hidden(PROTECTS) if share is smallest else share for share in shares]


def breakdown(counts, quarter, groups, by):
    """{indicator: [Share, one per group]} for `groups` [(key, label)], `by` "ward" or "age"."""
    figures = {question: [] for question in INDICATORS}
    for key, label in groups:
        totals = _total(counts, quarter, **({"ward_id": key} if by == "ward"
                                            else {"age_band": key}))
        for question in INDICATORS:
            figures[question].append(Share.of(label, *totals[question]))
    return {question: _protect(shares) for question, shares in figures.items()}


def ward_groups(counts, quarter, wards):
    """[(ward id, name)] for the wards, and "No ward given" when some answers have none."""
    groups = [(ward.id, ward.name) for ward in wards]
    if any(key[0] == quarter and key[1] is None for key in counts):
        groups.append((None, NO_WARD))
    return groups


def age_groups(counts, quarter):
    """[(band, label)] for the age bands, and adults of unknown age when there are some."""
    return [(band, AGE_GROUP_LABELS[band]) for band in AGE_GROUPS
            if band != ADULT_AGE_UNKNOWN
            or any(key[0] == quarter and key[2] == band for key in counts)]


def trend(now, before):
    """How a share moved since the previous quarter, or None when either isn't reportable.

    {"points": change in percentage points, "overlap": whether the two intervals overlap, in
    which case the change may well be chance}.
    """
    if now.suppressed or before.suppressed:
        return None
    points = round(100 * (now.value - before.value))
    return {"points": points, "overlap": now.low <= before.high and before.low <= now.high}
