"""`flask backup` and `flask restore`: one consistent file, and every row back as it was."""

import io
import json
import tarfile
import uuid

import pytest
from sqlalchemy import JSON, Text, cast, create_engine, null, select, text

from forum import backup, create_app, demo
from forum.boards.models import Topic
from forum.extensions import db
from forum.search import services as search
from tests.conftest import POSTGRES_URL, _sqlalchemy_url
from tests.production.stack import ADMIN_URL

# Where new PostgreSQL databases are made: the test run's server, or (in the SQLite pass) the
# machine's, which the production tests need too.
SERVER_URL = POSTGRES_URL or ADMIN_URL


@pytest.fixture
def run(app):
    """Run a command as `flask ...` would: run("backup", "site.tar.gz")."""
    runner = app.test_cli_runner()

    def invoke(*args, **options):
        with app.app_context():
            return runner.invoke(args=list(args), **options)

    return invoke


def load_demo(app):
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
        demo.load(app)
        search.drain()


def every_row(app):
    """{table: [row tuple, ...]} for every table, in primary key order, JSON as stored text
    (so a JSON null and SQL NULL differ)."""
    rows = {}
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            columns = [cast(column, Text) if isinstance(column.type, JSON) else column
                       for column in table.columns]
            query = select(*columns).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(query)]
    return rows


def make_app(tmp_path, url, name="target"):
    """Another site (own instance folder, in-RAM index) on the database at `url`."""
    return create_app("test", overrides={
        "DATABASE_URL": url,
        "MAIL_OUTBOX": str(tmp_path / f"{name}-outbox"),
    })


@pytest.fixture
def empty_database(tmp_path):
    """empty_database() -> the URL of a database with no tables: a new SQLite file, or, on the
    PostgreSQL pass, a new PostgreSQL database dropped afterwards."""
    made = []

    def make(dialect=None):
        if (dialect or ("postgresql" if POSTGRES_URL else "sqlite")) == "sqlite":
            return f"sqlite:///{tmp_path / f'empty-{len(made)}.db'}"
        name = f"cg_restore_{uuid.uuid4().hex[:12]}"
        with _server(SERVER_URL) as server:
            server.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return SERVER_URL.rsplit("/", 1)[0] + f"/{name}"

    yield make
    for name in made:
        with _server(SERVER_URL) as server:
            server.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class _server:
    """An autocommit connection to the PostgreSQL server (CREATE DATABASE can't run in a
    transaction)."""

    def __init__(self, url):
        self.engine = create_engine(_sqlalchemy_url(url), isolation_level="AUTOCOMMIT")

    def __enter__(self):
        self.connection = self.engine.connect()
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()
        self.engine.dispose()


def dispose(app):
    with app.app_context():
        db.engine.dispose()


def test_demo_neighbourhood_round_trips_into_an_empty_database_row_for_row(
        app, tmp_path, empty_database):
    load_demo(app)
    before = every_row(app)
    path = tmp_path / "site.tar.gz"
    with app.app_context():
        written = backup.write_backup(path)
    assert written.tables == {name: len(rows) for name, rows in before.items()}
    assert written.rows > 500

    target = make_app(tmp_path, empty_database())
    try:
        with target.app_context():
            restored = backup.restore_backup(path)
        assert restored.migrated
        assert restored.tables == written.tables
        assert every_row(target) == before
    finally:
        dispose(target)


def test_restore_refuses_a_database_that_holds_rows_unless_forced(app, ctx, tmp_path,
                                                                     make_user):
    make_user("first")
    path = tmp_path / "one.tar.gz"
    backup.write_backup(path)
    make_user("second")
    before = every_row(app)

    with pytest.raises(backup.BackupError, match="already holds data"):
        backup.restore_backup(path)
    assert every_row(app) == before

    backup.restore_backup(path, force=True)
    after = every_row(app)
    assert len(after["users"]) == 1 and after["users"] != before["users"]


