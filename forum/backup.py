"""Back up the whole site to one file, and restore it: `flask backup`, `flask restore`.

A backup is a .tar.gz holding one JSON-lines file per table (`tables/<name>.jsonl`), the
instance's settings without secrets (`settings.json`) and, written last, `manifest.json`
(format, alembic revision, dialect, row counts). A truncated archive therefore has no manifest
and is refused before anything changes.

Values are written by column type, not by what one driver happens to return, so a backup made
on the embedded SQLite database restores on PostgreSQL and back: the migration path from a
laptop trial to production.
"""

import ast
import base64
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    LargeBinary,
    Numeric,
    Text,
    Time,
    bindparam,
    cast,
    inspect,
    null,
    select,
    text,
)

from forum.errors import DomainError
from forum.extensions import db

FORMAT_VERSION = 1
APP_NAME = "common-ground"
CHUNK = 1000  # rows read, or inserted, at a time

# Settings that matter for bringing a site back, none of them secret. SECRET_KEY, passwords
# and the database and Redis addresses (which may hold passwords) are left out on purpose.
RESTORE_SETTINGS = (
    "SITE_NAME", "BASE_URL", "SERVER_NAME", "PREFERRED_URL_SCHEME", "TIMEZONE",
    "MINIMUM_AGE", "SEARCH_BACKEND", "SEARCH_DRAIN", "MAIL_DEFAULT_SENDER", "MAIL_SERVER",
    "MAIL_PORT", "MAIL_USE_TLS", "SAFEGUARDING_EMAIL", "FLAG_HIDE_WEIGHT",
    "MODERATION_THRESHOLDS", "SANCTION_LADDER", "SESSION_IDLE_DAYS", "PAGE_CACHE_SIZE",
    "PAGE_CACHE_SECONDS",
)
# Assignments in instance/forum.cfg that are blanked out of the copy kept in the backup.
SECRET_WORDS = ("SECRET", "PASSWORD", "TOKEN", "KEY", "USERNAME", "DATABASE_URL", "REDIS_URL",
                "STORAGE_URI")


class BackupError(DomainError):
    """A backup could not be written or restored; the message says what to do."""


@dataclass
class Summary:
    """What a backup holds, or what a restore put back."""

    path: Path
    revision: str
    tables: dict = field(default_factory=dict)  # table name -> rows, parents first
    size: int = 0  # bytes of the archive
    created_at: str = ""
    migrated: bool = False  # restore only: the empty database was migrated first
    indexed: int = 0  # restore only: search documents rebuilt
    index_problem: str = ""  # restore only: why the search index could not be rebuilt

    @property
    def rows(self):
        return sum(self.tables.values())


# --- writing --------------------------------------------------------------------------------


