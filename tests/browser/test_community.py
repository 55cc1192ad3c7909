"""Issue 10 in a browser: community projects, small grants, participatory budgeting and the
cohesion survey and dashboard.

A resident's idea becomes a project that neighbours join, applies for a grant that staff
assess and fund, and gets its first event; an eligible resident votes within the budget and
changes their mind, while a 14-year-old is told why they can't vote; a resident answers the
pulse survey by keyboard and staff read the dashboard (small wards suppressed, CSV downloads).
The new pages keep the structure and weight every other page keeps.
"""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.browser.test_keyboard import _structure_problems
from tests.browser.test_page_weight import _first_visit, weigh_page

SMALL_GRANTS = "Neighbourhood small grants 2026"
VOTE = "Our borough decides 2026"
TITLE = "Riverside Saturday litter pick and picnic"
EVENT = "First Riverside litter pick"


def _ids():
    """Ids from the demo: the funds, a project with every section, a vote's ballot."""
    from forum.extensions import db
    from forum.grants.models import Fund
    from forum.projects.models import Project

    funds = dict(db.session.execute(sa.select(Fund.name, Fund.id)).all())
    fridge = db.session.scalar(sa.select(Project.id).where(
        Project.title == "Riverside community fridge"))
    return {"grants": funds[SMALL_GRANTS], "vote": funds[VOTE], "fridge": fridge}


def _heading(person):
    return person.page.get_by_role("heading", level=1).inner_text()


def _main(person):
    return person.page.inner_text("main")


# --- 1. from an idea to a funded project and its first event -----------------------------------