def test_restore_then_new_rows_get_fresh_ids(app, ctx, tmp_path, make_user):
    """On PostgreSQL the sequences are moved past the restored ids."""
    first = make_user("first")
    path = tmp_path / "one.tar.gz"
    backup.write_backup(path)
    backup.restore_backup(path, force=True)
    db.session.rollback()
    assert make_user("second").id == first.id + 1


def test_sql_null_and_json_null_stay_apart(app, ctx, tmp_path):
    from forum.core.audit import AuditEntry

    table = AuditEntry.__table__
    db.session.execute(table.insert(), [
        {"action": "sql.null", "reason": "", "before": null(), "after": {"a": [1, 2.5]}},
        {"action": "json.null", "reason": "", "before": None, "after": "text"},
    ])
    db.session.commit()
    before = every_row(app)
    path = tmp_path / "nulls.tar.gz"
    backup.write_backup(path)
    backup.restore_backup(path, force=True)
    after = every_row(app)
    assert after == before
    assert {row[-2:] for row in after["audit_entries"]} >= {
        (None, '{"a": [1, 2.5]}'), ("null", '"text"')}


def _rewrite(path, target, change):
    """Copy the archive at `path` to `target`, passing each member's bytes through change()."""
    with tarfile.open(path, "r:gz") as source, tarfile.open(target, "w:gz") as copy:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))


def _with_manifest(**fields):
    def change(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), **fields}).encode()
    return change


