"""Fixtures: an app with a fresh database per test, a client, users of every role, the outbox.

The schema is built once per run by running the real migrations (so every run proves that
`flask db upgrade` builds a fresh database), then each test gets its own copy: a copied SQLite
file, or, when TEST_DATABASE_URL names a PostgreSQL database, emptied tables.
"""

import email
import email.policy
import os
import shutil
from pathlib import Path

import pytest
from flask import has_app_context
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from forum import create_app
from forum.accounts.models import User
from forum.extensions import db
from tests import factories

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _sqlalchemy_url(url):
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate an empty database once; return a function that gives each test a fresh one."""
    folder = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        engine = create_engine(_sqlalchemy_url(POSTGRES_URL))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(POSTGRES_URL, folder)
        return lambda tmp_path: POSTGRES_URL
    template = folder / "template.db"
    _migrate(f"sqlite:///{template}", folder)

    def fresh_copy(tmp_path):
        target = tmp_path / "forum.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"

    return fresh_copy


def _migrate(url, folder):
    app = create_app("test", overrides={"DATABASE_URL": url, "MAIL_OUTBOX": str(folder)})
    with app.app_context():
        upgrade()
        db.engine.dispose()


_sequences = []


def _empty_postgres_tables(app):
    """Empty every table and restart its ids.

    DELETE with foreign-key triggers off, then setval, takes ~4 ms; TRUNCATE of the ~45 tables
    took over 100 ms, twice a test. Turning triggers off needs a superuser (as CI's and this
    machine's local PostgreSQL are); anyone else gets the slower TRUNCATE.
    """
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        if not _sequences:
            _sequences.extend(db.session.execute(text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = 'public'")).scalars())
        try:
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
        except ProgrammingError:
            db.session.rollback()
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                db.session.execute(text(f"DELETE FROM {table}"))
            db.session.execute(text("SELECT " + ", ".join(
                f"setval('{sequence}', 1, false)" for sequence in _sequences)))
        db.session.commit()


@pytest.fixture
def app_overrides():
    """Settings a test module wants on top of TestConfig (override this fixture)."""
    return {}


@pytest.fixture
def app(tmp_path, monkeypatch, database_template, app_overrides):
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path / "instance"))
    settings = {
        "DATABASE_URL": database_template(tmp_path),
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        **app_overrides,
    }
    app = create_app("test", overrides=settings)
    if POSTGRES_URL:
        _empty_postgres_tables(app)
    yield app
    with app.app_context():
        db.session.remove()
        if POSTGRES_URL:
            _empty_postgres_tables(app)
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create a user: make_user("sam", age_band="16_17", roles=["moderator"], mentor=True, ...).

    Inside `ctx` the user belongs to the test's session; otherwise it comes back detached,
    with its columns and roles loaded, for tests that drive the client.
    """

    def make(username=None, **options):
        if has_app_context():
            return factories.create_user(username, **options)
        with app.app_context():
            user = factories.create_user(username, **options)
            db.session.refresh(user)
            _ = user.ward, user.role_grants, user.mentor_checks
            db.session.expunge_all()
            return user

    return make


@pytest.fixture
def make_ward(app):
    def make(name=None):
        if has_app_context():
            return factories.create_ward(name)
        with app.app_context():
            ward = factories.create_ward(name)
            db.session.refresh(ward)
            db.session.expunge(ward)
            return ward

    return make


def sign_in(client, user_or_login, password=factories.PASSWORD, remember=False):
    login = getattr(user_or_login, "username", user_or_login)
    data = {"login": login, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/account/signin", data=data)


@pytest.fixture
def login(client):
    """Sign the test client in as a user: login(user)."""

    def do_login(user, **options):
        response = sign_in(client, user, **options)
        assert response.status_code == 302, "sign-in failed in a fixture"
        return response

    return do_login


@pytest.fixture
def outbox(app):
    """Read the e-mails written so far: outbox() -> [email.message.Message], oldest first."""

    def read():
        folder = Path(app.config["MAIL_OUTBOX"])
        if not folder.exists():
            return []
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(folder.glob("*.eml"))]

    return read


@pytest.fixture
def new_client(app):
    """Another browser: new_client() -> a test client with its own cookies."""
    return app.test_client


@pytest.fixture
def run(app):
    """run(fn) -> fn() in a short application context of its own, for tests that drive the
    client and read or set up rows around it (modules may define their own `run`)."""

    def call(function):
        with app.app_context():
            return function()

    return call


@pytest.fixture
def signed_in_client(app):
    """A separate browser already signed in: signed_in_client(user, remember=False)."""

    def make(user, **options):
        browser = app.test_client()
        response = sign_in(browser, user, **options)
        assert response.status_code == 302, "sign-in failed in a fixture"
        return browser

    return make


@pytest.fixture
def fetch_user(app):
    """Read a user back from the database: fetch_user("sam") -> a detached User, or None.

    Give the id instead of the username to find an account that has since been deleted (and
    so renamed).
    """

    def fetch(username_or_id):
        with app.app_context():
            if isinstance(username_or_id, int):
                user = db.session.get(User, username_or_id)
            else:
                user = db.session.execute(db.select(User).where(
                    User.username_key == username_or_id.lower())).scalar_one_or_none()
            if user is None:
                return None
            _ = user.ward, user.role_grants, user.mentor_checks
            db.session.expunge_all()
            return user

    return fetch


@pytest.fixture
def browser(signed_in_client):
    """browser(user) -> a test client signed in as that person, with cookies of its own."""
    return signed_in_client
