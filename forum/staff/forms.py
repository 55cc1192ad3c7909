"""Forms of the staff console."""

from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.accounts.models import ROLES
from forum.core.forms import WholeNumberField

# SelectChoice rather than (value, label) tuples, which WTForms 3.3 deprecates.
ROLE_CHOICES = [SelectChoice(role, role.title()) for role in ROLES]


class WardForm(FlaskForm):
    name = StringField("Ward name", validators=[DataRequired("Give the ward a name."),
                                                Length(max=80)])


class WardCentreForm(FlaskForm):
    latitude = FloatField("Latitude", validators=[Optional()],
                          description="For example 53.4794 (north is positive).")
    longitude = FloatField("Longitude", validators=[Optional()],
                           description="For example -2.2453 (west of Greenwich is negative).")


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Name, username or e-mail", validators=[Optional(), Length(max=100)])
    role = SelectField("Role", choices=[SelectChoice("", "Any role")] + ROLE_CHOICES,
                       validators=[Optional()])
    state = SelectField("Account", choices=[SelectChoice("", "Any"),
                                            SelectChoice("active", "Active"),
                                            SelectChoice("suspended", "Suspended"),
                                            SelectChoice("banned", "Banned")],
                        validators=[Optional()])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class MentorCheckForm(FlaskForm):
    reference = StringField("DBS certificate reference",
                            validators=[DataRequired("Enter the certificate reference.")],
                            description="As printed on the enhanced DBS certificate.")
    checked_on = DateField("Issued on", validators=[DataRequired("Enter the date of issue.")],
                           description="For example 2026-03-27.")
    expires_on = DateField("Recheck due", validators=[DataRequired("Enter when the check must "
                                                                   "be renewed.")],
                           description="Council policy is usually three years after issue.")


class RevokeCheckForm(FlaskForm):
    reason = TextAreaField("Why is this check being withdrawn?",
                           validators=[DataRequired("Say why the check is being withdrawn.")])


class SuspendForm(FlaskForm):
    reason = TextAreaField("Why are they being suspended?",
                           validators=[DataRequired("Say why. They will read this when they try "
                                                    "to sign in.")],
                           description="They see this when they try to sign in, so write it "
                                       "for them.")
    days = WholeNumberField("For how many days?", validators=[Optional()],
                            description="Leave empty to suspend them until someone reinstates "
                                        "them.")


class ReinstateForm(FlaskForm):
    reason = TextAreaField("Why is the suspension being lifted?",
                           validators=[DataRequired("Say why the suspension is being lifted.")])


class MergeWardForm(FlaskForm):
    into = SelectField("Merge into", validate_choice=False,
                       validators=[DataRequired("Choose the ward to merge into.")])
