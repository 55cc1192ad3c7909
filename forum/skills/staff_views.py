"""Staff pages for the skills swap: the skills list, mentoring cohorts, safeguarding."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from forum.core.access import allowed_only
from forum.core.forms import ActionForm, form_status, show_error
from forum.errors import DomainError, Invalid
from forum.skills import cohorts as cohort_service
from forum.skills import safeguarding
from forum.skills import services as skills
from forum.skills import staff_forms as forms
from forum.skills.models import FORMATS, MATCH_STATES

bp = Blueprint("skills_staff", __name__, url_prefix="/staff/skills")


def _id_or_none(value):
    """A submitted id ("12") as an int; anything else as None, for the service to refuse."""
    return int(value) if value and str(value).isdigit() else None


# --- the skills list ----------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@allowed_only("skills.manage")
def skills_list():
    """List the skills by category; add a category or a skill."""
    category_form = forms.CategoryForm(prefix="category")
    skill_form = _skill_form(prefix="skill")
    if category_form.submit.data and category_form.validate_on_submit():
        category = _saved(category_form, skills.add_category, current_user,
                          category_form.name.data)
        if category is not None:
            flash(f"Category {category.name} added.", "success")
            return redirect(url_for(".skills_list"))
    elif skill_form.submit.data and skill_form.validate_on_submit():
        skill = _saved(skill_form, skills.save_skill, current_user, skill_form.name.data,
                       _id_or_none(skill_form.category.data), skill_form.synonyms.data)
        if skill is not None:
            flash(f"{skill.name} added to the skills list.", "success")
            return redirect(url_for(".skills_list"))
    return render_template("skills/staff/skills.html", skills=skills.list_skills(),
                           categories=skills.list_categories(), category_form=category_form,
                           skill_form=skill_form), form_status(category_form, skill_form)


@bp.route("/<int:skill_id>", methods=["GET", "POST"])
@allowed_only("skills.manage")
def edit_skill(skill_id):
    """Rename a skill, move it to another category or change its other words."""
    skill = skills.get_skill(skill_id)
    form = _skill_form(data={"name": skill.name, "category": str(skill.category_id),
                             "synonyms": ", ".join(skill.synonyms or ())})
    if form.validate_on_submit():
        saved = _saved(form, skills.save_skill, current_user, form.name.data,
                       _id_or_none(form.category.data), form.synonyms.data, skill=skill)
        if saved is not None:
            flash(f"{saved.name} saved.", "success")
            return redirect(url_for(".skills_list"))
    return render_template("skills/staff/skill_edit.html", skill=skill, form=form), \
        form_status(form)


def _skill_form(**options):
    form = forms.SkillForm(**options)
    form.category.choices = [SelectChoice("", "Choose a category")] + [
        SelectChoice(str(category.id), category.name) for category in skills.list_categories()]
    return form


def _saved(form, service, *args, **kwargs):
    """Call a skills-list service; its refusal goes beside the form's field (None returned)."""
    try:
        return service(*args, **kwargs)
    except DomainError as error:
        show_error(form, error)
    return None


# --- safeguarding -------------------------------------------------------------------------------


@bp.route("/safeguarding")
@allowed_only("safeguarding.review")
def concerns():
    """List safeguarding concerns, newest first: open ones, or closed ones."""
    state = "closed" if request.args.get("state") == "closed" else "open"
    return render_template("skills/staff/concerns.html", state=state,
                           concerns=safeguarding.list_concerns(current_user, state))


@bp.route("/safeguarding/<int:concern_id>", methods=["GET", "POST"])
@allowed_only("safeguarding.review")
def concern(concern_id):
    """Show a concern and the people in its match; close it with what was done."""
    concern = safeguarding.get_concern(current_user, concern_id)
    form = forms.CloseConcernForm()
    if form.validate_on_submit():
        try:
            safeguarding.close_concern(current_user, concern, form.outcome.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Concern closed. The person who raised it has been told it was looked "
                  "into.", "success")
            return redirect(url_for(".concern", concern_id=concern.id))
    return render_template("skills/staff/concern.html", concern=concern, form=form,
                           formats=FORMATS, states=MATCH_STATES), form_status(form)


@bp.route("/young-matches")
@allowed_only("safeguarding.review")
def young_matches():
    """List requests and matches with a young person, open ones first."""
    return render_template("skills/staff/young_matches.html",
                           matches=safeguarding.list_young_matches(current_user),
                           formats=FORMATS, states=MATCH_STATES)


# --- mentoring cohorts --------------------------------------------------------------------------


