"""The staff console: the dashboard, wards, people, roles, suspensions, safeguarding checks
and the audit log."""


from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from forum.accounts import services as accounts
from forum.accounts.models import MentorCheck
from forum.core import audit
from forum.core.access import allowed_only
from forum.core.forms import ActionForm, form_status, show_error
from forum.core.paging import page_number
from forum.core.policy import can
from forum.core.templating import format_datetime
from forum.errors import DomainError, NotAllowed
from forum.extensions import db
from forum.staff import forms
from forum.staff import services as console

bp = Blueprint("staff", __name__, url_prefix="/staff")


staff_only = allowed_only("staff.console")


@bp.route("/")
@staff_only
def index():
    """Show what is waiting for staff, and the way to every part of the console."""
    return render_template("staff/index.html",
                           overview=console.console_overview(current_user))


def _current_ward(slug, endpoint):
    """The ward at `slug`; a merged ward's old address redirects, for good, to where it went."""
    ward, is_alias = accounts.resolve_ward(slug)
    if is_alias:
        abort(redirect(url_for(endpoint, slug=ward.slug), 301))
    return ward


@bp.route("/wards", methods=["GET", "POST"])
@staff_only
def wards():
    """List the wards and add one."""
    form = forms.WardForm()
    if form.validate_on_submit():
        try:
            ward = accounts.create_ward(current_user, form.name.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Ward {ward.name} added.", "success")
            return redirect(url_for("staff.wards"))
    return render_template("staff/wards.html", wards=accounts.list_wards(), form=form)


@bp.route("/wards/<slug>", methods=["GET", "POST"])
@staff_only
def rename_ward(slug):
    """Rename a ward; its address and links stay the same."""
    ward = _current_ward(slug, "staff.rename_ward")
    form = forms.WardForm(obj=ward)
    if form.validate_on_submit():
        try:
            accounts.rename_ward(current_user, ward, form.name.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Ward renamed to {ward.name}.", "success")
            return redirect(url_for("staff.wards"))
    return _ward_page(ward, form, forms.WardCentreForm(obj=ward))


def _ward_page(ward, form, centre_form):
    status = 400 if form.errors or form.form_errors or centre_form.errors \
        or centre_form.form_errors else 200
    return render_template("staff/ward_edit.html", ward=ward, form=form,
                           centre_form=centre_form), status


@bp.route("/wards/<slug>/centre", methods=["POST"])
@staff_only
def ward_centre(slug):
    """Set where the ward's centre is, for distances in the matchmaker."""
    ward = _current_ward(slug, "staff.rename_ward")
    centre_form = forms.WardCentreForm()
    if centre_form.validate_on_submit():
        try:
            accounts.set_ward_centre(current_user, ward, centre_form.latitude.data,
                                     centre_form.longitude.data)
        except DomainError as error:
            show_error(centre_form, error)
        else:
            flash(f"Saved where {ward.name} is.", "success")
            return redirect(url_for("staff.rename_ward", slug=ward.slug))
    return _ward_page(ward, forms.WardForm(obj=ward), centre_form)


@bp.route("/wards/<slug>/merge", methods=["GET", "POST"])
@staff_only
def merge_ward(slug):
    """Merge a ward into another: its residents, board, events and cases move there."""
    ward = _current_ward(slug, "staff.merge_ward")
    form = forms.MergeWardForm()
    form.into.choices = [SelectChoice("", "Choose a ward")] + [
        SelectChoice(other.slug, other.name) for other in accounts.list_wards()
        if other.id != ward.id]
    if form.validate_on_submit():
        name, into = ward.name, accounts.find_ward(form.into.data)
        try:
            accounts.merge_wards(current_user, ward, into)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{name} merged into {into.name}. Links to {name} now lead there.", "success")
            return redirect(url_for("staff.wards"))
    return render_template("staff/ward_merge.html", ward=ward, form=form,
                           contents=console.ward_contents(ward)), form_status(form)


@bp.route("/users")
@staff_only
def users():
    """Find people by name, username, e-mail, role or account state."""
    form = forms.UserSearchForm(request.args)
    page = page_number()
    results = accounts.search_users(form.q.data or "", form.role.data or None, page=page,
                                    state=form.state.data or None)
    return render_template("staff/users.html", form=form, results=results)


@bp.route("/users/<username>")
@staff_only
def user(username):
    """Show one person's account, roles and safeguarding checks."""
    return _user_page(accounts.get_profile(username))


def _user_page(person, check_form=None, status=200, suspend_form=None, reinstate_form=None):
    if check_form is None:
        check_form = forms.MentorCheckForm()
    if suspend_form is None:
        suspend_form = forms.SuspendForm(formdata=None)
    if reinstate_form is None:
        reinstate_form = forms.ReinstateForm(formdata=None, prefix="reinstate")
    may_suspend = can(current_user, "user.suspend", person)
    role_form = forms.RoleForm()
    role_form.role.choices = [choice for choice in role_form.role.choices
                              if can(current_user, "role.grant", choice.value)]
    from forum.boards.services import list_boards
    from forum.moderation.services import list_scopes

    is_moderator = "moderator" in person.roles
    return render_template(
        "staff/user.html", person=person, role_form=role_form, check_form=check_form,
        revoke_form=forms.RevokeCheckForm(),
        can_record_check=can(current_user, "mentor.record_check", person),
        scopes=list_scopes(person) if is_moderator else [],
        scope_choices=[(f"board:{board.slug}", f"Board: {board.name}")
                       for board in list_boards() if not board.ward_id]
        + [(f"ward:{ward.slug}", f"Ward: {ward.name}") for ward in accounts.list_wards()]
        if is_moderator else [],
        action_form=ActionForm(),
        can_suspend=may_suspend and person.state in ("active", "suspended"),
        can_reinstate=may_suspend and person.state == "suspended",
        suspend_form=suspend_form,
        reinstate_form=reinstate_form,
    ), status


@bp.route("/users/<username>/suspend", methods=["POST"])
@staff_only
def suspend(username):
    """Suspend an account for some days, or until someone reinstates it."""
    person = accounts.get_profile(username)
    form = forms.SuspendForm()
    if form.validate_on_submit():
        try:
            accounts.suspend_user(current_user, person, form.reason.data, form.days.data)
        except NotAllowed:
            raise  # a 403 page saying why: the form isn't shown to them
        except DomainError as error:
            show_error(form, error)
        else:
            until = f"until {format_datetime(person.state_until)}" if person.state_until \
                else "until someone reinstates them"
            flash(f"{person.username} is suspended {until}, and signed out everywhere.",
                  "success")
            return redirect(url_for("staff.user", username=person.username))
    return _user_page(person, suspend_form=form, status=400)


@bp.route("/users/<username>/reinstate", methods=["POST"])
@staff_only
def reinstate(username):
    """Lift a suspension now."""
    person = accounts.get_profile(username)
    form = forms.ReinstateForm(prefix="reinstate")
    if form.validate_on_submit():
        try:
            accounts.reinstate_user(current_user, person, form.reason.data)
        except NotAllowed:
            raise
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"{person.username} is reinstated and can sign in again.", "success")
            return redirect(url_for("staff.user", username=person.username))
    return _user_page(person, reinstate_form=form, status=400)


@bp.route("/users/<username>/roles", methods=["POST"])
@staff_only
def change_role(username):
    """Grant or take away a role."""
    person = accounts.get_profile(username)
    form = forms.RoleForm()
    if form.validate_on_submit():
        try:
            if request.form.get("change") == "revoke":
                accounts.revoke_role(current_user, person, form.role.data)
                flash(f"{person.username} is no longer {form.role.data}.", "success")
            else:
                accounts.grant_role(current_user, person, form.role.data)
                flash(f"{person.username} is now {form.role.data}.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("staff.user", username=person.username))


@bp.route("/users/<username>/mentor-check", methods=["POST"])
@staff_only
def record_check(username):
    """Record a safeguarding check that makes an adult a verified mentor."""
    person = accounts.get_profile(username)
    form = forms.MentorCheckForm()
    if form.validate_on_submit():
        try:
            accounts.record_mentor_check(current_user, person, form.reference.data,
                                         form.checked_on.data, form.expires_on.data)
        except NotAllowed:
            raise  # a 403 page saying why: the form, and so its errors, isn't shown to them
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Check recorded: {person.username} is a verified mentor until "
                  f"{form.expires_on.data:%-d %B %Y}.", "success")
            return redirect(url_for("staff.user", username=person.username))
    return _user_page(person, check_form=form, status=400)


@bp.route("/mentor-checks/<int:check_id>/revoke", methods=["POST"])
@staff_only
def revoke_check(check_id):
    """Withdraw a safeguarding check."""
    check = db.get_or_404(MentorCheck, check_id)
    form = forms.RevokeCheckForm()
    if form.validate_on_submit():
        try:
            accounts.revoke_mentor_check(current_user, check, form.reason.data)
            flash("Check withdrawn.", "success")
        except DomainError as error:
            flash(error.message, "error")
    else:
        flash("Say why the check is being withdrawn.", "error")
    return redirect(url_for("staff.user", username=check.user.username))


@bp.route("/audit")
@staff_only
def audit_log():
    """Read the audit log, newest first."""
    page = page_number()
    entries = audit.list_entries(page=page, action=request.args.get("action") or None)
    return render_template("staff/audit.html", entries=entries)


@bp.route("/boards", methods=["GET", "POST"])
@staff_only
def boards():
    """List the boards and create a topic board."""
    from forum.boards import services as boards_services
    from forum.boards.forms import BoardForm

    form = BoardForm()
    if form.validate_on_submit():
        try:
            board = boards_services.create_board(current_user, form.name.data,
                                                 form.description.data,
                                                 form.official_answers.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Board {board.name} created.", "success")
            return redirect(url_for("staff.boards"))
    return render_template("staff/boards.html", boards=boards_services.list_boards(), form=form)


@bp.route("/users/<username>/scopes", methods=["POST"])
@staff_only
def add_scope(username):
    """Limit a volunteer moderator to a board or ward."""
    from forum.boards import services as boards_services
    from forum.moderation import services as moderation

    person = accounts.get_profile(username)
    if ActionForm().validate_on_submit():
        where = request.form.get("where", "")
        kind, _, slug = where.partition(":")
        try:
            board = boards_services.get_board(slug) if kind == "board" else None
            ward = accounts.get_ward(slug) if kind == "ward" else None
            moderation.add_scope(current_user, person, board=board, ward=ward)
            flash("Scope added.", "success")
        except DomainError as error:
            flash(error.message, "error")
    return redirect(url_for("staff.user", username=person.username))


@bp.route("/scopes/<int:scope_id>/remove", methods=["POST"])
@staff_only
def remove_scope(scope_id):
    """Remove one of a moderator's scopes."""
    from forum.moderation import services as moderation

    if ActionForm().validate_on_submit():
        person = moderation.remove_scope(current_user, scope_id)
        flash("Scope removed.", "success")
        return redirect(url_for("staff.user", username=person.username))
    return redirect(url_for("staff.users"))
