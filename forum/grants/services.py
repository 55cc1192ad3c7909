"""Small grants and participatory budgeting.

Staff open a fund; a project's lead applies (amount, budget lines that add up, what it will
achieve). In a staff-decided fund, staff assess (notes, score) and decide: fund, decline with
reasons, or ask for changes, never awarding more than is left. In a vote fund, eligible
residents choose projects within the budget until the window closes; then the results are
counted by `tally()` (a pure function) and published. Every staff action is audited; every
decision is logged on the project and told to its group.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.accounts.models import Ward, utcnow
from forum.core import audit
from forum.core.policy import ballot_refusal, can, manages_as_member, require, signed_in
from forum.errors import Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.grants.models import (
    DECIDED_BY,
    Application,
    Assessment,
    Ballot,
    BallotChoice,
    BudgetLine,
    Fund,
)
from forum.projects import services as projects
from forum.projects.models import Project, ProjectMember
from forum.projects.services import format_money

MAX_LINES = 20
# Stages in which a project may ask for money (funded and completed ones may not).
APPLYING_STATES = ("idea", "active")
MAX_POUNDS = 1_000_000


# --- money from forms ------------------------------------------------------------------------


def parse_money(text, field):
    """"£1,250.50" or "1250.5" → 125050 pence; a clear message for anything else."""
    cleaned = (text or "").strip().replace(",", "").replace("£", "").strip()
    try:
        pounds, _, pence = cleaned.partition(".")
        if not pounds.isdigit() or (pence and (not pence.isdigit() or len(pence) > 2)):
            raise ValueError
        value = int(pounds) * 100 + (int(pence.ljust(2, "0")) if pence else 0)
    except ValueError:
        raise Invalid(field, "Write an amount in pounds, like 250 or 1,250.50.") from None
    if value <= 0:
        raise Invalid(field, "The amount must be more than £0.")
    if value > MAX_POUNDS * 100:
        raise Invalid(field, f"That is more than £{MAX_POUNDS:,}.")
    return value


# --- funds -----------------------------------------------------------------------------------


def get_fund(fund_id):
    fund = db.session.get(Fund, fund_id)
    if fund is None:
        raise NotFound("There's no fund here.")
    return fund


def list_funds():
    """Every fund, newest first (funds are public: what was awarded is public money)."""
    return db.session.execute(select(Fund).order_by(Fund.opens_on.desc(), Fund.id.desc())
                              ).scalars().all()


def save_fund(actor, fund, name, description, rules, total_pence, max_award_pence, ward_ids,
              opens_on, closes_on, decided_by, vote_opens_at=None, vote_closes_at=None,
              min_voter_age=16):
    """Open a fund (`fund` None) or change one. Staff only; audited."""
    require(actor, "grants.manage")
    name = " ".join((name or "").split())
    if not 3 <= len(name) <= 120:
        raise Invalid("name", "Give the fund a name of 3 to 120 characters.")
    if decided_by not in DECIDED_BY:
        raise Invalid("decided_by", "Choose how the fund decides.")
    if max_award_pence > total_pence:
        raise Invalid("max_award", "The most one project can get can't be more than the "
                                   "fund's total.")
    if closes_on < opens_on:
        raise Invalid("closes_on", "Applications must close on or after the day they open.")
    wards = db.session.execute(select(Ward).where(Ward.id.in_(ward_ids or []))).scalars().all()
    if len(wards) != len(set(ward_ids or [])):
        raise Invalid("ward_ids", "Choose wards from the list.")
    if decided_by == "vote":
        if vote_opens_at is None or vote_closes_at is None:
            raise Invalid("vote_opens_at", "A vote needs the times voting opens and closes.")
        if vote_closes_at <= vote_opens_at:
            raise Invalid("vote_closes_at", "Voting must close after it opens.")
        if not 13 <= int(min_voter_age) <= 120:
            raise Invalid("min_voter_age", "The minimum age must be 13 or more (the youngest "
                                           "age at which people join).")
    else:
        vote_opens_at = vote_closes_at = None
    if fund is not None:
        if fund.results_published_at is not None:
            raise NotAllowed("This fund's results are published; it can't be changed.")
        awarded = awarded_total(fund)
        if total_pence < awarded:
            raise Invalid("total", f"{format_money(awarded)} is already awarded from this "
                                   "fund; the total can't be less.")
    before = _fund_facts(fund) if fund is not None else None
    if fund is None:
        fund = Fund(created_by_id=actor.id, total_pence=total_pence,
                    max_award_pence=max_award_pence, opens_on=opens_on, closes_on=closes_on)
        db.session.add(fund)
    fund.name, fund.description, fund.rules = name, (description or "").strip(), \
        (rules or "").strip()
    fund.total_pence, fund.max_award_pence = total_pence, max_award_pence
    fund.opens_on, fund.closes_on, fund.decided_by = opens_on, closes_on, decided_by
    fund.vote_opens_at, fund.vote_closes_at = vote_opens_at, vote_closes_at
    fund.min_voter_age = int(min_voter_age)
    fund.wards = list(wards)
    db.session.flush()
    audit.record(actor, "fund.update" if before else "fund.create", fund, before=before,
                 after=_fund_facts(fund))
    db.session.commit()
    return fund


def _fund_facts(fund):
    return {"name": fund.name, "total_pence": fund.total_pence,
            "max_award_pence": fund.max_award_pence, "decided_by": fund.decided_by,
            "opens_on": fund.opens_on.isoformat(), "closes_on": fund.closes_on.isoformat(),
            "wards": [ward.slug for ward in fund.wards]}


def _voting_started(fund):
    """A vote fund's ballot is fixed once voting opens: no new projects join it."""
    return fund.is_vote and fund.vote_opens_at is not None and utcnow() >= fund.vote_opens_at


