"""Forms for the skills swap. Checks that need the database or the safeguarding rules live in
services, which report them back per field (`Invalid("venue", ...)` lands beside `venue`)."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from forum.core.forms import ClockField, DayField, WholeNumberField, choices
from forum.skills.models import (
    DAY_NAMES,
    FORMATS,
    LEVELS,
    LISTING_KINDS,
    SLOTS,
    SUITABILITY,
)
from forum.skills.services import BODY_MAX, TITLE_MAX

MESSAGE_HINT = ("Markdown works: **bold**, *italic*, - lists. Keep contact on Common Ground: "
                "no phone numbers, e-mail addresses or social media names.")


def slot_label(slot):
    """"tue-evening" → "Tuesday evening"."""
    day, part = slot.split("-")
    return f"{DAY_NAMES[day]} {part}"



class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; services say which values they accept."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


# --- browsing and listings -------------------------------------------------------------------


class BrowseForm(FlaskForm):
    """The listings filter: a GET form, so a filtered page has an address to share."""

    class Meta:
        csrf = False

    q = SearchField("Words", validators=[Optional(), Length(max=80)],
                    description="In the title or description, like \"guitar\".")
    kind = SelectField("Show", choices=choices(
        [("offer", "People offering a skill"), ("request", "People looking for a skill")],
        blank="Offers and requests"), validators=[Optional()], validate_choice=False)
    format = SelectField("Way of meeting", choices=choices(FORMATS.items(), blank="Any way"),
                         validators=[Optional()], validate_choice=False)
    category = SelectField("Kind of skill", validators=[Optional()], validate_choice=False)
    ward = SelectField("Ward", validators=[Optional()], validate_choice=False)
    slot = SelectField("Free at", choices=choices(
        [(slot, slot_label(slot)) for slot in SLOTS], blank="Any time"),
        validators=[Optional()], validate_choice=False)
    under_18 = BooleanField("Only listings suitable for under-18s")


class GuardianForm(FlaskForm):
    guardian_name = StringField("Your parent's or carer's name",
                                validators=[DataRequired("Enter your parent's or carer's name."),
                                            Length(max=80)])
    guardian_email = EmailField("Their e-mail address",
                                validators=[DataRequired("Enter their e-mail address.")],
                                description="We'll e-mail them a link to agree. Use their own "
                                            "address, not yours.")


class ListingForm(FlaskForm):
    # Set when the author has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    kind = RadioField("Are you offering this skill or looking for it?",
                      choices=choices(LISTING_KINDS.items()),
                      validators=[DataRequired("Say whether you're offering this skill or "
                                               "looking for it.")], validate_choice=False)
    title = StringField("The skill, in your words", validators=[
        DataRequired("Name the skill, like \"Guitar for beginners\"."), Length(max=TITLE_MAX)],
        description="Like \"Guitar for beginners\" or \"Help with CVs\".")
    skill = SelectField("Closest skill on our list (optional)", validators=[Optional()],
                        validate_choice=False,
                        description="Helps the matchmaker find people. Leave it if nothing "
                                    "fits.")
    level = SelectField("Level", choices=choices(LEVELS.items()), validators=[Optional()],
                        validate_choice=False,
                        description="How well you know it, or how far you'd like to get.")
    formats = CheckboxesField("Ways you'd like to meet", choices=choices(FORMATS.items()))
    suitable_for = RadioField("Who it's suitable for", choices=choices(SUITABILITY.items()),
                              validators=[DataRequired("Choose who this is suitable for.")],
                              validate_choice=False)
    body = TextAreaField("Description", validators=[Optional(), Length(max=BODY_MAX)],
                         description="What you can teach or want to learn, and anything "
                                     "useful to know. " + MESSAGE_HINT)


class OpenForm(FlaskForm):
    is_open = HiddenField()


# --- match profile ---------------------------------------------------------------------------


class MatchProfileForm(FlaskForm):
    availability = CheckboxesField("When you're usually free",
                                   choices=choices((slot, slot_label(slot)) for slot in SLOTS))
    formats = CheckboxesField("Ways you'd like to meet", choices=choices(FORMATS.items()))
    capacity = WholeNumberField("How many people could you mentor at once?",
                                validators=[Optional()],
                                description="One-to-one mentoring only. 0 means you're not "
                                            "taking anyone new.",
                                render_kw={"min": 0, "max": 10, "inputmode": "numeric"})
    open_to_matches = BooleanField("Suggest me to others, and let them find my listings")


# --- matches ---------------------------------------------------------------------------------


class RequestForm(FlaskForm):
    nudge_id = HiddenField()

    format = SelectField("How you'd like to meet", choices=choices(FORMATS.items()),
                         validators=[Optional()], validate_choice=False)
    # `body`, as the service names it: its errors land here.
    body = TextAreaField("Your message", validators=[
        DataRequired("Write a short message: say hello and what you'd like to learn or "
                     "share.")],
        description="Say hello, what you'd like to learn or share, and when suits you. "
                    + MESSAGE_HINT)


class RespondForm(FlaskForm):
    reason = TextAreaField("Reason (optional, if you decline)",
                           validators=[Optional(), Length(max=500)],
                           description="They'll see it. A kind word goes a long way.")


class MessageForm(FlaskForm):
    nudge_id = HiddenField()

    body = TextAreaField("Your message", validators=[DataRequired("Write a message first.")],
                         description=MESSAGE_HINT)


class SessionForm(FlaskForm):
    day = DayField("Day", validators=[Optional()], description="For example 2026-03-27.")
    time = ClockField("Start time", validators=[Optional()],
                      description="24-hour clock, like 18:30 (UK time).")
    minutes = WholeNumberField("How long, in minutes", default=60, validators=[Optional()],
                               render_kw={"min": 15, "max": 480,
                                          "inputmode": "numeric"})
    venue = StringField("Where", validators=[Optional(), Length(max=160)],
                        description="A place, like \"Central Library, first-floor study room\". "
                                    "No addresses of homes, links or contact details.")
    venue_is_public = BooleanField("It's a public place (a library, community centre, café or "
                                   "workplace during opening hours)")
    giver = SelectField("Who teaches in this session?", coerce=int, validators=[Optional()],
                        validate_choice=False)


class RearrangeForm(SessionForm):
    """Move a session: the teacher stays the same."""

    giver = None


class FeedbackForm(FlaskForm):
    rating = RadioField("How did it go?", coerce=int, choices=choices([
        ("5", "5: excellent"), ("4", "4: good"), ("3", "3: all right"), ("2", "2: not great"),
        ("1", "1: poor")]), validators=[DataRequired("Choose a rating from 1 to 5.")],
        validate_choice=False, invalid_value_message="Choose a rating from 1 to 5.")
    comment = TextAreaField("A few words (optional)", validators=[Optional(), Length(max=2000)],
                            description="The other person will see your feedback.")


class EndMatchForm(FlaskForm):
    reason = TextAreaField("Why are you ending it? (optional)",
                           validators=[Optional(), Length(max=500)],
                           description="They'll see this. Sessions still to come are "
                                       "cancelled.")


class ConcernForm(FlaskForm):
    details = TextAreaField("What worries you?", validators=[
        DataRequired("Tell us a little about what worries you (a sentence or two).")],
        description="This goes straight to council safeguarding staff, not to the other "
                    "person or to volunteer moderators. If someone is in immediate danger, "
                    "call 999.")
