"""`flask jobs worker` and `flask jobs status`: the background-job worker and a look at it."""

import click
from flask import current_app
from flask.cli import with_appcontext

from forum.core import jobs


@click.group("jobs")
def jobs_group():
    """Run and inspect background jobs (JOBS=rq)."""


def _require_rq():
    if current_app.config.get("JOBS") != "rq" or not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "Background jobs run inline in this configuration (JOBS is not 'rq' or REDIS_URL is "
            "not set), so there is nothing for a worker to do.")


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@with_appcontext
def worker(burst):
    """Run jobs from the queue until stopped (e-mail, search index updates, reindexing)."""
    _require_rq()
    click.echo(f"Worker for queue {jobs.QUEUE_NAME!r} on {current_app.config['REDIS_URL']}")
    jobs.work(current_app._get_current_object(), burst=burst)


@jobs_group.command("status")
@with_appcontext
def status():
    """How many jobs wait, run, wait for a retry or failed for good."""
    _require_rq()
    for name, count in jobs.counts(current_app._get_current_object()).items():
        click.echo(f"{name:<10} {count:>6}")
