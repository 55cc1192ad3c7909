"""The cohesion dashboard's figures, for the page and for CSV: survey indicators, activity by
ward, and moderation's tension watch (reused, not recomputed)."""

import csv
import io
from dataclasses import replace

from sqlalchemy import func

from forum.cohesion import activity as platform_activity
from forum.cohesion import charts, stats
from forum.cohesion.models import SurveyResponse
from forum.cohesion.services import shift_quarter
from forum.extensions import db
from forum.moderation.figures import tension_watch

CSV_FIGURES = {
    "survey-overall": "Survey indicators, all residents",
    "survey-by-ward": "Survey indicators by ward",
    "survey-by-age": "Survey indicators by age band",
    "activity": "Platform activity by ward and month",
    "tension": "Tension watch: hate reports and held posts by ward and week",
}
# Cells that a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def pct(value):
    return "" if value is None else f"{round(100 * value)}%"


def default_quarter(quarters):
    """The newest of `quarters` with any answers, else the newest of them."""
    latest = db.session.execute(
        db.select(func.max(SurveyResponse.quarter))
        .where(SurveyResponse.quarter.in_(quarters))).scalar()
    return latest or quarters[0]


def _survey(quarter, wards):
    counts = stats.survey_counts([quarter, shift_quarter(quarter, -1)])
    figures = {}
    for key, when in (("now", quarter), ("before", shift_quarter(quarter, -1))):
        figures[key] = {
            "overall": stats.overall(counts, when),
            "by_ward": stats.breakdown(counts, when, stats.ward_groups(counts, when, wards),
                                       "ward"),
            "by_age": stats.breakdown(counts, when, stats.age_groups(counts, when), "age"),
        }
    return figures


def _glance(survey, ward, wards):
    """The four indicators for the ward chosen (as its row in the ward table shows them, so
    nothing hidden there to protect another ward shows here) or for everyone, with trends."""
    def pick(figures):
        if ward is None:
            return figures["overall"]
        index = [w.id for w in wards].index(ward.id)
        return {question: shares[index] for question, shares in figures["by_ward"].items()}

    now, before = pick(survey["now"]), pick(survey["before"])
    return [{"indicator": question, "label": stats.INDICATOR_LABELS[question],
             "share": now[question], "before": before[question],
             "trend": stats.trend(now[question], before[question])}
            for question in stats.INDICATORS]


def _survey_charts(survey, quarter):
    overall = [replace(share, label=stats.INDICATOR_LABELS[question])
               for question, share in survey["now"]["overall"].items()]
    found = {"overall": charts.share_bars(
        "chart-overall", f"Survey indicators, all residents, {quarter}",
        "Share of residents agreeing with each statement (or saying yes to volunteering), "
        "with 95% confidence intervals.", overall)}
    for by, noun in (("by_ward", "ward"), ("by_age", "age band")):
        for question, shares in survey["now"][by].items():
            found[by, question] = charts.share_bars(
                f"chart-{by}-{question}".replace("_", "-"),
                f"{stats.INDICATOR_LABELS[question]}, by {noun}, {quarter}",
                f"Share of each {noun}'s residents, with 95% confidence intervals; groups "
                f"with fewer than {stats.MIN_REPORTABLE} answers are not reported.", shares)
    return found


def _activity(ward):
    found = platform_activity.activity_by_ward()
    scope = ward.name if ward else "the whole borough"
    panels = [(label, platform_activity.series(found, metric, ward.id if ward else None,
                                               every_ward=ward is None))
              for metric, label in platform_activity.METRICS.items()]
    months = found["months"]
    found["scope"] = scope
    found["panels"] = panels
    found["chart"] = charts.small_multiples(
        "chart-activity", f"Platform activity month by month, {scope}",
        f"One small line chart per measure, from {months[0]:%B %Y} to {months[-1]:%B %Y}; "
        "each has its own scale, from zero to its highest month.", months, panels)
    return found


def _tension():
    watch = tension_watch()
    panels = [(f"{row['ward']}{' (rising)' if row['alert'] else ''}", row["weeks"])
              for row in watch["wards"]]
    watch["chart"] = charts.small_multiples(
        "chart-tension", "Hate reports and held posts per ward per week",
        "One small line chart per ward over the last twelve weeks; wards marked rising have "
        "this week at least three times their own average.", watch["week_starts"], panels,
        columns=3, date_format="%-d %b")
    return watch


def build(quarter, ward, wards):
    """Everything the dashboard shows for `quarter`, `ward` (None: all wards)."""
    survey = _survey(quarter, wards)
    return {"previous_quarter": shift_quarter(quarter, -1), "survey": survey,
            "glance": _glance(survey, ward, wards),
            "survey_charts": _survey_charts(survey, quarter),
            "indicators": stats.INDICATOR_LABELS, "min_reportable": stats.MIN_REPORTABLE,
            "activity": _activity(ward), "metrics": platform_activity.METRICS,
            "tension": _tension(), "csv": CSV_FIGURES}


# --- CSV -----------------------------------------------------------------------------------------


def safe_cell(value):
    """A cell a spreadsheet shows as text: formula-like text gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rows_for_shares(quarter, figures):
    yield ["quarter", "group", "indicator", "answered", "agreeing_or_yes", "share_percent",
           "ci95_low_percent", "ci95_high_percent", "note"]
    for question, shares in figures.items():
        for share in shares:
            if share.suppressed:
                yield [quarter, share.label, question, "", "", "", "", "",
                       f"suppressed: {share.hidden_because}"]
            else:
                yield [quarter, share.label, question, share.answered, share.agreeing,
                       f"{100 * share.value:.1f}", f"{100 * share.low:.1f}",
                       f"{100 * share.high:.1f}", ""]


def _rows(figure, quarter, ward, wards):
    if figure.startswith("survey-"):
        survey = _survey(quarter, wards)["now"]
        if figure == "survey-overall":
            figures = {question: [share] for question, share in survey["overall"].items()}
        else:
            figures = survey["by_ward" if figure == "survey-by-ward" else "by_age"]
        yield from _rows_for_shares(quarter, figures)
    elif figure == "activity":
        found = platform_activity.activity_by_ward()
        names = dict(found["wards"])
        yield ["metric", "ward", "month", "value"]
        for metric in platform_activity.METRICS:
            for ward_id, values in sorted(found["metrics"][metric].items(),
                                          key=lambda item: names.get(item[0], "")):
                if ward is not None and ward_id != ward.id:
                    continue
                for month, value in zip(found["months"], values, strict=True):
                    yield [metric, names.get(ward_id, stats.NO_WARD), f"{month:%Y-%m}",
                           round(value, 2)]
    else:
        watch = tension_watch()
        yield ["ward", "week_starting", "count", "rising_this_week"]
        for row in watch["wards"]:
            if ward is not None and row["ward"] != ward.name:
                continue
            for start, count in zip(watch["week_starts"], row["weeks"], strict=True):
                yield [row["ward"], f"{start:%Y-%m-%d}", count, "yes" if row["alert"] else ""]


def csv_for(figure, quarter, ward, wards):
    """The figure as CSV text, with a header row; suppressed cells empty, with a note."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(figure, quarter, ward, wards):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
