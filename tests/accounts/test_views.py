"""Accounts through the browser: join, sign in and out, recover, manage, delete, profiles."""

import json
import re
from datetime import date, timedelta

import pytest

from forum.accounts.models import User
from forum.extensions import db
from tests.factories import PASSWORD, Page

NEW_PASSWORD = "kettle orchard lantern"


@pytest.fixture
def riverside(make_ward):
    return make_ward("Riverside")


def signup_data(**changes):
    data = {"username": "Rosa", "email": "rosa@example.org", "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD, "date_of_birth": "1990-05-01", "ward": "riverside"}
    data.update(changes)
    return data


def link_in(message):
    """The site path of the link in an e-mail."""
    match = re.search(r"https?://localhost(/\S+)", message.get_content())
    assert match, "no link in the e-mail"
    return match.group(1)


def is_signed_in(browser):
    return browser.get("/account/").status_code == 200


def count_users(app):
    with app.app_context():
        return db.session.execute(db.select(db.func.count(User.id))).scalar()


def years_ago(years):
    """The date of birth of someone whose birthday is today (on 29 February: yesterday)."""
    today = date.today()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


# --- joining --------------------------------------------------------------------------------


def test_sign_up_signs_in_and_sends_a_verification_link(client, riverside, outbox, fetch_user):
    response = client.post("/account/signup", data=signup_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    page = Page(client.get("/account/"))
    assert any("We've sent a link to rosa@example.org" in text for text in page.flashes)
    assert "not confirmed yet" in page.main_text
    [message] = outbox()
    assert message["To"] == "rosa@example.org"
    assert not fetch_user("rosa").is_verified

    response = client.get(link_in(message))
    assert response.status_code == 302
    assert fetch_user("rosa").is_verified
    page = Page(client.get("/account/"))
    assert "your e-mail address is confirmed" in " ".join(page.flashes)
    assert "confirmed" in page.main_text and "not confirmed yet" not in page.main_text


def test_verification_link_works_when_signed_out(client, riverside, outbox, fetch_user,
                                                 new_client):
    client.post("/account/signup", data=signup_data())
    response = new_client().get(link_in(outbox()[0]))
    assert response.headers["Location"].startswith("/account/signin")
    assert fetch_user("rosa").is_verified


def test_tampered_verification_link_is_explained(client):
    response = client.get("/account/verify/not-a-real-token")
    assert response.status_code == 400
    assert "copied the whole link" in Page(response).main_text


def test_unverified_member_can_ask_for_the_link_again(client, make_user, login, outbox):
    user = make_user(verified=False)
    login(user)
    assert "Confirm your e-mail address" in Page(client.get("/")).text
    client.post("/account/verify")
    assert [message["To"] for message in outbox()] == [user.email]


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"email": "rosa.example.org"}, "email", "like name@example.com"),
    ({"password": "short", "confirm": "short"}, "password", "at least 10"),
    ({"password": "password123", "confirm": "password123"}, "password", "too easy to guess"),
    ({"password": "rosa-loves-gardens", "confirm": "rosa-loves-gardens"}, "password",
     "username"),
    ({"confirm": "something else entirely"}, "confirm", "don't match"),
    ({"username": "admin"}, "username", "reserved"),
    ({"username": "Moderator"}, "username", "reserved"),
    ({"username": "r!"}, "username", "3 to 30"),
    ({"ward": ""}, "ward", "Choose your ward"),
    ({"ward": "atlantis"}, "ward", "Not a valid choice"),
    ({"date_of_birth": "2999-01-01"}, "date_of_birth", "can't be in the future"),
    ({"date_of_birth": "27/03/2004"}, "date_of_birth", "for example 2004-03-27"),
    ({"date_of_birth": ""}, "date_of_birth", "Enter your date of birth"),
])
def test_sign_up_problem_is_shown_beside_its_field(client, riverside, app, outbox, changes,
                                                   field, words):
    response = client.post("/account/signup", data=signup_data(**changes))
    assert response.status_code == 200
    page = Page(response)
    assert words in page.error_for(field)
    assert list(page.field_errors()) == [field]
    # Everything else the person typed is still there (passwords are never echoed back).
    data = signup_data(**changes)
    for other in ("username", "email", "date_of_birth"):
        if other != field:
            assert page.value(other) == data[other]
    if field != "ward":
        assert page.value("ward") == "riverside"
    assert page.value("password") == ""
    assert count_users(app) == 0
    assert outbox() == []


