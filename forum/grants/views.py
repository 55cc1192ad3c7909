"""Funds, applications and participatory votes: residents' pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.accounts.models import utcnow
from forum.core.forms import ActionForm, form_status, show_error
from forum.core.policy import ballot_refusal, can
from forum.core.timezones import local_today
from forum.errors import DomainError, Invalid, NotFound
from forum.grants import forms, services
from forum.grants.models import DECIDED_BY
from forum.projects import services as projects
from forum.projects.services import format_money

bp = Blueprint("grants", __name__, url_prefix="/funds")

# Where each phase of a fund is listed on the funds page, in order.
GROUPS = (("open", "Taking applications"), ("voting", "Voting now"),
          ("upcoming", "Coming up"), ("decided", "Decided and closed"))


@bp.app_context_processor
def _helpers():
    # App-wide: staff pages and the project page show money and phases too.
    return {"money": format_money, "fund_phase": lambda fund: services.phase(fund, local_today(),
                                                                            utcnow())}


@bp.route("/")
def index():
    """List the funds: taking applications, voting, coming up, decided."""
    grouped = {key: [] for key, _ in GROUPS}
    for fund in services.list_funds():
        grouped[services.PHASE_GROUP[services.phase(fund, local_today(), utcnow())]].append(fund)
    return render_template("grants/index.html", groups=GROUPS, grouped=grouped)


@bp.route("/<int:fund_id>")
def fund(fund_id):
    """Show a fund: what it is for, its rules and dates, what was awarded and what is left."""
    fund = services.get_fund(fund_id)
    now = utcnow()
    return render_template(
        "grants/fund.html", fund=fund, summary=services.summary(fund),
        funded=services.applications(fund, states=("funded",)),
        decided_by=DECIDED_BY[fund.decided_by], voting=services.voting_state(fund, now),
        taking=services.phase(fund, local_today(), now) == "open",
        my_projects=_projects_that_may_apply(fund), ballot_count=services.ballot_count(fund))


def _projects_that_may_apply(fund):
    return services.projects_that_may_apply(fund, current_user, local_today())


# --- applying ---------------------------------------------------------------------------------


@bp.route("/<int:fund_id>/apply", methods=["GET", "POST"])
@login_required
def apply(fund_id):
    """Apply for a project the person leads: amount, budget lines, what it will achieve."""
    fund = services.get_fund(fund_id)
    project_id = request.args.get("project", "")
    if not project_id.isdigit():
        return render_template("grants/choose_project.html", fund=fund,
                               candidates=_projects_that_may_apply(fund))
    project = projects.get_project(int(project_id), current_user)
    if not can(current_user, "project.manage", project):
        abort(403, "The group's lead applies for grants.")
    form = forms.ApplicationForm()
    if form.validate_on_submit():
        parsed = form.parsed()
        if parsed is not None:
            try:
                application = services.apply(current_user, project, fund, *parsed,
                                             form.achieves.data, today=local_today())
            except DomainError as error:
                show_error(form, error)
            else:
                flash(f"Sent: {fund.name} has your application for "
                      f"{format_money(application.amount_pence)}. You'll be told when it is "
                      "decided.", "success")
                return redirect(url_for(".application", application_id=application.id))
    return render_template("grants/apply.html", fund=fund, project=project, form=form,
                           application=None), form_status(form)


def _application(application_id):
    application = services.get_application(application_id)
    if not services.may_see_application(current_user, application):
        raise NotFound("There's no application here.")
    return application


@bp.route("/applications/<int:application_id>")
def application(application_id):
    """Show an application: its state, amounts, budget lines and the decision."""
    application = _application(application_id)
    manage = can(current_user, "project.manage", application.project)
    return render_template("grants/application.html", application=application,
                           manage=manage, staff=can(current_user, "grants.manage"),
                           average=services.average_score(application))


@bp.route("/applications/<int:application_id>/resubmit", methods=["GET", "POST"])
@login_required
def resubmit(application_id):
    """Send an application again after staff asked for changes."""
    application = _application(application_id)
    if not can(current_user, "project.manage", application.project):
        abort(403, "The group's lead changes the application.")
    if request.method == "GET":
        form = forms.ApplicationForm(formdata=None, data=forms.application_data(application))
    else:
        form = forms.ApplicationForm()
        parsed = form.parsed() if form.validate_on_submit() else None
        if parsed is not None:
            try:
                services.resubmit(current_user, application, *parsed, form.achieves.data,
                                  today=local_today())
            except DomainError as error:
                show_error(form, error)
            else:
                flash("Sent again: staff will look at your changes.", "success")
                return redirect(url_for(".application", application_id=application.id))
    return render_template("grants/apply.html", fund=application.fund,
                           project=application.project, form=form,
                           application=application), form_status(form)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
@login_required
def withdraw(application_id):
    """Withdraw an application that is still waiting."""
    application = _application(application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(current_user, application)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("Withdrawn: the fund won't consider this application.", "success")
    return redirect(url_for(".application", application_id=application.id))


# --- voting -----------------------------------------------------------------------------------


@bp.route("/<int:fund_id>/vote", methods=["GET", "POST"])
def vote(fund_id):
    """Show the ballot; eligible residents choose projects within the budget, and may change
    their choices until voting closes."""
    fund = services.get_fund(fund_id)
    if not fund.is_vote:
        abort(404)
    now = utcnow()
    on_ballot = [] if fund.results_published_at else services.ballot_applications(fund)
    form = forms.BallotForm()
    form.choices.choices = [(str(item.id), item.project.title) for item in on_ballot]
    ballot = services.my_ballot(fund, current_user)
    if request.method == "GET" and ballot is not None:
        form.choices.data = [str(choice.application_id) for choice in ballot.choices]
    checked = request.method == "POST" and request.form.get("action") == "check"
    if request.method == "POST" and not checked and form.validate_on_submit():
        try:
            services.cast_ballot(current_user, fund, _digits(form.choices.data), now=now)
        except Invalid as error:
            show_error(form, error)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash("Your vote is saved. You can change it until voting closes.", "success")
            return redirect(url_for(".vote", fund_id=fund.id))
    chosen = set(_digits(form.choices.data))
    return render_template(
        "grants/vote.html", fund=fund, form=form, on_ballot=on_ballot, ballot=ballot,
        refusal=ballot_refusal(current_user, fund, now),
        state=services.voting_state(fund, now), checked=checked,
        chosen_total=sum(item.amount_pence for item in on_ballot if item.id in chosen),
    ), form_status(form)


def _digits(values):
    return [int(value) for value in values or () if str(value).isdigit()]


@bp.route("/<int:fund_id>/results")
def results(fund_id):
    """Show a vote's published results: votes, amounts, what was funded and why not."""
    fund = services.get_fund(fund_id)
    if not fund.is_vote:
        abort(404)
    return render_template("grants/results.html", fund=fund, results=services.results(fund),
                           summary=services.summary(fund),
                           ballots=services.ballot_count(fund)
                           if fund.results_published_at else None)
