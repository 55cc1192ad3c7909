"""Account forms. Field names are a public contract (DESIGN §8); checks that need the database
live in services.py, which reports them back per field."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class SignUpForm(FlaskForm):
    username = StringField(
        "Username", validators=[DataRequired("Choose a username."), Length(max=30)],
        description="3 to 30 letters, numbers, dots, dashes or underscores. Others see this.",
    )
    email = EmailField(
        "E-mail address", validators=[DataRequired("Enter your e-mail address.")],
        description="We'll send a link to confirm it. Never shown to other residents.",
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Choose a password.")],
        description="At least 10 characters. Three random words work well.",
    )
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired("Type your password again."),
                    EqualTo("password", "The two passwords don't match.")],
    )
    date_of_birth = DateField(
        "Date of birth", validators=[DataRequired("Enter your date of birth, for example "
                                                  "2004-03-27.")],
        description="For example 2004-03-27. Used to keep young members safe; never shown.",
    )
    ward = SelectField("Your ward", validators=[DataRequired("Choose your ward.")],
                       description="The part of the borough you live in.")


class SignInForm(FlaskForm):
    login = StringField("Username or e-mail address",
                        validators=[DataRequired("Enter your username or e-mail address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail address", validators=[DataRequired("Enter your e-mail "
                                                                  "address.")])


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Choose a password.")],
                             description="At least 10 characters. Three random words work well.")
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired("Type your password again."),
                    EqualTo("password", "The two passwords don't match.")],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password.")])
    new_password = PasswordField("New password", validators=[DataRequired("Choose a password.")],
                                 description="At least 10 characters. Signing in elsewhere "
                                             "will end: you stay signed in here.")
    confirm = PasswordField(
        "Confirm new password",
        validators=[DataRequired("Type your new password again."),
                    EqualTo("new_password", "The two passwords don't match.")],
    )


class ChangeEmailForm(FlaskForm):
    email = EmailField("New e-mail address",
                       validators=[DataRequired("Enter the new address.")],
                       description="We'll send a link there; the change happens when you "
                                   "follow it.")
    current_password = PasswordField("Current password",
                                     validators=[DataRequired("Enter your current password.")])


class ProfileForm(FlaskForm):
    display_name = StringField("Display name", validators=[Optional(), Length(max=60)],
                               description="How your name appears, e.g. 'Sam Patel'. Leave "
                                           "blank to use your username.")
    bio = TextAreaField("About you", validators=[Optional(), Length(max=2000)],
                        description="A few lines about you and what you enjoy. Markdown "
                                    "works, e.g. **bold** and [links](https://…).")
    ward = SelectField("Your ward", validators=[DataRequired("Choose your ward.")])
    languages = StringField("Languages you speak", validators=[Optional(), Length(max=400)],
                            description="Separate them with commas, e.g. English, Polish, "
                                        "Urdu.")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password",
                             validators=[DataRequired("Enter your password to confirm.")])
