"""Community projects: propose, join, plan, log, link events, move through their states.

The proposal goes through the content pipeline like any resident's words (nudge, hold,
flags). A project gets an unlisted discussion board of its own when it is proposed; its
members follow it. Every change the group makes lands in the project's update log, which is
what the project page shows as its history.
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import User, Ward, utcnow
from forum.boards.models import Board, BoardFollow
from forum.core import audit, content
from forum.core.policy import can, project_membership, require
from forum.errors import Invalid, NotAllowed, NotFound
from forum.events.models import Event
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications.services import notify_person
from forum.projects.models import (
    AUDIENCES,
    STATES,
    Project,
    ProjectEvent,
    ProjectMember,
    ProjectTask,
    ProjectUpdate,
)

TITLE_LENGTH = (5, 100)
BODY_MAX = 8000
BRINGS_TOGETHER_MAX = 300
TASK_TITLE_MAX = 150
UPDATE_MAX = 2000
PER_PAGE = 20

# Where the group may move its project. "funded" is set by a grant decision or a vote only;
# a completed project is finished for good (its page and history stay).
MOVES = {
    "idea": {"active"},
    "active": {"idea", "completed"},
    "funded": {"completed"},
    "completed": set(),
}


# --- reading ---------------------------------------------------------------------------------


def get_project(project_id, viewer):
    project = db.session.get(Project, project_id)
    if project is None or not can(viewer, "project.view", project):
        raise NotFound("There's no project here. It may have been removed.")
    return project


def list_projects(viewer, ward=None, state=None, page=1, per_page=PER_PAGE):
    """Published projects (and the viewer's own held ones), newest first, with a total."""
    query = select(Project).where(Project.visible_to(viewer))
    if ward is not None:
        query = query.where(Project.ward_id == ward.id)
    if state:
        if state not in STATES:
            raise Invalid("state", "Choose a stage from the list.")
        query = query.where(Project.state == state)
    total = db.session.execute(query.with_only_columns(func.count())).scalar_one()
    projects = db.session.execute(
        query.order_by(Project.created_at.desc(), Project.id.desc())
        .offset((page - 1) * per_page).limit(per_page)).scalars().all()
    return projects, total


def members(project):
    """The group, lead(s) first, then in the order they joined."""
    return db.session.execute(
        select(ProjectMember).where(ProjectMember.project_id == project.id)
        .order_by(ProjectMember.role != "lead", ProjectMember.joined_at, ProjectMember.id)
    ).scalars().all()


def tasks(project):
    """The action plan: open tasks by due date (undated last), then done ones."""
    return db.session.execute(
        select(ProjectTask).where(ProjectTask.project_id == project.id)
        .order_by(ProjectTask.done_at.is_not(None), ProjectTask.due_on.is_(None),
                  ProjectTask.due_on, ProjectTask.id)
    ).scalars().all()


def updates(project, limit=50):
    return db.session.execute(
        select(ProjectUpdate).where(ProjectUpdate.project_id == project.id)
        .order_by(ProjectUpdate.created_at.desc(), ProjectUpdate.id.desc()).limit(limit)
    ).scalars().all()


def linked_events(project, viewer):
    """The group's events that the viewer may see, soonest first."""
    return db.session.execute(
        select(Event).join(ProjectEvent, ProjectEvent.event_id == Event.id)
        .where(ProjectEvent.project_id == project.id, Event.visible_to(viewer))
        .order_by(Event.starts_at)
    ).scalars().all()


def membership(viewer, project):
    """The viewer's ProjectMember row, or None (for the page's join/leave button)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return project_membership(viewer, project)


def projects_of(user):
    """The projects a person belongs to, for their pages and the grant application form."""
    return db.session.execute(
        select(Project).join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user.id, Project.status != "deleted")
        .order_by(Project.created_at.desc())
    ).scalars().all()


def linkable_events(actor, project):
    """Events the actor organises that are still to come (a series until its last date), and
    not linked to this project yet."""
    linked = select(ProjectEvent.event_id).where(ProjectEvent.project_id == project.id)
    now = utcnow()
    return db.session.execute(
        select(Event).where(Event.author_id == actor.id, Event.status == "published",
                            Event.cancelled_at.is_(None), Event.id.not_in(linked),
                            (Event.starts_at >= now) | (Event.repeats_until >= now))
        .order_by(Event.starts_at.desc()).limit(50)
    ).scalars().all()


# --- proposing and editing -------------------------------------------------------------------


def _clean(title, body, ward_id, audiences, brings_together):
    title = " ".join((title or "").split())
    if not TITLE_LENGTH[0] <= len(title) <= TITLE_LENGTH[1]:
        raise Invalid("title", f"Give the project a name of {TITLE_LENGTH[0]} to "
                               f"{TITLE_LENGTH[1]} characters.")
    body = (body or "").strip()
    if len(body) < 20:
        raise Invalid("body", "Say what the project is and why it matters, in a few "
                              "sentences.")
    if len(body) > BODY_MAX:
        raise Invalid("body", f"Keep the description to {BODY_MAX:,} characters; this one "
                              f"has {len(body):,}.")
    ward = db.session.get(Ward, ward_id) if ward_id else None
    if ward is None:
        raise Invalid("ward_id", "Choose the ward where the project happens.")
    audiences = list(dict.fromkeys(audiences or []))
    if any(audience not in AUDIENCES for audience in audiences):
        raise Invalid("audiences", "Choose from the list.")
    brings_together = " ".join((brings_together or "").split())
    if not audiences and not brings_together:
        raise Invalid("audiences", "Say who the project brings together: choose from the "
                                   "list, describe them, or both.")
    if len(brings_together) > BRINGS_TOGETHER_MAX:
        raise Invalid("brings_together",
                      f"Keep this to {BRINGS_TOGETHER_MAX} characters.")
    return title, body, ward, audiences, brings_together


def propose(actor, title, body, ward_id, audiences, brings_together="", nudge_id=None):
    """A resident proposes a project; they lead its group, which gets a board of its own.

    :raises NeedsReconsideration: the description seems hurtful (ask once, keep the text).
    """
    require(actor, "project.propose",
            message="Confirm your e-mail address to propose a project.")
    title, body, ward, audiences, brings_together = _clean(title, body, ward_id, audiences,
                                                           brings_together)
    prepared = content.prepare(body, {"kind": "project", "author_id": actor.id}, title=title)
    status = moderation.screen(actor, prepared.verdict, "project", nudge_id)
    project = Project(author_id=actor.id, ward_id=ward.id, title=title,
                      body_source=prepared.source, body_html=prepared.html,
                      body_text=prepared.text, audiences=audiences,
                      brings_together=brings_together, state="idea", member_count=1)
    project.apply_verdict(prepared.verdict, status)
    db.session.add(project)
    db.session.flush()
    board = Board(name=f"Project: {title}"[:80], slug=f"project-{project.id}",
                  description=f"The group's discussion for “{title}”.", listed=False)
    db.session.add(board)
    db.session.flush()
    project.board_id = board.id
    db.session.add(ProjectMember(project_id=project.id, user_id=actor.id, role="lead"))
    db.session.add(BoardFollow(user_id=actor.id, board_id=board.id))
    log(project, actor, "state", f"{actor.public_name} proposed the idea.")
    moderation.record_screening(project, prepared.verdict)
    db.session.commit()
    return project


def update_project(actor, project, title, body, ward_id, audiences, brings_together="",
                   nudge_id=None):
    """The lead edits the proposal; a harmful edit is held for review like any other."""
    require(actor, "project.manage", project)
    title, body, ward, audiences, brings_together = _clean(title, body, ward_id, audiences,
                                                           brings_together)
    prepared = content.prepare(body, {"kind": "project", "author_id": actor.id}, title=title)
    status = moderation.screen(actor, prepared.verdict, "edit", nudge_id)
    project.title, project.ward_id = title, ward.id
    project.body_source, project.body_html = prepared.source, prepared.html
    project.body_text = prepared.text
    project.audiences, project.brings_together = audiences, brings_together
    project.updated_at = utcnow()
    if project.discussion_board is not None:
        project.discussion_board.name = f"Project: {title}"[:80]
    if status == "held" and project.status == "published":
        project.apply_verdict(prepared.verdict, "held")
    db.session.flush()
    moderation.record_screening(project, prepared.verdict)
    db.session.commit()
    return project


# --- the group -------------------------------------------------------------------------------


def join(actor, project):
    """Join the group (and follow its board). Joining twice is harmless."""
    require(actor, "project.join", project,
            message="You can join published projects that are not finished, once your "
                    "e-mail address is confirmed.")
    if project_membership(actor, project) is not None:
        return project
    db.session.add(ProjectMember(project_id=project.id, user_id=actor.id, role="member"))
    try:
        db.session.flush()
    except IntegrityError:  # the same person pressed "Join" twice at once
        db.session.rollback()
        return project
    if project.board_id and not db.session.execute(select(BoardFollow.id).where(
            BoardFollow.user_id == actor.id, BoardFollow.board_id == project.board_id)).first():
        db.session.add(BoardFollow(user_id=actor.id, board_id=project.board_id))
    _recount(project)
    log(project, actor, "joined", f"{actor.public_name} joined the group.")
    tell_members(project, f"{actor.public_name} joined “{project.title}”",
                 except_ids={actor.id}, leads_only=True)
    db.session.commit()
    return project


def leave(actor, project):
    """Leave the group (and stop following its board). The last lead must hand over first, so
    no group is left unled; a project is never left with no one at all."""
    found = project_membership(actor, project)
    if found is None:
        return project
    if found.role == "lead" and _lead_count(project) == 1:
        if project.member_count > 1:
            raise NotAllowed("You lead this group: make another member a lead before you "
                             "leave.")
        raise NotAllowed("You're the only member of this project. Mark it completed, or ask "
                         "the council to take it down.")
    db.session.delete(found)
    if project.board_id:
        db.session.execute(db.delete(BoardFollow).where(
            BoardFollow.user_id == actor.id, BoardFollow.board_id == project.board_id))
    db.session.flush()
    _recount(project)
    log(project, actor, "joined", f"{actor.public_name} left the group.")
    db.session.commit()
    return project


def make_lead(actor, project, user_id):
    """A lead (or staff) makes another member a lead too."""
    require(actor, "project.manage", project)
    found = db.session.execute(select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == user_id)
    ).scalar_one_or_none()
    if found is None:
        raise Invalid("user_id", "Choose someone in the group.")
    if found.role != "lead":
        found.role = "lead"
        log(project, actor, "note", f"{found.user.public_name} now helps lead the group.")
        notify_person(found.user_id, "project", f"You now help lead “{project.title}”",
                      f"/projects/{project.id}", actor_id=actor.id)
        if actor.id != found.user_id and project_membership(actor, project) is None:
            audit.record(actor, "project.make_lead", project, after={"user_id": user_id})
        db.session.commit()
    return project


def _lead_count(project):
    return db.session.execute(select(func.count()).select_from(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.role == "lead")).scalar_one()


def _recount(project):
    project.member_count = db.session.execute(
        select(func.count()).select_from(ProjectMember)
        .where(ProjectMember.project_id == project.id)).scalar_one()


# --- stages and the log ----------------------------------------------------------------------


def set_state(actor, project, state, note=""):
    """Move the project on (idea → active → completed). "funded" comes from a grant."""
    require(actor, "project.manage", project)
    if state not in STATES:
        raise Invalid("state", "Choose a stage from the list.")
    if state == project.state:
        return project
    if state not in MOVES[project.state]:
        if state == "funded":
            raise Invalid("state", "A project becomes funded when a grant is awarded to it.")
        raise Invalid("state", f"A project can't go from {STATES[project.state].lower()} "
                               f"to {STATES[state].lower()}.")
    note = " ".join((note or "").split())[:300]
    before = project.state
    project.state = state
    project.updated_at = utcnow()
    if state == "completed":
        project.completed_at = utcnow()
    text = f"{actor.public_name} moved the project from {STATES[before].lower()} to " \
           f"{STATES[state].lower()}." + (f" {note}" if note else "")
    log(project, actor, "state", text)
    if project_membership(actor, project) is None:  # staff acting for the group
        audit.record(actor, "project.state", project, before={"state": before},
                     after={"state": state})
    tell_members(project, f"“{project.title}” is now {STATES[state].lower()}",
                 except_ids={actor.id})
    db.session.commit()
    return project


def mark_funded(project, actor, fund_name, amount_pence):
    """A grant was awarded (by staff, or by a vote): log it, tell the group (caller commits)."""
    project.state = "funded"
    project.updated_at = utcnow()
    log(project, actor, "grant",
        f"Awarded {format_money(amount_pence)} from {fund_name}.")
    tell_members(project, f"“{project.title}” was awarded {format_money(amount_pence)} "
                          f"from {fund_name}")


def post_update(actor, project, text):
    """A member writes in the project's log ("We've booked the hall for March")."""
    require(actor, "project.contribute", project,
            message="Only the group's members can post updates.")
    text = (text or "").strip()
    if not text:
        raise Invalid("text", "Write the update first.")
    if len(text) > UPDATE_MAX:
        raise Invalid("text", f"Keep an update to {UPDATE_MAX:,} characters; this one has "
                              f"{len(text):,}.")
    prepared = content.prepare(text, {"kind": "project_update", "author_id": actor.id})
    if prepared.verdict.action in ("hold", "block"):
        raise Invalid("text", "This update can't be posted as written: it may hurt people. "
                              "Please reword it.")
    log(project, actor, "note", prepared.text)
    project.updated_at = utcnow()
    tell_members(project, f"New update on “{project.title}”", except_ids={actor.id})
    db.session.commit()
    return project


def log(project, actor, kind, text):
    """Add a line to the project's update log (the caller commits)."""
    db.session.add(ProjectUpdate(project_id=project.id,
                                 author_id=actor.id if actor is not None else None,
                                 kind=kind, text=text))


def tell_members(project, summary, except_ids=(), leads_only=False):
    """Notify the group (the caller commits)."""
    query = select(ProjectMember.user_id).where(ProjectMember.project_id == project.id)
    if leads_only:
        query = query.where(ProjectMember.role == "lead")
    for user_id in db.session.execute(query).scalars():
        if user_id not in except_ids:
            notify_person(user_id, "project", summary, f"/projects/{project.id}")


# --- the action plan -------------------------------------------------------------------------


def add_task(actor, project, title, owner_id=None, due_on=None, today=None):
    require(actor, "project.contribute", project,
            message="Only the group's members can plan its work.")
    title = " ".join((title or "").split())
    if not 3 <= len(title) <= TASK_TITLE_MAX:
        raise Invalid("title", f"Describe the task in 3 to {TASK_TITLE_MAX} characters.")
    owner = _member_or_none(project, owner_id)
    if due_on is not None and due_on < (today or date.today()):
        raise Invalid("due_on", "Choose a date from today on.")
    task = ProjectTask(project_id=project.id, title=title, owner_id=owner.id if owner else None,
                       due_on=due_on, created_by_id=actor.id)
    db.session.add(task)
    project.updated_at = utcnow()
    if owner is not None and owner.id != actor.id:
        notify_person(owner.id, "project", f"{actor.public_name} asked you to: {title}",
                      f"/projects/{project.id}#plan", actor_id=actor.id)
    db.session.commit()
    return task


def _member_or_none(project, user_id):
    if not user_id:
        return None
    member = db.session.execute(select(User).join(
        ProjectMember, ProjectMember.user_id == User.id).where(
        ProjectMember.project_id == project.id, User.id == user_id)).scalar_one_or_none()
    if member is None:
        raise Invalid("owner_id", "Choose someone in the group, or nobody yet.")
    return member


def set_task_done(actor, task, done):
    project = db.session.get(Project, task.project_id)
    require(actor, "project.contribute", project,
            message="Only the group's members can tick off its tasks.")
    if bool(done) != task.is_done:
        task.done_at = utcnow() if done else None
        if done:
            log(project, actor, "note", f"{actor.public_name} finished: {task.title}")
        db.session.commit()
    return task


def delete_task(actor, task):
    project = db.session.get(Project, task.project_id)
    require(actor, "project.contribute", project)
    db.session.delete(task)
    db.session.commit()


def get_task(project, task_id):
    task = db.session.get(ProjectTask, task_id)
    if task is None or task.project_id != project.id:
        raise NotFound("That task isn't in this project's plan.")
    return task


# --- events ----------------------------------------------------------------------------------


def link_event(actor, project, event_id):
    """Show one of the actor's events on the project page (staff may link any event)."""
    require(actor, "project.contribute", project,
            message="Only the group's members can add its events.")
    event = db.session.get(Event, event_id) if event_id else None
    if event is None or event.status != "published":
        raise Invalid("event_id", "Choose one of your events.")
    if event.author_id != actor.id and not can(actor, "grants.manage"):
        raise Invalid("event_id", "You can link events you organise.")
    exists = db.session.execute(select(ProjectEvent.id).where(
        ProjectEvent.project_id == project.id, ProjectEvent.event_id == event.id)).first()
    if exists is None:
        db.session.add(ProjectEvent(project_id=project.id, event_id=event.id))
        log(project, actor, "event", f"Event added: {event.title}")
        tell_members(project, f"New event for “{project.title}”: {event.title}",
                     except_ids={actor.id})
        db.session.commit()
    return event


def unlink_event(actor, project, event_id):
    require(actor, "project.contribute", project)
    link = db.session.execute(select(ProjectEvent).where(
        ProjectEvent.project_id == project.id, ProjectEvent.event_id == event_id)
    ).scalar_one_or_none()
    if link is not None:
        db.session.delete(link)
        db.session.commit()


# --- shared ----------------------------------------------------------------------------------


def format_money(pence):
    """£1,250 or £1,250.50: how amounts read everywhere."""
    pounds, rest = divmod(int(pence), 100)
    return f"£{pounds:,}" + (f".{rest:02d}" if rest else "")