# Every mode: this is the "done when", and each mode meets other forms (no-js posts
# them plainly, the phone lays the budget table out narrow).
def test_an_idea_becomes_a_funded_project_with_its_first_event(site):
    ids = site.run(_ids)

    # Grace proposes a project for her ward, saying who it brings together.
    grace = site.person()
    grace.sign_in("grace")
    grace.visit("/projects/new")
    assert _heading(grace) == "Propose a project"
    form = grace.page.locator("main form")
    grace.fill("Name of the project", TITLE)
    grace.fill("What and why", "Pick litter along the river path once a month, then share "
                               "a picnic: families, older neighbours and the youth club.")
    form.get_by_label("Ward", exact=True).select_option(label="Riverside")
    audiences = grace.page.locator("#audiences")
    audiences.get_by_label("Families", exact=True).check()
    audiences.get_by_label("Older residents", exact=True).check()
    grace.fill("Who it brings together, in your words (optional)",
               "The youth club and the allotment society")
    grace.click("button", "Propose the project")
    assert re.fullmatch(r"/projects/\d+", grace.path), grace.path
    project_path = grace.path
    assert _heading(grace) == TITLE
    facts = grace.page.locator("main .summary-list").first.inner_text()
    assert "Riverside" in facts
    assert "Families" in facts and "Older residents" in facts
    assert "The youth club and the allotment society" in facts

    # Owen, a neighbour, joins from the project page.
    owen = site.person()
    owen.sign_in("owen")
    owen.visit(project_path)
    owen.click("button", "Join the group")
    assert "You're in the group" in _main(owen)
    assert "Owen Price" in owen.page.locator("#group").inner_text()

    # Grace moves it on: the group has met.
    grace.visit(project_path)
    grace.page.get_by_label("Move to", exact=True).select_option(label="Active")
    grace.fill("Note (optional)", "We met at the café and chose the first Saturday.")
    grace.click("button", "Move the project")
    assert "The project's stage is updated." in _main(grace)
    assert grace.page.locator("main [aria-current=step]").inner_text().startswith("Active")

    # She applies to the small grants fund from the project page, with lines that don't add
    # up: the error beside the budget says both totals, and everything typed is still there.
    grace.click("link", f"Apply to {SMALL_GRANTS}", exact=True)
    assert _heading(grace) == f"Apply to {SMALL_GRANTS}"
    typed = {"How much are you asking for? (£)": "1200",
             "Line 1: what it is for": "Litter pickers and gloves",
             "Line 1: amount in pounds": "500",
             "Line 2: what it is for": "Picnic food",
             "Line 2: amount in pounds": "400",
             "What will it achieve?": "Neighbours of all ages meet every month and the river "
                                      "path stays clean."}
    for label, value in typed.items():
        grace.fill(label, value)
    grace.click("button", "Send the application")
    error = grace.page.locator("#lines-error")
    assert error.is_visible()
    assert "£900" in error.inner_text() and "£1,200" in error.inner_text(), error.inner_text()
    for label, value in typed.items():
        assert grace.page.get_by_label(label, exact=True).input_value() == value, label

    grace.fill("Line 3: what it is for", "Bin bags and a trolley")
    grace.fill("Line 3: amount in pounds", "300")
    grace.click("button", "Send the application")
    assert re.fullmatch(r"/funds/applications/\d+", grace.path), grace.path
    assert f"Sent: {SMALL_GRANTS} has your application for £1,200" in _main(grace)

    # Jo, at the council, assesses it and funds it.
    jo = site.person()
    jo.sign_in("jo.staff")
    jo.visit("/staff/funds/")
    jo.click("link", SMALL_GRANTS, exact=True)
    assert jo.path == f"/staff/funds/{ids['grants']}"
    jo.click("link", TITLE, exact=True)
    assert _heading(jo) == TITLE
    jo.page.locator("#score").get_by_label("4 – good").check()
    jo.fill("Notes", "Clear budget, and it brings the youth club and older neighbours "
                     "together.")
    jo.click("button", "Save the assessment")
    assert "Assessment saved." in _main(jo)
    assert "4/5" in jo.page.locator("#assessments").inner_text()
    jo.page.locator("#decision").get_by_label("Fund it").check()
    jo.click("button", "Record the decision")
    assert f"Funded: £1,200 to “{TITLE}”. The group has been told." in _main(jo)
    assert jo.page.locator("#application-state").inner_text() == "Funded"

    # Grace sees the project funded, with the award in its log; Owen is told.
    grace.visit(project_path)
    assert grace.page.locator("main [aria-current=step]").inner_text().startswith("Funded")
    assert "Funded" in grace.page.locator("main .summary-list").first.inner_text()
    assert f"Awarded £1,200 from {SMALL_GRANTS}." in grace.page.locator("#log").inner_text()
    owen.visit("/notifications")
    assert owen.page.get_by_role("link", name=re.compile(
        re.escape(f"“{TITLE}” was awarded £1,200 from {SMALL_GRANTS}"))).count() == 1

    # Grace puts the first pick in the calendar and links it from the project page.
    grace.visit("/events/new")
    grace.fill("Title", EVENT)
    grace.fill("Description", "Meet at the footbridge; gloves and pickers provided.")
    grace.fill("Day it starts", (date.today() + timedelta(days=12)).isoformat())
    grace.fill("Start time", "10:00")
    grace.fill("End time", "12:00")
    grace.fill("Where", "Riverside footbridge")
    grace.click("button", "Add the event")
    assert re.fullmatch(r"/events/\d+", grace.path), grace.path
    event_path = grace.path
    grace.visit(project_path)
    grace.page.get_by_label("One of your events", exact=True).select_option(label=EVENT)
    grace.click("button", "Link the event")
    assert "The event is linked." in _main(grace)
    events = grace.page.locator("#events")
    assert events.get_by_role("link", name=EVENT).get_attribute("href") == event_path

    # Anyone sees the event on the project page, and it opens.
    visitor = site.person()
    visitor.visit(project_path)
    with visitor.page.expect_navigation():
        visitor.page.locator("#events").get_by_role("link", name=EVENT).click()
    visitor.check()
    assert visitor.path == event_path
    assert _heading(visitor) == EVENT


# --- 2. a participatory vote -------------------------------------------------------------------

