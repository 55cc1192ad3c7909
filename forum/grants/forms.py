"""Forms for funds, applications, assessments and ballots. The services hold the rules and
report per field (`Invalid("lines", ...)` lands beside the budget lines); these forms read
what was typed, turn pounds into pence with `services.parse_money`, and turn a London day
and time into the naive UTC the services take."""

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from forum.core.forms import ClockField, DayField, WholeNumberField, at_most, choices
from forum.core.timezones import local_to_utc, to_local
from forum.errors import Invalid
from forum.grants.models import DECIDED_BY
from forum.grants.services import MAX_LINES, parse_money
from forum.skills.forms import CheckboxesField

# Rows the application form offers; blank ones are ignored, so no script is needed.
LINE_ROWS = 8
MONEY_HINT = "In pounds, like 250 or 1,250.50."


def pounds(pence):
    """What a money field shows for a saved amount: 1250 or 1250.50 (no £, no commas)."""
    whole, rest = divmod(int(pence), 100)
    return f"{whole}.{rest:02d}" if rest else str(whole)


def read_money(field):
    """The field's amount in pence, or None with the reason beside the field."""
    try:
        return parse_money(field.data, field.name)
    except Invalid as error:
        field.errors = [*(field.errors or []), error.message]
        return None


# --- applying ---------------------------------------------------------------------------------


class LineForm(Form):
    description = StringField("What it is for", validators=[Optional()])
    amount = StringField("Amount (£)", validators=[Optional()])


class ApplicationForm(FlaskForm):
    amount = StringField("How much are you asking for? (£)", validators=[Optional()],
                         description=MONEY_HINT)
    lines = FieldList(FormField(LineForm), label="Budget", min_entries=LINE_ROWS,
                      max_entries=MAX_LINES)
    achieves = TextAreaField("What will it achieve?", validators=at_most(4000),
                             description="Who it helps and what will be different, in a few "
                                         "sentences.")

    def parsed(self):
        """(amount in pence, [(description, pence)]) or None when some money can't be read
        (the reasons are beside the fields). Rows left blank are skipped; a line with only a
        description comes through with 0, so the service can say what is missing."""
        amount = read_money(self.amount)
        lines, readable, bad_line = [], amount is not None, False
        for entry in self.lines:
            description = (entry.form.description.data or "").strip()
            amount_text = (entry.form.amount.data or "").strip()
            if not description and not amount_text:
                continue
            pence = read_money(entry.form.amount) if amount_text else 0
            bad_line = bad_line or pence is None
            lines.append((description, pence or 0))
        if bad_line:
            self.lines.errors = [*(self.lines.errors or []), "Check the amounts marked below."]
        return (amount, lines) if readable and not bad_line else None


def application_data(application):
    rows = [{"description": line.description, "amount": pounds(line.amount_pence)}
            for line in application.lines]
    rows += [{}] * max(0, LINE_ROWS - len(rows))
    return {"amount": pounds(application.amount_pence), "achieves": application.achieves,
            "lines": rows}


# --- voting -----------------------------------------------------------------------------------


class BallotForm(FlaskForm):
    choices = CheckboxesField("Choose the projects you want funded")


# --- staff ------------------------------------------------------------------------------------

DAY_HINT = "Like 2026-12-08."
TIME_HINT = "24-hour clock, UK time, like 09:00."


