"""The grants services: who may vote and why not, ballots within the budget, the count
(`tally`, a pure function, and the published results), and the rules staff decide by."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from forum.accounts.models import User, utcnow
from forum.errors import Invalid, NotAllowed
from forum.extensions import db
from forum.grants import services
from forum.grants.models import Ballot, BallotChoice, Fund
from tests.grants.factories import (
    apply,
    ballots_of,
    close_voting,
    open_fund,
    project_led_by,
    start_voting,
)


@pytest.fixture
def staff(ctx, make_user):
    return make_user("jo", roles=["staff"])


@pytest.fixture
def vote_fund(staff, make_user):
    """A £1,000 vote with four projects on the ballot (£400, £300, £300, £200), voting open."""
    fund = open_fund(staff, "Riverside decides", total=100_000, max_award=50_000,
                     decided_by="vote")
    amounts = {"Play street": 40_000, "Community fridge": 30_000, "Mural": 30_000,
               "Bee garden": 20_000}
    for index, (title, amount) in enumerate(amounts.items()):
        lead = make_user(f"lead{index}")
        apply(lead, project_led_by(lead, title), fund, amount)
    return start_voting(fund)


def ballot_ids(fund):
    return {application.project.title: application.id
            for application in services.ballot_applications(fund)}


# --- tally: a pure function ------------------------------------------------------------------


def test_tally_funds_most_votes_first_while_money_lasts():
    results = services.tally([(1, 500, 10, 0), (2, 300, 7, 1), (3, 300, 5, 2)], 800)
    assert [(r.application_id, r.funded) for r in results] == [(1, True), (2, True), (3, False)]
    assert results[2].note == "did not fit in what was left"


def test_tally_skips_a_project_that_does_not_fit_and_funds_a_cheaper_one_below():
    results = services.tally([(1, 600, 9, 0), (2, 500, 8, 1), (3, 300, 4, 2), (4, 200, 1, 3)],
                             1000)
    assert {r.application_id: r.funded for r in results} == {1: True, 2: False, 3: True,
                                                            4: False}
    assert [r.application_id for r in results] == [1, 2, 3, 4]


def test_tally_breaks_ties_by_cheaper_then_earlier():
    results = services.tally([(1, 400, 5, 0), (2, 300, 5, 1), (3, 300, 5, 2)], 700)
    assert [r.application_id for r in results] == [2, 3, 1]
    assert [r.funded for r in results] == [True, True, False]


def test_tally_never_funds_a_project_without_votes():
    results = services.tally([(1, 100, 0, 0)], 1000)
    assert not results[0].funded and results[0].note == "no votes"


# --- who may vote ----------------------------------------------------------------------------


def test_each_reason_not_to_vote_has_its_own_message(staff, make_user, make_ward):
    northgate = make_ward("Northgate")
    fund = open_fund(staff, "Riverside decides", decided_by="vote", min_voter_age=18,
                     wards=[make_user("x").ward])
    fund = start_voting(fund)
    now = utcnow()
    refusals = {
        "unverified": services.ballot_refusal(make_user("u", verified=False), fund, now),
        "ward": services.ballot_refusal(make_user("w", ward=northgate), fund, now),
        "age": services.ballot_refusal(make_user("y", age_band="16_17"), fund, now),
        "before": services.ballot_refusal(make_user("b"), fund,
                                          fund.vote_opens_at - timedelta(minutes=1)),
        "after": services.ballot_refusal(make_user("a"), fund, fund.vote_closes_at),
    }
    assert refusals == {
        "unverified": "Confirm your e-mail address to vote: we sent you a link when you "
                      "joined.",
        "ward": "This vote is for residents of Riverside.",
        "age": "This vote is for residents aged 18 or over.",
        "before": "Voting hasn't opened yet.",
        "after": "Voting has closed.",
    }
    assert services.ballot_refusal(make_user("ok"), fund, now) is None
    with pytest.raises(NotAllowed, match="residents aged 18"):
        services.cast_ballot(db.session.get(User, make_user("kid", age_band="16_17").id), fund,
                             [])


# --- ballots ---------------------------------------------------------------------------------


def test_a_ballot_over_the_budget_is_refused_with_the_totals(vote_fund, make_user):
    ids = ballot_ids(vote_fund)
    with pytest.raises(Invalid) as refused:
        services.cast_ballot(make_user("v"), vote_fund, list(ids.values()))
    assert refused.value.field == "choices"
    assert refused.value.message.startswith("Your choices add up to £1,200, which is more "
                                            "than this fund's £1,000.")
    assert ballots_of(vote_fund) == []


def test_changing_a_ballot_replaces_the_old_choices(vote_fund, make_user):
    ids, voter = ballot_ids(vote_fund), make_user("v")
    services.cast_ballot(voter, vote_fund, [ids["Play street"], ids["Mural"]])
    services.cast_ballot(voter, vote_fund, [ids["Bee garden"]])
    (ballot,) = ballots_of(vote_fund)
    assert [choice.application_id for choice in ballot.choices] == [ids["Bee garden"]]
    assert db.session.scalar(select(func.count()).select_from(BallotChoice)) == 1


def test_choices_must_be_on_this_ballot(vote_fund, make_user):
    with pytest.raises(Invalid, match="from this ballot"):
        services.cast_ballot(make_user("v"), vote_fund, ["999"])
    with pytest.raises(Invalid, match="from this ballot"):
        services.cast_ballot(make_user("w"), vote_fund, ["nonsense"])


@pytest.mark.parametrize("app_overrides", [{"SQLALCHEMY_ENGINE_OPTIONS": {
    "pool_size": 12, "max_overflow": 2, "pool_timeout": 20}}])
def test_simultaneous_votes_from_one_person_make_one_ballot(app, vote_fund, make_user):
    ids = list(ballot_ids(vote_fund).values())
    voter_id, fund_id = make_user("v").id, vote_fund.id
    db.session.commit()
    workers = 8
    barrier = threading.Barrier(workers)

    def vote(choice):
        with app.app_context():
            voter, fund = db.session.get(User, voter_id), db.session.get(Fund, fund_id)
            barrier.wait(timeout=30)
            services.cast_ballot(voter, fund, [choice])
            return choice

    with ThreadPoolExecutor(max_workers=workers) as pool:
        chosen = list(pool.map(vote, [ids[n % len(ids)] for n in range(workers)]))
    assert len(chosen) == workers  # every request succeeded (none failed with an error)
    db.session.rollback()
    (ballot,) = ballots_of(vote_fund)
    choices = db.session.execute(select(BallotChoice.application_id).where(
        BallotChoice.ballot_id == ballot.id)).scalars().all()
    assert len(choices) == 1 and choices[0] in ids  # one request's ballot, whole


# --- the count, published --------------------------------------------------------------------


def test_published_results_count_six_ballots_and_fund_what_fits(vote_fund, staff, make_user):
    ids = ballot_ids(vote_fund)
    play, fridge, mural, bees = (ids[title] for title in ("Play street", "Community fridge",
                                                          "Mural", "Bee garden"))
    for index, choices in enumerate([[play, fridge], [play, mural], [play, bees],
                                     [fridge, mural], [fridge, bees], [mural]]):
        services.cast_ballot(make_user(f"voter{index}"), vote_fund, choices)
    with pytest.raises(NotAllowed):
        services.publish_results(staff, vote_fund)  # voting is still open
    assert services.results(vote_fund) == []
    fund = close_voting(vote_fund)
    results = services.publish_results(staff, fund)
    # Votes: play 3, fridge 3, mural 3, bees 2. Fridge and mural (£300) beat the play street
    # (£400) on the tie; £400 is left, the play street fits, the bee garden doesn't.
    assert [(r.application_id, r.votes, r.funded) for r in results] == [
        (fridge, 3, True), (mural, 3, True), (play, 3, True), (bees, 2, False)]
    published = {application.project.title: (application.votes, application.state)
                 for application in services.results(fund)}
    assert published == {"Community fridge": (3, "funded"), "Mural": (3, "funded"),
                         "Play street": (3, "funded"), "Bee garden": (2, "not_funded")}
    assert services.summary(fund).awarded == 100_000
    assert services.ballot_count(fund) == 6
    with pytest.raises(NotAllowed, match="already|only once"):
        services.publish_results(staff, fund)


def test_no_projects_join_a_ballot_once_voting_has_opened(vote_fund, make_user):
    lead = make_user("late")
    with pytest.raises(Invalid, match="not taking applications"):
        apply(lead, project_led_by(lead, "Late idea"), vote_fund, 10_000)
    assert vote_fund not in services.open_funds_for(project_led_by(lead, "Later idea"))


def test_voting_the_same_again_keeps_one_ballot(vote_fund, make_user):
    voter = make_user("v")
    services.cast_ballot(voter, vote_fund, [ballot_ids(vote_fund)["Mural"]])
    services.cast_ballot(voter, vote_fund, [ballot_ids(vote_fund)["Mural"]])
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1


def test_the_fund_page_offers_only_projects_the_person_leads_that_could_apply(staff, make_user):
    from forum.projects import services as projects
    from tests.factories import get_or_create_ward

    hulme, moss = get_or_create_ward("Hulme"), get_or_create_ward("Moss Side")
    db.session.commit()
    fund = open_fund(staff, wards=[hulme])
    lead, helper = make_user("lena", ward=hulme), make_user("sam", ward=hulme)
    ready = project_led_by(lead, "Repair café", ward=hulme)
    project_led_by(lead, "Moss Side murals", ward=moss)  # outside the fund's wards
    applied = project_led_by(lead, "Play street", ward=hulme)
    apply(lead, applied, fund)
    funded = project_led_by(lead, "Bee garden", ward=hulme)
    projects.mark_funded(funded, staff, "Another fund", 10_000)
    db.session.commit()
    projects.join(helper, ready)
    today = date.today()
    assert services.projects_that_may_apply(fund, lead, today) == [ready]
    # A member who doesn't lead applies for nothing; nor does anyone once applications close.
    assert services.projects_that_may_apply(fund, helper, today) == []
    assert services.projects_that_may_apply(fund, lead, fund.closes_on + timedelta(days=1)) \
        == []
    # Staff may manage any project: in a group, they may apply for it as its lead would.
    projects.join(staff, ready)
    assert services.projects_that_may_apply(fund, staff, today) == [ready]