@bp.route("/cohorts", methods=["GET", "POST"])
@allowed_only("cohort.manage")
def cohorts():
    """List the mentoring cohorts, newest first, and start one."""
    form = forms.CohortForm()
    if form.validate_on_submit():
        try:
            cohort = cohort_service.create_cohort(current_user, form.name.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Cohort {cohort.name} started: add its young people and mentors.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    return render_template("skills/staff/cohorts.html", form=form,
                           cohorts=cohort_service.list_cohorts(current_user)), form_status(form)


@bp.route("/cohorts/<int:cohort_id>")
@allowed_only("cohort.manage")
def cohort(cohort_id):
    """Show a cohort's members, its proposed placement, and what confirming will do."""
    return _cohort_page(cohort_service.get_cohort(current_user, cohort_id))


@bp.route("/cohorts/<int:cohort_id>/members", methods=["POST"])
@allowed_only("cohort.manage")
def add_member(cohort_id):
    """Enrol a young person or a verified mentor."""
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    form = forms.MemberForm()
    had_proposal = cohort.state == "proposed"
    if form.validate_on_submit():
        try:
            cohort_service.add_member(current_user, cohort, form.username.data,
                                      form.role.data, form.capacity.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{form.username.data.strip()} added." + _stale(had_proposal), "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="members"))
    return _cohort_page(cohort, failed=form, member_form=form)


@bp.route("/cohorts/<int:cohort_id>/members/<int:member_id>/remove", methods=["POST"])
@allowed_only("cohort.manage")
def remove_member(cohort_id, member_id):
    """Take someone out of the cohort before it is confirmed."""
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    if not any(member.id == member_id for member in cohort.members):
        abort(404)  # remove_member would quietly do nothing
    had_proposal = cohort.state == "proposed"
    return _cohort_action(cohort, cohort_service.remove_member, member_id,
                          done="Removed from the cohort." + _stale(had_proposal))


@bp.route("/cohorts/<int:cohort_id>/propose", methods=["POST"])
@allowed_only("cohort.manage")
def propose(cohort_id):
    """Work out the placement with the best total score, for staff to review."""
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    return _cohort_action(cohort, cohort_service.propose,
                          done="Placement proposed. Nobody has been told yet: review it, "
                               "adjust it, then confirm.", anchor="proposal")


@bp.route("/cohorts/<int:cohort_id>/placements/<int:placement_id>", methods=["POST"])
@allowed_only("cohort.manage")
def adjust_placement(cohort_id, placement_id):
    """Give one young person another mentor, or leave them unplaced."""
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    form = forms.PlacementForm(prefix=f"placement-{placement_id}")
    if form.validate_on_submit():
        try:
            cohort_service.adjust(current_user, cohort, placement_id,
                                  _mentor_choice(form.mentor.data))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Placement changed.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="proposal"))
    return _cohort_page(cohort, failed=form, placement_form=(placement_id, form))


@bp.route("/cohorts/<int:cohort_id>/confirm", methods=["POST"])
@allowed_only("cohort.manage")
def confirm(cohort_id):
    """Make the matches and tell everyone in them."""
    cohort = cohort_service.get_cohort(current_user, cohort_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            made = cohort_service.confirm(current_user, cohort)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Cohort confirmed: {len(made)} match{'es' if len(made) != 1 else ''} made, "
                  "and everyone in them has been told.", "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor="matches"))
    return _cohort_page(cohort, failed=form)


def _mentor_choice(value):
    """No choice leaves the young person unplaced; anything else must be a mentor's id."""
    if not value:
        return None
    if not value.isdigit():
        raise Invalid("mentor", "Choose one of this cohort's mentors.")
    return int(value)


def _stale(had_proposal):
    return " The proposed placement was cleared: propose it again." if had_proposal else ""


def _cohort_action(cohort, service, *args, done, anchor=None):
    """A button on the cohort page: do it and go back, or show the page with the refusal."""
    form = ActionForm()
    if form.validate_on_submit():
        try:
            service(current_user, cohort, *args)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id, _anchor=anchor))
    return _cohort_page(cohort, failed=form)


def _cohort_page(cohort, failed=None, member_form=None, placement_form=(None, None)):
    """The cohort page; `failed` is the form whose errors are summarised at the top (400)."""
    mentors = [member for member in cohort.members if member.role == "mentor"]
    places_used = {member.user_id: sum(1 for placement in cohort.placements
                                       if placement.mentor_id == member.user_id)
                   for member in mentors}
    choices = [SelectChoice("", "Leave unplaced")] + [
        SelectChoice(str(member.user_id), f"{member.user.username}, {places_used[member.user_id]}"
                                          f" of {member.capacity} places used")
        for member in mentors]
    placement_forms = {}
    for placement in cohort.placements:
        form = placement_form[1] if placement.id == placement_form[0] else forms.PlacementForm(
            formdata=None, prefix=f"placement-{placement.id}",
            data={"mentor": str(placement.mentor_id or "")})
        form.mentor.choices = choices
        form.mentor.label.text = f"Mentor for {placement.young.username}"
        placement_forms[placement.id] = form
    return render_template(
        "skills/staff/cohort.html", cohort=cohort, failed=failed,
        young=[member for member in cohort.members if member.role == "young"], mentors=mentors,
        places_used=places_used, member_form=member_form or forms.MemberForm(formdata=None),
        placement_forms=placement_forms, total=cohort_service.total(cohort),
        unplaced=[placement for placement in cohort.placements if placement.mentor_id is None],
        matches=cohort_service.list_cohort_matches(current_user, cohort)
        if cohort.state == "confirmed" else [],
        states=MATCH_STATES,
    ), 400 if failed is not None and failed.errors else 200
