"""Small helpers shared by every domain's views for turning domain errors into form errors."""

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
