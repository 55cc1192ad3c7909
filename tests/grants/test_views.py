"""The grant pages, as residents and staff use them: a fund opened, a project applying with a
budget that must add up, staff assessing, asking for changes and funding; the ballot and the
results of a participatory vote. Bad input is refused beside the field, with the words kept."""


import pytest
from sqlalchemy import func, select

from forum.core.audit import AuditEntry
from forum.extensions import db
from forum.grants import services
from forum.grants.models import Application, Ballot, Fund
from forum.projects.models import Project
from tests.factories import Page, user_named
from tests.grants.factories import apply, close_voting, open_fund, project_led_by, start_voting


@pytest.fixture
def people(make_user, make_ward):
    make_ward("Riverside"), make_ward("Northgate")
    return {"jo": make_user("jo", roles=["staff"]), "lena": make_user("lena"),
            "sam": make_user("sam", ward="Northgate")}


@pytest.fixture
def small_grants(people, run):
    """A staff fund for Riverside (£5,000; at most £2,000) and Lena's Riverside project."""
    def make():
        riverside = user_named("lena").ward
        fund = open_fund(user_named("jo"), wards=[riverside])
        project = project_led_by(user_named("lena"))
        return fund.id, project.id
    return run(make)


def application_form(amount="1,000", lines=(("Tools", "600"), ("Hall hire", "400.00")),
                     achieves="Neighbours of every age meet and mend things together."):
    data = {"amount": amount, "achieves": achieves}
    for index in range(8):
        description, pounds = lines[index] if index < len(lines) else ("", "")
        data[f"lines-{index}-description"] = description
        data[f"lines-{index}-amount"] = pounds
    return data


def the_application(run):
    def read():
        application = db.session.execute(select(Application)).scalar_one()
        db.session.expunge(application)
        return application
    return run(read)


# --- applying --------------------------------------------------------------------------------


def test_a_project_is_funded_after_assessment_and_a_round_of_changes(small_grants, people,
                                                                    browser, run):
    fund_id, project_id = small_grants
    lena, jo = browser(people["lena"]), browser(people["jo"])
    apply_url = f"/funds/{fund_id}/apply?project={project_id}"
    form = Page(lena.get(apply_url))
    assert form.heading == "Apply to Neighbourhood small grants"
    assert len(form.find_all("input", name="lines-7-amount")) == 1  # eight rows, no script
    response = lena.post(apply_url, data=application_form())
    assert response.status_code == 302
    application = the_application(run)
    assert application.amount_pence == 100_000 and application.state == "submitted"

    staff_page = f"/staff/funds/applications/{application.id}"
    response = jo.post(f"{staff_page}/assess", data={"score": "4", "notes": "Meets the rules."})
    assert response.status_code == 302
    jo.post(f"{staff_page}/assess", data={"score": "3", "notes": "Budget is thin."})
    listing = Page(jo.get(f"/staff/funds/{fund_id}"))
    assert listing.find("tr", id=f"application-{application.id}").find(
        "td", class_="average").text == "3.5"

    response = jo.post(f"{staff_page}/decide", data={"decision": "changes", "reason": ""})
    assert response.status_code == 400
    assert Page(response).error_for("reason") == "Tell the group what to change."
    jo.post(f"{staff_page}/decide", data={"decision": "changes",
                                          "reason": "Get a second quote for the tools."})
    seen = Page(lena.get(f"/funds/applications/{application.id}"))
    assert seen.find("dd", id="application-state").text == "Changes requested"
    assert "second quote" in seen.find("dd", id="application-reason").text
    assert "Meets the rules" not in seen.main_text  # assessments are for staff

    resubmit = f"/funds/applications/{application.id}/resubmit"
    assert Page(lena.get(resubmit)).value("lines-0-description") == "Tools"
    response = lena.post(resubmit, data=application_form(
        "1,200", (("Tools (two quotes)", "800"), ("Hall hire", "400"))))
    assert response.status_code == 302
    jo.post(f"{staff_page}/decide", data={"decision": "fund", "award": "1,000"})
    fund_page = Page(lena.get(f"/funds/{fund_id}"))
    assert fund_page.find("dd", id="fund-awarded").text == "£1,000 to 1 project"
    assert fund_page.find("dd", id="fund-left").text == "£4,000"
    assert "Repair café" in fund_page.find("table", id="funded-projects").text
    assert run(lambda: db.session.get(Project, project_id).state) == "funded"
    actions = run(lambda: db.session.execute(select(AuditEntry.action)).scalars().all())
    assert {"grant.assess", "grant.changes", "grant.fund"} <= set(actions)


def test_budget_lines_must_add_up_and_the_words_are_kept(small_grants, people, browser):
    fund_id, project_id = small_grants
    lena = browser(people["lena"])
    response = lena.post(f"/funds/{fund_id}/apply?project={project_id}",
                         data=application_form("1,000", (("Tools", "600"), ("Hall", "300"))))
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("lines") == ("The budget lines add up to £900, but the application "
                                       "asks for £1,000. Make them match.")
    assert page.value("lines-1-description") == "Hall"
    assert "Neighbours of every age" in page.value("achieves")


