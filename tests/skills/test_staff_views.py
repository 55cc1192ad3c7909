"""The skills swap's staff pages through the browser: the skills list, safeguarding concerns,
matches with young people, and a mentoring cohort from start to confirmation.

Who may open these pages is in tests/core/test_policy_matrix.py (and a volunteer moderator is
tried in test_views.py); the cohort rules themselves are proved in test_services.py.
"""

import pytest
from sqlalchemy import func, select

from forum.core.audit import AuditEntry
from forum.extensions import db
from forum.notifications.models import Notification
from forum.skills import safeguarding
from forum.skills.models import Cohort, Match, SafeguardingConcern, Skill, SkillCategory
from tests.factories import Page, user_named
from tests.skills import factories


@pytest.fixture
def staff(make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def jo(staff, signed_in_client):
    """A browser signed in as Jo, council staff."""
    return signed_in_client(staff)


@pytest.fixture
def mentor(make_user):
    return make_user("maya", display_name="Maya Mentor", mentor=True)


@pytest.fixture
def teen(make_user, run):
    user = make_user("tia", age_band="16_17", display_name="Tia Young")
    run(lambda: factories.set_profile(user_named("tia"), open_to_matches=True, capacity=0))
    return user


def count(run, model, *where):
    return run(lambda: db.session.execute(
        select(func.count()).select_from(model).where(*where)).scalar_one())


def go(browser, response):
    """Follow a redirect the way a browser does (the #fragment stays in the browser)."""
    assert response.status_code == 302, response.status_code
    return Page(browser.get(response.headers["Location"].split("#")[0]))


def tables(page):
    """{caption: [row texts]} for every table on the page."""
    return {table.find("caption").text: [row.text for row in table.find("tbody").find_all("tr")]
            for table in page.find_all("table") if table.find("caption") is not None}


def audited(run, action):
    return count(run, AuditEntry, AuditEntry.action == action)


# --- the skills list ----------------------------------------------------------------------------


def test_staff_add_a_category(run, jo):
    page = go(jo, jo.post("/staff/skills/", data={"category-name": " Languages ",
                                                  "category-submit": "y"}))
    assert "Category Languages added." in page.flashes
    assert tables(page) == {"Languages (0)": ["No skills in this category yet."]}
    category = run(lambda: db.session.execute(select(SkillCategory.id)).scalar_one())
    assert page.find("select", name="skill-category").find(
        "option", value=str(category)).text == "Languages"
    assert audited(run, "skills.category_added") == 1


def test_staff_add_a_skill_with_its_other_words(run, jo, make_user, signed_in_client):
    category = run(lambda: factories.create_category("Languages").id)
    page = go(jo, jo.post("/staff/skills/", data={
        "skill-name": "Spanish", "skill-category": str(category),
        "skill-synonyms": "Castellano, spanish conversation,\nEspañol", "skill-submit": "y"}))
    assert "Spanish added to the skills list." in page.flashes
    assert tables(page) == {"Languages (1)": [
        "Spanish castellano, spanish conversation, español Edit Spanish"]}
    assert count(run, SkillCategory) == 1  # the skill form did not add a category too
    assert audited(run, "skills.skill_saved") == 1

    # Residents can choose it for their listings straight away.
    skill = run(lambda: db.session.execute(select(Skill.id)).scalar_one())
    resident = signed_in_client(make_user("rob"))
    option = Page(resident.get("/skills/listings/new")).find("option", value=str(skill))
    assert (option.text, option.parent.attrs["label"]) == ("Spanish", "Languages")


def test_a_category_named_twice_is_refused_beside_its_field(run, jo):
    jo.post("/staff/skills/", data={"category-name": "Trades", "category-submit": "y"})
    response = jo.post("/staff/skills/", data={"category-name": "  trades ",
                                               "category-submit": "y"})
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {"category-name": "There's already a category with that name."}
    assert page.value("category-name") == "  trades "
    assert count(run, SkillCategory) == 1


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"skill-category": ""}, "skill-category", "Choose the category the skill belongs to."),
    ({"skill-category": "999"}, "skill-category", "Choose the category the skill belongs to."),
    ({"skill-name": ""}, "skill-name", "Give the skill a name."),
    ({"skill-name": "Guitar"}, "skill-name", "That skill is already on the list."),
])
def test_a_skill_the_list_refuses_shows_why_beside_the_field_with_its_words_kept(
        run, jo, changes, field, message):
    category = run(lambda: factories.create_skill("Guitar", "Music").category_id)
    data = {"skill-name": "Plumbing", "skill-category": str(category),
            "skill-synonyms": "boiler, radiators", "skill-submit": "y", **changes}
    response = jo.post("/staff/skills/", data=data)
    assert response.status_code == 400
    page = Page(response)
    assert page.field_errors() == {field: message}
    assert page.value("skill-synonyms").strip() == "boiler, radiators"
    assert count(run, Skill) == 1


