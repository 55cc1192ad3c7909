"""Numbers about moderation: the public transparency report and staff's tension watch."""

import statistics
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select

from forum.accounts.models import Ward, utcnow
from forum.extensions import db
from forum.moderation.models import Appeal, Case, Decision, Flag, Nudge

HATE_REASONS = ("hate", "threat")


def _month(value):
    return f"{value:%Y-%m}"


def transparency(months=12, now=None):
    """Month by month, newest first: what was actioned and how, for the public page."""
    now = now or utcnow()
    since = (now.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = defaultdict(lambda: {
        "actioned": defaultdict(int), "kept": 0, "automated": 0, "human": 0,
        "report_to_decision_hours": [], "appeals": 0, "overturned": 0,
        "nudges": 0, "nudge_outcomes": defaultdict(int),
    })
    decisions = db.session.execute(
        select(Decision, Case).join(Case, Decision.case_id == Case.id)
        .where(Decision.created_at >= since)
    ).all()
    first_flag = dict(db.session.execute(
        select(Flag.case_id, Flag.created_at).where(Flag.created_at >= since - timedelta(days=60))
        .order_by(Flag.created_at.desc())
    ).all())
    for decision, case in decisions:
        row = rows[_month(decision.created_at)]
        if decision.action == "keep":
            row["kept"] += 1
        else:
            row["actioned"][decision.rule or "other"] += 1
        row["automated" if case.automated else "human"] += 1
        reported = first_flag.get(case.id)
        if reported is not None:
            row["report_to_decision_hours"].append(
                (decision.created_at - reported).total_seconds() / 3600)
    for appeal in db.session.execute(
            select(Appeal).where(Appeal.created_at >= since)).scalars():
        row = rows[_month(appeal.created_at)]
        row["appeals"] += 1
        row["overturned"] += appeal.outcome == "overturned"
    for nudge in db.session.execute(select(Nudge).where(Nudge.created_at >= since)).scalars():
        row = rows[_month(nudge.created_at)]
        row["nudges"] += 1
        row["nudge_outcomes"][nudge.outcome] += 1
    report = []
    for month in sorted(rows, reverse=True):
        row = rows[month]
        hours = row.pop("report_to_decision_hours")
        row["median_hours_to_decision"] = round(statistics.median(hours), 1) if hours else None
        row["actioned"] = dict(row["actioned"])
        row["nudge_outcomes"] = dict(row["nudge_outcomes"])
        row["actioned_total"] = sum(row["actioned"].values())
        report.append({"month": month, **row})
    return report


def tension_watch(weeks=12, now=None, factor=3.0, minimum=3):
    """Hate reports and detector holds per ward per week, and which wards stand out.

    A ward stands out when this week's count is at least `minimum` and `factor` times its own
    average over the earlier weeks shown.
    """
    now = now or utcnow()
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
    week_starts = [start - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    counts = defaultdict(lambda: [0] * weeks)

    def week_index(moment):
        for index in range(weeks - 1, -1, -1):
            if moment >= week_starts[index]:
                return index
        return None

    flags = db.session.execute(
        select(Flag.created_at, Case.ward_id).join(Case, Flag.case_id == Case.id)
        .where(Flag.reason.in_(HATE_REASONS), Flag.created_at >= week_starts[0])
    ).all()
    holds = db.session.execute(
        select(Case.opened_at, Case.ward_id)
        .where(Case.source == "detector", Case.opened_at >= week_starts[0])
    ).all()
    for moment, ward_id in [*flags, *holds]:
        index = week_index(moment)
        if index is not None:
            counts[ward_id][index] += 1
    wards = {ward.id: ward.name for ward in db.session.execute(select(Ward)).scalars()}
    table = []
    for ward_id, name in sorted(wards.items(), key=lambda item: item[1]):
        series = counts.get(ward_id, [0] * weeks)
        baseline = sum(series[:-1]) / max(weeks - 1, 1)
        alert = series[-1] >= minimum and series[-1] >= factor * max(baseline, 0.5)
        table.append({"ward": name, "weeks": series, "baseline": round(baseline, 1),
                      "this_week": series[-1], "alert": alert})
    return {"week_starts": week_starts, "wards": table}
