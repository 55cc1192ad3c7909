"""Account use-cases called directly: sign-up rules, age bands, sign-in, recovery, deletion."""

import re
from datetime import date, timedelta

import pytest

from forum.accounts import services, tokens
from forum.accounts.models import User, UserSession, age_band_for, utcnow
from forum.accounts.passwords import verify_password
from forum.accounts.sessions import load_user_from_session_token, open_session
from forum.core.audit import AuditEntry
from forum.errors import DomainError, Invalid, NotAllowed, NotFound
from forum.extensions import db
from tests.factories import PASSWORD, create_user, create_ward

TODAY = date(2026, 6, 15)
GOOD_PASSWORD = "kettle orchard lantern"


def years_before(day, years):
    return day.replace(year=day.year - years)


def sign_up(**changes):
    fields = {"username": "Rosa", "email": "Rosa@Example.org", "password": GOOD_PASSWORD,
              "date_of_birth": date(1990, 5, 1), "ward_slug": "riverside"}
    fields.update(changes)
    return services.sign_up(fields.pop("username"), fields.pop("email"), fields.pop("password"),
                            fields.pop("date_of_birth"), fields.pop("ward_slug"), **fields)


@pytest.fixture
def riverside(ctx):
    return create_ward("Riverside")


def count_users():
    return db.session.execute(db.select(db.func.count(User.id))).scalar()


def audit_actions():
    return [entry.action for entry in db.session.execute(
        db.select(AuditEntry).order_by(AuditEntry.id)).scalars()]


# --- age bands ------------------------------------------------------------------------------


@pytest.mark.parametrize(("born", "band"), [
    (years_before(TODAY, 16), "16_17"),                      # 16th birthday today
    (years_before(TODAY, 16) + timedelta(days=1), "under_16"),  # 16 tomorrow
    (years_before(TODAY, 18), "adult"),                      # 18th birthday today
    (years_before(TODAY, 18) + timedelta(days=1), "16_17"),     # 18 tomorrow
    (years_before(TODAY, 13), "under_16"),
    (years_before(TODAY, 17), "16_17"),
    (years_before(TODAY, 70), "adult"),
])
def test_age_band_follows_birthdays(born, band):
    assert age_band_for(born, TODAY) == band


def test_leap_day_birthday_counts_on_first_of_march():
    born = date(2008, 2, 29)
    assert age_band_for(born, date(2026, 2, 28)) == "16_17"
    assert age_band_for(born, date(2026, 3, 1)) == "adult"


# --- signing up ------------------------------------------------------------------------------


def test_sign_up_stores_a_normalised_unverified_account(riverside, outbox):
    user = sign_up(username=" Rosa ")
    assert user.username == "Rosa"
    assert user.username_key == "rosa"
    assert user.email == "rosa@example.org"
    assert user.ward.slug == "riverside"
    assert not user.is_verified
    assert user.password_hash != GOOD_PASSWORD
    assert verify_password(user.password_hash, GOOD_PASSWORD)
    [message] = outbox()
    assert message["To"] == "rosa@example.org"
    assert "/account/verify/" in message.get_content()


def test_thirteenth_birthday_today_is_old_enough(riverside):
    user = sign_up(date_of_birth=years_before(TODAY, 13), today=TODAY)
    assert user.age_band(TODAY) == "under_16"


def test_a_day_short_of_thirteen_is_refused_kindly(riverside):
    with pytest.raises(Invalid) as error:
        sign_up(date_of_birth=years_before(TODAY, 13) + timedelta(days=1), today=TODAY)
    assert error.value.field == "date_of_birth"
    assert "Thanks for wanting to join" in error.value.message
    assert count_users() == 0


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"username": "ro"}, "username", "3 to 30"),
    ({"username": "rosa smith"}, "username", "3 to 30"),
    ({"username": "Council"}, "username", "reserved"),
    ({"email": "rosa.example.org"}, "email", "like name@example.com"),
    ({"password": "short"}, "password", "at least 10"),
    ({"password": "password123"}, "password", "too easy"),
    ({"password": "aaaaaaaaaaaa"}, "password", "too easy"),
    ({"password": "my-name-is-ROSA-ok"}, "password", "username"),
    ({"ward_slug": "atlantis"}, "ward", "Choose your ward"),
    ({"date_of_birth": None}, "date_of_birth", "Enter your date of birth"),
    ({"date_of_birth": TODAY + timedelta(days=1)}, "date_of_birth", "future"),
    ({"date_of_birth": date(1850, 1, 1)}, "date_of_birth", "Check the year"),
])
def test_sign_up_refuses_bad_details_beside_the_field(riverside, changes, field, words):
    with pytest.raises(Invalid) as error:
        sign_up(today=TODAY, **changes)
    assert error.value.field == field
    assert words in error.value.message
    assert count_users() == 0