def test_unreadable_money_is_refused_beside_its_line(small_grants, people, browser):
    fund_id, project_id = small_grants
    response = browser(people["lena"]).post(
        f"/funds/{fund_id}/apply?project={project_id}",
        data=application_form("1,000", (("Tools", "six hundred"), ("Hall", "400"))))
    assert response.status_code == 400
    assert Page(response).error_for("lines-0-amount").startswith("Write an amount in pounds")


def test_the_per_project_maximum_holds(small_grants, people, browser):
    fund_id, project_id = small_grants
    response = browser(people["lena"]).post(
        f"/funds/{fund_id}/apply?project={project_id}",
        data=application_form("2,500", (("Tools", "2,500"),)))
    assert response.status_code == 400
    assert Page(response).error_for("amount") == "This fund gives at most £2,000 to one project."


def test_a_project_from_another_ward_is_refused(small_grants, people, browser, run):
    fund_id, _ = small_grants
    project_id = run(lambda: project_led_by(user_named("sam"), "Northgate garden").id)
    response = browser(people["sam"]).post(f"/funds/{fund_id}/apply?project={project_id}",
                                           data=application_form())
    assert response.status_code == 400
    assert "This fund is for projects in Riverside." in Page(response).summary_errors


def test_a_project_applies_to_a_fund_once(small_grants, people, browser):
    fund_id, project_id = small_grants
    lena = browser(people["lena"])
    assert lena.post(f"/funds/{fund_id}/apply?project={project_id}",
                     data=application_form()).status_code == 302
    again = lena.post(f"/funds/{fund_id}/apply?project={project_id}", data=application_form())
    assert again.status_code == 400
    assert "This project has already applied to this fund." in Page(again).summary_errors


def test_only_the_lead_applies(small_grants, people, browser):
    fund_id, project_id = small_grants
    assert browser(people["sam"]).get(
        f"/funds/{fund_id}/apply?project={project_id}").status_code == 403


# --- deciding --------------------------------------------------------------------------------


def test_declining_needs_a_reason_and_no_award_is_more_than_is_left(people, browser, run):
    def make():
        fund = open_fund(user_named("jo"), total=300_000, max_award=200_000)
        first = apply(user_named("lena"), project_led_by(user_named("lena")), fund, 200_000)
        second = apply(user_named("sam"), project_led_by(user_named("sam"), "Bike kitchen"),
                       fund, 150_000)
        services.decide(user_named("jo"), first, "fund")
        return second.id
    second_id = run(make)
    jo = browser(people["jo"])
    url = f"/staff/funds/applications/{second_id}"
    response = jo.post(f"{url}/decide", data={"decision": "decline", "reason": "  "})
    assert response.status_code == 400
    assert Page(response).error_for("reason") == "Tell the group why, so they can act on it."
    response = jo.post(f"{url}/decide", data={"decision": "fund"})
    assert response.status_code == 400
    assert Page(response).error_for("award") == "Only £1,000 is left in this fund."
    assert jo.post(f"{url}/decide", data={"decision": "fund", "award": "1000"}
                   ).status_code == 302
    assert run(lambda: services.summary(db.session.get(Fund, 1)).remaining) == 0


# --- opening a fund --------------------------------------------------------------------------


def test_staff_open_a_vote_fund_with_its_window_in_uk_time(people, browser, run):
    jo = browser(people["jo"])
    data = {"name": "Northgate decides", "description": "d", "rules": "r", "total": "10,000",
            "max_award": "2,000", "ward_ids": ["2"], "opens_on": "2026-06-01",
            "closes_on": "2026-06-30", "decided_by": "vote", "vote_open_day": "2026-07-01",
            "vote_open_time": "09:00", "vote_close_day": "", "vote_close_time": "",
            "min_voter_age": "16"}
    response = jo.post("/staff/funds/new", data=data)
    assert response.status_code == 400
    assert Page(response).error_for("vote_close_day").startswith("A vote needs")
    assert Page(response).value("name") == "Northgate decides"
    data.update(vote_close_day="2026-07-14", vote_close_time="21:00")
    assert jo.post("/staff/funds/new", data=data).status_code == 302
    fund = run(lambda: db.session.execute(select(Fund)).scalar_one())
    assert fund.vote_opens_at.hour == 8  # 09:00 in London summer time
    assert fund.total_pence == 1_000_000


# --- voting ----------------------------------------------------------------------------------


