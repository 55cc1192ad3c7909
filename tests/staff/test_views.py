"""The staff console: wards, people, roles, safeguarding checks, and the audit log they leave."""

from datetime import date, timedelta

import pytest

from forum.accounts.models import Ward
from forum.accounts.services import create_ward
from forum.core.audit import AuditEntry, AuditLogIsAppendOnly
from forum.extensions import db
from tests.factories import Page, create_user


@pytest.fixture
def staff(make_user, login):
    user = make_user("jo.staff", roles=["staff"])
    login(user)
    return user


@pytest.fixture
def admin(make_user, login):
    user = make_user("council.admin", roles=["admin"])
    login(user)
    return user


def audit_rows(client):
    """The audit log as staff read it: [(who, action, details)], newest first."""
    rows = Page(client.get("/staff/audit")).find("table").find("tbody").find_all("tr")
    cells = [tuple(cell.text for cell in row.find_all("td")) for row in rows]
    return [row for row in cells if row != ("Nothing recorded yet.",)]


def audit_actions(client):
    return [row[2] for row in audit_rows(client)]


def iso(days_from_today):
    return (date.today() + timedelta(days=days_from_today)).isoformat()


# --- wards ------------------------------------------------------------------------------------


def test_staff_add_a_ward(client, staff):
    response = client.post("/staff/wards", data={"name": "Hollins Park"})
    assert response.headers["Location"] == "/staff/wards"
    page = Page(client.get("/staff/wards"))
    assert "Ward Hollins Park added." in page.flashes
    assert "Hollins Park hollins-park" in page.find("table").text
    _, who, action, _, details = audit_rows(client)[0]
    assert (who, action) == ("jo.staff", "ward.create")
    assert "Hollins Park" in details


def test_duplicate_ward_name_is_refused_beside_the_field(client, staff, make_ward):
    make_ward("Millfield")
    response = client.post("/staff/wards", data={"name": "millfield"})
    page = Page(response)
    assert page.error_for("name") == "There is already a ward with that name."
    assert page.value("name") == "millfield"
    assert audit_actions(client) == []


def test_rename_keeps_the_address(client, staff, make_ward, app):
    ward = make_ward("St Annes")
    page = Page(client.get(f"/staff/wards/{ward.slug}"))
    assert page.value("name") == "St Annes"
    response = client.post(f"/staff/wards/{ward.slug}", data={"name": "Saint Anne's"})
    assert response.headers["Location"] == "/staff/wards"
    with app.app_context():
        renamed = db.session.get(Ward, ward.id)
        assert (renamed.name, renamed.slug) == ("Saint Anne's", ward.slug)
    # Sign-up still offers the ward under its old address.
    client.post("/account/signout")
    option = Page(client.get("/account/signup")).find("option", value=ward.slug)
    assert option.text == "Saint Anne's"


def test_rename_is_audited_with_before_and_after(client, staff, make_ward):
    ward = make_ward("Eastbrook")
    client.post(f"/staff/wards/{ward.slug}", data={"name": "East Brook"})
    _, who, action, _, details = audit_rows(client)[0]
    assert (who, action) == ("jo.staff", "ward.rename")
    assert 'before: {"name": "Eastbrook"}' in details
    assert 'after: {"name": "East Brook"}' in details


def test_rename_to_a_taken_name_is_refused(client, staff, make_ward):
    make_ward("Northgate")
    ward = make_ward("Millfield")
    page = Page(client.post(f"/staff/wards/{ward.slug}", data={"name": "NORTHGATE"}))
    assert page.error_for("name") == "There is already a ward with that name."


def test_staff_set_where_a_ward_is(client, staff, make_ward, app):
    ward = make_ward("Hollins Park")
    response = client.post(f"/staff/wards/{ward.slug}/centre",
                           data={"latitude": "53.4794", "longitude": "-2.2453"})
    assert response.headers["Location"] == f"/staff/wards/{ward.slug}"
    with app.app_context():
        saved = db.session.get(Ward, ward.id)
        assert (saved.latitude, saved.longitude) == (53.4794, -2.2453)
    assert audit_rows(client)[0][2] == "ward.centre"