def test_staff_rename_a_skill_move_it_and_change_its_words(run, jo):
    def make():
        skill = factories.create_skill("Plumbing", "Trades", synonyms=["boiler"])
        other = factories.create_category("Home")
        return skill.id, other.id

    skill_id, home = run(make)
    form = Page(jo.get(f"/staff/skills/{skill_id}"))
    assert form.heading == "Edit Plumbing"
    assert (form.value("name"), form.value("synonyms").strip()) == ("Plumbing", "boiler")
    assert form.value("category") == str(run(lambda: db.session.get(Skill, skill_id)
                                             .category_id))

    response = jo.post(f"/staff/skills/{skill_id}", data={
        "name": "Plumbing and heating", "category": str(home),
        "synonyms": "boiler, radiators, central heating"})
    page = go(jo, response)
    assert response.headers["Location"] == "/staff/skills/"
    assert "Plumbing and heating saved." in page.flashes
    assert tables(page)["Home (1)"] == [
        "Plumbing and heating boiler, radiators, central heating Edit Plumbing and heating"]
    assert tables(page)["Trades (0)"] == ["No skills in this category yet."]
    assert audited(run, "skills.skill_saved") == 1


def test_an_unknown_skill_is_not_found(jo):
    assert jo.get("/staff/skills/999").status_code == 404


# --- safeguarding concerns --------------------------------------------------------------------


@pytest.fixture
def concern(run, teen, mentor, staff):
    """Tia's concern about her match with Maya: its id."""

    def make():
        match = factories.make_match(user_named("tia"), user_named("maya"))
        return safeguarding.raise_concern(user_named("tia"), match,
                                          "He keeps asking to meet at his flat instead.").id

    return run(make)


def test_staff_read_a_concern_and_close_it_with_what_was_done(run, jo, concern):
    listed = Page(jo.get("/staff/skills/safeguarding"))
    (row,) = tables(listed)["Open concerns, newest first"]
    assert f"Concern {concern}" in row and "tia (Tia Young), 16 or 17" in row

    page = Page(jo.get(f"/staff/skills/safeguarding/{concern}"))
    assert page.heading == f"Safeguarding concern {concern}"
    assert "He keeps asking to meet at his flat instead." in page.main_text
    people = page.find("table").find("tbody").find_all("tr")
    assert [row.find("th").text for row in people] == ["tia (Tia Young), 16 or 17",
                                                       "maya (Maya Mentor), 18 or over"]
    assert "Verified mentor until" in people[1].text

    short = jo.post(f"/staff/skills/safeguarding/{concern}", data={"outcome": "Done."})
    assert short.status_code == 400
    assert Page(short).error_for("outcome") == "Record what was done (at least 10 characters)."
    assert Page(short).value("outcome").strip() == "Done."

    outcome = "Spoke to both; reminded Maya sessions are at the library only."
    closed = go(jo, jo.post(f"/staff/skills/safeguarding/{concern}",
                            data={"outcome": outcome}))
    assert ("Concern closed. The person who raised it has been told it was looked into."
            in closed.flashes)
    assert outcome in closed.main_text and closed.find("textarea") is None
    assert tables(Page(jo.get("/staff/skills/safeguarding"))) == {
        "Open concerns, newest first": ["No open concerns."]}
    (row,) = tables(Page(jo.get("/staff/skills/safeguarding?state=closed")))[
        "Closed concerns, newest first"]
    assert f"Concern {concern}" in row
    told = run(lambda: factories.notices(user_named("tia")))
    assert told[-1] == "Council staff have looked into the concern you raised. Thank you."
    assert audited(run, "safeguarding.concern_closed") == 1

    again = jo.post(f"/staff/skills/safeguarding/{concern}", data={"outcome": "Closing twice."})
    assert again.status_code == 400
    assert Page(again).summary_errors == ["This concern is already closed."]
    assert run(lambda: db.session.get(SafeguardingConcern, concern).outcome) == outcome


