"""Helpers for grant tests (inside an application context): funds opened and applications made
through the services, and a clock moved for a vote by setting its window."""

from datetime import date, timedelta

from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.grants import services
from forum.grants.models import Application, Ballot, Fund
from forum.projects import services as projects

ACHIEVES = "Neighbours of every age meet each week and learn to mend what they own."


def open_fund(staff, name="Neighbourhood small grants", total=500_000, max_award=200_000,
              wards=(), decided_by="staff", min_voter_age=16, vote_from=None, vote_to=None):
    """A fund taking applications today (£5,000; at most £2,000 each unless told).

    A vote fund's window is in the future unless given: projects apply first, then
    `start_voting` opens it.
    """
    today = date.today()
    if decided_by == "vote" and vote_from is None:
        vote_from, vote_to = utcnow() + timedelta(days=40), utcnow() + timedelta(days=47)
    return services.save_fund(
        staff, None, name, "Money for groups that bring neighbours together.",
        "No money for alcohol or salaries.", total, max_award, [ward.id for ward in wards],
        today - timedelta(days=1), today + timedelta(days=30), decided_by, vote_from, vote_to,
        min_voter_age)


def project_led_by(lead, title="Repair café", ward=None):
    return projects.propose(lead, title, "A monthly repair café in the community centre, "
                            "where volunteers fix what neighbours bring.",
                            (ward or lead.ward).id, ["neighbours"])


def apply(lead, project, fund, amount=100_000, lines=None):
    lines = lines if lines is not None else [("Tools", amount // 2),
                                             ("Hall hire", amount - amount // 2)]
    return services.apply(lead, project, fund, amount, lines, ACHIEVES)


def set_window(fund, opens, closes):
    """Move a vote's window, as time passing would (no service changes an open window)."""
    fund = db.session.get(Fund, fund.id)
    fund.vote_opens_at, fund.vote_closes_at = opens, closes
    db.session.commit()
    return fund


def start_voting(fund):
    return set_window(fund, utcnow() - timedelta(hours=1), utcnow() + timedelta(days=7))


def close_voting(fund):
    return set_window(fund, utcnow() - timedelta(days=8), utcnow() - timedelta(minutes=1))


def ballots_of(fund):
    return db.session.execute(select(Ballot).where(Ballot.fund_id == fund.id)
                              .execution_options(populate_existing=True)).scalars().all()


def application_of(project):
    return db.session.execute(select(Application).where(Application.project_id == project.id)
                              .execution_options(populate_existing=True)).scalar_one()
