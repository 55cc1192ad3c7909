"""Platform activity per ward per month: a few narrow queries, bucketed into months in Python.

Each query selects only (ward, moment) pairs since the first month shown, so the number of
queries is the same whatever the number of wards or months, and month bucketing (in the
council's time zone) works the same on SQLite and PostgreSQL.

Where activity is counted:
- new members: the ward on their account now;
- posts (opening posts and replies, published, in published topics): the board's ward, or the
  author's ward for borough-wide boards;
- events held: each occurrence that has started, of a published event not cancelled, in the
  event's ward;
- attended: "going" answers for occurrences that have started, in the event's ward (by the
  occurrence's original date);
- matches across age bands: skills matches accepted (now active or ended) whose two people
  were in different age bands (13–17, 18–24, 25–44, 45–64, 65+) on the day, in the ward of
  the person who asked. An adult whose age isn't given counts as across only with a 13–17;
- projects proposed: not deleted, in the project's ward;
- grants awarded: applications funded, by decision date, in the project's ward (also the
  pounds awarded).
"""

from collections import defaultdict
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from forum.accounts.models import User, Ward, utcnow
from forum.boards.models import Board, Post, Topic
from forum.cohesion.services import ADULT_AGE_UNKNOWN, AGE_BANDS, age_group
from forum.core.timezones import local_midnight_utc, to_local
from forum.events import recurrence
from forum.events.models import Event, Rsvp
from forum.events.services import may_happen_between
from forum.extensions import db
from forum.grants.models import Application
from forum.projects.models import Project
from forum.skills.models import Match

METRICS = {
    "members": "New members",
    "posts": "Posts",
    "events": "Events held",
    "attended": "Places taken at events held",
    "matches": "Skills matches across age bands",
    "projects": "Projects proposed",
    "grants": "Grants awarded",
    "awarded_pounds": "Grant money awarded (£)",
}


def _zone():
    return current_app.config["TIMEZONE"]


def month_starts(months, now):
    """The first days of the last `months` months (local), oldest first."""
    local = to_local(now, _zone()).date()
    index = local.year * 12 + local.month - 1
    return [date((index - back) // 12, (index - back) % 12 + 1, 1)
            for back in range(months - 1, -1, -1)]


def across_age_bands(first, second):
    """Whether two reporting age bands differ (see the module's notes on unknown adults)."""
    if ADULT_AGE_UNKNOWN in (first, second):
        return AGE_BANDS[0] in (first, second)
    return first != second


def activity_by_ward(months=12, now=None):
    """{"months": [date], "wards": [(id, name)], "metrics": {metric: {ward id: [n per month]}}}.

    Ward id None collects activity with no ward (members without one, borough-wide events).
    """
    now = now or utcnow()
    zone = _zone()
    starts = month_starts(months, now)
    since = local_midnight_utc(starts[0], zone)
    position = {(day.year, day.month): index for index, day in enumerate(starts)}
    metrics = {metric: defaultdict(lambda: [0] * months) for metric in METRICS}

    def count(metric, ward_id, moment, amount=1):
        local = to_local(moment, zone)
        index = position.get((local.year, local.month))
        if index is not None and moment <= now:
            metrics[metric][ward_id][index] += amount

    for ward_id, moment in db.session.execute(
            select(User.ward_id, User.created_at).where(User.created_at >= since)):
        count("members", ward_id, moment)

    author = aliased(User)
    for ward_id, author_ward, moment in db.session.execute(
            select(Board.ward_id, author.ward_id, Post.created_at)
            .join(Topic, Post.topic_id == Topic.id).join(Board, Topic.board_id == Board.id)
            .join(author, Post.author_id == author.id)
            .where(Post.created_at >= since, Post.status == "published",
                   Topic.status == "published")):
        count("posts", ward_id if ward_id is not None else author_ward, moment)

    events = db.session.execute(
        select(Event).where(Event.status == "published", Event.cancelled_at.is_(None),
                            may_happen_between(since, now))).scalars().all()
    for event in events:
        for occurrence in recurrence.occurrences(event, since, now, zone):
            if occurrence.starts_at >= since:
                count("events", event.ward_id, occurrence.starts_at)

    for ward_id, moment in db.session.execute(
            select(Event.ward_id, Rsvp.occurrence_start).join(Event, Rsvp.event_id == Event.id)
            .where(Rsvp.state == "going", Rsvp.occurrence_start >= since,
                   Rsvp.occurrence_start <= now, Event.status == "published",
                   Event.cancelled_at.is_(None))):
        count("attended", ward_id, moment)

    requester, partner = aliased(User), aliased(User)
    for ward_id, moment, first_born, second_born in db.session.execute(
            select(requester.ward_id, Match.responded_at, requester.date_of_birth,
                   partner.date_of_birth)
            .join(requester, Match.requester_id == requester.id)
            .join(partner, Match.partner_id == partner.id)
            .where(Match.state.in_(("active", "ended")), Match.responded_at >= since)):
        day = to_local(moment, zone).date()
        if across_age_bands(age_group(first_born, day), age_group(second_born, day)):
            count("matches", ward_id, moment)

    for ward_id, moment in db.session.execute(
            select(Project.ward_id, Project.created_at)
            .where(Project.created_at >= since, Project.status != "deleted")):
        count("projects", ward_id, moment)

    for ward_id, moment, pence in db.session.execute(
            select(Project.ward_id, Application.decided_at, Application.awarded_pence)
            .join(Project, Application.project_id == Project.id)
            .where(Application.state == "funded", Application.decided_at >= since)):
        count("grants", ward_id, moment)
        count("awarded_pounds", ward_id, moment, (pence or 0) / 100)

    wards = [(ward.id, ward.name) for ward in db.session.execute(
        select(Ward).order_by(Ward.name)).scalars()]
    return {"months": starts, "wards": wards,
            "metrics": {metric: dict(rows) for metric, rows in metrics.items()}}


def series(activity, metric, ward_id=None, every_ward=True):
    """One metric month by month: one ward's, or (every_ward) the whole borough's."""
    rows = activity["metrics"][metric]
    if every_ward:
        return [sum(values) for values in zip(*rows.values(), strict=True)] if rows \
            else [0] * len(activity["months"])
    return list(rows.get(ward_id, [0] * len(activity["months"])))
