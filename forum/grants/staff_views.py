"""The staff side of small grants: open funds, assess and decide, publish vote results."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.accounts import services as accounts
from forum.accounts.models import utcnow
from forum.core.access import allowed_only
from forum.core.forms import ActionForm, form_status, show_error
from forum.core.timezones import local_today
from forum.errors import DomainError, Invalid
from forum.grants import forms, services
from forum.grants.models import DECIDED_BY
from forum.projects.services import format_money

bp = Blueprint("grants_staff", __name__, url_prefix="/staff/funds")

manage_grants = allowed_only("grants.manage")
# Services name the moment they check; the form asks for it as a day and a time.
FIELD_FOR = {"vote_opens_at": "vote_open_day", "vote_closes_at": "vote_close_day"}


def _zone():
    return current_app.config["TIMEZONE"]


@bp.route("/")
@manage_grants
def index():
    """List every fund with what it has awarded and how many applications wait."""
    funds = services.list_funds()
    return render_template("grants/staff/index.html", funds=funds,
                           summaries={fund.id: services.summary(fund) for fund in funds})


# --- opening and changing a fund -------------------------------------------------------------


def _fund_form(fund, submitted):
    form = forms.FundForm() if submitted else forms.FundForm(
        formdata=None, data=forms.fund_data(fund, _zone()) if fund else None)
    form.ward_ids.choices = forms.choices((str(ward.id), ward.name)
                                          for ward in accounts.list_wards())
    return form


def _save(fund):
    form = _fund_form(fund, submitted=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        values = form.values(_zone())
        if values is not None:
            try:
                fund = services.save_fund(current_user, fund, **values)
            except DomainError as error:
                if isinstance(error, Invalid) and error.field in FIELD_FOR:
                    error = Invalid(FIELD_FOR[error.field], error.message)
                show_error(form, error)
            else:
                flash(f"Saved: “{fund.name}” is listed for residents on the funds page.",
                      "success")
                return redirect(url_for(".fund", fund_id=fund.id))
    return render_template("grants/staff/edit.html", fund=fund, form=form), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@manage_grants
def new():
    """Open a fund: money, wards, dates, and whether staff or residents decide."""
    return _save(None)


@bp.route("/<int:fund_id>/edit", methods=["GET", "POST"])
@manage_grants
def edit(fund_id):
    """Change a fund whose results are not yet published."""
    return _save(services.get_fund(fund_id))


# --- a fund's applications, its ballot and results -------------------------------------------


@bp.route("/<int:fund_id>")
@manage_grants
def fund(fund_id):
    """Show a fund's applications with their average scores; for a vote, the ballot count and
    (once voting has closed) publishing the results."""
    fund = services.get_fund(fund_id)
    applications = services.applications(fund)
    return render_template(
        "grants/staff/fund.html", fund=fund, applications=applications,
        averages={item.id: services.average_score(item) for item in applications},
        summary=services.summary(fund), decided_by=DECIDED_BY[fund.decided_by],
        voting=services.voting_state(fund, utcnow()), ballots=services.ballot_count(fund),
        results=services.results(fund), phase=services.phase(fund, local_today(), utcnow()))


@bp.route("/<int:fund_id>/publish", methods=["POST"])
@manage_grants
def publish(fund_id):
    """Count the ballots, fund the winners and publish the results (once, after voting)."""
    fund = services.get_fund(fund_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        results = services.publish_results(current_user, fund)
    except DomainError as error:
        flash(error.message, "error")
    else:
        funded = [result for result in results if result.funded]
        flash(f"Results published: {len(funded)} "
              f"{'project' if len(funded) == 1 else 'projects'} funded, "
              f"{format_money(sum(result.amount for result in funded))} in all. Residents "
              "can see the results now.", "success")
    return redirect(url_for(".fund", fund_id=fund.id))


# --- assessing and deciding one application --------------------------------------------------


def _render_application(application, assess_form=None, decide_form=None):
    assess_form = assess_form or forms.AssessmentForm(formdata=None)
    decide_form = decide_form or forms.DecisionForm(formdata=None)
    page = render_template(
        "grants/staff/application.html", application=application,
        fund=application.fund, assess_form=assess_form, decide_form=decide_form,
        average=services.average_score(application),
        left=services.summary(application.fund).remaining,
        open_to_decide=application.state in ("submitted", "changes"))
    return page, form_status(assess_form, decide_form)


@bp.route("/applications/<int:application_id>")
@manage_grants
def application(application_id):
    """Show an application with earlier assessments, the assessment form and the decision."""
    return _render_application(services.get_application(application_id))


@bp.route("/applications/<int:application_id>/assess", methods=["POST"])
@manage_grants
def assess(application_id):
    """Record a score (1–5) and notes on an application."""
    application = services.get_application(application_id)
    form = forms.AssessmentForm()
    if form.validate_on_submit():
        try:
            services.assess(current_user, application, int(form.score.data), form.notes.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Assessment saved.", "success")
            return redirect(url_for(".application", application_id=application.id))
    return _render_application(application, assess_form=form)


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@manage_grants
def decide(application_id):
    """Fund (maybe with a smaller award), decline with reasons, or ask for changes."""
    application = services.get_application(application_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        award = form.award_pence()
        if award is not False:
            try:
                services.decide(current_user, application, form.decision.data,
                                form.reason.data, award)
            except DomainError as error:
                show_error(form, error)
            else:
                flash(DECIDED[form.decision.data].format(
                    title=application.project.title,
                    amount=format_money(application.awarded_pence)), "success")
                return redirect(url_for(".application", application_id=application.id))
    return _render_application(application, decide_form=form)


DECIDED = {"fund": "Funded: {amount} to “{title}”. The group has been told.",
           "decline": "Declined. The group has been told why.",
           "changes": "Sent back to the group with what to change. They can send it again."}