def write_backup(path, after_snapshot=None):
    """Write every row of every table, as one consistent snapshot, to the archive at `path`.

    The archive is written beside `path` under a temporary name and renamed when complete, so
    `path` never holds half a backup. It is created readable by its owner only: it holds
    personal data.

    :param after_snapshot: called with no arguments once the snapshot is fixed and before any
        table is read. Tests commit a write here to prove it stays out of the backup.
    :raises BackupError: the database is not migrated, or the file cannot be written.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise BackupError(f"Can't write the backup to {path}: {error.strerror}.") from None
    try:
        with os.fdopen(descriptor, "wb") as raw, \
                tarfile.open(fileobj=raw, mode="w:gz") as archive:
            summary = _write_archive(archive, path, after_snapshot)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary.size = path.stat().st_size
    return summary


def _write_archive(archive, path, after_snapshot):
    with db.engine.connect() as connection:
        _begin_snapshot(connection)
        try:
            # The first read fixes the snapshot on both databases.
            revision = _read_revision(connection)
            if revision is None:
                raise BackupError("This database has no schema yet (run `flask db upgrade`); "
                                  "there is nothing to back up.")
            if after_snapshot:
                after_snapshot()
            summary = Summary(path, revision,
                              created_at=datetime.now(UTC).isoformat(timespec="seconds"))
            for table in db.metadata.sorted_tables:
                summary.tables[table.name] = _add_table(archive, connection, table)
        finally:
            connection.rollback()
    _add_json(archive, "settings.json", _settings())
    # Last, so that an archive cut short has no manifest and is refused whole.
    _add_json(archive, "manifest.json", {
        "format_version": FORMAT_VERSION,
        "app": APP_NAME,
        "alembic_revision": summary.revision,
        "created_at": summary.created_at,
        "dialect": db.engine.dialect.name,
        "tables": summary.tables,
    })
    return summary


def _begin_snapshot(connection):
    """Start a read-only transaction in which every read sees the same moment.

    PostgreSQL gives this with REPEATABLE READ. SQLite gives it to any transaction under WAL,
    but Python's sqlite3 never begins one for a SELECT, so it is begun here by hand.
    """
    if connection.dialect.name == "postgresql":
        connection.execution_options(isolation_level="REPEATABLE READ",
                                     postgresql_readonly=True)
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def _add_table(archive, connection, table):
    """Stream one table into the archive as JSON lines, CHUNK rows at a time; return its rows.

    A tar member's size goes in its header, so the lines are spooled to a temporary file
    (on disk past a few MB) rather than held in memory.
    """
    columns = [_readable(column) for column in table.columns]
    encoders = [_encoder(column) for column in table.columns]
    names = [column.name for column in table.columns]
    query = select(*columns).order_by(*table.primary_key.columns)
    rows = 0
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        result = connection.execution_options(yield_per=CHUNK).execute(query)
        for chunk in result.partitions():
            for row in chunk:
                record = {name: encode(value) for name, encode, value in zip(
                    names, encoders, row, strict=True)}
                spool.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
            rows += len(chunk)
        info = tarfile.TarInfo(f"tables/{table.name}.jsonl")
        info.size = spool.tell()
        info.mtime = int(datetime.now(UTC).timestamp())
        spool.seek(0)
        archive.addfile(info, spool)
    return rows


def _readable(column):
    """JSON is read as the text the database holds, so SQL NULL and a JSON null stay apart."""
    if isinstance(column.type, JSON):
        return cast(column, Text).label(column.name)
    return column


def _encoder(column):
    kind = column.type
    if isinstance(kind, DateTime | Date | Time):
        return lambda value: None if value is None else value.isoformat()
    if isinstance(kind, LargeBinary):
        return lambda value: None if value is None else base64.b64encode(value).decode()
    if isinstance(kind, Numeric) and kind.asdecimal:
        return lambda value: None if value is None else str(value)
    return lambda value: value


def _add_json(archive, name, data):
    payload = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(payload))


def _settings():
    """The non-secret settings in effect, and instance/forum.cfg with its secrets blanked."""
    config = current_app.config
    settings = {"effective": {name: config.get(name) for name in RESTORE_SETTINGS}}
    cfg = Path(current_app.instance_path) / "forum.cfg"
    if cfg.exists():
        settings["forum_cfg"] = _without_secrets(cfg.read_text(encoding="utf-8"))
    return settings


def _without_secrets(source):
    """Blank every top-level assignment to a secret-looking name, however many lines it spans."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "# instance/forum.cfg could not be read as Python, so it was left out.\n"
    lines = source.splitlines(keepends=True)
    for node in reversed(tree.body):
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        names = [target.id for target in targets if hasattr(target, "id")]
        if any(word in name.upper() for name in names for word in SECRET_WORDS):
            lines[node.lineno - 1:node.end_lineno] = [
                f"# {', '.join(names)} = ... (left out of the backup; set it again by hand)\n"]
    return "".join(lines)


# --- restoring ------------------------------------------------------------------------------