def _ballot_of(username, fund_id):
    from forum.accounts.models import User
    from forum.extensions import db
    from forum.grants.models import Application, Ballot, BallotChoice
    from forum.projects.models import Project

    return sorted(db.session.execute(
        sa.select(Project.title).join(Application, Application.project_id == Project.id)
        .join(BallotChoice, BallotChoice.application_id == Application.id)
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .join(User, User.id == Ballot.voter_id)
        .where(User.username == username, Ballot.fund_id == fund_id)).scalars())


HOMEWORK = "St Anne's homework club"  # £2,000
CODE = "Northgate code club"  # £1,500
GARDEN = "Eastbrook shared garden"  # £2,500
BIKES = "Millfield bike kitchen"  # £1,200; all four make £7,200 of the £6,000


def _ticked(person):
    return sorted(person.page.locator("#ballot input[type=checkbox]:checked").evaluate_all(
        "boxes => boxes.map(box => box.labels[0].innerText.split(' · ')[0].trim())"))


@pytest.mark.parametrize("mode", ["desktop", "no-js", "phone"])
def test_a_resident_votes_within_the_budget_and_a_14_year_old_is_told_why_not(site):
    fund_id = site.run(_ids)["vote"]
    vote = f"/funds/{fund_id}/vote"

    # Kofi (19, Northgate) may vote: the fund is borough-wide, for 16 and over.
    kofi = site.person()
    kofi.sign_in("kofi")
    kofi.visit("/funds/")
    kofi.click("link", f"Vote in {VOTE}", exact=True)
    assert kofi.path == vote
    assert _heading(kofi) == f"Vote: {VOTE}"
    ballot = kofi.page.locator("#ballot")
    for title in (HOMEWORK, CODE, GARDEN, BIKES):
        ballot.get_by_label(re.compile("^" + re.escape(title))).check()
    kofi.click("button", "Cast my vote")
    error = kofi.page.locator("#choices-error")
    assert "£7,200" in error.inner_text() and "£6,000" in error.inner_text(), error.inner_text()
    assert "Take one or more out" in error.inner_text()
    assert _ticked(kofi) == sorted([HOMEWORK, CODE, GARDEN, BIKES])
    assert site.run(lambda: _ballot_of("kofi", fund_id)) == []

    kofi.page.locator("#ballot").get_by_label(re.compile("^" + re.escape(GARDEN))).uncheck()
    kofi.click("button", "Cast my vote")
    assert "Your vote is saved. You can change it until voting closes." in _main(kofi)
    assert "You voted for 3 projects" in kofi.page.locator("#your-ballot").inner_text()
    assert _ticked(kofi) == sorted([HOMEWORK, CODE, BIKES])

    # He changes his mind: the new choices replace the old ones.
    ballot = kofi.page.locator("#ballot")
    ballot.get_by_label(re.compile("^" + re.escape(HOMEWORK))).uncheck()
    ballot.get_by_label(re.compile("^" + re.escape(BIKES))).uncheck()
    ballot.get_by_label(re.compile("^" + re.escape(GARDEN))).check()
    kofi.click("button", "Change my vote")
    assert "Your vote is saved." in _main(kofi)
    assert "You voted for 2 projects" in kofi.page.locator("#your-ballot").inner_text()
    assert _ticked(kofi) == sorted([CODE, GARDEN])
    assert site.run(lambda: _ballot_of("kofi", fund_id)) == sorted([CODE, GARDEN])

    # Zara is 14: she is told why she can't vote, and is offered no ballot to fill in.
    zara = site.person()
    zara.sign_in("zara")
    zara.visit(vote)
    assert "This vote is for residents aged 16 or over." in \
        zara.page.locator("#refusal").inner_text()
    assert zara.page.locator("main input[type=checkbox]").count() == 0
    assert zara.page.get_by_role("button", name="Cast my vote").count() == 0
    assert HOMEWORK in zara.page.locator("#ballot-list").inner_text()


