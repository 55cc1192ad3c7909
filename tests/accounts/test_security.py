"""Attacks a careful site must shrug off: forged forms, guessing, stolen cookies, open redirects,
smuggled fields; and the headers, cookie flags and password hashing it is deployed with."""

import pytest
from sqlalchemy import update

import config
from forum import create_app
from forum.accounts.models import User
from forum.accounts.passwords import hash_password
from forum.extensions import db
from tests.factories import PASSWORD, Page

NEW_PASSWORD = "kettle orchard lantern"

csrf_on = pytest.mark.parametrize("app_overrides", [{"WTF_CSRF_ENABLED": True}], ids=["csrf"])
limits_on = pytest.mark.parametrize("app_overrides", [{
    "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}], ids=["rate-limits"])


def is_signed_in(browser):
    return browser.get("/account/").status_code == 200


def signup_data(number=0):
    return {"username": f"rosa{number}", "email": f"rosa{number}@example.org",
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "date_of_birth": "1990-05-01", "ward": "riverside"}


def count_users(app):
    with app.app_context():
        return db.session.execute(db.select(db.func.count(User.id))).scalar()


# --- forged forms -----------------------------------------------------------------------------


@csrf_on
def test_form_without_its_token_is_refused_with_a_friendly_page(client, make_user):
    user = make_user()
    response = client.post("/account/signin", data={"login": user.username,
                                                    "password": PASSWORD})
    assert response.status_code == 400
    page = Page(response)
    assert page.heading == "Something was wrong with that request"
    assert "came from somewhere else, so nothing was saved" in page.main_text
    assert not is_signed_in(client)


@csrf_on
def test_form_with_its_token_works(client, make_user):
    user = make_user()
    token = Page(client.get("/account/signin")).csrf_token()
    assert token
    response = client.post("/account/signin", data={
        "login": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert is_signed_in(client)


@csrf_on
def test_forged_sign_up_and_sign_out_change_nothing(client, make_user, make_ward, app):
    make_ward("Riverside")
    assert client.post("/account/signup", data=signup_data()).status_code == 400
    assert count_users(app) == 0

    user = make_user()
    token = Page(client.get("/account/signin")).csrf_token()
    client.post("/account/signin", data={"login": user.username, "password": PASSWORD,
                                         "csrf_token": token})
    assert client.post("/account/signout").status_code == 400
    assert client.post("/account/signout", data={"csrf_token": "forged"}).status_code == 400
    assert is_signed_in(client)
    token = Page(client.get("/account/")).find("form", action="/account/signout").find(
        "input", name="csrf_token").attrs["value"]
    client.post("/account/signout", data={"csrf_token": token})
    assert not is_signed_in(client)


# --- guessing -----------------------------------------------------------------------------------


@limits_on
def test_repeated_failed_sign_ins_are_slowed_down(client, make_user):
    user = make_user()
    for _ in range(10):
        response = client.post("/account/signin", data={"login": user.username,
                                                        "password": "a wrong guess"})
        assert response.status_code == 200
    response = client.post("/account/signin", data={"login": user.username,
                                                    "password": PASSWORD})
    assert response.status_code == 429
    page = Page(response)
    assert page.heading == "Too many attempts"
    assert "Please wait a few minutes" in page.main_text
    assert not is_signed_in(client)


@limits_on
def test_successful_sign_ins_do_not_count_towards_the_limit(make_user, new_client):
    user = make_user()
    for _ in range(12):
        browser = new_client()
        assert browser.post("/account/signin", data={
            "login": user.username, "password": PASSWORD}).status_code == 302


@limits_on
def test_guessing_one_account_from_many_addresses_is_slowed_down(client, make_user):
    user = make_user()
    for number in range(20):
        response = client.post(
            "/account/signin", data={"login": user.username, "password": "a wrong guess"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{number + 1}"})
        assert response.status_code == 200
    response = client.post(
        "/account/signin", data={"login": user.username.upper(), "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert response.status_code == 429


@limits_on
def test_sign_ups_are_limited(client, make_ward, app):
    make_ward("Riverside")
    for number in range(5):
        browser = app.test_client()
        assert browser.post("/account/signup", data=signup_data(number)).status_code == 302
    response = app.test_client().post("/account/signup", data=signup_data(99))
    assert response.status_code == 429
    assert Page(response).heading == "Too many attempts"
    assert count_users(app) == 5


@limits_on
def test_reset_requests_are_limited(client, make_user, outbox):
    make_user("sam", email="sam@example.org")
    for _ in range(5):
        assert client.post("/account/reset", data={"email": "sam@example.org"}).status_code == 200
    response = client.post("/account/reset", data={"email": "sam@example.org"})
    assert response.status_code == 429
    assert len(outbox()) == 5


# --- stolen and stale sessions -------------------------------------------------------------------


def copy_cookie(source, target, name):
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie to copy"
    target.set_cookie(name, cookie.value)
    return cookie.value


def test_signed_out_cookie_cannot_be_replayed(client, make_user, login, new_client):
    login(make_user())
    copy = new_client()
    copy_cookie(client, copy, "session")
    assert is_signed_in(copy)  # a copied cookie is as good as the original while it lasts...
    client.post("/account/signout")
    replay = new_client()
    copy_cookie(copy, replay, "session")
    assert not is_signed_in(replay)  # ...and dead everywhere once its browser signs out
    assert not is_signed_in(copy)


def test_sign_out_everywhere_ends_every_browser(make_user, signed_in_client):
    user = make_user()
    laptop, phone = signed_in_client(user), signed_in_client(user)
    response = phone.post("/account/signout-everywhere")
    assert response.headers["Location"] == "/account/signin"
    assert not is_signed_in(phone)
    assert not is_signed_in(laptop)


def test_password_change_ends_other_browsers_only(make_user, signed_in_client):
    user = make_user()
    laptop, phone = signed_in_client(user), signed_in_client(user)
    phone.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert is_signed_in(phone)
    assert not is_signed_in(laptop)


def test_remember_cookie_stops_working_after_sign_out_everywhere(make_user, signed_in_client,
                                                                 new_client):
    user = make_user()
    remembered = signed_in_client(user, remember=True)
    after_restart = new_client()
    copy_cookie(remembered, after_restart, "remember_token")
    assert is_signed_in(after_restart)

    signed_in_client(user).post("/account/signout-everywhere")
    after_restart = new_client()
    copy_cookie(remembered, after_restart, "remember_token")
    assert not is_signed_in(after_restart)
    assert not is_signed_in(remembered)


def test_remember_me_survives_a_password_change_on_the_same_device(make_user, signed_in_client,
                                                                   new_client):
    user = make_user()
    remembered = signed_in_client(user, remember=True)
    remembered.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    after_restart = new_client()
    copy_cookie(remembered, after_restart, "remember_token")
    assert is_signed_in(after_restart)


@pytest.mark.parametrize("state", ["suspended", "banned"])
def test_member_barred_while_signed_in_is_signed_out(client, app, make_user, login, state):
    user = make_user()
    login(user)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(
            state=state, state_reason="Threatening a neighbour.",
            state_until=None))
        db.session.commit()
    assert not is_signed_in(client)
    response = client.post("/account/signin", data={"login": user.username,
                                                    "password": PASSWORD})
    assert "Threatening a neighbour." in Page(response).summary_errors[0]


# --- redirects after sign-in --------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "https://evil.example",
    "https://evil.example/account/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    " //evil.example",
    "account/",
])
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = client.post("/account/signin", data={
        "login": user.username, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Already signed in: the sign-in page sends people on, but still only within the site.
    response = client.get("/account/signin", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_followed(client, make_user):
    user = make_user("sam")
    response = client.post("/account/signin", data={
        "login": user.username, "password": PASSWORD, "next": "/u/sam?tab=about"})
    assert response.headers["Location"] == "/u/sam?tab=about"


# --- smuggled form fields -------------------------------------------------------------------------

SMUGGLED = {"role": "admin", "roles": "admin", "is_staff": "1", "is_admin": "1", "user_id": "1",
            "id": "1", "state": "banned", "email_verified_at": "2020-01-01",
            "username_key": "council", "password_hash": "x"}


def test_sign_up_ignores_fields_that_are_not_on_the_form(client, make_ward, make_user,
                                                          fetch_user):
    make_ward("Riverside")
    first = make_user("first")
    response = client.post("/account/signup", data={**signup_data(), **SMUGGLED,
                                                     "user_id": str(first.id),
                                                     "id": str(first.id)})
    assert response.status_code == 302
    rosa = fetch_user("rosa0")
    assert rosa.id != first.id
    assert rosa.roles == set()
    assert (rosa.state, rosa.is_verified, rosa.username_key) == ("active", False, "rosa0")
    assert fetch_user("first").username == "first"


def test_profile_edit_ignores_fields_that_are_not_on_the_form(client, make_user, login,
                                                              fetch_user):
    other = make_user("other")
    user = make_user("sam", email="sam@example.org")
    login(user)
    response = client.post("/account/profile", data={
        "display_name": "Sam", "bio": "", "ward": "riverside", "languages": "", **SMUGGLED,
        "user_id": str(other.id), "username": "other", "email": "evil@example.org",
        "date_of_birth": "2012-01-01"})
    assert response.status_code == 302
    sam = fetch_user("sam")
    assert sam.display_name == "Sam"
    assert (sam.username, sam.email, sam.state, sam.roles) == (
        "sam", "sam@example.org", "active", set())
    assert sam.age_band() == "adult"
    assert fetch_user("other").display_name == ""


# --- headers, cookies and hashing ----------------------------------------------------------------


def assert_security_headers(response):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == ["'self'"], csp
    assert "'unsafe-inline'" not in directives.get("default-src", []), csp
    assert directives["frame-ancestors"] == ["'none'"], csp
    assert directives["object-src"] == ["'none'"], csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    assert headers.get("X-Frame-Options") == "DENY"


def test_every_kind_of_page_carries_security_headers(client, make_user, login, make_ward):
    make_ward("Riverside")
    make_user("grace")
    responses = [client.get(path) for path in (
        "/", "/health", "/account/signin", "/account/signup", "/account/reset", "/u/grace",
        "/no-such-page", "/account/", "/account/signout", "/static/css/site.css")]
    responses.append(client.post("/account/signin", data={"login": "x", "password": "y"}))
    login(make_user(roles=["staff"]))
    responses += [client.get(path) for path in (
        "/account/", "/account/profile", "/account/data.json", "/staff/", "/staff/audit")]
    assert {response.status_code for response in responses} >= {200, 302, 404, 405}
    for response in responses:
        assert_security_headers(response)
        response.close()


def test_production_cookies_are_secure(app, make_user):
    user = make_user()
    production = create_app("production", overrides={
        "SECRET_KEY": "a-long-random-production-secret-for-tests",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "MAIL_OUTBOX": app.config["MAIL_OUTBOX"],
        # One machine, whatever the tests' database: cookies are what this test is about.
        "SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_PATH": ":memory:", "JOBS": "inline",
        "SEARCH_DRAIN": "inline",
    })
    try:
        browser = production.test_client()
        token = Page(browser.get("/account/signin", base_url="https://localhost")).csrf_token()
        # Over HTTPS, the CSRF check also wants the form to have come from this site.
        response = browser.post("/account/signin", base_url="https://localhost", data={
            "login": user.username, "password": PASSWORD, "remember": "y",
            "csrf_token": token}, headers={"Referer": "https://localhost/account/signin"})
        assert response.status_code == 302
        cookies = {header.split("=", 1)[0]: header
                   for header in response.headers.getlist("Set-Cookie")}
        for name in ("session", "remember_token"):
            flags = [flag.strip() for flag in cookies[name].split(";")]
            assert "Secure" in flags and "HttpOnly" in flags and "SameSite=Lax" in flags
        assert response.headers["Strict-Transport-Security"].startswith("max-age=63072000")
    finally:
        with production.app_context():
            db.engine.dispose()


def test_default_config_hashes_passwords_with_scrypt(app):
    default = create_app("default", overrides={"DATABASE_URL": app.config["DATABASE_URL"]})
    try:
        with default.app_context():
            assert default.config["PASSWORD_HASH_METHOD"] == "scrypt"
            assert hash_password("kettle orchard lantern").startswith("scrypt:")
    finally:
        with default.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("app_overrides", [
    {"PASSWORD_HASH_METHOD": config.Config.PASSWORD_HASH_METHOD}], ids=["scrypt"])
def test_new_accounts_store_scrypt_hashes(client, make_ward, fetch_user, new_client):
    make_ward("Riverside")
    client.post("/account/signup", data=signup_data())
    stored = fetch_user("rosa0").password_hash
    assert stored.startswith("scrypt:")
    assert NEW_PASSWORD not in stored
    assert new_client().post("/account/signin", data={
        "login": "rosa0", "password": NEW_PASSWORD}).status_code == 302


def test_passwords_are_salted(ctx):
    assert hash_password(PASSWORD) != hash_password(PASSWORD)