def test_taken_username_is_refused_whatever_the_case(client, riverside, make_user, app):
    make_user("rosa", email="someone@example.org")
    page = Page(client.post("/account/signup", data=signup_data(username="ROSA")))
    assert "taken" in page.error_for("username")
    assert page.value("email") == "rosa@example.org"
    assert count_users(app) == 1


def test_used_email_is_refused(client, riverside, make_user, app):
    make_user("someone", email="rosa@example.org")
    page = Page(client.post("/account/signup", data=signup_data(email="Rosa@Example.org")))
    assert "already uses that e-mail" in page.error_for("email")
    assert page.value("username") == "Rosa"
    assert count_users(app) == 1


def test_under_13_is_refused_kindly(client, riverside, app, outbox):
    born = years_ago(13) + timedelta(days=1)
    response = client.post("/account/signup", data=signup_data(date_of_birth=born.isoformat()))
    page = Page(response)
    message = page.error_for("date_of_birth")
    assert message.startswith("Thanks for wanting to join!")
    assert "we'd love to see you when you turn 13" in message
    assert page.value("username") == "Rosa"
    assert count_users(app) == 0
    assert outbox() == []
    assert not is_signed_in(client)


@pytest.mark.parametrize(("age", "band"), [(13, "under_16"), (16, "16_17"), (18, "adult")])
def test_birthday_today_puts_the_new_member_in_the_older_band(client, riverside, fetch_user,
                                                             age, band):
    born = years_ago(age)
    client.post("/account/signup", data=signup_data(date_of_birth=born.isoformat()))
    assert fetch_user("rosa").age_band() == band


@pytest.mark.parametrize(("age", "band"), [(15, "under_16"), (17, "16_17"), (30, "adult")])
def test_age_band_comes_from_date_of_birth(client, riverside, fetch_user, age, band):
    born = years_ago(age) - timedelta(days=40)
    client.post("/account/signup", data=signup_data(date_of_birth=born.isoformat()))
    assert fetch_user("rosa").age_band() == band


def test_signed_in_member_is_sent_home_from_sign_up(client, make_user, login):
    login(make_user())
    assert client.get("/account/signup").headers["Location"] == "/"


# --- signing in and out ---------------------------------------------------------------------


def test_sign_in_with_username_or_email(make_user, new_client):
    user = make_user("Sam", email="sam@example.org")
    for login in ("Sam", "sam", "SAM@example.org"):
        browser = new_client()
        response = browser.post("/account/signin", data={"login": login, "password": PASSWORD})
        assert response.status_code == 302
        assert f"Welcome back, {user.name}." in Page(browser.get("/")).flashes
        assert is_signed_in(browser)


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make_user):
    make_user("sam")
    wrong_password = client.post("/account/signin",
                                 data={"login": "sam", "password": "not my password"})
    unknown = client.post("/account/signin",
                          data={"login": "nosuchperson", "password": "not my password"})
    assert wrong_password.status_code == unknown.status_code == 200
    assert Page(wrong_password).summary_errors == Page(unknown).summary_errors == [
        "That username or e-mail and password don't match an account. Check both and "
        "try again."]
    assert not is_signed_in(client)


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    user = make_user()
    client.post("/account/signin", data={"login": user.username, "password": PASSWORD})
    assert client.get_cookie("remember_token") is None
    client.post("/account/signout")
    client.post("/account/signin",
                data={"login": user.username, "password": PASSWORD, "remember": "y"})
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.expires is not None


