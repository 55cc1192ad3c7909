"""`flask news …`: the scheduled job for council news (run from cron every few minutes)."""

import click


@click.group("news")
def news_group():
    """Council news jobs."""


@news_group.command("release")
def release():
    """Announce articles whose publish time has come: tell their wards' followers and add them
    to search. Safe to run as often as you like; each article is announced once."""
    from forum.news.services import release_due

    released = release_due()
    click.echo(f"Announced {released} article{'s' if released != 1 else ''}.")
