"""The search form: a GET form, so results have addresses people can share and bookmark."""


from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from forum.core.forms import DayField
from forum.search.services import QUERY_MAX


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField("Search for", validators=[Length(
        max=QUERY_MAX, message=f"Keep your search to {QUERY_MAX} characters or fewer.")],
        description='Put "words in quotes" to find them together.')
    kind = SelectField("Show", validators=[Optional()], validate_choice=False)
    board = SelectField("Board", validators=[Optional()], validate_choice=False)
    ward = SelectField("Ward", validators=[Optional()], validate_choice=False)
    since = DayField("From", name="from", validators=[Optional()],
                     description="For example 2026-03-27.", render_kw={"type": "date"})
    until = DayField("To", name="to", validators=[Optional()], render_kw={"type": "date"})

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # The lists are filled by the view; a value not on them came from an edited address.
        for field in (self.kind, self.board, self.ward):
            if field.data and field.data not in {value for value, _label in field.choices}:
                field.errors = [*field.errors, "Choose one of the options in the list."]
                valid = False
        return valid