@pytest.mark.parametrize(("state", "words"), [
    ("suspended", "Your account is suspended"),
    ("banned", "Your account has been banned"),
])
def test_barred_member_is_told_why(client, make_user, state, words):
    user = make_user(state=state, state_reason="Posting other people's addresses.")
    response = client.post("/account/signin",
                           data={"login": user.username, "password": PASSWORD})
    [error] = Page(response).summary_errors
    assert error.startswith(words)
    assert "Posting other people's addresses." in error
    assert not is_signed_in(client)


def test_sign_out_is_post_only(client, make_user, login):
    login(make_user())
    response = client.get("/account/signout")
    assert response.status_code == 405
    assert "That doesn't work here" in Page(response).heading
    assert is_signed_in(client)
    response = client.post("/account/signout")
    assert response.headers["Location"] == "/"
    assert "You're signed out" in " ".join(Page(client.get("/")).flashes)
    assert not is_signed_in(client)


def test_sign_in_page_returns_to_where_the_member_was_going(client, make_user):
    user = make_user()
    response = client.get("/account/password")
    assert response.headers["Location"] == "/account/signin?next=%2Faccount%2Fpassword"
    page = Page(client.get(response.headers["Location"]))
    assert page.value("next") == "/account/password"
    response = client.post("/account/signin", data={
        "login": user.username, "password": PASSWORD, "next": "/account/password"})
    assert response.headers["Location"] == "/account/password"


# --- recovering a password --------------------------------------------------------------------


def test_reset_request_looks_the_same_for_unknown_addresses(client, make_user, outbox):
    make_user("sam", email="sam@example.org")
    unknown = Page(client.post("/account/reset", data={"email": "nobody@example.org"}))
    assert outbox() == []
    known = Page(client.post("/account/reset", data={"email": "sam@example.org"}))
    assert len(outbox()) == 1
    assert unknown.heading == known.heading == "Check your e-mail"
    assert unknown.main_text.replace("nobody@example.org", "ADDRESS") == \
        known.main_text.replace("sam@example.org", "ADDRESS")


def request_reset_link(client, outbox, address):
    client.post("/account/reset", data={"email": address})
    return link_in(outbox()[-1])


def test_reset_link_works_once(client, make_user, outbox, new_client):
    user = make_user("sam", email="sam@example.org")
    link = request_reset_link(client, outbox, "sam@example.org")
    assert Page(client.get(link)).heading == "Choose a new password"
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/account/signin"

    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in Page(again).main_text
    response = client.post(link, data={"password": "yet another password",
                                       "confirm": "yet another password"})
    assert response.status_code == 400

    browser = new_client()
    assert browser.post("/account/signin", data={
        "login": user.username, "password": PASSWORD}).status_code == 200
    assert browser.post("/account/signin", data={
        "login": user.username, "password": NEW_PASSWORD}).status_code == 302


def test_expired_reset_link_is_refused(client, app, make_user, outbox):
    make_user("sam", email="sam@example.org")
    link = request_reset_link(client, outbox, "sam@example.org")
    app.config["PASSWORD_RESET_MAX_AGE"] = timedelta(seconds=-1)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    page = Page(response)
    assert "expired" in page.main_text
    assert page.find("a", href="/account/reset") is not None
    assert client.post("/account/signin", data={
        "login": "sam", "password": PASSWORD}).status_code == 302


def test_reset_form_checks_the_new_password(client, make_user, outbox):
    make_user("sam", email="sam@example.org")
    link = request_reset_link(client, outbox, "sam@example.org")
    page = Page(client.post(link, data={"password": "short", "confirm": "short"}))
    assert "at least 10" in page.error_for("password")
    page = Page(client.post(link, data={"password": NEW_PASSWORD, "confirm": "different one"}))
    assert "don't match" in page.error_for("confirm")


def test_resetting_signs_out_every_other_session(client, make_user, outbox, signed_in_client):
    user = make_user("sam", email="sam@example.org")
    elsewhere = signed_in_client(user)
    link = request_reset_link(client, outbox, "sam@example.org")
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert not is_signed_in(elsewhere)


# --- managing the account ----------------------------------------------------------------------


