"""Small helpers shared by every domain's views for turning domain errors into form errors."""

from flask import flash
from flask_wtf import FlaskForm

from forum.errors import Invalid


class ActionForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


def show_error(form, error):
    """Put a service's error beside the field it names, or in the form's error summary."""
    field = getattr(form, error.field, None) if isinstance(error, Invalid) else None
    if field is not None:
        # WTForms leaves a tuple on a field that was never validated.
        field.errors = [*(field.errors or []), error.message]
    else:
        form.form_errors.append(error.message)


def form_status(*forms):
    """400 when any form shown has errors (so the person's text stays in it), else 200."""
    return 400 if any(form.errors or form.form_errors for form in forms) else 200


def nudge_id_of(form):
    """The nudge the author saw, when they send their text again after the prompt."""
    return int(form.nudge_id.data) if (form.nudge_id.data or "").isdigit() else None


def reconsider(form, prompt):
    """Show the text again with the prompt; sending it again is the author's choice."""
    form.nudge_id.data = str(prompt.nudge.id)
    return prompt


def flash_if_held(item):
    if not item.is_published:
        flash("Thanks. What you wrote is waiting for a moderator to check it; only you can "
              "see it until then. We'll let you know what they decide.", "info")
