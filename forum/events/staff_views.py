"""Staff pages for the events calendar: importing the council's existing calendar."""


from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from forum.core.access import allowed_only
from forum.core.forms import form_status, show_error
from forum.errors import DomainError, Invalid
from forum.events import forms, imports

bp = Blueprint("events_staff", __name__, url_prefix="/staff/events")


def _calendar_bytes(form):
    """(bytes, source, field) from the uploaded file, or fetched from the address given."""
    if form.file.data:
        return form.file.data.read(imports.max_bytes() + 1), form.file.data.filename, "file"
    if form.url.data:
        return imports.fetch_calendar(form.url.data), form.url.data.strip(), "url"
    raise Invalid("file", "Choose a calendar file (.ics), or give the calendar's web address.")


@bp.route("/import", methods=["GET", "POST"])
@allowed_only("event.import")
def import_calendar():
    """Import events from an .ics file or address: all of them or none; again to update."""
    form = forms.ImportForm()
    if form.validate_on_submit():
        try:
            data, source, field = _calendar_bytes(form)
            created, updated = imports.import_calendar(
                current_user, data, source, official=form.official.data,
                category=form.category.data, field=field)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Imported {created} new event{'s' if created != 1 else ''} and updated "
                  f"{updated}.", "success")
            return redirect(url_for(".import_calendar"))
    return render_template("events/staff/import.html", form=form), form_status(form)