def test_usernames_and_emails_are_unique_whatever_the_case(riverside):
    sign_up(username="Rosa", email="rosa@example.org")
    with pytest.raises(Invalid) as error:
        sign_up(username="ROSA", email="other@example.org")
    assert (error.value.field, "taken" in error.value.message) == ("username", True)
    with pytest.raises(Invalid) as error:
        sign_up(username="Rosalind", email="ROSA@example.ORG")
    assert error.value.field == "email"
    assert count_users() == 1


def test_verification_link_confirms_the_address(riverside):
    user = sign_up()
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"u": user.id, "e": user.email})
    assert services.verify_email(token).is_verified


def test_verification_link_for_a_replaced_address_is_refused(riverside):
    user = sign_up()
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"u": user.id, "e": "old@example.org"})
    with pytest.raises(DomainError):
        services.verify_email(token)
    assert not user.is_verified


def test_expired_verification_link_says_so(riverside, app):
    user = sign_up()
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"u": user.id, "e": user.email})
    app.config["EMAIL_VERIFY_MAX_AGE"] = timedelta(seconds=-1)
    with pytest.raises(DomainError) as error:
        services.verify_email(token)
    assert "expired" in error.value.message


# --- signing in ------------------------------------------------------------------------------


def test_sign_in_by_username_in_any_case_or_by_email(ctx):
    user = create_user("Sam", email="sam@example.org")
    assert services.authenticate("sam", PASSWORD) is user
    assert services.authenticate("  SAM ", PASSWORD) is user
    assert services.authenticate("Sam@Example.org", PASSWORD) is user


def test_every_sign_in_failure_gives_the_same_message(ctx):
    create_user("sam")
    create_user("gone", state="deleted")
    messages = set()
    for login, password in [("sam", "wrong password!"), ("nobody", PASSWORD),
                            ("nobody@example.org", PASSWORD), ("gone", PASSWORD), ("", "")]:
        with pytest.raises(DomainError) as error:
            services.authenticate(login, password)
        messages.add(error.value.message)
    assert messages == {services.SIGNIN_FAILED}


def test_suspended_member_is_told_until_when_and_why(ctx):
    until = utcnow() + timedelta(days=3)
    create_user("sam", state="suspended", state_reason="Repeated personal attacks.",
                state_until=until)
    with pytest.raises(DomainError) as error:
        services.authenticate("sam", PASSWORD)
    assert "suspended until" in error.value.message
    assert f"{until:%B %Y}" in error.value.message
    assert "Repeated personal attacks." in error.value.message


def test_suspension_that_has_ended_lets_the_member_back_in(ctx):
    user = create_user("sam", state="suspended", state_reason="Spam.",
                       state_until=utcnow() - timedelta(minutes=1))
    assert services.authenticate("sam", PASSWORD) is user
    assert (user.state, user.state_reason, user.state_until) == ("active", "", None)


def test_banned_member_is_told_why_only_with_the_right_password(ctx):
    create_user("sam", state="banned", state_reason="Threats of violence.")
    with pytest.raises(DomainError) as error:
        services.authenticate("sam", PASSWORD)
    assert "banned" in error.value.message and "Threats of violence." in error.value.message
    with pytest.raises(DomainError) as error:
        services.authenticate("sam", "not the password")
    assert error.value.message == services.SIGNIN_FAILED


def test_sign_out_everywhere_ends_every_session(ctx):
    user = create_user()
    tokens_ = [open_session(user) for _ in range(3)]
    db.session.commit()
    services.sign_out_everywhere(user)
    assert all(load_user_from_session_token(token) is None for token in tokens_)


