"""Forms for the staff news desk. The services check the words, the category and the wards
and report per field (`Invalid("wards", ...)` lands beside `wards`); these forms only read
the values, and turn a London day and time into the naive UTC the services take."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forum.core.forms import ClockField, DayField, at_most, choices
from forum.core.timezones import local_midnight_utc, local_to_utc, to_local
from forum.errors import Invalid
from forum.news.models import CATEGORIES

DAY_HINT = "Like 2026-12-08."
TIME_HINT = "24-hour clock, UK time, like 09:00."
BODY_HINT = ("Markdown works: a blank line starts a new paragraph; **bold**, *italic*, "
             "## a heading, - a list, [a link](https://…). Preview shows it as readers will.")
AUDIENCES = {"borough": "The whole borough", "wards": "Only the wards I tick below"}


class WardBoxes(SelectMultipleField):
    """Wards as a list of checkboxes; values are ward slugs."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ArticleForm(FlaskForm):
    """The article itself, and (on a saved article) when to publish it."""

    title = StringField("Headline", validators=[Optional()],
                        description="Plain and specific, like \"Bin collections move over "
                                    "Christmas\".")
    summary = TextAreaField("Summary", validators=[Optional()],
                            description="One or two sentences. Lists, feeds and notifications "
                                        "show this, so say what is happening and to whom.")
    body = TextAreaField("Article", validators=[Optional()], description=BODY_HINT)
    category = SelectField("Category", choices=choices(CATEGORIES.items()),
                           validators=[Optional()], validate_choice=False)
    audience = RadioField("Who is it for?", choices=choices(AUDIENCES.items()),
                          default="borough",
                          invalid_choice_message="Say whether it is for the whole borough or "
                                                 "for some wards.")
    wards = WardBoxes("Wards", validators=[Optional()],
                      invalid_choice_message="Choose wards from the list.")
    comments_open = BooleanField("Residents may comment", default=True)
    update_note = StringField("Update note (optional)", validators=[Optional()],
                              description="What changed? Readers see this beside \"Updated\", "
                                          "like \"Times corrected\".")
    publish_day = DayField("Day", validators=[Optional()], description=DAY_HINT)
    publish_time = ClockField("Time", validators=[Optional()], description=TIME_HINT)

    def validate_wards(self, field):
        # Ticked wards with "the whole borough" chosen: ask rather than guess which was meant.
        if self.audience.data == "borough" and field.data:
            raise ValidationError("You ticked some wards but chose \"The whole borough\". "
                                  "Choose \"Only the wards I tick\", or untick them.")

    def publish_at(self, zone):
        """The chosen day and time in `zone`, as naive UTC.

        :raises Invalid: the day or the time is missing.
        """
        if self.publish_day.data is None:
            raise Invalid("publish_day", "Say which day to publish it, like 2026-12-08.")
        if self.publish_time.data is None:
            raise Invalid("publish_time", "Say what time to publish it, like 09:00.")
        return local_to_utc(self.publish_day.data, self.publish_time.data, zone)


class PinForm(FlaskForm):
    pinned_until = DayField("Pinned until (optional)", validators=[Optional()],
                            description="It comes off the top at the end of this day. Leave it "
                                        "empty to keep it pinned until you unpin it. "
                                        + DAY_HINT)

    def until(self, zone):
        """The end of the chosen local day, as naive UTC (None: no end).

        :raises Invalid: the last day there is (it has no end to give).
        """
        if self.pinned_until.data is None:
            return None
        if self.pinned_until.data >= date.max:
            raise Invalid("pinned_until", "Choose a date in the next few years, or leave it "
                                          "empty.")
        return local_midnight_utc(self.pinned_until.data + timedelta(days=1), zone)


class UnpublishForm(FlaskForm):
    reason = StringField("Why (optional)", id="unpublish_reason", validators=at_most(300),
                         description="For the audit log; readers don't see it.")


def article_data(article, zone):
    """What the editor shows for a saved article."""
    data = {"title": article.title, "summary": article.summary, "body": article.body_source,
            "category": article.category,
            "audience": "borough" if article.borough_wide else "wards",
            "wards": [] if article.borough_wide else [ward.slug for ward in article.wards],
            "comments_open": article.comments_open}
    if article.is_scheduled:
        local = to_local(article.publish_at, zone)
        data.update(publish_day=local.date(), publish_time=local.time())
    return data
