"""`flask skills …`: set up the skills list on a new site."""

import click


@click.group("skills")
def skills_group():
    """Skills swap and mentoring tools."""


@skills_group.command("starter-list")
def starter_list():
    """Add the starter skills list (categories, skills and synonyms) where it is missing."""
    from forum.skills.starter import load_starter_list

    added = load_starter_list()
    click.echo(f"Added {added} skills to the list." if added
               else "The starter skills are all there already; nothing to do.")