def test_session_left_idle_too_long_is_signed_out(ctx, app):
    user = create_user()
    token = open_session(user)
    db.session.commit()
    row = db.session.execute(db.select(UserSession)).scalar_one()
    row.last_seen_at = utcnow() - timedelta(days=app.config["SESSION_IDLE_DAYS"], minutes=1)
    db.session.commit()
    assert load_user_from_session_token(token) is None
    assert db.session.execute(db.select(UserSession)).first() is None


# --- recovering and changing the password ------------------------------------------------------


def reset_token_for(user):
    return tokens.make_token(tokens.RESET_PASSWORD, {
        "u": user.id, "p": tokens.password_fingerprint(user.password_hash)})


def test_reset_request_for_unknown_address_sends_nothing(ctx, outbox):
    create_user("sam")
    services.request_password_reset("nobody@example.org")
    assert outbox() == []
    services.request_password_reset("SAM@example.org")
    assert [message["To"] for message in outbox()] == ["sam@example.org"]


def test_reset_link_works_once_and_ends_every_session(ctx):
    user = create_user()
    session_token = open_session(user)
    db.session.commit()
    token = reset_token_for(user)
    services.reset_password(token, GOOD_PASSWORD)
    assert services.authenticate(user.username, GOOD_PASSWORD) is user
    assert load_user_from_session_token(session_token) is None
    with pytest.raises(DomainError) as error:
        services.reset_password(token, "another fine password")
    assert "already been used" in error.value.message


def test_reset_refuses_a_weak_new_password(ctx):
    user = create_user()
    with pytest.raises(Invalid) as error:
        services.reset_password(reset_token_for(user), "short")
    assert error.value.field == "password"
    assert services.authenticate(user.username, PASSWORD) is user


def test_reset_proves_the_address(ctx):
    user = create_user(verified=False)
    services.reset_password(reset_token_for(user), GOOD_PASSWORD)
    assert user.is_verified


def test_change_password_needs_the_current_one(ctx):
    user = create_user()
    with pytest.raises(Invalid) as error:
        services.change_password(user, "not my password", GOOD_PASSWORD)
    assert error.value.field == "current_password"
    with pytest.raises(Invalid) as error:
        services.change_password(user, PASSWORD, "short")
    assert error.value.field == "new_password"


def test_change_password_keeps_only_the_changing_browser_signed_in(ctx, outbox):
    user = create_user()
    elsewhere = open_session(user)
    db.session.commit()
    services.change_password(user, PASSWORD, GOOD_PASSWORD)
    assert load_user_from_session_token(elsewhere) is None
    assert load_user_from_session_token(user.session_token) is user
    assert outbox()[-1]["Subject"] == "Your Common Ground password was changed"


# --- e-mail address, profile ---------------------------------------------------------------------


def test_email_changes_only_once_the_new_address_confirms(ctx, outbox):
    user = create_user("sam", email="sam@example.org")
    services.request_email_change(user, PASSWORD, "Sam.New@Example.org")
    assert user.email == "sam@example.org"
    [confirmation] = outbox()
    assert confirmation["To"] == "sam.new@example.org"
    token = confirmation.get_content().split("/account/email/confirm/")[1].split()[0]
    services.confirm_email_change(token)
    assert user.email == "sam.new@example.org"
    assert outbox()[-1]["To"] == "sam@example.org"
    assert "sam.new@example.org" in outbox()[-1].get_content()


@pytest.mark.parametrize(("password", "new_email", "field"), [
    ("wrong password", "new@example.org", "current_password"),
    (PASSWORD, "sam@example.org", "email"),
    (PASSWORD, "taken@example.org", "email"),
    (PASSWORD, "not an address", "email"),
])
def test_email_change_refusals(ctx, outbox, password, new_email, field):
    create_user("taken")
    user = create_user("sam", email="sam@example.org")
    with pytest.raises(Invalid) as error:
        services.request_email_change(user, password, new_email)
    assert error.value.field == field
    assert outbox() == []