def accepts_applications(fund, today):
    return fund.opens_on <= today <= fund.closes_on and fund.results_published_at is None


# Where the funds page lists a fund in each phase.
PHASE_GROUP = {"upcoming": "upcoming", "open": "open", "awaiting_vote": "voting",
               "voting": "voting", "counting": "voting", "decided": "decided"}


def phase(fund, today, now):
    """Where a fund is in its life: "upcoming", "open" (taking applications), "awaiting_vote"
    (applications closed, voting not open yet), "voting", "counting" (voting closed, results
    not out) or "decided" (results published, or a staff fund past its closing day)."""
    if fund.is_vote:
        state = voting_state(fund, now)
        if state == "published":
            return "decided"
        if state in ("open", "counting"):
            return {"open": "voting", "counting": "counting"}[state]
    if today < fund.opens_on:
        return "upcoming"
    if accepts_applications(fund, today):
        return "open"
    return "awaiting_vote" if fund.is_vote else "decided"


def awarded_total(fund):
    return db.session.execute(select(func.coalesce(func.sum(Application.awarded_pence), 0))
                              .where(Application.fund_id == fund.id,
                                     Application.state == "funded")).scalar_one()


@dataclass
class FundSummary:
    total: int
    awarded: int
    funded: int
    waiting: int

    @property
    def remaining(self):
        return self.total - self.awarded


def summary(fund):
    """What the fund page shows at the top: total, awarded, left, and how many projects."""
    counts = dict(db.session.execute(
        select(Application.state, func.count()).where(Application.fund_id == fund.id)
        .group_by(Application.state)).all())
    return FundSummary(total=fund.total_pence, awarded=awarded_total(fund),
                       funded=counts.get("funded", 0),
                       waiting=counts.get("submitted", 0) + counts.get("changes", 0))


def applications(fund, states=None):
    query = select(Application).where(Application.fund_id == fund.id)
    if states:
        query = query.where(Application.state.in_(states))
    return db.session.execute(query.order_by(Application.submitted_at, Application.id)
                              ).scalars().all()


def get_application(application_id):
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound("There's no application here.")
    return application


def may_see_application(viewer, application):
    """The group and staff see the whole application; everyone sees funded ones and, in a
    vote, those on the ballot."""
    if can(viewer, "grants.manage") or can(viewer, "project.contribute", application.project):
        return True
    if application.state == "funded":
        return True
    return application.fund.is_vote and application.state in ("submitted", "not_funded")