def test_a_ward_centre_needs_both_numbers_in_range(client, staff, make_ward, app):
    ward = make_ward("Hollins Park")
    response = client.post(f"/staff/wards/{ward.slug}/centre", data={"latitude": "53.4"})
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("latitude") == ("Give both the latitude and the longitude, or "
                                          "neither.")
    page = Page(client.post(f"/staff/wards/{ward.slug}/centre",
                            data={"latitude": "153.4", "longitude": "2"}))
    assert "Latitude runs from -90 to 90" in page.error_for("latitude")
    assert page.value("latitude") == "153.4"
    with app.app_context():
        assert db.session.get(Ward, ward.id).latitude is None


def test_unknown_ward_is_404(client, staff):
    assert client.get("/staff/wards/atlantis").status_code == 404


# --- finding people -----------------------------------------------------------------------------


def listed_usernames(page):
    return [row.find("td").text for row in page.find("tbody").find_all("tr")]


def test_search_people_by_name_username_email_or_role(client, staff, make_user):
    make_user("amina", display_name="Amina Hussain", email="amina@nhs.example")
    make_user("ravi", display_name="Ravi Mehta", roles=["moderator"])
    make_user("helen", display_name="Helen Murphy", roles=["moderator"])
    make_user("gone", display_name="Hussain Former", state="deleted")

    page = Page(client.get("/staff/users", query_string={"q": "hussain"}))
    assert listed_usernames(page) == ["amina"]
    assert "1 person found." in page.main_text
    assert listed_usernames(Page(client.get("/staff/users?q=nhs.example"))) == ["amina"]
    assert listed_usernames(Page(client.get("/staff/users?q=RAV"))) == ["ravi"]
    assert listed_usernames(Page(client.get("/staff/users?role=moderator"))) == [
        "helen", "ravi"]
    page = Page(client.get("/staff/users?q=helen&role=moderator"))
    assert listed_usernames(page) == ["helen"]
    assert page.value("q") == "helen" and page.value("role") == "moderator"


def test_user_page_shows_account_and_roles(client, staff, make_user):
    make_user("teen", age_band="16_17", display_name="Leah Brown")
    page = Page(client.get("/staff/users/teen"))
    assert page.heading == "Leah Brown @teen"
    assert "16 or 17" in page.main_text
    assert "teen@example.org" in page.main_text
    assert "Safeguarding checks are recorded for adults only." in page.main_text
    assert page.find("form", action="/staff/users/teen/mentor-check") is None


def test_unknown_or_deleted_person_is_404(client, staff, make_user):
    make_user("gone", state="deleted")
    assert client.get("/staff/users/nobody").status_code == 404
    assert client.get("/staff/users/gone").status_code == 404
    assert client.post("/staff/users/nobody/roles", data={"role": "moderator"}).status_code == 404


# --- roles ----------------------------------------------------------------------------------------


def role_options(page):
    select = page.find("select", name="role")
    return [option.attrs["value"] for option in select.find_all("option")] if select else []


def test_staff_appoint_a_moderator(client, staff, make_user, fetch_user):
    make_user("ravi")
    response = client.post("/staff/users/ravi/roles", data={"role": "moderator",
                                                            "change": "grant"})
    assert response.headers["Location"] == "/staff/users/ravi"
    page = Page(client.get("/staff/users/ravi"))
    assert "ravi is now moderator." in page.flashes
    assert "Moderator, since" in page.main_text and "(by jo.staff)" in page.main_text
    assert fetch_user("ravi").roles == {"moderator"}
    _, who, action, _, details = audit_rows(client)[0]
    assert (who, action) == ("jo.staff", "role.grant")
    assert '"role": "moderator"' in details