def test_profile_languages_are_tidied(ctx):
    user = create_user()
    create_ward("Millfield")
    services.update_profile(user, "  Sam   Patel ", " Gardener. ", "millfield",
                            "polish, English; urdu\nPolish,, ")
    assert user.display_name == "Sam Patel"
    assert user.bio == "Gardener."
    assert user.ward.name == "Millfield"
    assert user.languages == ["Polish", "English", "Urdu"]


def test_profile_refuses_an_unknown_ward_and_too_many_languages(ctx):
    user = create_user()
    with pytest.raises(Invalid) as error:
        services.update_profile(user, "", "", "atlantis", "")
    assert error.value.field == "ward"
    with pytest.raises(Invalid) as error:
        services.update_profile(user, "", "", "riverside",
                                ", ".join(f"Language {n}" for n in range(13)))
    assert error.value.field == "languages"


# --- deleting and exporting ----------------------------------------------------------------------


def test_delete_account_erases_details_and_frees_the_name(ctx, outbox):
    user = create_user("Sam", email="sam@example.org", roles=["moderator"], bio="Hi",
                       languages=["Welsh"], display_name="Sam Jones")
    other_session = open_session(user)
    db.session.commit()
    with pytest.raises(Invalid):
        services.delete_account(user, "wrong password")
    services.delete_account(user, PASSWORD)
    assert user.state == "deleted"
    assert (user.email, user.password_hash, user.date_of_birth, user.ward) == (
        None, None, None, None)
    assert (user.bio, user.languages, user.roles) == ("", [], set())
    assert user.display_name == "A former member"
    assert user.username == f"former-member-{user.id}"
    assert load_user_from_session_token(other_session) is None
    with pytest.raises(NotFound):
        services.get_profile("Sam")
    assert outbox()[-1]["To"] == "sam@example.org"
    # Both the name and the address may be used by someone new.
    newcomer = sign_up(username="sam", email="sam@example.org")
    assert newcomer.id != user.id


def test_export_holds_my_account_and_nothing_of_anyone_else(ctx):
    me = create_user("sam", languages=["Polish"], bio="Allotments.", mentor=True)
    create_user("neighbour", email="neighbour@example.org")
    open_session(me, "Firefox on Linux")
    db.session.commit()
    data = services.export_personal_data(me)
    account = data["account"]
    assert account["username"] == "sam"
    assert account["email"] == "sam@example.org"
    assert account["age_band"] == "adult"
    assert account["languages"] == ["Polish"]
    assert account["ward"] == "Riverside"
    assert data["mentor_checks"][0]["reference"] == "001234567890"
    assert [row["browser"] for row in data["sessions"]] == ["Firefox on Linux"]
    assert "neighbour" not in repr(data)


# --- wards ---------------------------------------------------------------------------------------


def test_staff_add_and_rename_wards_with_an_audit_trail(ctx):
    staff = create_user(roles=["staff"])
    ward = services.create_ward(staff, "  St   Anne's ")
    slug = ward.slug
    assert ward.name == "St Anne's"
    assert re.fullmatch(r"st-anne-?s", slug)
    services.rename_ward(staff, ward, "Saint Anne's")
    assert (ward.name, ward.slug) == ("Saint Anne's", slug)
    assert audit_actions() == ["ward.create", "ward.rename"]


def test_ward_names_are_unique_whatever_the_case(ctx):
    staff = create_user(roles=["staff"])
    services.create_ward(staff, "Millfield")
    northgate = services.create_ward(staff, "Northgate")
    with pytest.raises(Invalid) as error:
        services.create_ward(staff, "MILLFIELD")
    assert error.value.field == "name"
    with pytest.raises(Invalid):
        services.rename_ward(staff, northgate, "millfield")


def test_residents_and_moderators_cannot_manage_wards(ctx):
    for roles in ([], ["moderator"]):
        with pytest.raises(NotAllowed):
            services.create_ward(create_user(roles=roles), "Eastbrook")


# --- roles and mentor checks ---------------------------------------------------------------------


def test_staff_appoint_moderators_but_not_staff_or_admins(ctx):
    staff = create_user(roles=["staff"])
    person = create_user()
    services.grant_role(staff, person, "moderator")
    assert person.roles == {"moderator"}
    for role in ("staff", "admin"):
        with pytest.raises(NotAllowed):
            services.grant_role(staff, person, role)
    assert person.roles == {"moderator"}
    assert audit_actions() == ["role.grant"]


