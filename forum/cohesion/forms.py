"""The pulse survey's form, and the dashboard's filters."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.validators import Optional

from forum.cohesion.models import AGREEMENT, AGREEMENT_QUESTIONS, QUESTIONS
from forum.core.forms import choices

SKIP = ""  # "Prefer not to say": the question is left unanswered


def _agreement(question):
    return RadioField(
        QUESTIONS[question],
        choices=choices([(str(value), label) for value, label in AGREEMENT.items()]
                        + [(SKIP, "Prefer not to say")]),
        default=SKIP, validators=[Optional()])


class SurveyForm(FlaskForm):
    get_on = _agreement("get_on")
    belong = _agreement("belong")
    influence = _agreement("influence")
    volunteered = RadioField(
        QUESTIONS["volunteered"],
        choices=choices([("yes", "Yes"), ("no", "No"), (SKIP, "Prefer not to say")]),
        default=SKIP, validators=[Optional()])

    def answers(self):
        """{question: value} as the service takes them (None: left unanswered)."""
        found = {question: int(getattr(self, question).data)
                 if getattr(self, question).data else None
                 for question in AGREEMENT_QUESTIONS}
        found["volunteered"] = {"yes": True, "no": False}.get(self.volunteered.data)
        return found


class DashboardFilterForm(FlaskForm):
    """GET filters, so a view of the dashboard has an address that can be shared."""

    class Meta:
        csrf = False

    quarter = SelectField("Quarter", validators=[Optional()])
    ward = SelectField("Ward", validators=[Optional()])