@pytest.mark.parametrize("damage, message", [
    ("truncated", "not a readable Common Ground backup"),
    ("no-manifest", "it has no manifest.json"),
    ("format", "in backup format 99"),
    ("bad-line", "damaged"),
    ("missing-row", "should hold 2 rows but holds 1"),
])
def test_damaged_backup_is_refused_and_changes_nothing(app, ctx, tmp_path, make_user,
                                                       damage, message):
    make_user("first")
    make_user("second")
    good = tmp_path / "good.tar.gz"
    backup.write_backup(good)
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[:good.stat().st_size * 2 // 3])
    elif damage == "no-manifest":
        _rewrite(good, bad, lambda name, data: None if name == "manifest.json" else data)
    elif damage == "format":
        _rewrite(good, bad, _with_manifest(format_version=99))
    elif damage == "bad-line":
        _rewrite(good, bad, lambda name, data:
                 data + b'{"id": "not json\n' if name == "tables/users.jsonl" else data)
    else:
        _rewrite(good, bad, lambda name, data:
                 data.splitlines(keepends=True)[0] if name == "tables/users.jsonl" else data)
    before = every_row(app)

    with pytest.raises(backup.BackupError, match=message):
        backup.restore_backup(bad, force=True)
    db.session.rollback()
    assert every_row(app) == before


def test_restore_refuses_a_backup_from_another_schema_revision(app, ctx, tmp_path):
    path = tmp_path / "old.tar.gz"
    backup.write_backup(path)
    other = tmp_path / "other.tar.gz"
    _rewrite(path, other, _with_manifest(alembic_revision="0001"))
    with pytest.raises(backup.BackupError, match="flask db downgrade 0001"):
        backup.restore_backup(other, force=True)


def test_backup_is_a_snapshot_writes_committed_meanwhile_stay_out(app, ctx, tmp_path,
                                                                  make_user):
    make_user("before")
    path = tmp_path / "snapshot.tar.gz"

    def write_meanwhile():
        # Another connection from the pool commits while the backup's transaction is open.
        make_user("during")

    summary = backup.write_backup(path, after_snapshot=write_meanwhile)
    assert summary.tables["users"] == 1
    assert len(every_row(app)["users"]) == 2
    with tarfile.open(path, "r:gz") as archive:
        users = archive.extractfile("tables/users.jsonl").read().decode()
    assert '"before"' in users and '"during"' not in users


def test_restored_topics_are_found_by_search(app, tmp_path, empty_database):
    load_demo(app)
    path = tmp_path / "site.tar.gz"
    with app.app_context():
        backup.write_backup(path)
        title = db.session.execute(select(Topic.title).where(Topic.status == "published")
                                   .order_by(Topic.id)).scalars().first()

    target = make_app(tmp_path, empty_database())
    try:
        with target.app_context():
            assert backup.restore_backup(path).indexed > 0
            results = search.search(title, None)
            titles = [hit["title"] for group in results.groups for hit in group.hits]
        assert title in titles
    finally:
        dispose(target)


def test_backup_holds_no_secrets_but_the_settings_to_restore(app, ctx, tmp_path):
    cfg = tmp_path / "instance" / "forum.cfg"
    cfg.parent.mkdir(exist_ok=True)
    cfg.write_text('SITE_NAME = "Millfield Together"\nSECRET_KEY = (\n    "hush-hush"\n)\n'
                   'MAIL_PASSWORD = "letmein"\nTIMEZONE = "Europe/London"\n')
    path = tmp_path / "site.tar.gz"
    backup.write_backup(path)
    with tarfile.open(path, "r:gz") as archive:
        settings = json.load(archive.extractfile("settings.json"))
        manifest = json.load(archive.extractfile("manifest.json"))
        everything = b"".join(archive.extractfile(member).read()
                              for member in archive.getmembers())
    assert b"hush-hush" not in everything and b"letmein" not in everything
    assert b"test-secret-key" not in everything
    assert 'SITE_NAME = "Millfield Together"' in settings["forum_cfg"]
    assert settings["effective"]["TIMEZONE"] == "Europe/London"
    assert manifest["format_version"] == backup.FORMAT_VERSION
    assert manifest["dialect"] == db.engine.dialect.name
    assert set(manifest["tables"]) == {table.name for table in db.metadata.sorted_tables}
    assert path.stat().st_mode & 0o077 == 0


def test_backup_and_restore_commands(app, run, tmp_path, empty_database, monkeypatch):
    load_demo(app)
    monkeypatch.chdir(tmp_path)
    result = run("backup")
    assert result.exit_code == 0, result.output
    [path] = tmp_path.glob("commonground-*.tar.gz")
    assert f"Backup written to {path.name}" in result.output
    assert f"{len(db.metadata.sorted_tables)} tables" in result.output

    refused = run("restore", str(path), "--yes")
    assert refused.exit_code == 1
    assert "already holds data" in refused.output

    declined = run("restore", str(path), "--force", input="n\n")
    assert declined.exit_code == 1
    assert "Aborted" in declined.output

    target = make_app(tmp_path, empty_database())
    try:
        result = target.test_cli_runner().invoke(args=["restore", str(path)], input="y\n")
        assert result.exit_code == 0, result.output
        assert "Built the empty database's schema" in result.output
        assert "Search index rebuilt" in result.output
        assert every_row(target) == every_row(app)
    finally:
        dispose(target)

    missing = run("restore", str(tmp_path / "nothing.tar.gz"), "--yes")
    assert missing.exit_code == 1
    assert "There is no backup file" in missing.output


@pytest.mark.parametrize("source, destination", [("sqlite", "postgresql"),
                                                 ("postgresql", "sqlite")])
def test_backup_moves_between_sqlite_and_postgresql(tmp_path, monkeypatch, empty_database,
                                                    source, destination):
    """The migration path from the embedded default to production, and back."""
    from flask_migrate import upgrade

    from tests.production.conftest import require_stack

    require_stack()  # a PostgreSQL server to move to (skipped only outside CI, and said why)

    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path / "instance"))
    origin = make_app(tmp_path, empty_database(source), "origin")
    target = make_app(tmp_path, empty_database(destination), "target")
    try:
        with origin.app_context():
            upgrade()
        load_demo(origin)
        path = tmp_path / "moving.tar.gz"
        with origin.app_context():
            backup.write_backup(path)
        with target.app_context():
            backup.restore_backup(path)
        assert every_row(target) == every_row(origin)
    finally:
        dispose(origin)
        dispose(target)
