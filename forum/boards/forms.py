"""Forms for topics and posts. Field names `title` and `body` are a public contract."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.boards.services import TITLE_MAX, TITLE_MIN

BODY_HINT = ("Markdown works: **bold**, *italic*, > quote, - lists, [links](https://…). "
             "Mention someone with @username.")


class TopicForm(FlaskForm):
    # Set when the author has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    title = StringField("Title", validators=[
        DataRequired("Give your topic a title."),
        Length(TITLE_MIN, TITLE_MAX, f"Use {TITLE_MIN} to {TITLE_MAX} characters for the title."),
    ],
                        description="A short summary, like \"Broken streetlight on Mill Lane\".")
    body = TextAreaField("Your message", validators=[DataRequired("Write something before "
                                                                  "you post.")],
                         description=BODY_HINT)


class ReplyForm(FlaskForm):
    # Set when the author has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    body = TextAreaField("Your reply", validators=[DataRequired("Write something before you "
                                                               "post.")],
                         description=BODY_HINT)


class EditPostForm(FlaskForm):
    # Set when the author has seen a prompt to reconsider and sends the text again.
    nudge_id = HiddenField()

    title = StringField("Title", validators=[Optional()])
    body = TextAreaField("Message", validators=[DataRequired("A post can't be empty. To "
                                                             "remove it, delete it instead.")],
                         description=BODY_HINT)


class LockForm(FlaskForm):
    reason = StringField("Reason (shown on the topic)", validators=[Optional()])


class MoveForm(FlaskForm):
    board = SelectField("Move to board", validators=[DataRequired("Choose a board.")])


class BoardForm(FlaskForm):
    name = StringField("Board name", validators=[DataRequired("Give the board a name.")])
    description = TextAreaField("What it's for", validators=[Optional()])
    official_answers = BooleanField("Staff can mark a reply as the council's official answer "
                                    "(for question boards like \"Ask the council\")")
