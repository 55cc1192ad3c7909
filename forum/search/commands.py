"""`flask search reindex` and `flask search drain`."""

import click
from flask.cli import with_appcontext

from forum.search import services


@click.group("search")
def search_group():
    """Look after the search index."""


@search_group.command("reindex")
@click.option("--job", is_flag=True,
              help="Leave the rebuild to a background job worker (JOBS=rq) and return at once.")
@with_appcontext
def reindex(job):
    """Rebuild the search index from the database (search keeps working meanwhile)."""
    if job:
        from forum.core import jobs

        job_id = jobs.enqueue("forum.search.services.reindex")
        click.echo(f"Rebuild queued as job {job_id}." if job_id else
                   "Search index rebuilt (jobs run inline in this configuration).")
        return
    total = services.count_indexable()
    try:
        with click.progressbar(length=total, label="Indexing", show_pos=True,
                               show_percent=True) as bar:
            indexed = services.reindex(progress=bar.update)
    except services.SearchUnavailable as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Search index rebuilt: {indexed:,} documents.")


@search_group.command("drain")
@with_appcontext
def drain():
    """Apply index work waiting in the queue (run by a job when SEARCH_DRAIN is "off")."""
    try:
        done = services.drain()
    except services.SearchUnavailable as error:
        raise click.ClickException(f"{error} The work stays queued; try again later.") \
            from None
    click.echo(f"Search index updated: {done:,} queued changes applied.")
