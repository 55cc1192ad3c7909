"""Forms for the events calendar. The services check what needs the rules or the database
(times in order, a real ward, places of 1 or more) and report it per field, so
`Invalid("capacity", ...)` lands beside `capacity`; the forms only read the values."""

from datetime import UTC, datetime, timedelta

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import Optional

from forum.core.forms import ClockField, DayField, WholeNumberField, at_most, choices
from forum.events import recurrence
from forum.events.models import CATEGORIES, SUITABILITY

DAY_HINT = "Like 2026-12-01."
TIME_HINT = "24-hour clock, UK time, like 18:30."


class FilterForm(FlaskForm):
    """The calendar's filters: a GET form, so a filtered calendar has an address to share."""

    class Meta:
        csrf = False

    ward = SelectField("Ward", validators=[Optional()], validate_choice=False)
    category = SelectField("Category", choices=choices(CATEGORIES.items(), blank="Any"),
                           validators=[Optional()], validate_choice=False)
    under_18 = BooleanField("Suitable for under-18s")
    official = BooleanField("Council events only")

    def active(self):
        return bool(self.ward.data or self.category.data or self.under_18.data
                    or self.official.data)

    def args(self):
        """The filters in use, as query arguments for links that keep them."""
        values = {"ward": self.ward.data or None, "category": self.category.data or None,
                  "under_18": "1" if self.under_18.data else None,
                  "official": "1" if self.official.data else None}
        return {name: value for name, value in values.items() if value}


class EventForm(FlaskForm):
    # Set when the author has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    title = StringField("Title", validators=[Optional()],
                        description="Like \"Riverside litter pick\" or \"Chess club\".")
    description = TextAreaField(
        "Description", validators=[Optional()],
        description="What happens, who it's for, what to bring. Markdown works: **bold**, "
                    "*italic*, - lists.")
    start_day = DayField("Day it starts", validators=[Optional()], description=DAY_HINT)
    start_time = ClockField("Start time", validators=[Optional()], description=TIME_HINT)
    end_day = DayField("Day it ends (if not the same day)", validators=[Optional()],
                       description=DAY_HINT)
    end_time = ClockField("End time", validators=[Optional()], description=TIME_HINT)
    all_day = BooleanField("It lasts all day (no start or end time)")
    venue = StringField("Where", validators=at_most(150),
                        description="The place, like \"St Mark's church hall\", or \"Online\".")
    address = StringField("Address (optional)", validators=at_most(250),
                          description="With the postcode, so people can find it on a map.")
    ward = SelectField("Ward (optional)", validators=[Optional()], validate_choice=False)
    category = SelectField("Category", choices=choices(CATEGORIES.items()),
                           validators=[Optional()], validate_choice=False)
    capacity = WholeNumberField("Places (optional)", validators=[Optional()],
                                description="How many people can come. Leave it empty when "
                                            "there's no limit; once it's full, people join a "
                                            "waiting list.",
                                render_kw={"min": 1, "inputmode": "numeric"})
    cost = StringField("Cost (optional)", validators=at_most(60),
                       description="Like \"£3, children free\". Empty means free.")
    accessibility = TextAreaField("Accessibility (optional)",
                                  validators=at_most(2000),
                                  description="Step-free access, hearing loop, toilets, "
                                              "quiet space, parking.")
    suitable_for = RadioField("Who it's suitable for", choices=choices(SUITABILITY.items()),
                              default="everyone", validators=[Optional()],
                              validate_choice=False)
    organiser_name = StringField("Organiser (optional)", validators=at_most(100),
                                 description="A group's name, like \"Friends of Riverside "
                                             "Park\". Empty shows your name.")
    official = BooleanField("Publish as an official council event",
                            description="Shows \"Council\" as the organiser.")
    repeat = SelectField("Repeats", choices=choices(recurrence.REPEATS.items()),
                         validators=[Optional()],
                         invalid_choice_message="Choose how often the event repeats.")
    repeat_until = DayField("Last date (optional)", validators=[Optional()],
                            description="When a repeating event stops. " + DAY_HINT)