# --- 3. cohesion -------------------------------------------------------------------------------

QUESTIONS = ("get_on", "belong", "influence", "volunteered")


def _answer_by_keyboard(person, name):
    """Tab until a radio of the question `name` has the focus, then choose its first option
    with the arrow keys (from the checked "Prefer not to say", ArrowDown wraps to the first)."""
    page = person.page
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            break
    else:
        raise AssertionError(f"Tab never reached the question {name}")
    assert page.evaluate("() => document.activeElement.type") == "radio"
    page.keyboard.press("ArrowDown")
    return page.evaluate("() => document.activeElement.labels[0].innerText.trim()")


@pytest.mark.parametrize("mode", ["desktop", "no-js", "phone"])
def test_a_resident_answers_the_pulse_survey_and_staff_read_the_dashboard(site):
    grace = site.person()
    grace.sign_in("grace")
    grace.visit("/survey")
    assert _heading(grace) == "Neighbourhood pulse survey"
    chosen = [_answer_by_keyboard(grace, name) for name in QUESTIONS]
    assert chosen == ["Definitely agree"] * 3 + ["Yes"], chosen
    for name, value in zip(QUESTIONS, ("4", "4", "4", "yes"), strict=True):
        assert grace.page.locator(f"input[name={name}]:checked").get_attribute("value") == value
    grace.click("button", "Send my answers")
    text = _main(grace)
    assert "Thank you: your answers are saved." in text
    next_opens = re.search(r"you can answer again from (\w+ \d+ \w+ \d{4})", text)
    assert next_opens, text
    # Again later: answered this quarter, and no questions to answer twice.
    grace.visit("/survey")
    assert "You've answered this quarter's survey" in _main(grace)
    assert next_opens[1] in _main(grace)
    assert grace.page.locator("main input[type=radio]").count() == 0

    jo = site.person()
    jo.sign_in("jo.staff")
    jo.visit("/staff/cohesion")
    assert _heading(jo) == "Cohesion dashboard"
    jo.page.locator("main form.cohesion-filters").get_by_label("Ward", exact=True) \
        .select_option(label="Hollins Park")
    jo.click("button", "Show", exact=True)
    assert "ward=hollins-park" in jo.path
    glance = jo.page.locator("section[aria-labelledby=glance-heading]")
    assert "Hollins Park" in glance.locator("h2").inner_text()
    assert "too few to report" in glance.inner_text()

    link = jo.page.get_by_role("link", name=re.compile(r"^Download .*all residents.* \(CSV\)"))
    href = link.get_attribute("href")
    assert "ward=hollins-park" in href
    response = jo.page.request.get(site.base + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers.get("content-disposition", "")
    assert response.text().strip(), "the CSV is empty"


# --- 4. structure and weight of the new pages ----------------------------------------------------

@pytest.mark.parametrize("mode", ["desktop", "no-js", "phone"])
def test_the_new_pages_are_well_structured_and_light(site):
    ids = site.run(_ids)
    pages = {
        None: ["/projects/", f"/projects/{ids['fridge']}", "/funds/",
               f"/funds/{ids['grants']}", f"/funds/{ids['vote']}"],
        "grace": ["/projects/new", f"/projects/{ids['fridge']}",
                  f"/funds/{ids['grants']}/apply?project={ids['fridge']}", "/survey"],
        "kofi": [f"/funds/{ids['vote']}/vote"],
        "jo.staff": ["/staff/funds/", f"/staff/funds/{ids['grants']}", "/staff/cohesion"],
    }
    problems = []
    for who, paths in pages.items():
        person = _first_visit(site.person())
        if who:
            person.sign_in(who)
        for path in paths:
            sizes, found = weigh_page(site, person, who or "visitor", path)
            problems += found
            if sizes is not None:
                problems += [f"{problem} ({who or 'visitor'})"
                             for problem in _structure_problems(person)]
    assert not problems, "\n".join(problems)
