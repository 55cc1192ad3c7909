"""Command-line tools: `flask seed-demo`, `flask users …`."""

import click
from flask import current_app

from forum.accounts import services as accounts
from forum.errors import DomainError


def register(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(users)


@click.command("seed-demo")
def seed_demo():
    """Fill an empty database with a living demo neighbourhood (once; later runs do nothing)."""
    from forum import demo

    if demo.already_loaded():
        click.echo("Demo data is already loaded; nothing to do.")
        return
    people = demo.load(current_app)
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