def test_staff_are_offered_and_allowed_only_the_moderator_role(client, staff, make_user,
                                                                fetch_user):
    make_user("ravi")
    assert role_options(Page(client.get("/staff/users/ravi"))) == ["moderator"]
    for role in ("admin", "staff"):
        client.post("/staff/users/ravi/roles", data={"role": role, "change": "grant"})
        page = Page(client.get("/staff/users/ravi"))
        assert "You don't have permission to do that." in page.flashes
    assert fetch_user("ravi").roles == set()
    assert audit_actions(client) == []


def test_staff_cannot_take_away_an_admin_role(client, staff, make_user, fetch_user):
    make_user("boss", roles=["admin"])
    client.post("/staff/users/boss/roles", data={"role": "admin", "change": "revoke"})
    assert fetch_user("boss").roles == {"admin"}


def test_admin_appoints_staff_and_removes_roles(client, admin, make_user, fetch_user):
    make_user("jo", roles=["moderator"])
    assert role_options(Page(client.get("/staff/users/jo"))) == ["moderator", "staff", "admin"]
    client.post("/staff/users/jo/roles", data={"role": "staff", "change": "grant"})
    assert fetch_user("jo").roles == {"moderator", "staff"}
    client.post("/staff/users/jo/roles", data={"role": "moderator", "change": "revoke"})
    assert "jo is no longer moderator." in Page(client.get("/staff/users/jo")).flashes
    assert fetch_user("jo").roles == {"staff"}
    assert audit_actions(client) == ["role.revoke", "role.grant"]


def test_young_person_cannot_be_made_staff(client, admin, make_user, fetch_user):
    make_user("teen", age_band="16_17")
    client.post("/staff/users/teen/roles", data={"role": "staff", "change": "grant"})
    assert "Staff and admin roles are for adults only." in Page(
        client.get("/staff/users/teen")).flashes
    assert fetch_user("teen").roles == set()


# --- safeguarding checks -----------------------------------------------------------------------


def record_check(client, username, reference="001234567890", issued=-10, expires=1000):
    return client.post(f"/staff/users/{username}/mentor-check", data={
        "reference": reference, "checked_on": iso(issued), "expires_on": iso(expires)})


def test_recording_a_check_makes_a_verified_mentor(client, staff, make_user, fetch_user):
    make_user("amina")
    response = record_check(client, "amina")
    assert response.headers["Location"] == "/staff/users/amina"
    page = Page(client.get("/staff/users/amina"))
    expires = date.today() + timedelta(days=1000)
    assert f"amina is a verified mentor until {expires.day} {expires:%B %Y}" in \
        " ".join(page.flashes)
    assert "Verified mentor" in page.main_text
    assert fetch_user("amina").is_verified_mentor
    _, who, action, _, details = audit_rows(client)[0]
    assert (who, action) == ("jo.staff", "mentor.check_recorded")
    assert "001234567890" in details
    assert "Verified mentor" in Page(client.get("/u/amina")).main_text


@pytest.mark.parametrize(("reference", "issued", "expires", "field", "words"), [
    ("12", -10, 1000, "reference", "as printed"),
    ("001234567890", 5, 1000, "checked_on", "can't be in the future"),
    ("001234567890", -10, -20, "expires_on", "must come after the check date"),
    ("001234567890", -1200, -5, "expires_on", "already expired"),
])
def test_check_problems_are_shown_beside_the_field(client, staff, make_user, fetch_user,
                                                   reference, issued, expires, field, words):
    make_user("amina")
    response = record_check(client, "amina", reference, issued, expires)
    assert response.status_code == 400
    page = Page(response)
    assert words in page.error_for(field)
    assert list(page.field_errors()) == [field]
    assert page.value("reference") == reference
    assert page.value("checked_on") == iso(issued)
    assert not fetch_user("amina").is_verified_mentor
    assert audit_actions(client) == []


