"""Community projects through the browser: proposing, browsing, joining, the action plan, the
log, stages, events, editing and held proposals, as residents, young people, staff and
visitors see them. The rules themselves are proved in test_services.py."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.projects import services
from forum.projects.models import Project, ProjectTask
from tests.events.factories import create_event
from tests.factories import Page, user_named
from tests.projects.factories import DESCRIPTION, project_titled, propose, roles_in

ANON_POSTS = ["/projects/new", "/projects/{id}/edit", "/projects/{id}/join",
              "/projects/{id}/leave", "/projects/{id}/leads", "/projects/{id}/stage",
              "/projects/{id}/updates", "/projects/{id}/tasks",
              "/projects/{id}/tasks/1/done", "/projects/{id}/tasks/1/delete",
              "/projects/{id}/events", "/projects/{id}/events/1/unlink"]


@pytest.fixture
def lena(make_user):
    return make_user("lena", display_name="Lena Lead")


@pytest.fixture
def sam(make_user):
    return make_user("sam", display_name="Sam Member")


@pytest.fixture
def tia(make_user):
    return make_user("tia", age_band="16_17", display_name="Tia Youngperson")


@pytest.fixture
def project_id(run, lena):
    """Lena's published "Eastbrook tool library" (an idea): its id."""
    return run(lambda: propose(user_named("lena")).id)


def go(browser, response):
    """Follow a redirect the way a browser does (the #fragment stays in the browser)."""
    assert response.status_code == 302, response.status_code
    return Page(browser.get(response.headers["Location"].split("#")[0]))


def post_form(browser, url, page_url, data=None):
    """POST as the page's own form would, with the CSRF token the page carries."""
    token = Page(browser.get(page_url)).csrf_token()
    return browser.post(url, data={"csrf_token": token, **(data or {})})


def form_data(**changes):
    data = {"title": "Eastbrook tool library", "body": DESCRIPTION, "ward_id": "",
            "audiences": ["neighbours", "older_people"],
            "brings_together": "Allotment holders and young families"}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def section(page, anchor):
    return page.find("section", id=anchor)


def items(page, anchor, cls=None):
    found = section(page, anchor)
    return [item.text for item in found.find_all("li", **({"class_": cls} if cls else {}))]


def buttons(page):
    return [button.text for button in page.find_all("button")]


# --- proposing and browsing ---------------------------------------------------------------------


def test_a_resident_proposes_a_project_and_it_appears_in_the_list(app, client, browser, lena,
                                                                 run):
    lena_browser = browser(lena)
    form = Page(lena_browser.get("/projects/new"))
    assert form.heading == "Propose a project"
    ward_id = str(lena.ward_id)
    assert form.value("ward_id") == ward_id  # the resident's own ward
    assert form.find("fieldset", id="audiences").find("legend").text == "Who it brings together"

    page = go(lena_browser, lena_browser.post("/projects/new", data=form_data(ward_id=ward_id)))
    assert page.heading == "Eastbrook tool library"
    assert "Your project is up. Its group has a discussion board of its own." in page.flashes
    current = page.find("ol", class_="project-steps").find("li", aria_current="step")
    assert current.text == "Idea (current stage)"
    assert items(page, "group") == ["Lena Lead Lead"]
    assert "Edit the project" in page.main_text

    listing = Page(client.get("/projects/"))
    card = listing.find("li", class_="project-card")
    assert card.find("a").text == "Eastbrook tool library"
    meta = card.text
    assert "Idea" in meta and "Riverside" in meta and "1 member" in meta
    assert ("Brings together: Neighbours on the same street or estate; Older residents; "
            "Allotment holders and young families") in meta
    assert "A tool library in the community centre" in meta
    nav = [link.text for link in listing.find("nav", aria_label="Main").find_all("a")]
    assert "Projects" in nav
    assert listing.find("a", href="/projects/new") is None  # visitors can't propose


