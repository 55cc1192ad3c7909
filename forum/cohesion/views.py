"""The pulse survey (residents) and the cohesion dashboard (staff)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.accounts import services as accounts
from forum.cohesion import dashboard, forms, services
from forum.core.access import allowed_only
from forum.core.forms import choices, form_status, show_error
from forum.core.policy import require
from forum.errors import DomainError

bp = Blueprint("cohesion", __name__)

staff_only = allowed_only("cohesion.view")


@bp.context_processor
def _helpers():
    return {"pct": dashboard.pct}


@bp.route("/survey", methods=["GET", "POST"])
@login_required
def survey():
    """Ask the four questions, at most once a quarter."""
    require(current_user, "survey.answer")
    status = services.survey_status(current_user)
    form = forms.SurveyForm()
    if not status["answered"] and form.validate_on_submit():
        try:
            services.answer_survey(current_user, form.answers())
        except services.AlreadyAnswered as error:
            flash(error.message, "info")
            return redirect(url_for(".survey"))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Thank you: your answers are saved.", "success")
            return redirect(url_for(".survey"))
    elif status["answered"] and request.method == "POST":
        flash(services.ALREADY_ANSWERED, "info")
        return redirect(url_for(".survey"))
    return render_template("cohesion/survey.html", form=form, status=status), form_status(form)


def _filters():
    """The filters, read from the address: (form, quarter, ward or None, every ward)."""
    wards = accounts.list_wards()
    form = forms.DashboardFilterForm(request.args)
    quarters = services.recent_quarters()
    form.quarter.choices = choices((quarter, quarter) for quarter in quarters)
    form.ward.choices = choices(((ward.slug, ward.name) for ward in wards),
                                blank="All wards")
    valid = form.validate()
    quarter = form.quarter.data if valid and form.quarter.data else None
    by_slug = {ward.slug: ward for ward in wards}
    ward = by_slug.get(form.ward.data) if valid else None
    return form, quarter or dashboard.default_quarter(quarters), ward, wards


@bp.route("/staff/cohesion")
@staff_only
def dashboard_page():
    """Show the survey's indicators, activity by ward and the tension watch."""
    form, quarter, ward, wards = _filters()
    figures = dashboard.build(quarter, ward, wards)
    return render_template("cohesion/dashboard.html", form=form, figures=figures,
                           quarter=quarter, ward=ward), form_status(form)


@bp.route("/staff/cohesion/<figure>.csv")
@staff_only
def figure_csv(figure):
    """Download one of the dashboard's figures as CSV."""
    if figure not in dashboard.CSV_FIGURES:
        abort(404)
    form, quarter, ward, wards = _filters()
    if form.errors:
        abort(400, "Choose a quarter and ward from the dashboard's lists.")
    text = dashboard.csv_for(figure, quarter, ward, wards)
    name = f"cohesion-{figure}-{quarter}" + (f"-{ward.slug}" if ward else "") + ".csv"
    return Response(text, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
