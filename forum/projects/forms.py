"""Forms for community projects. The rules (lengths, wards, who may do what) live in services,
which report refusals per field (`Invalid("ward_id", ...)` lands beside `ward_id`)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from forum.core.forms import DayField, at_most, choices
from forum.projects.models import AUDIENCES, STATES
from forum.projects.services import BODY_MAX, BRINGS_TOGETHER_MAX, TASK_TITLE_MAX, UPDATE_MAX
from forum.skills.forms import CheckboxesField

BODY_HINT = ("What you'd like to do, why it matters here, and what help you need. Markdown "
             "works: **bold**, *italic*, - lists.")


class BrowseForm(FlaskForm):
    """The projects filter: a GET form, so a filtered list has an address to share."""

    class Meta:
        csrf = False

    ward = SelectField("Ward", validators=[Optional()], validate_choice=False)
    stage = SelectField("Stage", choices=choices(STATES.items(), blank="Any stage"),
                        validators=[Optional()], validate_choice=False)


class ProjectForm(FlaskForm):
    # Set when the proposer has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    title = StringField("Name of the project", validators=at_most(100),
                        description="Like \"Tool library at Eastbrook Community Centre\".")
    # `body`, as the service names it: its errors land here.
    body = TextAreaField("What and why", validators=at_most(BODY_MAX), description=BODY_HINT)
    ward_id = SelectField("Ward", validators=[Optional()], validate_choice=False,
                          description="Where the project happens.")
    audiences = CheckboxesField("Who it brings together", choices=choices(AUDIENCES.items()),
                                description="Tick all that fit.")
    brings_together = StringField("Who it brings together, in your words (optional)",
                                  validators=at_most(BRINGS_TOGETHER_MAX),
                                  description="Like \"Allotment holders and the primary "
                                              "school's families\".")

    def ward_value(self):
        value = self.ward_id.data or ""
        return int(value) if value.isdigit() else None


class TaskForm(FlaskForm):
    title = StringField("Task", validators=at_most(TASK_TITLE_MAX),
                        description="Like \"Book the hall for March\".")
    owner_id = SelectField("Who will do it (optional)", validators=[Optional()],
                           validate_choice=False)
    due_on = DayField("Due by (optional)", validators=[Optional()],
                      description="For example 2026-03-27.")

    def owner_value(self):
        value = self.owner_id.data or ""
        return int(value) if value.isdigit() else None


class DoneForm(FlaskForm):
    done = HiddenField()


class UpdateForm(FlaskForm):
    text = TextAreaField("Your update", validators=at_most(UPDATE_MAX),
                         description="News for the group and anyone following the project, "
                                     "like \"We've booked the hall for March\".")


class StageForm(FlaskForm):
    state = SelectField("Move to", validators=[Optional()], validate_choice=False)
    note = StringField("Note (optional)", validators=at_most(300),
                       description="Shown in the project's log.")


class EventLinkForm(FlaskForm):
    event_id = SelectField("One of your events", validators=[Optional()],
                           validate_choice=False)

    def event_value(self):
        value = self.event_id.data or ""
        return int(value) if value.isdigit() else None


class LeadForm(FlaskForm):
    user_id = HiddenField()