def test_an_unknown_concern_is_not_found(jo):
    assert jo.get("/staff/skills/safeguarding/999").status_code == 404


# --- matches with young people ------------------------------------------------------------------


def test_staff_list_matches_with_young_people_open_first_with_each_adults_check(
        run, jo, teen, mentor, make_user):
    make_user("yusuf", display_name="Yusuf Mentor", mentor=True)
    make_user("uma", age_band="16_17", display_name="Uma Young")
    make_user("rob")
    make_user("ada")

    def make():
        uma = user_named("uma")
        factories.set_profile(uma, open_to_matches=True, capacity=0)
        factories.set_profile(user_named("maya"), capacity=2)
        active = factories.make_match(user_named("tia"), user_named("maya"))
        ended = factories.make_match(uma, user_named("yusuf"))
        from forum.skills import matches

        matches.end_match(uma, ended, "Exams.")
        waiting = factories.ask(uma, user_named("maya"))
        factories.make_match(user_named("rob"), user_named("ada"))  # two adults: not listed
        factories.expire_check(user_named("yusuf"))
        return active.id, ended.id, waiting.id

    active, ended, waiting = run(make)
    page = Page(jo.get("/staff/skills/young-matches"))
    rows = page.find("table").find("tbody").find_all("tr")
    assert [row.find("th").text for row in rows] == [f"Match {waiting}", f"Match {active}",
                                                     f"Match {ended}"]
    cells = {row.find("th").text: [cell.text for cell in row.find_all("td")] for row in rows}
    people, kind, state, _ = cells[f"Match {active}"]
    assert "tia (Tia Young), 16 or 17" in people
    assert "maya (Maya Mentor), 18 or over Verified mentor until" in people
    assert (kind, state) == ("One-to-one mentoring", "Matched")
    assert "yusuf (Yusuf Mentor), 18 or over No current check" in cells[f"Match {ended}"][0]
    assert cells[f"Match {ended}"][2] == "Ended"

    link = rows[1].find("th").find("a").attrs["href"]
    assert link == f"/skills/matches/{active}"
    assert "You are reading as safeguarding staff." in Page(jo.get(link)).main_text
    assert audited(run, "safeguarding.read_match") == 1


# --- a mentoring cohort, start to finish -------------------------------------------------------


@pytest.fixture
def enrolable(make_user):
    """Two mentors, Maya (Riverside) and Yusuf (Hillside), and two 17-year-olds in Riverside,
    Bea and Cal; Rob is an adult with no safeguarding check."""
    return {
        "maya": make_user("maya", display_name="Maya Mentor", mentor=True),
        "yusuf": make_user("yusuf", display_name="Yusuf Mentor", mentor=True,
                           ward="Hillside"),
        "bea": make_user("bea", age_band="16_17", display_name="Bea Young"),
        "cal": make_user("cal", age_band="16_17", display_name="Cal Young"),
        "rob": make_user("rob", display_name="Rob Resident"),
    }


