"""`flask backup` and `flask restore`: the whole site to one file and back."""

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from forum import backup
from forum.errors import DomainError


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path):
    """Write the whole database and settings to PATH (a .tar.gz; it holds personal data).

    Without PATH, writes commonground-YYYYmmdd-HHMMSS.tar.gz in the current folder.
    """
    if path is None:
        path = Path(f"commonground-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz")
    try:
        summary = backup.write_backup(path)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Backup written to {summary.path}")
    click.echo(f"  {len(summary.tables)} tables, {summary.rows:,} rows, "
               f"{_size(summary.size)}, schema revision {summary.revision}.")
    click.echo("  It holds personal data: keep it somewhere safe and delete it when done.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a database that already holds data (everything in it is lost).")
@click.option("--yes", is_flag=True, help="Don't ask for confirmation.")
@with_appcontext
def restore_command(path, force, yes):
    """Replace everything in the database with the backup at PATH, then rebuild search."""
    try:
        manifest = backup.read_manifest(path)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    rows = sum(manifest["tables"].values())
    click.echo(f"{path}: made {manifest.get('created_at', 'at an unknown time')} on "
               f"{manifest.get('dialect', 'an unknown database')}, {rows:,} rows.")
    if not yes:
        warning = " Everything now in the database will be replaced." if force else ""
        click.confirm(f"Restore it into this site's database?{warning}", abort=True)
    try:
        summary = backup.restore_backup(path, force=force)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if summary.migrated:
        click.echo(f"Built the empty database's schema at revision {summary.revision}.")
    click.echo(f"Restored {summary.rows:,} rows in {len(summary.tables)} tables.")
    if summary.index_problem:
        click.echo(f"The search index could not be rebuilt ({summary.index_problem}); run "
                   "`flask search reindex`.", err=True)
    else:
        click.echo(f"Search index rebuilt: {summary.indexed:,} documents.")


def _size(size):
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024


def register(app):
    """Add `flask backup` and `flask restore` (called from forum.cli.register)."""
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