def test_missing_check_dates_are_asked_for(client, staff, make_user):
    make_user("amina")
    page = Page(client.post("/staff/users/amina/mentor-check", data={
        "reference": "001234567890", "checked_on": "", "expires_on": "soon"}))
    assert page.error_for("checked_on") == "Enter the date of issue."
    assert page.error_for("expires_on") == "Enter when the check must be renewed."


def test_staff_cannot_record_their_own_check(client, staff, fetch_user):
    response = record_check(client, "jo.staff")
    assert response.status_code == 403
    assert "only for adults other than themselves" in Page(response).main_text
    assert not fetch_user("jo.staff").is_verified_mentor
    assert Page(client.get("/staff/users/jo.staff")).find(
        "form", action="/staff/users/jo.staff/mentor-check") is None


def test_no_check_for_a_young_person(client, staff, make_user, fetch_user):
    make_user("teen", age_band="16_17")
    assert record_check(client, "teen").status_code == 403
    assert fetch_user("teen").mentor_checks == []


def withdraw_form(page):
    return next(form for form in page.find_all("form")
                if form.attrs.get("action", "").endswith("/revoke"))


def test_withdrawing_a_check_needs_a_reason(client, staff, make_user, fetch_user):
    make_user("tomasz", mentor=True)
    action = withdraw_form(Page(client.get("/staff/users/tomasz"))).attrs["action"]
    client.post(action, data={"reason": ""})
    assert "Say why the check is being withdrawn." in Page(
        client.get("/staff/users/tomasz")).flashes
    assert fetch_user("tomasz").is_verified_mentor

    response = client.post(action, data={"reason": "Certificate could not be verified."})
    assert response.headers["Location"] == "/staff/users/tomasz"
    page = Page(client.get("/staff/users/tomasz"))
    assert "Check withdrawn." in page.flashes
    assert "Withdrawn" in page.find("table").text
    assert not fetch_user("tomasz").is_verified_mentor
    _, who, action_name, _, details = audit_rows(client)[0]
    assert (who, action_name) == ("jo.staff", "mentor.check_revoked")
    assert "Certificate could not be verified." in details


def test_unknown_check_is_404(client, staff):
    assert client.post("/staff/mentor-checks/999/revoke", data={"reason": "x"}).status_code == 404


# --- the audit log ------------------------------------------------------------------------------


def test_every_console_action_is_in_the_audit_log(client, staff, make_user, make_ward):
    make_user("amina")
    ward = make_ward("Millfield")
    client.post("/staff/wards", data={"name": "Eastbrook"})
    client.post(f"/staff/wards/{ward.slug}", data={"name": "Mill Field"})
    client.post("/staff/users/amina/roles", data={"role": "moderator", "change": "grant"})
    record_check(client, "amina")
    action = withdraw_form(Page(client.get("/staff/users/amina"))).attrs["action"]
    client.post(action, data={"reason": "Recorded against the wrong person."})
    client.post("/staff/users/amina/roles", data={"role": "moderator", "change": "revoke"})
    rows = audit_rows(client)
    assert [row[2] for row in rows] == [
        "role.revoke", "mentor.check_revoked", "mentor.check_recorded", "role.grant",
        "ward.rename", "ward.create"]
    assert {row[1] for row in rows} == {"jo.staff"}


def test_audit_log_can_be_filtered_by_action(client, staff, make_user):
    make_user("ravi")
    client.post("/staff/wards", data={"name": "Eastbrook"})
    client.post("/staff/users/ravi/roles", data={"role": "moderator", "change": "grant"})
    rows = Page(client.get("/staff/audit?action=role.grant")).find("tbody").find_all("tr")
    assert [row.find_all("td")[2].text for row in rows] == ["role.grant"]


def test_audit_entries_cannot_be_changed_or_deleted(ctx):
    staff = create_user(roles=["staff"])
    create_ward(staff, "Eastbrook")
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    entry.reason = "covering my tracks"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.execute(db.select(AuditEntry)).scalar_one())
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert (entry.action, entry.reason) == ("ward.create", "")