def read_manifest(path):
    """Check that `path` is a whole backup this version can read; return its manifest.

    Reading the member list walks the whole compressed stream, so a truncated or damaged file
    is found here, before anything changes.

    :raises BackupError: the file is missing, damaged, incomplete or of another format.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            names = set(archive.getnames())
            if "manifest.json" not in names:
                raise BackupError(f"{path} is incomplete: it has no manifest.json. It may have "
                                  "been cut short while being written or copied.")
            manifest = json.load(archive.extractfile("manifest.json"))
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise BackupError(f"{path} is not a readable Common Ground backup (it may be damaged "
                          f"or cut short): {error}") from None
    if not isinstance(manifest, dict) or manifest.get("app") != APP_NAME:
        raise BackupError(f"{path} is not a Common Ground backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {manifest.get('format_version')!r}; this version of "
            f"Common Ground reads format {FORMAT_VERSION}.")
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not manifest.get("alembic_revision"):
        raise BackupError(f"{path} has a damaged manifest.json.")
    missing = [name for name in tables if f"tables/{name}.jsonl" not in names]
    if missing:
        raise BackupError(f"{path} is incomplete: it lacks the tables {', '.join(missing)}.")
    return manifest


def restore_backup(path, force=False):
    """Replace every row of the database with the backup's, in one transaction.

    An empty database with no schema is migrated to the backup's revision first. The search
    index is rebuilt afterwards, outside the transaction.

    :param force: overwrite a database that already holds rows.
    :raises BackupError: the file is not a whole backup, the database is at another schema
        revision, or it holds rows and `force` is not set. Nothing has changed then.
    """
    path = Path(path)
    manifest = read_manifest(path)
    wanted = manifest["alembic_revision"]
    summary = Summary(path, wanted, created_at=manifest.get("created_at", ""))
    unknown = [name for name in manifest["tables"] if name not in db.metadata.tables]
    if unknown:
        raise BackupError(f"{path} holds tables this version does not know: "
                          f"{', '.join(unknown)}.")
    with db.engine.connect() as connection:
        revision = _read_revision(connection)
        connection.rollback()
    if revision is None:
        _migrate_empty_database(wanted)
        summary.migrated = True
    elif revision != wanted:
        raise BackupError(
            f"This backup was made at database revision {wanted}, but this database is at "
            f"{revision}. Restore into a database at the same revision: run "
            f"`flask db downgrade {wanted}` (or `flask db upgrade {wanted}`) here, or use an "
            f"empty database, restore, then run `flask db upgrade`.")

    with db.engine.begin() as connection:
        if not force and _holds_rows(connection):
            raise BackupError("This database already holds data. Restoring would replace all "
                              "of it; use --force if that is what you want.")
        for table in db.metadata.sorted_tables:
            if _cycle_columns(table):
                connection.execute(table.update().values(
                    {column.name: None for column in _cycle_columns(table)}))
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        with tarfile.open(path, mode="r:gz") as archive:
            for table in db.metadata.sorted_tables:
                expected = manifest["tables"].get(table.name, 0)
                inserted = _insert_table(connection, archive, table, path) \
                    if table.name in manifest["tables"] else 0
                if inserted != expected:
                    raise BackupError(f"{path} is damaged: table {table.name} should hold "
                                      f"{expected} rows but holds {inserted}.")
                summary.tables[table.name] = inserted
            for table in db.metadata.sorted_tables:
                if _cycle_columns(table) and summary.tables[table.name]:
                    _link_cycles(connection, archive, table, path)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)

    db.session.expire_all()  # the caller's session may hold rows that are now gone
    from forum.search import services

    try:
        summary.indexed = services.reindex()
    except services.SearchUnavailable as error:
        # The rows are back; only the index lags, and `flask search reindex` can catch it up.
        summary.index_problem = str(error)
    summary.size = path.stat().st_size
    return summary


def _migrate_empty_database(revision):
    """Build the schema the backup was made with (the database has no tables of ours yet)."""
    from flask_migrate import upgrade

    with db.engine.connect() as connection:
        ours = [name for name in inspect(connection).get_table_names()
                if name in db.metadata.tables]
    if ours:
        raise BackupError("This database has some of Common Ground's tables but no schema "
                          "revision; restore into an empty database instead.")
    try:
        upgrade(revision=revision)
    except Exception as error:  # alembic's own errors, e.g. an unknown revision
        raise BackupError(
            f"Could not build the database schema at revision {revision} ({error}). The "
            "backup may come from a newer version of Common Ground: update first.") from None


def _cycle_columns(table):
    """Foreign keys that close a cycle between tables (`use_alter`, e.g. a board's latest topic).

    sorted_tables ignores them to find an order at all, so restore inserts these columns as
    NULL and fills them in once every table is back.
    """
    return [element.parent for constraint in table.foreign_key_constraints
            if constraint.use_alter for element in constraint.elements]


def _insert_table(connection, archive, table, path):
    """Insert one table's lines in batches of CHUNK rows; return how many were inserted."""
    later = {column.name for column in _cycle_columns(table)}
    inserted = 0
    for batch in _batches(archive, table, path):
        connection.execute(table.insert(), [
            {name: None if name in later else value for name, value in row.items()}
            for row in batch])
        inserted += len(batch)
    return inserted


def _link_cycles(connection, archive, table, path):
    """Set the cycle-closing columns held back by _insert_table, reading the table again."""
    later = [column.name for column in _cycle_columns(table)]
    keys = [column.name for column in table.primary_key.columns]
    statement = table.update().where(*(
        table.c[name] == bindparam(f"key_{name}") for name in keys)).values(
        {name: bindparam(f"value_{name}") for name in later})
    for batch in _batches(archive, table, path):
        values = [{**{f"key_{name}": row[name] for name in keys},
                   **{f"value_{name}": row[name] for name in later}}
                  for row in batch if any(row[name] is not None for name in later)]
        if values:
            connection.execute(statement, values)


def _batches(archive, table, path):
    """Yield one table's rows from the archive, decoded, CHUNK at a time."""
    decoders = {column.name: _decoder(column) for column in table.columns}
    try:
        lines = archive.extractfile(f"tables/{table.name}.jsonl")
        batch = []
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            if not isinstance(record, dict) or record.keys() != decoders.keys():
                raise BackupError(f"{path} is damaged: line {number} of table {table.name} "
                                  "does not match the table's columns.")
            batch.append({name: decoders[name](value) for name, value in record.items()})
            if len(batch) == CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch
    except (tarfile.TarError, EOFError, OSError, ValueError, TypeError) as error:
        raise BackupError(f"{path} is damaged in table {table.name}: {error}") from None


def _decoder(column):
    kind = column.type
    if isinstance(kind, JSON):
        # The text the database held: SQL NULL stays NULL; a JSON null stays a JSON null.
        return lambda value: null() if value is None else _json_value(json.loads(value))
    for kind_class, parse in ((DateTime, datetime.fromisoformat), (Date, date.fromisoformat),
                              (Time, time.fromisoformat), (LargeBinary, base64.b64decode)):
        if isinstance(kind, kind_class):
            return lambda value, parse=parse: None if value is None else parse(value)
    if isinstance(kind, Numeric) and kind.asdecimal:
        return lambda value: None if value is None else Decimal(value)
    return lambda value: value


def _json_value(value):
    return JSON.NULL if value is None else value


def _reset_sequences(connection):
    """Point each serial column's sequence past the restored ids, so new rows get fresh ones."""
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                          {"table": table.name, "column": column.name}).scalar()
            if sequence:
                # is_called=false with max+1: the next id is max+1, or 1 for an empty table.
                connection.execute(text(
                    f'SELECT setval(:sequence, COALESCE(MAX("{column.name}"), 0) + 1, false) '
                    f'FROM "{table.name}"'), {"sequence": sequence})


# --- both -----------------------------------------------------------------------------------


def _read_revision(connection):
    """The database's alembic revision, or None when it has not been migrated."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return ",".join(sorted(revisions)) or None


def _holds_rows(connection):
    return any(connection.execute(select(1).select_from(table).limit(1)).first()
               for table in db.metadata.sorted_tables)