# --- applying --------------------------------------------------------------------------------


def _clean_application(fund, project, amount_pence, lines, achieves):
    if amount_pence > fund.max_award_pence:
        raise Invalid("amount", f"This fund gives at most {format_money(fund.max_award_pence)} "
                                "to one project.")
    achieves = (achieves or "").strip()
    if len(achieves) < 20:
        raise Invalid("achieves", "Say what the grant will achieve, in a sentence or two.")
    if len(achieves) > 4000:
        raise Invalid("achieves", "Keep this to 4,000 characters.")
    cleaned = []
    for description, pence in lines:
        description = " ".join((description or "").split())
        if not description and not pence:
            continue
        if not description or not pence:
            raise Invalid("lines", "Give every budget line both what it is for and how much.")
        if len(description) > 150:
            raise Invalid("lines", "Keep each budget line's description to 150 characters.")
        cleaned.append((description, pence))
    if not cleaned:
        raise Invalid("lines", "List what the money is for: at least one budget line.")
    if len(cleaned) > MAX_LINES:
        raise Invalid("lines", f"Use at most {MAX_LINES} budget lines.")
    total = sum(pence for _, pence in cleaned)
    if total != amount_pence:
        raise Invalid("lines", f"The budget lines add up to {format_money(total)}, but the "
                               f"application asks for {format_money(amount_pence)}. Make them "
                               "match.")
    if not fund.covers(project.ward_id):
        raise Invalid("fund_id", f"This fund is for projects in {fund.ward_names}.")
    return cleaned, achieves


def apply(actor, project, fund, amount_pence, lines, achieves, today=None):
    """The group's lead asks a fund for money. One application per project per fund.

    :param lines: [(description, pence)], which must add up to `amount_pence`.
    """
    require(actor, "project.manage", project,
            message="The group's lead applies for grants.")
    today = today or date.today()
    if project.status != "published" or project.state not in APPLYING_STATES:
        raise Invalid("fund_id", "Only published projects that are not yet funded or "
                                 "finished can apply.")
    if not accepts_applications(fund, today) or _voting_started(fund):
        raise Invalid("fund_id", "This fund is not taking applications now.")
    cleaned, achieves = _clean_application(fund, project, amount_pence, lines, achieves)
    application = Application(fund_id=fund.id, project_id=project.id,
                              amount_pence=amount_pence, achieves=achieves,
                              submitted_by_id=actor.id, state="submitted")
    application.lines = [BudgetLine(position=index, description=description, amount_pence=pence)
                         for index, (description, pence) in enumerate(cleaned)]
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Invalid("fund_id", "This project has already applied to this fund.") from None
    projects.log(project, actor, "grant",
                 f"Applied to {fund.name} for {format_money(amount_pence)}.")
    db.session.commit()
    return application


def resubmit(actor, application, amount_pence, lines, achieves, today=None):
    """After staff asked for changes, the lead sends the application again."""
    require(actor, "project.manage", application.project)
    if application.state != "changes":
        raise NotAllowed("Only an application sent back for changes can be resubmitted.")
    fund = application.fund
    if fund.results_published_at is not None or (
            fund.is_vote and fund.vote_opens_at and utcnow() >= fund.vote_opens_at):
        raise NotAllowed("This fund is no longer taking changes.")
    cleaned, achieves = _clean_application(fund, application.project, amount_pence, lines,
                                           achieves)
    application.amount_pence, application.achieves = amount_pence, achieves
    application.lines = [BudgetLine(position=index, description=description, amount_pence=pence)
                         for index, (description, pence) in enumerate(cleaned)]
    application.state, application.submitted_at = "submitted", utcnow()
    projects.log(application.project, actor, "grant",
                 f"Sent the application to {fund.name} again, for "
                 f"{format_money(amount_pence)}.")
    db.session.commit()
    return application