def test_the_list_filters_by_ward_and_stage(client, run, lena, sam, make_ward):
    hillside = make_ward("Hillside")

    def make():
        propose(user_named("lena"), "Riverside tool library")
        there = propose(user_named("sam"), "Hillside street party", ward=hillside)
        services.set_state(user_named("sam"), there, "active")

    run(make)

    def titles(query):
        page = Page(client.get(f"/projects/{query}"))
        return [card.find("a").text for card in page.find_all("li", class_="project-card")]

    assert titles("") == ["Hillside street party", "Riverside tool library"]
    assert titles("?ward=hillside") == ["Hillside street party"]
    assert titles("?stage=idea") == ["Riverside tool library"]
    assert titles("?stage=active&ward=riverside") == []
    refused = client.get("/projects/?stage=dreaming")
    assert refused.status_code == 400
    assert Page(refused).error_for("stage") == "Choose a stage from the list."
    assert client.get("/projects/?ward=nowhere").status_code == 400
    assert client.get("/projects/?page=99999999999").status_code == 200


def test_a_proposal_with_problems_shows_them_beside_the_fields_and_keeps_the_text(run, browser,
                                                                                  lena):
    lena_browser = browser(lena)
    response = lena_browser.post("/projects/new", data=form_data(
        title="Tool", body="Short, but mine.", audiences=None, brings_together="Everyone here",
        ward_id=str(lena.ward_id)))
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {"title": "Give the project a name of 5 to 100 characters."}
    assert page.value("body").strip() == "Short, but mine."
    assert page.value("brings_together") == "Everyone here"

    response = lena_browser.post("/projects/new", data=form_data(body="Short, but mine.",
                                                                 ward_id="999"))
    assert Page(response).field_errors() == {
        "body": "Say what the project is and why it matters, in a few sentences."}
    response = lena_browser.post("/projects/new", data=form_data(ward_id="nonsense"))
    assert Page(response).field_errors() == {
        "ward_id": "Choose the ward where the project happens."}
    response = lena_browser.post("/projects/new", data=form_data(
        ward_id=str(lena.ward_id), audiences=None, brings_together=""))
    page = Page(response)
    assert response.status_code == 400 and list(page.field_errors()) == ["audiences"]
    assert page.summary_errors  # the summary links to the fieldset
    assert run(lambda: db.session.execute(select(func.count()).select_from(Project))
               .scalar_one()) == 0


def test_a_proposal_that_may_hurt_asks_once_and_keeps_the_text(run, browser, lena, says):
    says("nudge", 0.5, "insult:mild", reasons=["It may read as an insult."])
    lena_browser = browser(lena)
    data = form_data(ward_id=str(lena.ward_id), body="Words the detector dislikes, at length.")
    asked = lena_browser.post("/projects/new", data=data)
    assert asked.status_code == 200
    page = Page(asked)
    assert "It may read as an insult." in page.find("div", class_="nudge").text
    assert page.value("body").strip() == "Words the detector dislikes, at length."
    assert page.value("title") == "Eastbrook tool library"
    assert page.value("nudge_id").isdigit()
    assert "Don't post it" in buttons(page)
    assert run(lambda: db.session.execute(select(func.count()).select_from(Project))
               .scalar_one()) == 0

    posted = go(lena_browser, lena_browser.post(
        "/projects/new", data={**data, "nudge_id": page.value("nudge_id")}))
    assert posted.heading == "Eastbrook tool library"


def test_a_held_project_is_the_proposers_alone_until_a_moderator_checks_it(
        run, client, browser, lena, sam, says):
    says("hold", 0.9, "hate:group")
    lena_browser = browser(lena)
    data = form_data(ward_id=str(lena.ward_id))
    page = Page(lena_browser.post("/projects/new", data=data))
    shown = go(lena_browser, lena_browser.post(
        "/projects/new", data={**data, "nudge_id": page.value("nudge_id")}))
    assert "Waiting for a moderator to check this." in shown.main_text
    project_id = run(lambda: project_titled("Eastbrook tool library").id)
    assert client.get(f"/projects/{project_id}").status_code == 404
    assert browser(sam).get(f"/projects/{project_id}").status_code == 404
    assert Page(client.get("/projects/")).find("li", class_="project-card") is None
    assert browser(sam).get(f"/report/project/{project_id}").status_code == 404


# --- the group --------------------------------------------------------------------------------


