"""The `flask` commands an operator runs on the server."""

import pytest

from forum import demo
from forum.accounts.models import AGE_BANDS, ROLES, User, Ward
from forum.accounts.passwords import verify_password
from forum.core.audit import AuditEntry
from forum.extensions import db


@pytest.fixture
def run(app):
    """Run a command as `flask ...` would: run("users", "grant", "moderator", "sam")."""
    runner = app.test_cli_runner()

    def invoke(*args, **options):
        # `flask` pushes an app context for every command; the test runner does not.
        with app.app_context():
            return runner.invoke(args=list(args), **options)

    return invoke


def everyone(app):
    """[{username, band, roles, mentor, verified, password_hash}] and the ward names."""
    with app.app_context():
        users = db.session.execute(db.select(User).order_by(User.id)).scalars().all()
        people = [{"username": user.username, "band": user.age_band(), "roles": user.roles,
                   "mentor": user.is_verified_mentor, "verified": user.is_verified,
                   "password_hash": user.password_hash} for user in users]
        wards = db.session.execute(db.select(Ward.name)).scalars().all()
        return people, sorted(wards)


def test_seed_demo_loads_a_whole_neighbourhood(run, app):
    result = run("seed-demo")
    assert result.exit_code == 0, result.output
    people, wards = everyone(app)
    assert wards == sorted(demo.WARDS) and len(wards) == 6
    assert {person["band"] for person in people} == set(AGE_BANDS)
    assert set().union(*(person["roles"] for person in people)) == set(ROLES)
    assert any(person["mentor"] for person in people)
    assert any(not person["verified"] for person in people)
    assert all(verify_password(person["password_hash"], demo.DEMO_PASSWORD)
               for person in people)
    assert demo.DEMO_PASSWORD in result.output
    for person in people:
        assert person["username"] in result.output


def test_seed_demo_twice_does_nothing_the_second_time(run, app):
    run("seed-demo")
    before = everyone(app)
    result = run("seed-demo")
    assert result.exit_code == 0
    assert "already loaded; nothing to do" in result.output
    assert demo.DEMO_PASSWORD not in result.output
    assert everyone(app) == before


def test_demo_people_can_sign_in(run, client):
    run("seed-demo")
    response = client.post("/account/signin", data={"login": "amina",
                                                    "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302


def test_create_admin(run, fetch_user, app):
    result = run("users", "create-admin", "--username", "operator",
                 "--email", "Ops@Example.org", "--password", "kettle orchard lantern")
    assert result.exit_code == 0, result.output
    assert "Admin operator created." in result.output
    admin = fetch_user("operator")
    assert admin.roles == {"admin"}
    assert admin.is_verified
    assert admin.email == "ops@example.org"
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.actor_id, entry.target_id) == ("role.grant", None, admin.id)


def test_create_admin_prompts_for_a_password_twice(run, fetch_user):
    result = run("users", "create-admin", "--username", "operator",
                 "--email", "ops@example.org",
                 input="kettle orchard lantern\nkettle orchard lantern\n")
    assert result.exit_code == 0, result.output
    assert fetch_user("operator").roles == {"admin"}


@pytest.mark.parametrize(("options", "words"), [
    (["--username", "admin", "--password", "kettle orchard lantern"], "reserved"),
    (["--username", "operator", "--password", "short"], "at least 10"),
])
def test_create_admin_refuses_bad_details_clearly(run, fetch_user, options, words):
    result = run("users", "create-admin", "--email", "ops@example.org", *options)
    assert result.exit_code != 0
    assert words in result.output
    assert "Traceback" not in result.output
    assert fetch_user("operator") is None


def test_grant_a_role(run, make_user, fetch_user):
    make_user("Sam")
    result = run("users", "grant", "moderator", "sam")
    assert result.exit_code == 0, result.output
    assert "Sam now has the roles: moderator." in result.output
    assert fetch_user("sam").roles == {"moderator"}


@pytest.mark.parametrize(("args", "words"), [
    (["moderator", "nobody"], "No user called nobody."),
    (["superuser", "sam"], "Choose one of: moderator, staff, admin."),
    (["admin", "teen"], "adults only"),
])
def test_grant_refuses_unknown_people_roles_and_minors(run, make_user, fetch_user, args, words):
    make_user("sam")
    make_user("teen", age_band="under_16")
    result = run("users", "grant", *args)
    assert result.exit_code != 0
    assert words in result.output
    assert fetch_user("sam").roles == set()
    assert fetch_user("teen").roles == set()