def test_change_password_wrong_current_password_is_shown_beside_it(client, make_user, login):
    login(make_user())
    page = Page(client.post("/account/password", data={
        "current_password": "not my password", "new_password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD}))
    assert page.error_for("current_password") == "That isn't your current password."


def test_change_password_signs_out_other_devices_only(client, make_user, login,
                                                      signed_in_client, new_client, outbox):
    user = make_user()
    elsewhere = signed_in_client(user)
    login(user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/account/"
    assert is_signed_in(client)
    assert not is_signed_in(elsewhere)
    assert outbox()[-1]["Subject"] == "Your Common Ground password was changed"
    assert new_client().post("/account/signin", data={
        "login": user.username, "password": NEW_PASSWORD}).status_code == 302


def test_change_email_waits_for_the_new_address_to_confirm(client, make_user, login, outbox,
                                                           fetch_user):
    user = make_user("sam", email="sam@example.org")
    login(user)
    page = Page(client.post("/account/email", data={
        "email": "sam@example.org", "current_password": PASSWORD}))
    assert "already your e-mail" in page.error_for("email")
    page = Page(client.post("/account/email", data={
        "email": "sam.new@example.org", "current_password": "wrong"}))
    assert page.error_for("current_password") == "That isn't your current password."
    assert page.value("email") == "sam.new@example.org"
    assert outbox() == []

    client.post("/account/email", data={"email": "Sam.New@example.org",
                                        "current_password": PASSWORD})
    [confirmation] = outbox()
    assert confirmation["To"] == "sam.new@example.org"
    assert fetch_user("sam").email == "sam@example.org"

    client.get(link_in(confirmation))
    assert fetch_user("sam").email == "sam.new@example.org"
    notice = outbox()[-1]
    assert notice["To"] == "sam@example.org"
    assert "changed to sam.new@example.org" in notice.get_content()
    assert "sam.new@example.org" in Page(client.get("/account/")).main_text


def test_edit_profile(client, make_user, make_ward, login, fetch_user):
    make_ward("Millfield")
    user = make_user("sam")
    login(user)
    page = Page(client.get("/account/profile"))
    assert page.value("ward") == "riverside"
    response = client.post("/account/profile", data={
        "display_name": "Sam Patel", "bio": "Keen gardener.", "ward": "millfield",
        "languages": "polish, English; urdu"})
    assert response.headers["Location"] == "/u/sam"
    saved = fetch_user("sam")
    assert saved.display_name == "Sam Patel"
    assert saved.bio == "Keen gardener."
    assert saved.ward.slug == "millfield"
    assert saved.languages == ["Polish", "English", "Urdu"]
    profile = Page(client.get("/u/sam"))
    assert profile.heading == "Sam Patel"
    assert "Speaks: Polish, English, Urdu" in profile.main_text
    assert Page(client.get("/account/profile")).value("languages") == "Polish, English, Urdu"


def test_edit_profile_problems_keep_what_was_typed(client, make_user, login):
    login(make_user())
    page = Page(client.post("/account/profile", data={
        "display_name": "Sam Patel", "bio": "Keen gardener.", "ward": "",
        "languages": "Welsh"}))
    assert page.error_for("ward") == "Choose your ward."
    assert page.value("display_name") == "Sam Patel"
    assert page.value("bio").strip() == "Keen gardener."
    assert page.value("languages") == "Welsh"


def test_delete_account(client, make_user, login, fetch_user, outbox, new_client,
                        signed_in_client, make_ward):
    user = make_user("sam", email="sam@example.org", bio="Hello", roles=["moderator"])
    elsewhere = signed_in_client(user)
    login(user)
    page = Page(client.post("/account/delete", data={"password": "not my password"}))
    assert page.error_for("password") == "That isn't your current password."
    assert fetch_user("sam").state == "active"

    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.headers["Location"] == "/"
    assert not is_signed_in(client)
    assert not is_signed_in(elsewhere)
    assert client.get("/u/sam").status_code == 404
    gone = fetch_user(user.id)
    assert gone.state == "deleted"
    assert gone.email is None and gone.roles == set()
    assert client.get(f"/u/{gone.username}").status_code == 404
    assert outbox()[-1]["To"] == "sam@example.org"
    browser = new_client()
    for login_name in ("sam", "sam@example.org", gone.username):
        response = browser.post("/account/signin", data={"login": login_name,
                                                         "password": PASSWORD})
        assert response.status_code == 200
    # The name and address are free for someone new.
    response = browser.post("/account/signup", data=signup_data(
        username="sam", email="sam@example.org"))
    assert response.status_code == 302


def test_download_my_data(client, make_user, login):
    make_user("neighbour", email="neighbour@example.org", bio="Secret neighbour bio")
    user = make_user("sam", email="sam@example.org", languages=["Polish"], bio="Allotments")
    login(user)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="common-ground-sam.json"'
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["username"] == "sam"
    assert data["account"]["email"] == "sam@example.org"
    assert data["account"]["bio"] == "Allotments"
    assert data["account"]["languages"] == ["Polish"]
    assert data["account"]["ward"] == "Riverside"
    assert len(data["sessions"]) == 1
    assert b"neighbour" not in response.data


def test_settings_list_where_i_am_signed_in(make_user, app):
    user = make_user()
    laptop = app.test_client()
    laptop.post("/account/signin", data={"login": user.username, "password": PASSWORD},
                headers={"User-Agent": "Firefox on my laptop"})
    phone = app.test_client()
    phone.post("/account/signin", data={"login": user.username, "password": PASSWORD},
               headers={"User-Agent": "Safari on my phone"})
    rows = Page(phone.get("/account/")).find("table").find_all("tr")
    texts = [row.text for row in rows[1:]]
    assert len(texts) == 2
    assert any("Safari on my phone (this one)" in text for text in texts)
    assert any("Firefox on my laptop" in text and "this one" not in text for text in texts)


# --- profiles and safeguarding -----------------------------------------------------------------


@pytest.fixture
def young_person(make_user):
    return make_user("ayaan", age_band="under_16", display_name="Ayaan Khan",
                     bio="Into football and coding.", languages=["Urdu"],
                     email="ayaan@example.org")


def test_adult_profile_is_public(client, make_user):
    make_user("grace", display_name="Grace Okafor", bio="Runs the Saturday cafe.",
              languages=["Igbo"])
    page = Page(client.get("/u/grace"))
    assert page.heading == "Grace Okafor"
    assert "Runs the Saturday cafe." in page.main_text
    assert "grace@example.org" not in page.text


def test_young_persons_profile_is_hidden_from_visitors(client, young_person):
    response = client.get("/u/ayaan")
    assert response.status_code == 404
    assert "Ayaan" not in response.text


def test_other_residents_see_only_a_young_persons_first_name_and_ward(client, young_person,
                                                                       make_user, login):
    login(make_user())
    response = client.get("/u/ayaan")
    assert response.status_code == 200
    page = Page(response)
    assert page.heading == "Ayaan"
    assert "Riverside" in page.main_text
    for private in ("Khan", "Into football", "Urdu", "ayaan@example.org", "13 to 15"):
        assert private not in page.text


@pytest.mark.parametrize("viewer", ["self", "staff"])
def test_young_person_and_staff_see_the_full_profile(client, young_person, make_user, login,
                                                     viewer):
    login(young_person if viewer == "self" else make_user(roles=["staff"]))
    page = Page(client.get("/u/ayaan"))
    assert page.heading == "Ayaan Khan"
    assert "Into football and coding." in page.main_text
    assert "Speaks: Urdu" in page.main_text
    assert "ayaan@example.org" in page.main_text


def test_moderators_see_only_the_first_name_too(client, young_person, make_user, login):
    login(make_user(roles=["moderator"]))
    page = Page(client.get("/u/ayaan"))
    assert page.heading == "Ayaan"
    assert "Into football" not in page.text


def test_private_details_show_only_to_the_person_and_staff(client, make_user, login):
    make_user("grace", email="grace@example.org")
    login(make_user())
    assert "grace@example.org" not in client.get("/u/grace").text
    client.post("/account/signout")
    login(make_user(roles=["staff"]))
    assert "grace@example.org" in Page(client.get("/u/grace")).main_text