def test_a_neighbour_joins_and_the_only_lead_cannot_leave_until_handing_over(
        run, browser, project_id, lena, sam):
    url = f"/projects/{project_id}"
    sam_browser, lena_browser = browser(sam), browser(lena)
    assert "Join the group" in buttons(Page(sam_browser.get(url)))
    page = go(sam_browser, post_form(sam_browser, f"{url}/join", url))
    assert "You're in the group. Its board is in what you follow." in page.flashes
    assert items(page, "group") == ["Lena Lead Lead", "Sam Member"]
    assert "Leave the group" in buttons(page)
    assert "Make lead" not in buttons(page)

    page = go(lena_browser, post_form(lena_browser, f"{url}/leave", url))
    assert ("You lead this group: make another member a lead before you leave."
            in page.flashes)
    assert "Make lead" in buttons(page)
    page = go(lena_browser, post_form(lena_browser, f"{url}/leads", url,
                                      {"user_id": str(sam.id)}))
    assert items(page, "group") == ["Lena Lead Lead", "Sam Member Lead"]
    page = go(lena_browser, post_form(lena_browser, f"{url}/leave", url))
    assert "You've left the group." in page.flashes
    assert run(lambda: roles_in(db.session.get(Project, project_id))) == {"sam": "lead"}


def test_a_young_members_full_name_is_never_shown(run, client, browser, project_id, lena, tia):
    url = f"/projects/{project_id}"
    tia_browser = browser(tia)
    go(tia_browser, post_form(tia_browser, f"{url}/join", url))
    lena_browser = browser(lena)
    post_form(lena_browser, f"{url}/tasks", url, {"title": "Make posters",
                                                   "owner_id": str(tia.id)})
    post_form(tia_browser, f"{url}/updates", url, {"text": "Posters are done!"})
    for viewer in (client, lena_browser, tia_browser):
        html = viewer.get(url).text
        assert "Tia" in html and "Youngperson" not in html


# --- the plan, the log, stages and events -----------------------------------------------------


def test_members_add_tick_and_delete_tasks_without_javascript(run, browser, project_id, lena,
                                                              sam):
    url = f"/projects/{project_id}"
    lena_browser = browser(lena)
    due = date.today() + timedelta(days=7)
    page = go(lena_browser, post_form(lena_browser, f"{url}/tasks", url, {
        "title": "Book the hall", "owner_id": str(lena.id), "due_on": due.isoformat()}))
    assert "The task is in the plan." in page.flashes
    task = page.find("li", class_="project-task")
    assert "Book the hall" in task.text and "Lena Lead" in task.text
    assert "Not done" in task.text and "Mark done" in buttons(task)
    task_id = run(lambda: db.session.execute(select(ProjectTask.id)).scalar_one())

    page = go(lena_browser, post_form(lena_browser, f"{url}/tasks/{task_id}/done", url,
                                      {"done": "1"}))
    task = page.find("li", class_="project-task")
    assert "task-done" in task.attrs["class"] and "Mark not done" in buttons(task)
    assert "Lena Lead finished: Book the hall" in items(page, "log")[0]
    page = go(lena_browser, post_form(lena_browser, f"{url}/tasks/{task_id}/done", url,
                                      {"done": "0"}))
    assert "Mark done" in buttons(page.find("li", class_="project-task"))

    # Someone outside the group can neither tick nor delete it.
    sam_browser = browser(sam)
    assert post_form(sam_browser, f"{url}/tasks/{task_id}/done", url,
                     {"done": "1"}).status_code == 403
    assert post_form(sam_browser, f"{url}/tasks/{task_id}/delete", url).status_code == 403
    assert Page(sam_browser.get(url)).find("form", action=f"{url}/tasks") is None

    page = go(lena_browser, post_form(lena_browser, f"{url}/tasks/{task_id}/delete", url))
    assert "The task is deleted." in page.flashes
    assert page.find("li", class_="project-task") is None


def test_a_task_with_problems_is_sent_back_beside_its_fields(browser, project_id, lena):
    url = f"/projects/{project_id}"
    lena_browser = browser(lena)
    response = post_form(lena_browser, f"{url}/tasks", url,
                         {"title": "Book the hall", "due_on": "next tuesday"})
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {"due_on": "Enter a date like 2026-03-27."}
    assert page.value("title") == "Book the hall"
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = post_form(lena_browser, f"{url}/tasks", url,
                         {"title": "Book the hall", "due_on": yesterday})
    assert Page(response).field_errors() == {"due_on": "Choose a date from today on."}


