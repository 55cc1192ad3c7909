"""Plain helpers that create rows for tests. They need an app context and commit."""

from datetime import date, timedelta

from forum.accounts.models import MentorCheck, RoleGrant, User, Ward, utcnow
from forum.accounts.passwords import hash_password
from forum.accounts.services import slugify
from forum.extensions import db

PASSWORD = "correct horse battery"

AGES = {"under_16": 14, "16_17": 17, "adult": 35}

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def date_of_birth_for(age, today=None):
    today = today or date.today()
    recent = today - timedelta(days=30)
    try:
        return recent.replace(year=recent.year - age)
    except ValueError:
        return recent.replace(year=recent.year - age, day=28)


def create_ward(name=None):
    name = name or f"Ward {_next()}"
    ward = Ward(name=name, slug=slugify(name))
    db.session.add(ward)
    db.session.commit()
    return ward


def get_or_create_ward(name="Riverside"):
    ward = db.session.execute(db.select(Ward).where(Ward.name == name)).scalar_one_or_none()
    return ward or create_ward(name)


def create_user(username=None, age_band="adult", roles=(), verified=True, mentor=False,
                password=PASSWORD, ward=None, display_name="", email=None, state="active"):
    username = username or f"user{_next()}"
    user = User(
        username=username,
        username_key=username.lower(),
        email=email or f"{username.lower()}@example.org",
        password_hash=hash_password(password),
        date_of_birth=date_of_birth_for(AGES[age_band]),
        ward=ward or get_or_create_ward(),
        display_name=display_name,
        bio="",
        languages=[],
        email_verified_at=utcnow() if verified else None,
        state=state,
    )
    user.role_grants = [RoleGrant(role=role) for role in roles]
    if mentor:
        user.mentor_checks = [MentorCheck(
            reference="001234567890", checked_on=date.today() - timedelta(days=10),
            expires_on=date.today() + timedelta(days=1000),
        )]
    db.session.add(user)
    db.session.commit()
    return user