def withdraw(actor, application):
    require(actor, "project.manage", application.project)
    if application.state not in ("submitted", "changes"):
        raise NotAllowed("Only an application that is still waiting can be withdrawn.")
    fund = application.fund
    if fund.is_vote and fund.vote_opens_at and utcnow() >= fund.vote_opens_at:
        raise NotAllowed("Voting has started: the project stays on the ballot.")
    application.state = "withdrawn"
    projects.log(application.project, actor, "grant",
                 f"Withdrew the application to {application.fund.name}.")
    db.session.commit()
    return application


# --- assessing and deciding (staff-decided funds) --------------------------------------------


def assess(actor, application, score, notes):
    """A staff member's score (1–5) and notes; several staff may assess one application."""
    require(actor, "grants.manage")
    if application.state not in ("submitted", "changes"):
        raise NotAllowed("This application has been decided.")
    if score not in (1, 2, 3, 4, 5):
        raise Invalid("score", "Give a score from 1 to 5.")
    notes = (notes or "").strip()
    if not notes:
        raise Invalid("notes", "Write a note on how the application meets the fund's rules.")
    assessment = Assessment(application_id=application.id, assessor_id=actor.id, score=score,
                            notes=notes)
    db.session.add(assessment)
    db.session.flush()
    audit.record(actor, "grant.assess", application, after={"score": score})
    db.session.commit()
    return assessment


def average_score(application):
    scores = [assessment.score for assessment in application.assessments]
    return round(sum(scores) / len(scores), 1) if scores else None


def decide(actor, application, decision, reason="", award_pence=None):
    """Fund, decline (with reasons) or ask for changes; the group is told either way.

    A vote fund's applications are decided by its results, except that staff may decline
    one that breaks the rules before voting opens.
    """
    require(actor, "grants.manage")
    fund = application.fund
    if application.state not in ("submitted", "changes"):
        raise NotAllowed("This application has already been decided.")
    reason = (reason or "").strip()
    if decision not in ("fund", "decline", "changes"):
        raise Invalid("decision", "Choose a decision.")
    if fund.is_vote:
        if decision == "fund":
            raise NotAllowed("Residents decide this fund by their votes.")
        if fund.vote_opens_at and utcnow() >= fund.vote_opens_at:
            raise NotAllowed("Voting has started: the ballot can't change now.")
    if decision in ("decline", "changes") and not reason:
        raise Invalid("reason", "Tell the group why, so they can act on it." if decision ==
                      "decline" else "Tell the group what to change.")
    project = application.project
    before = {"state": application.state}
    if decision == "fund":
        award = award_pence or application.amount_pence
        if award > application.amount_pence:
            raise Invalid("award", "Award no more than the group asked for.")
        left = fund.total_pence - awarded_total(fund)
        if award > left:
            raise Invalid("award", f"Only {format_money(left)} is left in this fund.")
        application.state, application.awarded_pence = "funded", award
        projects.mark_funded(project, actor, fund.name, award)
        summary_text = f"{fund.name} awarded {format_money(award)} to “{project.title}”"
    elif decision == "decline":
        application.state = "declined"
        projects.log(project, actor, "grant", f"{fund.name} declined the application: {reason}")
        summary_text = f"{fund.name} declined the application from “{project.title}”"
    else:
        application.state = "changes"
        projects.log(project, actor, "grant",
                     f"{fund.name} asked for changes to the application: {reason}")
        summary_text = f"{fund.name} asked for changes to “{project.title}”'s application"
    application.decision_reason = reason
    application.decided_at, application.decided_by_id = utcnow(), actor.id
    audit.record(actor, f"grant.{decision}", application, reason=reason, before=before,
                 after={"state": application.state, "awarded_pence": application.awarded_pence})
    if decision != "fund":  # mark_funded has told the group already
        projects.tell_members(project, summary_text)
    db.session.commit()
    return application


# --- participatory budgeting -----------------------------------------------------------------


def ballot_applications(fund):
    """The projects on the ballot: every application still standing when voting opens."""
    return applications(fund, states=("submitted",))