def test_a_member_posts_an_update_and_it_heads_the_log(browser, project_id, lena):
    url = f"/projects/{project_id}"
    lena_browser = browser(lena)
    response = post_form(lena_browser, f"{url}/updates", url, {"text": "   "})
    assert response.status_code == 400
    assert Page(response).error_for("text") == "Write the update first."
    page = go(lena_browser, post_form(lena_browser, f"{url}/updates", url,
                                      {"text": "We've booked the hall for March."}))
    assert "Your update is posted." in page.flashes
    log = items(page, "log")
    assert "Lena Lead: We've booked the hall for March." in log[0]
    assert "Lena Lead proposed the idea." in log[-1]


def test_the_lead_moves_the_project_on_and_impossible_moves_are_explained(
        run, browser, project_id, lena, sam):
    url = f"/projects/{project_id}"
    lena_browser = browser(lena)
    page = Page(lena_browser.get(url))
    options = [option.attrs["value"] for option in page.find("select", name="state")
               .find_all("option")]
    assert options == ["active"]

    response = post_form(lena_browser, f"{url}/stage", url, {"state": "completed"})
    assert response.status_code == 400
    assert Page(response).error_for("state") == "A project can't go from idea to completed."
    response = post_form(lena_browser, f"{url}/stage", url, {"state": "funded"})
    assert Page(response).error_for("state") == ("A project becomes funded when a grant is "
                                                  "awarded to it.")

    page = go(lena_browser, post_form(lena_browser, f"{url}/stage", url,
                                      {"state": "active", "note": "We found a hall."}))
    assert page.find("li", aria_current="step").text == "Active (current stage)"
    assert ("Lena Lead moved the project from idea to active. We found a hall."
            in items(page, "log")[0])
    # A member who doesn't lead sees no stage form, and can't move it by posting.
    sam_browser = browser(sam)
    post_form(sam_browser, f"{url}/join", url)
    assert Page(sam_browser.get(url)).find("select", name="state") is None
    assert post_form(sam_browser, f"{url}/stage", url, {"state": "completed"}).status_code \
        == 403


def test_members_link_their_events_and_unlink_them(run, browser, project_id, lena, sam):
    url = f"/projects/{project_id}"
    event_id = run(lambda: create_event(user_named("lena"), title="Tool library launch").id)
    run(lambda: create_event(user_named("sam"), title="Sam's own event"))
    lena_browser = browser(lena)
    page = Page(lena_browser.get(url))
    options = [option.text for option in page.find("select", name="event_id")
               .find_all("option")]
    assert options == ["Choose an event", "Tool library launch"]

    page = go(lena_browser, post_form(lena_browser, f"{url}/events", url,
                                      {"event_id": str(event_id)}))
    link = section(page, "events").find("a", href=f"/events/{event_id}")
    assert link.text == "Tool library launch"
    assert page.find("select", name="event_id") is None  # nothing left to link

    response = post_form(lena_browser, f"{url}/events", url, {"event_id": ""})
    assert response.status_code == 400
    assert Page(response).error_for("event_id") == "Choose one of your events."

    page = go(lena_browser, post_form(lena_browser, f"{url}/events/{event_id}/unlink", url))
    assert section(page, "events").find("a", href=f"/events/{event_id}") is None


# --- editing, the board, reports, search ----------------------------------------------------


def test_the_lead_edits_the_project_and_others_are_refused(browser, project_id, lena, sam,
                                                           make_user):
    url = f"/projects/{project_id}"
    assert browser(sam).get(f"{url}/edit").status_code == 403
    staff = browser(make_user("jo", roles=["staff"]))
    assert staff.get(f"{url}/edit").status_code == 200
    lena_browser = browser(lena)
    form = Page(lena_browser.get(f"{url}/edit"))
    assert form.heading == "Change your project"
    assert form.value("title") == "Eastbrook tool library"
    assert form.value("body").strip() == DESCRIPTION
    assert "checked" in form.find("input", name="audiences", value="neighbours").attrs
    response = lena_browser.post(f"{url}/edit", data={
        **form_data(title="Eastbrook tools and skills library", ward_id=str(lena.ward_id)),
        "csrf_token": form.csrf_token()})
    page = go(lena_browser, response)
    assert page.heading == "Eastbrook tools and skills library"
    response = lena_browser.post(f"{url}/edit", data={
        **form_data(title="", ward_id=str(lena.ward_id)), "csrf_token": form.csrf_token()})
    assert response.status_code == 400
    assert Page(response).value("body").strip() == DESCRIPTION


