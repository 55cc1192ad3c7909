"""Small helpers shared by every domain's views for turning domain errors into form errors."""

from datetime import datetime

from flask import flash
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, TimeField
from wtforms.validators import Length, Optional

from forum.errors import DomainError, Invalid


def choices(pairs, blank=None):
    """Select options from (value, label) pairs, after an optional blank one labelled `blank`.

    SelectChoice rather than tuples, which WTForms 3.3 deprecates.
    """
    first = [SelectChoice("", blank)] if blank else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def at_most(length):
    """Optional, and no longer than `length` (said plainly when it is)."""
    return [Optional(), Length(max=length, message=f"Keep it to {length:,} characters.")]


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


def submit_text(form, write):
    """Validate a form of user text and call `write(nudge_id)`, one service.

    Returns (result, nudge): the result when it went ahead; the nudge when the author is asked
    to reconsider (show it above the form, whose hidden nudge_id now carries it); (None, None)
    when the form or the service refused, with the errors on the form.
    """
    from forum.moderation.services import NeedsReconsideration

    if not form.validate_on_submit():
        return None, None
    try:
        return write(nudge_id_of(form)), None
    except NeedsReconsideration as prompt:
        return None, reconsider(form, prompt)
    except DomainError as error:
        show_error(form, error)
        return None, None


def flash_if_held(item):
    if not item.is_published:
        flash("Thanks. What you wrote is waiting for a moderator to check it; only you can "
              "see it until then. We'll let you know what they decide.", "info")


# --- fields that say plainly what they want when they cannot read a value ----------------------


class DayField(DateField):
    """A YYYY-MM-DD date that says plainly what it wants when it cannot read one."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip(), "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError("Enter a date like 2026-03-27.") from None


class ClockField(TimeField):
    """A 24-hour HH:MM time, with a plain message when it cannot read one."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = datetime.strptime(valuelist[0].strip()[:5], "%H:%M").time()
        except ValueError:
            self.data = None
            raise ValueError("Enter a time like 18:30.") from None


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError("Enter a whole number, like 60.") from None
