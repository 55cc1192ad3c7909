"""Command-line tools: `flask seed-demo`, `flask users …`."""

import click
from flask import current_app

from forum.accounts import services as accounts
from forum.errors import DomainError


def register(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(users)
    from forum.core.commands import jobs_group
    from forum.events.commands import events_group
    from forum.moderation.commands import moderation_group
    from forum.news.commands import news_group
    from forum.search.commands import search_group
    from forum.skills.commands import skills_group

    app.cli.add_command(search_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(skills_group)
    app.cli.add_command(events_group)
    app.cli.add_command(moderation_group)
    app.cli.add_command(news_group)
    app.cli.add_command(notify)
    from forum.backup_commands import register as register_backup_commands
    register_backup_commands(app)


@click.command("seed-demo")
def seed_demo():
    """Fill an empty database with a living demo neighbourhood (once; later runs do nothing)."""
    from forum import demo

    if demo.already_loaded():
        click.echo("Demo data is already loaded; nothing to do.")
        return
    # Moderation decisions in the demo send notices with links; there is no request here.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        people = demo.load(current_app)
    from forum.search.services import drain

    drain()  # index the demo now: the command ends before any background drain would
    click.echo("Demo neighbourhood loaded. Sign in at /account/signin as any of these:")
    click.echo(f"  {'username':<12} {'password':<20} who")
    for username, description in people:
        click.echo(f"  {username:<12} {demo.DEMO_PASSWORD:<20} {description}")


@click.group()
def users():
    """Manage accounts from the server."""


@users.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(username, email, password):
    """Create a verified administrator account."""
    try:
        user = accounts.create_admin(username, email, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Admin {user.username} created.")


@users.command("grant")
@click.argument("role")
@click.argument("username")
def grant(role, username):
    """Give ROLE (moderator, staff, admin) to USERNAME."""
    try:
        user = accounts.grant_role_from_cli(username, role)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{user.username} now has the roles: {', '.join(sorted(user.roles))}.")


@click.group()
def notify():
    """Send notifications by e-mail."""


@notify.command("digest")
def digest():
    """E-mail everyone the notifications they have not seen or been sent yet."""
    from forum.notifications.services import send_digests
    from forum.notifications.views import digest_link

    # Links in e-mails need the site's public address; there is no request to take it from.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        counts = send_digests(digest_link)
    click.echo(f"Sent {counts['people']} digest e-mails covering "
               f"{counts['notifications']} notifications.")
