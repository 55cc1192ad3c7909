"""Reporting, the moderators' queue, decisions, appeals, watched words and transparency."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from forum.core.forms import ActionForm, show_error
from forum.core.paging import page_number
from forum.core.policy import can
from forum.core.security import safe_next_url
from forum.errors import DomainError, NotAllowed
from forum.extensions import db, limiter
from forum.moderation import community_rules, figures, forms, services
from forum.moderation.models import Appeal

bp = Blueprint("moderation", __name__)


def _viewer():
    return current_user if current_user.is_authenticated else None


@bp.app_context_processor
def moderation_queue_count():
    """The queue count in moderators' headers."""
    def count():
        if not can(current_user, "moderation.queue"):
            return None
        return services.queue_count(current_user)

    return {"moderation_queue_count": count}


def moderators_only():
    if not can(current_user, "moderation.queue"):
        abort(403)


@bp.route("/report/<kind>/<int:content_id>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def report(kind, content_id):
    """Report content or a profile to the moderators."""
    subject = services.get_reportable(kind, content_id, _viewer())
    if not can(current_user, "content.report", subject):
        abort(403, "You can't report your own posts. Edit or delete it instead.")
    form = forms.FlagForm()
    if not current_user.is_authenticated:
        form.reason.choices = [SelectChoice("illegal", "Illegal content")]
    if form.validate_on_submit():
        try:
            services.flag_content(_viewer(), kind, content_id, form.reason.data,
                                  form.note.data, form.email.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Thank you for reporting this. Moderators will look at it, and we'll tell "
                  "you what they decide.", "success")
            back = services.describe(kind, subject)["url"]
            return redirect(back or url_for("core.home"))
    return render_template("moderation/report.html", form=form, kind=kind,
                           subject=services.describe(kind, subject)), \
        400 if form.errors or form.form_errors else 200


@bp.route("/moderation/")
@login_required
def queue():
    """Show open cases, most severe first."""
    moderators_only()
    only = request.args.get("only") if request.args.get("only") in ("mine", "staff") else None
    cases = services.list_queue(current_user, only, page_number())
    return render_template("moderation/queue.html", cases=cases, only=only,
                           subjects=services.subjects_of(cases.items),
                           describe=services.describe, bulk_form=forms.BulkForm())


@bp.route("/moderation/cases/<int:case_id>")
@login_required
def case(case_id):
    """Show one case with its content in context, the reasons, flags and author history."""
    moderators_only()
    return _case_page(services.get_case(current_user, case_id), forms.DecisionForm())


def _case_page(case, form, status=200):
    subject = services.subjects_of([case]).get((case.content_kind, case.content_id))
    decisions, sanctions = services.author_history(case.author_id, exclude_case=case)
    if subject is not None and case.content_kind != "user" and not form.redacted_text.data:
        form.redacted_text.data = getattr(subject, "body_source", "")
    return render_template(
        "moderation/case.html", case=case, subject=subject,
        described=services.describe(case.content_kind, subject),
        context_posts=services.thread_context(subject) if case.content_kind == "post" else [],
        decisions=decisions, sanctions=sanctions, form=form, claim_form=ActionForm(),
        can_decide=not case.needs_staff or can(current_user, "moderation.decide_escalated",
                                               case),
        rules=community_rules.RULES,
    ), status


@bp.route("/moderation/cases/<int:case_id>/claim", methods=["POST"])
@login_required
def claim(case_id):
    """Claim a case so that no one else works on it at the same time."""
    moderators_only()
    case = services.get_case(current_user, case_id)
    if ActionForm().validate_on_submit():
        try:
            services.claim_case(current_user, case)
            flash("The case is yours for the next 30 minutes.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("moderation.case", case_id=case.id))


@bp.route("/moderation/cases/<int:case_id>/decide", methods=["POST"])
@login_required
def decide(case_id):
    """Decide a case."""
    moderators_only()
    case = services.get_case(current_user, case_id)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(current_user, case, form.action.data, form.rule.data,
                            form.reason.data, form.days.data, form.redacted_text.data)
        except NotAllowed as error:
            form.form_errors.append(error.message)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Case escalated to council staff." if form.action.data == "escalate"
                  else "Decision recorded. The author and any reporters have been told.",
                  "success")
            return redirect(url_for("moderation.queue"))
    return _case_page(case, form, status=400)


@bp.route("/moderation/bulk", methods=["POST"])
@login_required
def bulk():
    """Keep or remove several cases at once (spam waves, duplicate reports)."""
    moderators_only()
    form = forms.BulkForm()
    done, problems = 0, []
    if form.validate_on_submit():
        for case_id in request.form.getlist("case", type=int):
            try:
                services.decide(current_user, services.get_case(current_user, case_id),
                                form.action.data, form.rule.data, form.reason.data)
                done += 1
            except DomainError as error:
                db.session.rollback()
                problems.append(f"Case {case_id}: {error.message}")
    if done:
        flash(f"{done} case{'s' if done != 1 else ''} decided.", "success")
    for problem in problems:
        flash(problem, "error")
    if not done and not problems:
        flash("Choose at least one case.", "error")
    return redirect(url_for("moderation.queue"))


@bp.route("/moderation/decisions/<int:decision_id>", methods=["GET", "POST"])
@login_required
def decision(decision_id):
    """The statement of reasons for a decision, and the appeal form."""
    return _statement_page(services.get_decision(current_user, decision_id), current_user)


@bp.route("/moderation/decisions/<int:decision_id>/appeal/<token>", methods=["GET", "POST"])
def appeal_by_link(decision_id, token):
    """The same, for someone who cannot sign in (suspended or banned), reached through the
    signed link in their statement-of-reasons e-mail."""
    return _statement_page(*services.decision_for_appeal_link(decision_id, token))


def _statement_page(decision, appellant):
    form = forms.AppealForm()
    can_appeal = can(appellant, "moderation.appeal", decision) and decision.appeal is None
    if request.method == "POST" and can_appeal and form.validate_on_submit():
        try:
            services.make_appeal(appellant, decision, form.statement.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Your appeal is in. A different moderator will decide it, and we'll tell "
                  "you the outcome.", "success")
            return redirect(request.path)
    case = decision.case
    target = services.subjects_of([case]).get((case.content_kind, case.content_id)) \
        if case else None
    return render_template(
        "moderation/decision.html", decision=decision, form=form, can_appeal=can_appeal,
        rule=community_rules.RULES.get(decision.rule),
        described=services.describe(case.content_kind, target) if case else None,
    ), 400 if form.errors or form.form_errors else 200


@bp.route("/moderation/appeals")
@login_required
def appeals():
    """Appeals waiting for a moderator other than the one who decided."""
    moderators_only()
    return render_template("moderation/appeals.html",
                           appeals=services.list_open_appeals(current_user))


@bp.route("/moderation/appeals/<int:appeal_id>", methods=["GET", "POST"])
@login_required
def appeal(appeal_id):
    """Hear one appeal."""
    moderators_only()
    appeal = db.get_or_404(Appeal, appeal_id)
    if not can(current_user, "moderation.decide_appeal", appeal):
        abort(403, "A different moderator from the one who decided must hear the appeal.")
    form = forms.AppealDecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_appeal(current_user, appeal, form.outcome.data, form.reason.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Appeal decided; the appellant has been told.", "success")
            return redirect(url_for("moderation.appeals"))
    case = appeal.decision.case
    subject = services.subjects_of([case]).get((case.content_kind, case.content_id)) \
        if case else None
    return render_template("moderation/appeal.html", appeal=appeal, form=form,
                           described=services.describe(case.content_kind, subject)
                           if case else None,
                           rule=community_rules.RULES.get(appeal.decision.rule)), \
        400 if form.errors or form.form_errors else 200


@bp.route("/moderation/words", methods=["GET", "POST"])
@login_required
def watched_words():
    """List, add and remove watched words."""
    moderators_only()
    form = forms.WatchedWordForm()
    if form.validate_on_submit():
        try:
            services.add_watched_word(current_user, form.pattern.data, form.action.data,
                                      form.replacement.data, form.note.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Watched word added. It applies to new posts and edits from now on.",
                  "success")
            return redirect(url_for("moderation.watched_words"))
    return render_template("moderation/words.html", form=form, delete_form=ActionForm(),
                           words=services.list_watched_words(current_user))


@bp.route("/moderation/words/<int:word_id>/delete", methods=["POST"])
@login_required
def delete_watched_word(word_id):
    """Stop watching a word."""
    moderators_only()
    if ActionForm().validate_on_submit():
        services.remove_watched_word(current_user, word_id)
        flash("Watched word removed.", "success")
    return redirect(url_for("moderation.watched_words"))


@bp.route("/moderation/reports")
@login_required
def my_reports():
    """What I have reported and what happened."""
    return render_template("moderation/my_reports.html",
                           flags=services.list_my_reports(current_user))


@bp.route("/moderation/nudges/<int:nudge_id>/withdraw", methods=["POST"])
@login_required
def withdraw(nudge_id):
    """The author decided not to post after the prompt."""
    if ActionForm().validate_on_submit():
        services.withdraw_after_nudge(current_user, nudge_id)
        flash("Your post was not published. Thank you for thinking again.", "success")
    return redirect(safe_next_url(request.form.get("back"), "boards.index"))


@bp.route("/transparency")
def transparency():
    """Public monthly moderation figures."""
    return render_template("moderation/transparency.html", months=figures.transparency(),
                           rules=community_rules.RULES)


@bp.route("/moderation/tension")
@login_required
def tension():
    """Hate reports and holds per ward per week, for council staff."""
    if not can(current_user, "moderation.tension"):
        abort(403)
    return render_template("moderation/tension.html", watch=figures.tension_watch())