def voting_state(fund, now):
    """"not_vote", "before", "open", "counting" (closed, results not out) or "published"."""
    if not fund.is_vote:
        return "not_vote"
    if fund.results_published_at is not None:
        return "published"
    if now < fund.vote_opens_at:
        return "before"
    if now < fund.vote_closes_at:
        return "open"
    return "counting"


def my_ballot(fund, voter):
    if not getattr(voter, "is_authenticated", False):
        return None
    return db.session.execute(select(Ballot).where(Ballot.fund_id == fund.id,
                                                   Ballot.voter_id == voter.id)
                              ).scalar_one_or_none()


def cast_ballot(actor, fund, application_ids, now=None):
    """Save (or replace) the actor's choices. Refuses a selection over the fund's budget.

    One ballot per person is the database's rule, and simultaneous votes from one person are
    taken one after another (`_claim_ballot`): the last one wins, whole.
    """
    now = now or utcnow()
    refusal = ballot_refusal(actor, fund, now)
    if refusal:
        raise NotAllowed(refusal)
    try:
        wanted = list(dict.fromkeys(int(choice) for choice in application_ids or []))
    except (TypeError, ValueError):
        raise Invalid("choices", "Choose projects from this ballot.") from None
    if not wanted:
        raise Invalid("choices", "Choose at least one project.")
    on_ballot = {application.id: application for application in ballot_applications(fund)}
    if any(choice not in on_ballot for choice in wanted):
        raise Invalid("choices", "Choose projects from this ballot.")
    total = sum(on_ballot[choice].amount_pence for choice in wanted)
    if total > fund.total_pence:
        raise Invalid("choices", f"Your choices add up to {format_money(total)}, which is more "
                                 f"than this fund's {format_money(fund.total_pence)}. Take "
                                 "one or more out.")
    ballot_id = _claim_ballot(fund, actor, now)
    # Replace the choices with plain statements under the ballot's lock (not through the
    # ORM collection, which may have been loaded before another request changed it).
    db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == ballot_id))
    db.session.execute(insert(BallotChoice), [{"ballot_id": ballot_id, "application_id": choice}
                                              for choice in wanted])
    db.session.commit()
    return db.session.execute(select(Ballot).where(Ballot.id == ballot_id)
                              .execution_options(populate_existing=True)).scalar_one()


def _claim_ballot(fund, voter, now):
    """The voter's ballot id, made if need be, locked for the rest of the transaction.

    One INSERT … ON CONFLICT DO UPDATE: two first votes from one person make one row (the
    unique constraint), and the second waits for the first to commit (PostgreSQL's row lock;
    on SQLite the statement takes the database's write lock), so their choices never mix.
    """
    dialect = db.session.get_bind().dialect.name
    upsert = (postgres_insert if dialect == "postgresql" else sqlite_insert)(Ballot.__table__)
    statement = upsert.values(fund_id=fund.id, voter_id=voter.id, created_at=now,
                              updated_at=now).on_conflict_do_update(
        index_elements=["fund_id", "voter_id"], set_={"updated_at": now})
    return db.session.execute(statement.returning(Ballot.__table__.c.id)).scalar_one()


@dataclass
class Result:
    application_id: int
    amount: int
    votes: int
    funded: bool
    note: str = ""


def tally(candidates, budget):
    """Which projects a vote funds: most votes first, while money remains.

    :param candidates: [(application id, amount in pence, votes, submitted order)].
    :param budget: the fund's total, in pence.
    :returns: [Result] in ranking order. Ties on votes go to the cheaper project (more
        projects funded), then to the earlier application. A project that no longer fits in
        what is left is skipped, and the count goes on to cheaper ones below it.
    """
    ranked = sorted(candidates, key=lambda item: (-item[2], item[1], item[3]))
    left, results = budget, []
    for application_id, amount, votes, _ in ranked:
        if votes > 0 and amount <= left:
            left -= amount
            results.append(Result(application_id, amount, votes, True))
        else:
            note = "no votes" if votes == 0 else "did not fit in what was left"
            results.append(Result(application_id, amount, votes, False, note))
    return results