@pytest.fixture
def vote(people, make_user, run):
    """A £1,000 vote open now: three projects (£500, £400, £300)."""
    def make():
        fund = open_fund(user_named("jo"), "Everyone decides", total=100_000,
                         max_award=50_000, decided_by="vote")
        for index, (title, amount) in enumerate((("Play street", 50_000),
                                                 ("Community fridge", 40_000),
                                                 ("Mural", 30_000))):
            lead = make_user(f"lead{index}")
            apply(lead, project_led_by(lead, title), fund, amount)
        return start_voting(fund).id
    return run(make)


def test_a_ballot_over_budget_is_refused_and_the_choices_kept(vote, people, browser, run):
    lena = browser(people["lena"])
    page = Page(lena.get(f"/funds/{vote}/vote"))
    boxes = [box.attrs["value"] for box in page.find_all("input", name="choices")]
    assert len(boxes) == 3 and page.find("a", href="/projects/2") is not None
    response = lena.post(f"/funds/{vote}/vote", data={"choices": boxes})
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("choices").startswith("Your choices add up to £1,200, which is "
                                                "more than this fund's £1,000.")
    assert all("checked" in box.attrs for box in page.find_all("input", name="choices"))
    assert "£1,200 of £1,000" in page.find("p", id="running-total").text
    assert run(lambda: db.session.scalar(select(func.count()).select_from(Ballot))) == 0

    response = lena.post(f"/funds/{vote}/vote", data={"choices": boxes[1:]})
    assert response.status_code == 302
    page = Page(lena.get(f"/funds/{vote}/vote"))
    assert [box.attrs["value"] for box in page.find_all("input", name="choices")
            if "checked" in box.attrs] == boxes[1:]
    assert "£700 of £1,000" in page.find("p", id="running-total").text


def test_the_ballot_says_why_someone_may_not_vote(vote, make_user, browser, client):
    unverified = browser(make_user("una", verified=False))
    page = Page(unverified.get(f"/funds/{vote}/vote"))
    assert page.find("p", id="refusal").text.startswith("Confirm your e-mail address")
    assert page.find("input", name="choices") is None
    assert "Play street" in page.find("table", id="ballot-list").text
    assert "Sign in to vote." in Page(client.get(f"/funds/{vote}/vote")).find(
        "p", id="refusal").text


def test_results_appear_only_once_published(vote, people, browser, run, make_user):
    voters = [browser(make_user(f"voter{n}")) for n in range(3)]
    ids = [box.attrs["value"] for box in Page(voters[0].get(f"/funds/{vote}/vote")).find_all(
        "input", name="choices")]
    for voter, choices in zip(voters, ([ids[0]], [ids[0], ids[2]], [ids[1]]), strict=True):
        assert voter.post(f"/funds/{vote}/vote", data={"choices": choices}).status_code == 302
    jo = browser(people["jo"])
    assert "3" in Page(jo.get(f"/staff/funds/{vote}")).find("p", id="ballot-count").text
    page = Page(voters[0].get(f"/funds/{vote}/results"))
    assert page.find("table", id="results-table") is None and page.find("p", id="not-yet")
    run(lambda: close_voting(db.session.get(Fund, vote)))
    response = jo.post(f"/staff/funds/{vote}/publish")
    assert response.status_code == 302
    again = jo.post(f"/staff/funds/{vote}/publish", follow_redirects=True)
    assert "already been published" in " ".join(Page(again).flashes)
    page = Page(voters[0].get(f"/funds/{vote}/results"))
    assert page.find("dd", id="ballots-cast").text == "3"
    rows = {row.find("a").text: row for row in page.find("table", id="results-table")
            .find("tbody").find_all("tr")}
    # Play street 2 votes (£500) funded; the fridge (£400) and the mural (£300) 1 each: the
    # mural is cheaper, so it goes first and fits; the fridge (£400) doesn't fit in £200.
    assert rows["Play street"].find("td", class_="outcome").text.startswith("Funded")
    assert rows["Mural"].find("td", class_="outcome").text.startswith("Funded")
    assert rows["Community fridge"].find("td", class_="outcome").text == (
        "Not funded: 1 vote; did not fit in what was left.")
    assert page.find("dd", id="total-awarded").text.startswith("£800 of £1,000")


def test_funds_list_groups_funds_by_phase(vote, small_grants, client, run):
    run(lambda: close_voting(db.session.get(Fund, vote)))
    page = Page(client.get("/funds/"))
    assert "Neighbourhood small grants" in page.find("section", id="funds-open").text
    assert "Everyone decides" in page.find("section", id="funds-voting").text


def test_the_fund_page_queries_do_not_grow_with_the_projects_a_lead_has(
        app, small_grants, people, client, login, run):
    from tests.factories import sql_statements

    fund_id, _ = small_grants
    login(people["lena"])
    url = f"/funds/{fund_id}"
    few = len(sql_statements(app, client, url))
    run(lambda: [project_led_by(user_named("lena"), f"Project {number}")
                 for number in range(6)])
    page = Page(client.get(url))
    assert "Project 5" in page.main_text  # each one is offered
    assert len(sql_statements(app, client, url)) == few
