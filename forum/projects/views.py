"""Community projects: browse, propose, join, and the group's page."""


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.accounts import services as accounts
from forum.core.forms import choices, flash_if_held, form_status, show_error, submit_text
from forum.core.paging import Pages, page_number
from forum.core.policy import can
from forum.core.timezones import local_today
from forum.errors import DomainError, Invalid, NotAllowed
from forum.grants import services as grants
from forum.projects import forms, services
from forum.projects.models import AUDIENCES, STATES

bp = Blueprint("projects", __name__, url_prefix="/projects")

# The steps a project goes through, in order, for the page's progress list.
STEPS = tuple(STATES.items())


@bp.app_context_processor
def _labels():
    return {"project_audiences": AUDIENCES, "project_steps": STEPS,
            "project_money": services.format_money}


# --- browsing ------------------------------------------------------------------------------------


@bp.route("/")
def index():
    """List published projects, newest first; filter by ward and stage."""
    form = forms.BrowseForm(request.args)
    form.ward.choices = choices(((ward.slug, ward.name) for ward in accounts.list_wards()),
                                blank="All wards")
    ward, found = None, None
    if form.ward.data:
        ward = accounts.find_ward(form.ward.data)
        if ward is None:
            show_error(form, Invalid("ward", "Choose a ward from the list."))
    if not form.errors:
        try:
            page = page_number()
            projects, total = services.list_projects(
                current_user, ward=ward, state=form.stage.data or None, page=page)
            found = Pages(page, services.PER_PAGE, total, projects)
        except Invalid as error:
            error.field = "stage"
            show_error(form, error)
    return render_template(
        "projects/index.html", form=form, found=found,
        filtered=any(value for name, value in request.args.items() if name != "page"),
        can_propose=can(current_user, "project.propose"),
    ), form_status(form)


# --- proposing and editing -------------------------------------------------------------------


def _project_form(project=None):
    form = forms.ProjectForm()
    form.ward_id.choices = choices(
        ((str(ward.id), ward.name) for ward in accounts.list_wards()), blank="Choose a ward")
    if request.method == "GET":
        if project is None:
            form.ward_id.data = str(current_user.ward_id or "")
        else:
            form.title.data, form.body.data = project.title, project.body_source
            form.ward_id.data = str(project.ward_id or "")
            form.audiences.data = list(project.audiences or [])
            form.brings_together.data = project.brings_together
    return form


