"""Who reaches which project page, route by role; and the project page's SQL statement count,
which must not grow with the group, its plan or its log."""

from datetime import date, timedelta

import pytest

from forum.extensions import db
from forum.projects import services
from forum.projects.models import Project
from tests.factories import Page, create_user, sql_statements, user_named
from tests.projects.factories import propose

ROLES = ("visitor", "resident", "member", "lead", "staff")

# (method, path, {role: status}); POSTs carry a valid CSRF token and harmless data.
ROUTES = [
    ("GET", "/projects/", dict.fromkeys(ROLES, 200)),
    ("GET", "/projects/{id}", dict.fromkeys(ROLES, 200)),
    ("GET", "/projects/new", {"visitor": 302, "resident": 200, "member": 200, "lead": 200,
                              "staff": 200}),
    ("GET", "/projects/{id}/edit", {"visitor": 302, "resident": 403, "member": 403,
                                    "lead": 200, "staff": 200}),
    ("POST", "/projects/{id}/stage", {"visitor": 302, "resident": 403, "member": 403,
                                      "lead": 302, "staff": 302}),
    ("POST", "/projects/{id}/updates", {"visitor": 302, "resident": 403, "member": 302,
                                        "lead": 302, "staff": 302}),
    ("POST", "/projects/{id}/tasks", {"visitor": 302, "resident": 403, "member": 302,
                                      "lead": 302, "staff": 302}),
    ("POST", "/projects/{id}/leads", {"visitor": 302, "resident": 403, "member": 403,
                                      "lead": 302, "staff": 302}),
    ("POST", "/projects/{id}/join", {"visitor": 302, "resident": 302, "member": 302,
                                     "lead": 302, "staff": 302}),
]
DATA = {"/stage": {"state": "active"}, "/updates": {"text": "News"},
        "/tasks": {"title": "Book the hall"}, "/leads": {"user_id": "2"}}


@pytest.fixture
def people(run, make_user):
    """lena leads the project; max is a member; rita is a resident outside it; jo is staff."""
    make_user("lena")
    make_user("max")
    make_user("rita")
    make_user("jo", roles=["staff"])

    def make():
        project = propose(user_named("lena"))
        services.join(user_named("max"), project)
        return project.id

    return run(make)


@pytest.mark.parametrize(("method", "path", "expected"), ROUTES,
                         ids=[f"{method} {path}" for method, path, _ in ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(app, people, method, path, expected, role):
    client = app.test_client()
    username = {"resident": "rita", "member": "max", "lead": "lena", "staff": "jo"}.get(role)
    if username:
        assert client.post("/account/signin", data={
            "login": username, "password": "correct horse battery"}).status_code == 302
    url = path.format(id=people)
    if method == "GET":
        response = client.get(url)
    else:
        data = dict(DATA.get("/" + url.rsplit("/", 1)[-1], {}))
        if username:  # visitors see no forms, and are sent to sign in before any check
            data["csrf_token"] = Page(client.get(f"/projects/{people}")).csrf_token()
        response = client.post(url, data=data)
    assert response.status_code == expected[role]
    if response.status_code == 302 and role == "visitor":
        assert "/account/signin" in response.headers["Location"]


def test_a_held_project_is_hidden_from_everyone_but_its_proposer_and_moderators(
        app, run, make_user, says):
    for username, roles in (("lena", []), ("rita", []), ("ravi", ["moderator"])):
        make_user(username, roles=roles)

    def make():
        project = propose(user_named("rita"), "Something else entirely")
        project.status = "held"
        db.session.commit()
        return project.id

    project_id = run(make)
    for username, status in ((None, 404), ("lena", 404), ("rita", 200), ("ravi", 200)):
        client = app.test_client()
        if username:
            client.post("/account/signin", data={"login": username,
                                                 "password": "correct horse battery"})
        assert client.get(f"/projects/{project_id}").status_code == status, username


# --- no N+1 ------------------------------------------------------------------------------------


def grow(project_id, start, stop):
    """Members numbered start..stop-1 (every third one young), each with a task (some done,
    some with a due date) and an update."""
    project = db.session.get(Project, project_id)
    lead = user_named("lena")
    for number in range(start, stop):
        member = create_user(f"member{number}",
                             age_band="16_17" if number % 3 == 0 else "adult")
        services.join(member, project)
        task = services.add_task(lead, project, f"Task {number}", owner_id=member.id,
                                 due_on=date.today() + timedelta(days=number)
                                 if number % 2 else None)
        if number % 4 == 0:
            services.set_task_done(member, task, True)
        services.post_update(member, project, f"Update {number}")


@pytest.mark.parametrize("viewer", ["visitor", "member", "lead"])
def test_the_project_page_queries_do_not_grow_with_the_group(app, client, run, make_user,
                                                            viewer):
    make_user("lena")
    make_user("max")
    project_id = run(lambda: propose(user_named("lena")).id)
    run(lambda: services.join(user_named("max"), db.session.get(Project, project_id)))
    if viewer != "visitor":
        client.post("/account/signin", data={"login": "lena" if viewer == "lead" else "max",
                                             "password": "correct horse battery"})
    url = f"/projects/{project_id}"
    run(lambda: grow(project_id, 0, 3))
    few = len(sql_statements(app, client, url))
    run(lambda: grow(project_id, 3, 20))
    many = len(sql_statements(app, client, url))
    assert few == many
