"""Suspending and reinstating accounts from the staff console."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.core.policy import can
from forum.extensions import db
from forum.moderation.models import Sanction
from tests.factories import PASSWORD, Page, user_named
from tests.staff.test_views import audit_rows

REASON = "Repeated personal attacks on the Eastbrook board after two warnings."


@pytest.fixture
def staff(make_user, login):
    user = make_user("jo.staff", roles=["staff"])
    login(user)
    return user


def suspend(client, username, reason=REASON, days=""):
    return client.post(f"/staff/users/{username}/suspend", data={"reason": reason, "days": days})


def reinstate(client, username, reason="Apologised and agreed to the community rules."):
    return client.post(f"/staff/users/{username}/reinstate",
                       data={"reinstate-reason": reason})


def try_sign_in(new_client, username):
    """Sign in from a fresh browser: (did it work, the page shown when it didn't)."""
    response = new_client().post("/account/signin", data={"login": username,
                                                          "password": PASSWORD})
    return response.status_code == 302, Page(response)


def sanctions_of(run, username):
    return run(lambda: db.session.execute(
        select(Sanction.kind, Sanction.decision_id, Sanction.ends_at, Sanction.lifted_at)
        .where(Sanction.user_id == user_named(username).id)).all())


def test_suspended_person_is_signed_out_and_told_why_they_cannot_sign_in(
        client, staff, make_user, browser, new_client, run):
    ravis_browser = browser(make_user("ravi", display_name="Ravi Mehta"))
    someone_else = browser(make_user("amina"))
    assert ravis_browser.get("/account/").status_code == 200

    response = suspend(client, "ravi", days="7")
    assert response.headers["Location"] == "/staff/users/ravi"
    page = Page(client.get("/staff/users/ravi"))
    assert any(flash.startswith("ravi is suspended until") and "signed out everywhere" in flash
               for flash in page.flashes)
    assert "Suspended until" in page.find("dd", id="account-state").text
    assert REASON in page.find("dd", id="account-state").text

    # Signed out at once, everywhere.
    response = ravis_browser.get("/account/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/signin")
    assert someone_else.get("/account/").status_code == 200

    signed_in, page = try_sign_in(new_client, "ravi")
    assert not signed_in
    assert "Your account is suspended until" in page.main_text
    assert f"Reason: {REASON}" in page.main_text

    ((kind, decision_id, ends_at, lifted_at),) = sanctions_of(run, "ravi")
    assert (kind, decision_id, lifted_at) == ("suspend", None, None)
    assert abs(ends_at - (utcnow() + timedelta(days=7))) < timedelta(minutes=1)
    _, who, action, on, details = audit_rows(client)[0]
    assert (who, action) == ("jo.staff", "user.suspend")
    assert REASON in details and '"state": "suspended"' in details


def test_the_people_list_shows_who_is_suspended_or_banned(client, staff, make_user):
    make_user("amina")
    make_user("ravi")
    make_user("zed", state="banned", state_reason="Threats.")
    suspend(client, "ravi")
    page = Page(client.get("/staff/users"))
    states = {row.find("td").text: row.find_all("td")[-1].text
              for row in page.find("tbody").find_all("tr")}
    assert states["amina"] == "Active"
    assert states["ravi"] == "Suspended until reinstated"
    assert states["zed"] == "Banned"
    suspended = Page(client.get("/staff/users?state=suspended"))
    assert [row.find("td").text for row in suspended.find("tbody").find_all("tr")] == ["ravi"]


def test_reinstating_lets_them_sign_in_again(client, staff, make_user, new_client, run):
    make_user("ravi")
    suspend(client, "ravi")
    signed_in, page = try_sign_in(new_client, "ravi")
    assert not signed_in
    assert "Your account is suspended. Reason:" in page.main_text

    response = reinstate(client, "ravi")
    assert response.headers["Location"] == "/staff/users/ravi"
    page = Page(client.get("/staff/users/ravi"))
    assert "ravi is reinstated and can sign in again." in page.flashes
    assert page.find("dd", id="account-state").text == "Active"
    assert page.find("form", action="/staff/users/ravi/reinstate") is None
    assert try_sign_in(new_client, "ravi")[0]

    ((kind, _, ends_at, lifted_at),) = sanctions_of(run, "ravi")
    assert kind == "suspend" and ends_at is None and lifted_at is not None
    rows = audit_rows(client)
    assert [row[2] for row in rows[:2]] == ["user.reinstate", "user.suspend"]
    assert "Apologised" in rows[0][4]


def test_a_new_suspension_replaces_the_one_running(client, staff, make_user, run):
    make_user("ravi")
    suspend(client, "ravi")
    suspend(client, "ravi", reason="Shortened after review.", days="3")
    sanctions = sorted(sanctions_of(run, "ravi"), key=lambda row: row.lifted_at is None)
    assert [row.lifted_at is None for row in sanctions] == [False, True]
    assert sanctions[1].ends_at is not None
    page = Page(client.get("/staff/users/ravi"))
    assert "Shortened after review." in page.find("dd", id="account-state").text


def test_a_reason_is_needed_beside_the_field(client, staff, make_user, fetch_user):
    make_user("ravi")
    response = suspend(client, "ravi", reason="  ", days="7")
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("reason") == "Say why. They will read this when they try to sign in."
    assert page.value("days") == "7"
    assert fetch_user("ravi").state == "active"


@pytest.mark.parametrize("days", ["0", "-3", "abc", "100000"])
def test_days_must_be_a_sensible_whole_number(client, staff, make_user, fetch_user, days):
    make_user("ravi")
    response = suspend(client, "ravi", days=days)
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("days")
    assert page.value("reason") == REASON
    assert page.value("days") == days
    assert fetch_user("ravi").state == "active"
    assert [row[2] for row in audit_rows(client)] == []


def test_reinstating_needs_a_reason_too(client, staff, make_user, fetch_user):
    make_user("ravi")
    suspend(client, "ravi")
    response = reinstate(client, "ravi", reason="")
    assert response.status_code == 400
    assert Page(response).error_for("reinstate-reason") == \
        "Say why the suspension is being lifted."
    assert fetch_user("ravi").state == "suspended"


def test_reinstating_someone_who_is_not_suspended_says_so(client, staff, make_user):
    make_user("ravi")
    response = reinstate(client, "ravi")
    assert response.status_code == 400
    assert Page(response).summary_errors == ["ravi isn't suspended."]
    assert audit_rows(client) == []


def test_nobody_suspends_an_admin_or_themselves(client, staff, make_user, fetch_user):
    make_user("boss", roles=["admin"])
    for username in ("boss", "jo.staff"):
        assert Page(client.get(f"/staff/users/{username}")).find(
            "form", action=f"/staff/users/{username}/suspend") is None
        assert suspend(client, username).status_code == 403
        assert fetch_user(username).state == "active"
    assert audit_rows(client) == []


def test_only_admins_suspend_staff(client, staff, make_user, fetch_user, browser):
    make_user("sam.staff", roles=["staff"])
    assert suspend(client, "sam.staff").status_code == 403
    assert fetch_user("sam.staff").state == "active"
    admin = browser(make_user("council.admin", roles=["admin"]))
    assert suspend(admin, "sam.staff").headers["Location"] == "/staff/users/sam.staff"
    assert fetch_user("sam.staff").state == "suspended"


def test_staff_suspend_moderators(client, staff, make_user, fetch_user):
    make_user("helen", roles=["moderator"])
    suspend(client, "helen", days="30")
    assert fetch_user("helen").state == "suspended"


def test_a_banned_account_is_not_suspended(client, staff, make_user, fetch_user):
    make_user("zed", state="banned", state_reason="Threats of violence.")
    page = Page(client.get("/staff/users/zed"))
    assert page.find("form", action="/staff/users/zed/suspend") is None
    assert "Banned" in page.find("dd", id="account-state").text
    response = suspend(client, "zed")
    assert response.status_code == 400
    assert any("zed is banned" in error for error in Page(response).summary_errors)
    assert fetch_user("zed").state == "banned"


def test_a_deleted_account_has_no_page_to_suspend_from(client, staff, make_user):
    make_user("gone", state="deleted")
    assert suspend(client, "gone").status_code == 404


@pytest.mark.parametrize(("actor", "subject", "allowed"), [
    ("staff", "resident", True),
    ("staff", "moderator", True),
    ("staff", "staff", False),
    ("staff", "admin", False),
    ("admin", "staff", True),
    ("admin", "admin", False),
    ("moderator", "resident", False),
    ("resident", "resident", False),
])
def test_who_may_suspend_whom(make_user, actor, subject, allowed):
    def person(role):
        return make_user(roles=[] if role == "resident" else [role])

    assert can(person(actor), "user.suspend", person(subject)) is allowed


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_nobody_may_suspend_themselves(make_user, role):
    actor = make_user(roles=[role])
    assert not can(actor, "user.suspend", actor)