def _fields(form):
    return (form.title.data, form.body.data, form.ward_value(), form.audiences.data or [],
            form.brings_together.data or "")


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Propose a project; the proposer leads its group."""
    form = _project_form()
    project, nudge = submit_text(form, lambda nudge_id: services.propose(
        current_user, *_fields(form), nudge_id=nudge_id))
    if project is not None:
        flash("Your project is up. Its group has a discussion board of its own.", "success")
        flash_if_held(project)
        return redirect(url_for("projects.project", project_id=project.id))
    return render_template("projects/form.html", form=form, nudge=nudge, project=None,
                           can_propose=can(current_user, "project.propose")), form_status(form)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    """Change the proposal (the group's leads, or staff)."""
    project = services.get_project(project_id, current_user)
    if not can(current_user, "project.manage", project):
        abort(403)
    form = _project_form(project)
    saved, nudge = submit_text(form, lambda nudge_id: services.update_project(
        current_user, project, *_fields(form), nudge_id=nudge_id))
    if saved is not None:
        flash("Your changes are saved.", "success")
        flash_if_held(saved)
        return redirect(url_for("projects.project", project_id=project.id))
    return render_template("projects/form.html", form=form, nudge=nudge, project=project,
                           can_propose=True), form_status(form)


# --- the project page ----------------------------------------------------------------------------


def _render_project(project, status=200, **shown):
    """The project page; `shown` holds a form that came back with errors (the rest are new)."""
    membership = services.membership(current_user, project)
    contribute = can(current_user, "project.contribute", project)
    manage = can(current_user, "project.manage", project)
    group = services.members(project)
    task_form = shown.get("task_form") or forms.TaskForm(formdata=None)
    task_form.owner_id.choices = choices(
        ((str(member.user_id), member.user.public_name) for member in group),
        blank="Nobody yet")
    stage_form = shown.get("stage_form") or forms.StageForm(formdata=None)
    stage_form.state.choices = choices(
        (state, STATES[state]) for state in STATES if state in services.MOVES[project.state])
    event_form = shown.get("event_form") or forms.EventLinkForm(formdata=None)
    linkable = services.linkable_events(current_user, project) if contribute else []
    event_form.event_id.choices = choices(
        ((str(event.id), event.title) for event in linkable),
        blank="Choose an event") if linkable else []
    return render_template(
        "projects/project.html", project=project, members=group, membership=membership,
        tasks=services.tasks(project), updates=services.updates(project), today=local_today(),
        events=services.linked_events(project, current_user),
        # The group's own business: what it applied for, and where it could apply.
        applications=grants.applications_of(project) if contribute or manage else [],
        funds=grants.open_funds_for(project) if manage else [],
        can_join=membership is None and can(current_user, "project.join", project),
        can_contribute=contribute, can_manage=manage,
        can_report=can(current_user, "content.report", project),
        task_form=task_form, stage_form=stage_form, event_form=event_form,
        update_form=shown.get("update_form") or forms.UpdateForm(formdata=None),
    ), status


@bp.route("/<int:project_id>")
def project(project_id):
    """Show a project: its stage, group, plan, events and log."""
    return _render_project(services.get_project(project_id, current_user))


def _back(project, anchor=None):
    return redirect(url_for("projects.project", project_id=project.id, _anchor=anchor))


def _act(project, form_name, form, action, done, anchor):
    """Run one member action from the page; on a refusal show the page again with the form."""
    if form.validate_on_submit():
        try:
            action()
        except NotAllowed:
            raise
        except DomainError as error:
            show_error(form, error)
        else:
            if done:
                flash(done, "success")
            return _back(project, anchor)
    return _render_project(project, form_status(form), **{form_name: form})


@bp.route("/<int:project_id>/join", methods=["POST"])
@login_required
def join(project_id):
    """Join the group and follow its board."""
    project = services.get_project(project_id, current_user)
    if forms.DoneForm().validate_on_submit():
        services.join(current_user, project)
        flash("You're in the group. Its board is in what you follow.", "success")
    return _back(project, "group")


@bp.route("/<int:project_id>/leave", methods=["POST"])
@login_required
def leave(project_id):
    """Leave the group (the last lead hands over first)."""
    project = services.get_project(project_id, current_user)
    if forms.DoneForm().validate_on_submit():
        try:
            services.leave(current_user, project)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("You've left the group.", "success")
    return _back(project, "group")


@bp.route("/<int:project_id>/leads", methods=["POST"])
@login_required
def make_lead(project_id):
    """Make a member a lead of the group too."""
    project = services.get_project(project_id, current_user)
    form = forms.LeadForm()
    if form.validate_on_submit():
        user_id = int(form.user_id.data) if (form.user_id.data or "").isdigit() else None
        try:
            services.make_lead(current_user, project, user_id)
        except Invalid as error:
            flash(error.message, "error")
    return _back(project, "group")


@bp.route("/<int:project_id>/stage", methods=["POST"])
@login_required
def move(project_id):
    """Move the project to another stage, with an optional note for the log."""
    project = services.get_project(project_id, current_user)
    form = forms.StageForm()
    return _act(project, "stage_form", form, lambda: services.set_state(
        current_user, project, form.state.data or "", form.note.data or ""),
        "The project's stage is updated.", "stage")


@bp.route("/<int:project_id>/updates", methods=["POST"])
@login_required
def post_update(project_id):
    """Post an update in the project's log."""
    project = services.get_project(project_id, current_user)
    form = forms.UpdateForm()
    return _act(project, "update_form", form,
                lambda: services.post_update(current_user, project, form.text.data),
                "Your update is posted.", "log")


# --- the action plan and events --------------------------------------------------------------


@bp.route("/<int:project_id>/tasks", methods=["POST"])
@login_required
def add_task(project_id):
    """Add a task to the action plan."""
    project = services.get_project(project_id, current_user)
    form = forms.TaskForm()
    return _act(project, "task_form", form, lambda: services.add_task(
        current_user, project, form.title.data, form.owner_value(), form.due_on.data),
        "The task is in the plan.", "plan")


@bp.route("/<int:project_id>/tasks/<int:task_id>/done", methods=["POST"])
@login_required
def set_task_done(project_id, task_id):
    """Tick a task off, or mark it not done again."""
    project = services.get_project(project_id, current_user)
    task = services.get_task(project, task_id)
    form = forms.DoneForm()
    if form.validate_on_submit():
        services.set_task_done(current_user, task, form.done.data == "1")
    return _back(project, "plan")


@bp.route("/<int:project_id>/tasks/<int:task_id>/delete", methods=["POST"])
@login_required
def delete_task(project_id, task_id):
    """Take a task out of the plan."""
    project = services.get_project(project_id, current_user)
    task = services.get_task(project, task_id)
    if forms.DoneForm().validate_on_submit():
        services.delete_task(current_user, task)
        flash("The task is deleted.", "success")
    return _back(project, "plan")


@bp.route("/<int:project_id>/events", methods=["POST"])
@login_required
def link_event(project_id):
    """Show one of the member's events on the project page."""
    project = services.get_project(project_id, current_user)
    form = forms.EventLinkForm()
    return _act(project, "event_form", form,
                lambda: services.link_event(current_user, project, form.event_value()),
                "The event is linked.", "events")


@bp.route("/<int:project_id>/events/<int:event_id>/unlink", methods=["POST"])
@login_required
def unlink_event(project_id, event_id):
    """Take an event off the project page (it stays in the calendar)."""
    project = services.get_project(project_id, current_user)
    if forms.DoneForm().validate_on_submit():
        services.unlink_event(current_user, project, event_id)
        flash("The event is no longer linked.", "success")
    return _back(project, "events")