def test_admin_grants_and_revokes_any_role(ctx):
    admin = create_user(roles=["admin"])
    person = create_user()
    for role in ("moderator", "staff", "admin"):
        services.grant_role(admin, person, role)
    assert person.roles == {"moderator", "staff", "admin"}
    services.revoke_role(admin, person, "admin")
    assert person.roles == {"moderator", "staff"}
    assert audit_actions() == ["role.grant"] * 3 + ["role.revoke"]


def test_young_people_cannot_be_staff_or_admin(ctx):
    admin = create_user(roles=["admin"])
    young = create_user(age_band="16_17")
    for role in ("staff", "admin"):
        with pytest.raises(Invalid):
            services.grant_role(admin, young, role)
    assert young.roles == set()


def test_unknown_role_is_refused(ctx):
    admin = create_user(roles=["admin"])
    with pytest.raises(Invalid):
        services.grant_role(admin, create_user(), "superuser")


def test_recorded_check_makes_an_adult_a_verified_mentor(ctx):
    staff = create_user(roles=["staff"])
    adult = create_user()
    services.record_mentor_check(staff, adult, "001234567890", date.today() - timedelta(days=5),
                                 date.today() + timedelta(days=1000))
    assert adult.is_verified_mentor
    assert audit_actions() == ["mentor.check_recorded"]


@pytest.mark.parametrize(("reference", "issued", "expires", "field"), [
    ("12", -5, 1000, "reference"),
    ("0012<script>", -5, 1000, "reference"),
    ("001234567890", 3, 1000, "checked_on"),
    ("001234567890", -5, -10, "expires_on"),
    ("001234567890", -5, -5, "expires_on"),
    ("001234567890", -1200, -30, "expires_on"),
])
def test_mentor_check_details_are_checked(ctx, reference, issued, expires, field):
    staff = create_user(roles=["staff"])
    adult = create_user()
    today = date.today()
    with pytest.raises(Invalid) as error:
        services.record_mentor_check(staff, adult, reference, today + timedelta(days=issued),
                                     today + timedelta(days=expires))
    assert error.value.field == field
    assert not adult.is_verified_mentor
    assert audit_actions() == []


def test_no_check_for_a_minor_or_for_oneself(ctx):
    staff = create_user(roles=["staff", "admin"])
    young = create_user(age_band="16_17")
    today = date.today()
    for subject in (young, staff):
        with pytest.raises(NotAllowed):
            services.record_mentor_check(staff, subject, "001234567890", today,
                                         today + timedelta(days=100))
    assert not staff.mentor_checks and not young.mentor_checks


def test_withdrawn_check_ends_mentor_status_and_needs_a_reason(ctx):
    staff = create_user(roles=["staff"])
    mentor = create_user(mentor=True)
    [check] = mentor.mentor_checks
    with pytest.raises(Invalid):
        services.revoke_mentor_check(staff, check, "  ")
    services.revoke_mentor_check(staff, check, "Certificate was forged.")
    assert not mentor.is_verified_mentor
    entry = db.session.execute(db.select(AuditEntry)).scalar_one()
    assert (entry.action, entry.reason) == ("mentor.check_revoked", "Certificate was forged.")


def test_expired_check_no_longer_counts(ctx):
    mentor = create_user(mentor=True)
    [check] = mentor.mentor_checks
    assert mentor.current_mentor_check(check.expires_on) is check
    assert mentor.current_mentor_check(check.expires_on + timedelta(days=1)) is None


# --- command-line helpers -------------------------------------------------------------------------


def test_create_admin_makes_a_verified_admin(ctx):
    user = services.create_admin("operator", "Ops@Example.org", GOOD_PASSWORD)
    assert user.is_verified and user.roles == {"admin"}
    assert user.email == "ops@example.org"
    assert audit_actions() == ["role.grant"]


def test_cli_grant_refuses_staff_roles_for_young_people(ctx):
    create_user("teen", age_band="under_16")
    for role in ("staff", "admin"):
        with pytest.raises(Invalid):
            services.grant_role_from_cli("teen", role)
    assert services.get_user_by_username("teen").roles == set()