def event_form_data(event, zone):
    """What the edit form shows for an event: local days and times, and the repeat choice.

    Returns (data, exact): `exact` is False when the event repeats in a way the form's
    choices can't express (an imported rule), so saving would replace the rule.
    """
    starts = recurrence.to_local(event.starts_at, zone)
    ends = recurrence.to_local(event.ends_at, zone)
    repeat, until, exact = _repeat_choice(event.rrule, starts)
    return {
        "title": event.title, "description": event.description_source,
        "start_day": starts.date(), "end_day": (ends - timedelta(days=1)).date()
        if event.all_day else ends.date(),
        "start_time": None if event.all_day else starts.time(),
        "end_time": None if event.all_day else ends.time(),
        "all_day": event.all_day, "venue": event.venue, "address": event.address,
        "ward": event.ward.slug if event.ward else "", "category": event.category,
        "capacity": event.capacity, "cost": event.cost, "accessibility": event.accessibility,
        "suitable_for": event.suitable_for, "organiser_name": event.organiser_name,
        "official": event.is_official, "repeat": repeat, "repeat_until": until,
    }, exact


def _repeat_choice(rrule, first_start_local):
    if not rrule:
        return "", None, True
    parts = dict(part.split("=", 1) for part in rrule.upper().split(";") if "=" in part)
    freq, interval, byday = parts.get("FREQ"), parts.get("INTERVAL", "1"), parts.get("BYDAY", "")
    if freq == "WEEKLY" and interval in ("1", "2"):
        repeat = "weekly" if interval == "1" else "fortnightly"
    elif freq == "MONTHLY" and "BYMONTHDAY" in parts:
        repeat = "monthly_date"
    elif freq == "MONTHLY" and byday:
        repeat = "monthly_weekday"
    else:
        return "", None, False
    until = None
    if "UNTIL" in parts:
        text = parts["UNTIL"].rstrip("Z")
        moment = datetime.strptime(text[:15], "%Y%m%dT%H%M%S") if "T" in text \
            else datetime.strptime(text[:8], "%Y%m%d")
        until = moment.replace(tzinfo=UTC).astimezone(first_start_local.tzinfo).date()
    # Exact when the form's choice builds the very same rule (order of parts aside).
    try:
        rebuilt = recurrence.build_rrule(repeat, first_start_local, until=until)
    except recurrence.RuleError:
        return repeat, until, False
    return repeat, until, set(rebuilt.split(";")) == set(rrule.upper().split(";"))


class CancelForm(FlaskForm):
    reason = TextAreaField("Why is it cancelled?", validators=at_most(500),
                           description="Everyone going or waiting is told, with this reason.")


class SkipForm(FlaskForm):
    note = StringField("Note (optional)", id="skip-note",
                       validators=at_most(200),
                       description="Like \"The hall is closed for repairs\".")


class MoveForm(FlaskForm):
    day = DayField("New day", validators=[Optional()], description=DAY_HINT)
    start_time = ClockField("Start time", id="move-start_time", validators=[Optional()],
                            description=TIME_HINT)
    end_time = ClockField("End time", id="move-end_time", validators=[Optional()],
                          description=TIME_HINT)
    note = StringField("Note (optional)", id="move-note",
                       validators=at_most(200),
                       description="Like \"Moved because of the bank holiday\".")


class ImportForm(FlaskForm):
    file = FileField("A calendar file (.ics)", description="Exported from the council's "
                                                           "current calendar.",
                     render_kw={"accept": ".ics,text/calendar"})
    url = URLField("Or the calendar's web address", validators=at_most(500),
                   description="Starting https:// or webcal://.")
    official = BooleanField("These are official council events", default=True,
                            description="Shows \"Council\" as the organiser.")
    category = SelectField("Category for new events", choices=choices(CATEGORIES.items()),
                           default="council", invalid_choice_message="Choose a category.")
