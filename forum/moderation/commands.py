"""`flask moderation …`: tools for moderators and developers, starting with `evaluate`."""

import json

import click

from forum.moderation.evaluate import LabelError, as_json, evaluate, format_report, read_labelled


@click.group("moderation")
def moderation_group():
    """Moderation tools: measure the hate-speech detector."""


@moderation_group.command("evaluate")
@click.argument("path", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False))
@click.option("--text-column", default="text", show_default=True,
              help="Column holding the text to assess.")
@click.option("--label-column", default="label", show_default=True,
              help="Column holding the label: hateful/non-hateful, hate/noHate, 1/0, true/false.")
@click.option("--group-column", default=None,
              help="Column naming a target group (or any category) for a per-group table.")
@click.option("--json", "as_json_output", is_flag=True, help="Print one JSON object instead.")
def evaluate_command(path, text_column, label_column, group_column, as_json_output):
    """Run the detector over a labelled CSV and print how well it did.

    Prints accuracy, balanced accuracy, and precision, recall and F1 for the hateful class,
    a table by group when --group-column is given, and texts assessed per second.
    """
    try:
        rows = read_labelled(path, text_column, label_column, group_column)
    except (KeyError, LabelError) as error:
        raise click.ClickException(str(error).strip("'\"")) from None
    if not rows:
        raise click.ClickException(f"{path} has no rows to evaluate.")
    report = evaluate(rows)
    if as_json_output:
        click.echo(json.dumps({"file": path, **as_json(report)}, indent=2))
    else:
        click.echo(format_report(report, title=f"{path}"))
