"""Forms for reporting, deciding, appealing and managing watched words."""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.moderation.community_rules import RULES
from forum.moderation.models import DECISIONS, FLAG_REASONS


def _choices(pairs):
    """SelectChoice rather than (value, label) tuples, which WTForms 3.3 deprecates."""
    return [SelectChoice(value, label) for value, label in pairs]


RULE_CHOICES = _choices([("", "Choose a rule")]
                        + [(code, title) for code, (title, _) in RULES.items()])


class FlagForm(FlaskForm):
    reason = RadioField("What's wrong with it?", choices=_choices(FLAG_REASONS.items()),
                        validators=[DataRequired("Choose the reason that fits best.")])
    note = TextAreaField("Anything moderators should know? (optional)",
                         validators=[Optional(), Length(max=2000)])
    email = EmailField("Your e-mail address (optional)", validators=[Optional(), Length(max=254)],
                       description="If you'd like to hear what happens. Only moderators see it.")


class DecisionForm(FlaskForm):
    action = RadioField("Decision", choices=_choices(DECISIONS.items()),
                        validators=[DataRequired("Choose what to do.")])
    rule = SelectField("Community rule broken", choices=RULE_CHOICES, validators=[Optional()])
    reason = TextAreaField("Reason, in words the author will read",
                           validators=[Optional(), Length(max=2000)])
    days = IntegerField("For how many days (mute or suspend)",
                        validators=[Optional(), NumberRange(1, 365)])
    redacted_text = TextAreaField("Redacted text (for redact)",
                                  validators=[Optional(), Length(max=20000)])


class BulkForm(FlaskForm):
    action = SelectField("Decision for the selected cases",
                         choices=_choices([("keep", "Keep"), ("remove", "Remove")]))
    rule = SelectField("Rule (for remove)", choices=RULE_CHOICES, validators=[Optional()])
    reason = StringField("Reason", validators=[Optional(), Length(max=2000)])


class AppealForm(FlaskForm):
    statement = TextAreaField("Why was the decision wrong?",
                              validators=[DataRequired("Tell us why, in a sentence or two."),
                                          Length(max=4000)])


class AppealDecisionForm(FlaskForm):
    outcome = RadioField("Outcome", choices=_choices([("upheld", "The decision stands"),
                                                      ("overturned", "Overturn the decision")]),
                         validators=[DataRequired("Choose an outcome.")])
    reason = TextAreaField("Reasons, for the appellant", validators=[Optional(),
                                                                     Length(max=2000)])


class WatchedWordForm(FlaskForm):
    pattern = StringField("Word or phrase", validators=[DataRequired("Enter a word or phrase.")],
                          description="Whole words; * matches any letters (e.g. scum*). "
                                      "Spacing, l33t and look-alike letters are caught too.")
    action = SelectField("When it's used", choices=_choices([
        ("hold", "Hold the post for review"), ("block", "Refuse the post"),
        ("flag", "Publish, but add it to the queue"), ("replace", "Replace it")]))
    replacement = StringField("Replace with (for replace)", validators=[Optional()])
    note = StringField("Note for other moderators", validators=[Optional(), Length(max=500)])