class FundForm(FlaskForm):
    name = StringField("Name", validators=at_most(120),
                       description="Like \"Neighbourhood small grants 2026\".")
    description = TextAreaField("What the fund is for", validators=at_most(4000))
    rules = TextAreaField("Rules", validators=at_most(4000),
                          description="Who can apply, what it pays for and what it doesn't.")
    total = StringField("Total to give (£)", validators=[Optional()], description=MONEY_HINT)
    max_award = StringField("Most one project can get (£)", validators=[Optional()],
                            description=MONEY_HINT)
    ward_ids = CheckboxesField("Wards")
    opens_on = DayField("Applications open", validators=[Optional()], description=DAY_HINT)
    closes_on = DayField("Applications close", validators=[Optional()],
                         description="The last day applications are taken. " + DAY_HINT)
    decided_by = RadioField("Who decides", choices=choices(DECIDED_BY.items()), default="staff",
                            invalid_choice_message="Choose how the fund decides.")
    vote_open_day = DayField("Voting opens: day", validators=[Optional()],
                             description=DAY_HINT)
    vote_open_time = ClockField("Voting opens: time", validators=[Optional()],
                                description=TIME_HINT)
    vote_close_day = DayField("Voting closes: day", validators=[Optional()],
                              description=DAY_HINT)
    vote_close_time = ClockField("Voting closes: time", validators=[Optional()],
                                 description=TIME_HINT)
    min_voter_age = WholeNumberField("Youngest age that may vote", validators=[Optional()],
                                     default=16)

    def values(self, zone):
        """The service's keyword arguments, or None when something can't be read (the reasons
        are beside the fields)."""
        total, max_award = read_money(self.total), read_money(self.max_award)
        ok = total is not None and max_award is not None
        for day in (self.opens_on, self.closes_on):
            if day.data is None and not day.errors:
                day.errors = [*(day.errors or []), "Enter a date like 2026-03-27."]
                ok = False
        vote_opens_at = vote_closes_at = None
        if self.decided_by.data == "vote":
            vote_opens_at = self._moment(self.vote_open_day, self.vote_open_time, zone)
            vote_closes_at = self._moment(self.vote_close_day, self.vote_close_time, zone)
            ok = ok and vote_opens_at is not None and vote_closes_at is not None
        if not ok:
            return None
        return {"name": self.name.data, "description": self.description.data,
                "rules": self.rules.data, "total_pence": total, "max_award_pence": max_award,
                "ward_ids": [int(value) for value in self.ward_ids.data or ()
                             if str(value).isdigit()],
                "opens_on": self.opens_on.data, "closes_on": self.closes_on.data,
                "decided_by": self.decided_by.data, "vote_opens_at": vote_opens_at,
                "vote_closes_at": vote_closes_at,
                "min_voter_age": self.min_voter_age.data if self.min_voter_age.data is not None
                else 16}

    @staticmethod
    def _moment(day, clock, zone):
        if day.data is None or clock.data is None:
            for part in (day, clock):
                if part.data is None and not part.errors:
                    part.errors = [*(part.errors or []), "A vote needs the day and time "
                                                         "voting opens and closes."]
            return None
        return local_to_utc(day.data, clock.data, zone)


def fund_data(fund, zone):
    data = {"name": fund.name, "description": fund.description, "rules": fund.rules,
            "total": pounds(fund.total_pence), "max_award": pounds(fund.max_award_pence),
            "ward_ids": [str(ward.id) for ward in fund.wards], "opens_on": fund.opens_on,
            "closes_on": fund.closes_on, "decided_by": fund.decided_by,
            "min_voter_age": fund.min_voter_age}
    if fund.vote_opens_at and fund.vote_closes_at:
        opens, closes = to_local(fund.vote_opens_at, zone), to_local(fund.vote_closes_at, zone)
        data.update(vote_open_day=opens.date(), vote_open_time=opens.time(),
                    vote_close_day=closes.date(), vote_close_time=closes.time())
    return data


SCORES = {"1": "1 – does not meet the rules", "2": "2 – weak", "3": "3 – adequate",
          "4": "4 – good", "5": "5 – excellent"}
DECISIONS = {"fund": "Fund it", "decline": "Decline it",
             "changes": "Ask the group for changes"}


class AssessmentForm(FlaskForm):
    score = RadioField("Score", choices=choices(SCORES.items()),
                       invalid_choice_message="Give a score from 1 to 5.")
    notes = TextAreaField("Notes", validators=at_most(4000),
                          description="How it meets the fund's rules; only staff see this.")


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", choices=choices(DECISIONS.items()),
                          invalid_choice_message="Choose a decision.")
    award = StringField("Award a smaller amount (£, optional)", validators=[Optional()],
                        description="Leave empty to award what the group asked for.")
    reason = TextAreaField("Reason, or what to change", validators=at_most(4000),
                           description="Needed to decline or ask for changes; the group "
                                       "sees it.")

    def award_pence(self):
        """The smaller award in pence, None for the full amount, or False when unreadable."""
        if not (self.award.data or "").strip() or self.decision.data != "fund":
            return None
        pence = read_money(self.award)
        return False if pence is None else pence