def test_the_groups_board_is_unlisted_but_linked_from_the_project(client, run, project_id):
    slug = f"project-{project_id}"
    boards = Page(client.get("/boards/"))
    assert boards.find("a", href=f"/boards/{slug}") is None
    page = Page(client.get(f"/projects/{project_id}"))
    link = page.find("a", href=f"/boards/{slug}")
    assert link.text == "The group's discussion board"
    assert client.get(f"/boards/{slug}").status_code == 200


def test_others_may_report_a_project_but_not_its_proposer(browser, project_id, lena, sam):
    url = f"/projects/{project_id}"
    report = f"/report/project/{project_id}"
    assert Page(browser(sam).get(url)).find("a", href=report).text == "Report this project"
    assert browser(sam).get(report).status_code == 200
    assert Page(browser(lena).get(url)).find("a", href=report) is None


def test_search_finds_a_project_and_links_to_its_page(client, project_id):
    page = Page(client.get("/search?q=drills"))
    links = [link.attrs["href"] for link in page.find_all("a")]
    assert f"/projects/{project_id}" in links


def test_visitors_are_sent_to_sign_in_for_every_change(client, project_id):
    for path in ANON_POSTS:
        response = client.post(path.format(id=project_id))
        assert response.status_code == 302, path
        assert "/account/signin" in response.headers["Location"], path


# --- funding ------------------------------------------------------------------------------------


def test_the_group_sees_its_applications_and_the_lead_the_funds_it_could_apply_to(
        run, client, browser, project_id, lena, sam, make_user):
    from forum.grants import services as grants

    make_user("jo", roles=["staff"])

    def open_funds():
        staff, today = user_named("jo"), date.today()
        first = grants.save_fund(staff, None, "Neighbourhood fund", "For projects.", "", 500000,
                                 100000, [], today, today + timedelta(days=30), "staff")
        second = grants.save_fund(staff, None, "Green spaces fund", "For parks.", "", 300000,
                                  50000, [], today, today + timedelta(days=20), "staff")
        application = grants.apply(
            user_named("lena"), db.session.get(Project, project_id), first, 60000,
            [("Drills and ladders", 60000)], "Neighbours share tools instead of buying them.")
        return first.id, second.id, application.id

    first_id, second_id, application_id = run(open_funds)
    url = f"/projects/{project_id}"
    funding = section(Page(browser(lena).get(url)), "funding")
    link = funding.find("a", href=f"/funds/applications/{application_id}")
    assert link.text == "Neighbourhood fund"
    assert "£600 · Submitted" in funding.text
    assert funding.find("a", href=f"/funds/{first_id}/apply?project={project_id}") is None
    apply = funding.find("a", href=f"/funds/{second_id}/apply?project={project_id}")
    assert apply.text == "Apply to Green spaces fund"
    assert funding.find("a", href=f"/funds/{second_id}").text == "Green spaces fund"
    # Visitors and people outside the group see no funding section.
    assert section(Page(client.get(url)), "funding") is None
    assert section(Page(browser(sam).get(url)), "funding") is None


def test_a_task_past_its_date_is_marked_overdue_until_done(client, run, project_id):
    def add_tasks():
        db.session.add_all([
            ProjectTask(project_id=project_id, title="Ask the hall committee",
                        due_on=date.today() - timedelta(days=3)),
            ProjectTask(project_id=project_id, title="Order the tea urn",
                        due_on=date.today() + timedelta(days=3))])
        db.session.commit()

    run(add_tasks)
    plan = Page(client.get(f"/projects/{project_id}")).main_text
    assert plan.count("Overdue") == 1
    overdue_line = next(line for line in plan.splitlines() if "Ask the hall committee" in line)
    assert "Overdue" in overdue_line

    def finish():
        db.session.execute(db.update(ProjectTask).values(done_at=db.func.now()))
        db.session.commit()

    run(finish)
    assert "Overdue" not in Page(client.get(f"/projects/{project_id}")).main_text