def start_cohort(jo, name="Spring mentoring 2027"):
    response = jo.post("/staff/skills/cohorts", data={"name": name})
    location = response.headers["Location"]
    assert location.startswith("/staff/skills/cohorts/")
    return int(location.rsplit("/", 1)[1])


def add(jo, cohort_id, username, role, capacity=""):
    return jo.post(f"/staff/skills/cohorts/{cohort_id}/members",
                   data={"username": username, "role": role, "capacity": capacity})


def placement_forms(page):
    """{young person's username: (placement id, chosen mentor's id)} from the proposal."""
    found = {}
    for menu in page.find_all("select"):
        name = menu.attrs["name"]
        if name.startswith("placement-"):
            label = page.find("label", for_=menu.attrs["id"]).text
            found[label.removeprefix("Mentor for ")] = (int(name.split("-")[1]),
                                                        page.value(name))
    return found


def told(run, people):
    return count(run, Notification, Notification.user_id.in_([p.id for p in people]))


def test_a_cohort_from_start_to_confirmation_tells_nobody_until_confirmed(run, jo, enrolable,
                                                                         signed_in_client):
    people = enrolable
    cohort_id = start_cohort(jo)
    page = Page(jo.get(f"/staff/skills/cohorts/{cohort_id}"))
    assert page.heading == "Spring mentoring 2027"
    assert "Nobody is told anything until you confirm." in page.main_text

    for username, role, capacity in [("maya", "mentor", "2"), ("yusuf", "mentor", "1"),
                                     ("bea", "young", ""), ("cal", "young", "")]:
        added = go(jo, add(jo, cohort_id, username, role, capacity))
        assert f"{username} added." in added.flashes
    members = tables(added)
    assert members["Young people in this cohort"] == ["bea (Bea Young), 16 or 17 Remove bea",
                                                      "cal (Cal Young), 16 or 17 Remove cal"]
    assert [row.split(" Verified")[0] for row in members[
        "Mentors in this cohort, with their places"]] == [
        "maya (Maya Mentor) 2 0 of 2", "yusuf (Yusuf Mentor) 1 0 of 1"]

    proposed = go(jo, jo.post(f"/staff/skills/cohorts/{cohort_id}/propose"))
    assert ("Placement proposed. Nobody has been told yet: review it, adjust it, then confirm."
            in proposed.flashes)
    rows = placement_forms(proposed)
    maya, yusuf = str(people["maya"].id), str(people["yusuf"].id)
    # Both young people live in Maya's ward, and she has two places.
    assert {name: mentor for name, (_, mentor) in rows.items()} == {"bea": maya, "cal": maya}

    cal, bea = rows["cal"][0], rows["bea"][0]
    moved = go(jo, jo.post(f"/staff/skills/cohorts/{cohort_id}/placements/{cal}",
                           data={f"placement-{cal}-mentor": yusuf}))
    assert "Placement changed." in moved.flashes
    assert placement_forms(moved)["cal"] == (cal, yusuf)
    cal_row = next(row for row in tables(moved)["Proposed placement (not yet confirmed)"]
                   if row.startswith("cal"))
    assert "yusuf (Yusuf Mentor)" in cal_row and "Adjusted by staff" in cal_row

    full = jo.post(f"/staff/skills/cohorts/{cohort_id}/placements/{bea}",
                   data={f"placement-{bea}-mentor": yusuf})
    assert full.status_code == 400
    assert Page(full).error_for(f"placement-{bea}-mentor") == (
        "Yusuf Mentor has no places left in this cohort: move someone else first.")
    assert placement_forms(Page(jo.get(f"/staff/skills/cohorts/{cohort_id}")))["bea"] == (
        bea, maya)

    everyone = [people[name] for name in ("maya", "yusuf", "bea", "cal")]
    assert told(run, everyone) == 0
    assert count(run, Match) == 0

    confirmed = go(jo, jo.post(f"/staff/skills/cohorts/{cohort_id}/confirm"))
    assert ("Cohort confirmed: 2 matches made, and everyone in them has been told."
            in confirmed.flashes)
    made = tables(confirmed)["Matches made when the cohort was confirmed"]
    assert sorted(row.split(" ", 2)[2] for row in made) == [
        "bea (Bea Young), 16 or 17 maya (Maya Mentor) Matched",
        "cal (Cal Young), 16 or 17 yusuf (Yusuf Mentor) Matched"]
    assert confirmed.find("form", action=f"/staff/skills/cohorts/{cohort_id}/members") is None
    assert told(run, everyone) == 4
    assert run(lambda: factories.notices(user_named("bea"))) == [
        "You've been matched with Maya Mentor in Spring mentoring 2027"]
    assert run(lambda: factories.notices(user_named("yusuf"))) == [
        "You've been matched with Cal in Spring mentoring 2027"]

    # The matches are real: Bea sees hers and can message Maya.
    bea_browser = signed_in_client(people["bea"])
    active = Page(bea_browser.get("/skills/matches/")).find(
        "section", aria_labelledby="active-heading")
    assert active.find("h3").text == "Maya Mentor"
    assert run(lambda: db.session.get(Cohort, cohort_id).state) == "confirmed"

    late = add(jo, cohort_id, "rob", "young")
    assert late.status_code == 400
    assert Page(late).summary_errors == [
        "This cohort has been confirmed; start a new one for more people."]


