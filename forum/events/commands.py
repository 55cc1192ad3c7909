"""`flask events …`: scheduled jobs for the calendar (run from cron)."""

import click
from flask import current_app


@click.group("events")
def events_group():
    """Events calendar jobs."""


@events_group.command("remind")
def remind():
    """Remind everyone going to something tomorrow (in-app and e-mail); safe to run twice."""
    from forum.events.rsvps import send_reminders

    # Links in e-mails need the site's public address; there is no request to take it from.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        sent = send_reminders()
    click.echo(f"Sent {sent} reminder{'s' if sent != 1 else ''}.")
