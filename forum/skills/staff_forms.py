"""Forms of the skills swap's staff pages: the skills list, cohorts and safeguarding concerns.

Choices that come from the database (categories, a cohort's mentors) are filled in by the
views; the services decide whether a chosen value is acceptable, so select fields don't
pre-validate their choices.
"""

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from forum.skills.services import MAX_CAPACITY

ROLE_CHOICES = [SelectChoice("young", "Young person (13 to 25)"),
                SelectChoice("mentor", "Mentor (verified)")]


class CategoryForm(FlaskForm):
    name = StringField("Category name", validators=[DataRequired("Give the category a name.")],
                       description="A family of skills, like \"Languages\" or \"Trades\".")
    # Tells the two forms of the skills list page apart (they post to the same address).
    submit = SubmitField("Add category")


class SkillForm(FlaskForm):
    name = StringField("Skill", validators=[DataRequired("Give the skill a name.")],
                       description="As people will see it, like \"Plumbing and heating\".")
    category = SelectField("Category", validate_choice=False,
                           validators=[DataRequired("Choose the category the skill belongs "
                                                    "to.")])
    synonyms = TextAreaField("Other words for it", validators=[Optional()],
                             description="Separated by commas, like \"plumbing, boiler, "
                                         "radiators\". The matchmaker treats them as this "
                                         "skill.")
    submit = SubmitField("Save skill")


class CohortForm(FlaskForm):
    name = StringField("Programme name", validators=[DataRequired("Name the programme.")],
                       description="For example \"Spring mentoring 2027\".")


class MemberForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired("Enter the person's "
                                                               "username.")])
    role = SelectField("Taking part as", choices=ROLE_CHOICES, validate_choice=False)
    capacity = IntegerField("Places (mentors only)", default=1, validators=[Optional()],
                            description=f"How many of this cohort's young people the mentor "
                                        f"takes, from 1 to {MAX_CAPACITY}.")


class PlacementForm(FlaskForm):
    """One row of the proposal; the view gives each row a prefix so its ids are unique."""

    mentor = SelectField("Mentor", validate_choice=False, validators=[Optional()])


class CloseConcernForm(FlaskForm):
    outcome = TextAreaField("What was done", validators=[DataRequired("Record what was done.")],
                            description="Kept on the record and in the audit log. The person "
                                        "who raised the concern is told it was looked into, "
                                        "not what you write here.")