@pytest.mark.parametrize(("username", "role", "capacity", "field", "message"), [
    ("rob", "mentor", "1", "username",
     "rob isn't a verified mentor: record their safeguarding check first."),
    ("nobody", "young", "", "username", "There's no active member with that username."),
    ("maya", "mentor", "0", "capacity", "A mentor takes 1 to 10 young people."),
    ("", "young", "", "username", "Enter the person's username."),
])
def test_adding_someone_the_cohort_refuses_shows_why_beside_the_field(
        run, jo, enrolable, username, role, capacity, field, message):
    cohort_id = start_cohort(jo)
    response = add(jo, cohort_id, username, role, capacity)
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for(field) == message
    assert page.value("username") == username
    assert run(lambda: db.session.get(Cohort, cohort_id).members) == []


def test_a_cohort_cannot_be_confirmed_before_a_placement_is_proposed(run, jo, enrolable):
    cohort_id = start_cohort(jo)
    add(jo, cohort_id, "maya", "mentor", "1")
    add(jo, cohort_id, "bea", "young")
    response = jo.post(f"/staff/skills/cohorts/{cohort_id}/confirm")
    assert response.status_code == 400
    assert Page(response).summary_errors == ["Propose a placement before confirming it."]
    assert count(run, Match) == 0


def test_confirming_stops_when_a_mentors_check_ran_out_after_the_proposal(run, jo, enrolable):
    cohort_id = start_cohort(jo)
    add(jo, cohort_id, "maya", "mentor", "2")
    add(jo, cohort_id, "bea", "young")
    jo.post(f"/staff/skills/cohorts/{cohort_id}/propose")
    run(lambda: factories.expire_check(user_named("maya")))
    response = jo.post(f"/staff/skills/cohorts/{cohort_id}/confirm")
    assert response.status_code == 400
    (problem,) = Page(response).summary_errors
    assert problem.startswith("Some placements can't go ahead; adjust them first. bea with maya:")
    assert count(run, Match) == 0
    assert told(run, [enrolable["maya"], enrolable["bea"]]) == 0


def test_an_unknown_cohort_is_not_found(jo):
    assert jo.get("/staff/skills/cohorts/999").status_code == 404
    assert jo.post("/staff/skills/cohorts/999/propose").status_code == 404


def test_a_cohort_needs_a_name(run, jo):
    response = jo.post("/staff/skills/cohorts", data={"name": "  "})
    assert response.status_code == 400
    assert Page(response).error_for("name") == "Name the programme."
    assert count(run, Cohort) == 0