def vote_counts(fund):
    """{application id: ballots choosing it}."""
    return dict(db.session.execute(
        select(BallotChoice.application_id, func.count())
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .where(Ballot.fund_id == fund.id).group_by(BallotChoice.application_id)).all())


def ballot_count(fund):
    return db.session.execute(select(func.count()).select_from(Ballot)
                              .where(Ballot.fund_id == fund.id)).scalar_one()


def publish_results(actor, fund, now=None):
    """Count the ballots once voting has closed, fund the winners, publish the counts."""
    require(actor, "grants.manage")
    now = now or utcnow()
    if fund.results_published_at is not None:
        raise NotAllowed("The results have already been published.")
    if voting_state(fund, now) != "counting":
        raise NotAllowed("Results can be published once voting has closed.")
    # Claim the count: two staff pressing at once must not fund twice.
    claimed = db.session.execute(
        db.update(Fund).where(Fund.id == fund.id, Fund.results_published_at.is_(None))
        .values(results_published_at=now))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise NotAllowed("The results have already been published.")
    counts = vote_counts(fund)
    standing = ballot_applications(fund)
    by_id = {application.id: application for application in standing}
    results = tally([(application.id, application.amount_pence, counts.get(application.id, 0),
                      index) for index, application in enumerate(standing)], fund.total_pence)
    for result in results:
        application = by_id[result.application_id]
        application.votes = result.votes
        application.decided_at, application.decided_by_id = now, actor.id
        if result.funded:
            application.state, application.awarded_pence = "funded", result.amount
            projects.mark_funded(application.project, actor, fund.name, result.amount)
        else:
            application.state = "not_funded"
            votes = f"{result.votes} vote{'' if result.votes == 1 else 's'}"
            application.decision_reason = f"{votes}; {result.note}."
            projects.log(application.project, actor, "grant",
                         f"{fund.name}'s vote: {votes}, not funded ({result.note}).")
            projects.tell_members(application.project,
                                  f"{fund.name}'s results are out: "
                                  f"“{application.project.title}” was not funded this time")
    audit.record(actor, "fund.publish_results", fund, after={
        "ballots": ballot_count(fund),
        "funded": [result.application_id for result in results if result.funded]})
    db.session.commit()
    return results


def results(fund):
    """The published results, in ranking order (after publication only)."""
    if fund.results_published_at is None:
        return []
    return db.session.execute(
        select(Application).where(Application.fund_id == fund.id,
                                  Application.state.in_(("funded", "not_funded")))
        .order_by(Application.votes.desc(), Application.amount_pence, Application.submitted_at)
    ).scalars().all()


def open_funds_for(project, today=None):
    """Funds this project could apply to today (right ward, open, not applied yet)."""
    today = today or date.today()
    applied = select(Application.fund_id).where(Application.project_id == project.id)
    candidates = db.session.execute(select(Fund).where(
        Fund.opens_on <= today, Fund.closes_on >= today, Fund.results_published_at.is_(None),
        Fund.id.not_in(applied))).scalars().all()
    return [fund for fund in candidates
            if not _voting_started(fund) and fund.covers(project.ward_id)]


def projects_that_may_apply(fund, user, today):
    """The projects `user` leads (or, as staff, belongs to) that could apply to `fund` today,
    in one query: for the fund page's "apply for" list."""
    if not signed_in(user) or not accepts_applications(fund, today) or _voting_started(fund):
        return []
    applied = select(Application.project_id).where(Application.fund_id == fund.id)
    rows = db.session.execute(
        select(Project, ProjectMember.role).join(ProjectMember,
                                                 ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user.id, Project.status == "published",
               Project.state.in_(APPLYING_STATES), Project.id.not_in(applied))
        .order_by(Project.created_at.desc())).all()
    return [project for project, role in rows
            if manages_as_member(user, role) and fund.covers(project.ward_id)]


def applications_of(project):
    """The project's applications with their funds (one query), newest first."""
    return db.session.execute(select(Application).where(Application.project_id == project.id)
                              .options(joinedload(Application.fund))
                              .order_by(Application.submitted_at.desc())).scalars().all()

