"""Forms residents use on the news pages: the list's filters and a comment (field `body`)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional

from forum.core.forms import choices
from forum.news.models import CATEGORIES

COMMENT_HINT = ("Markdown works: **bold**, *italic*, > quote, - lists, [links](https://…). "
                "Be kind: comments are moderated like posts.")


class FilterForm(FlaskForm):
    """The news list's filters: a GET form, so a filtered list has an address to share."""

    class Meta:
        csrf = False

    # The services check both values, so a bad one is refused beside its field.
    category = SelectField("Category", choices=choices(CATEGORIES.items(), blank="All categories"),
                           validators=[Optional()], validate_choice=False)
    ward = SelectField("Ward", validators=[Optional()], validate_choice=False)

    def active(self):
        return bool(self.category.data or self.ward.data)


class CommentForm(FlaskForm):
    # Set when the author has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    body = TextAreaField("Your comment", validators=[DataRequired("Write your comment first.")],
                         description=COMMENT_HINT)
