"""The rules of a project's life, called as services: proposing (and its board), the group,
stages, the action plan, the log and linked events."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from forum.boards.models import Board, BoardFollow
from forum.boards.services import list_boards
from forum.errors import Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.projects import services
from forum.projects.models import Project, ProjectTask, ProjectUpdate
from tests.events.factories import create_event
from tests.projects.factories import DESCRIPTION, propose, roles_in


@pytest.fixture
def lena(ctx, make_user):
    return make_user("lena", display_name="Lena Lead")


@pytest.fixture
def sam(ctx, make_user):
    return make_user("sam", display_name="Sam Member")


@pytest.fixture
def staff(ctx, make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


def log_of(project):
    return [update.text for update in services.updates(project)]


# --- proposing ---------------------------------------------------------------------------------


def test_proposing_makes_the_proposer_lead_of_a_group_with_an_unlisted_board(lena):
    project = propose(lena)
    assert (project.state, project.status, project.member_count) == ("idea", "published", 1)
    assert roles_in(project) == {"lena": "lead"}
    board = db.session.get(Board, project.board_id)
    assert (board.slug, board.listed) == (f"project-{project.id}", False)
    assert board not in list_boards()
    assert db.session.execute(select(BoardFollow).where(
        BoardFollow.user_id == lena.id, BoardFollow.board_id == board.id)).first()
    assert log_of(project) == ["Lena Lead proposed the idea."]


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "Tool"}, "title"),
    ({"body": "Too short."}, "body"),
    ({"body": "x" * (services.BODY_MAX + 1)}, "body"),
    ({"ward_id": None}, "ward_id"),
    ({"audiences": [], "brings_together": ""}, "audiences"),
    ({"audiences": ["aliens"]}, "audiences"),
    ({"brings_together": "x" * 301}, "brings_together"),
])
def test_a_proposal_missing_something_is_refused_for_that_field(lena, changes, field):
    values = {"title": "Eastbrook tool library", "body": DESCRIPTION, "ward_id": lena.ward_id,
              "audiences": ["neighbours"], "brings_together": "", **changes}
    with pytest.raises(Invalid) as refused:
        services.propose(lena, **values)
    assert refused.value.field == field
    assert db.session.execute(select(func.count()).select_from(Project)).scalar_one() == 0


def test_someone_who_has_not_confirmed_their_email_cannot_propose(make_user):
    with pytest.raises(NotAllowed, match="Confirm your e-mail address"):
        propose(make_user("newbie", verified=False))


def test_a_held_proposal_is_seen_only_by_its_proposer_and_moderators(lena, sam, make_user,
                                                                    says):
    says("hold", 0.9, "hate:group")
    with pytest.raises(Exception) as asked:
        propose(lena)
    project = services.propose(lena, "Eastbrook tool library", DESCRIPTION, lena.ward_id,
                               ["neighbours"], nudge_id=asked.value.nudge.id)
    assert project.status == "held"
    assert services.get_project(project.id, lena) is project
    assert services.get_project(project.id, make_user("ravi", roles=["moderator"])) is project
    with pytest.raises(NotFound):
        services.get_project(project.id, sam)
    assert services.list_projects(sam) == ([], 0)
    assert services.list_projects(lena) == ([project], 1)


def test_list_projects_filters_by_ward_and_stage(lena, sam, make_ward):
    elsewhere = make_ward("Hillside")
    here = propose(lena, "Riverside tool library")
    there = propose(sam, "Hillside street party", ward=elsewhere)
    services.set_state(sam, there, "active")
    assert services.list_projects(None) == ([there, here], 2)
    assert services.list_projects(None, ward=elsewhere) == ([there], 1)
    assert services.list_projects(None, state="idea") == ([here], 1)
    with pytest.raises(Invalid):
        services.list_projects(None, state="dreaming")


# --- the group ---------------------------------------------------------------------------------


def test_joining_adds_a_member_who_follows_the_board_and_twice_is_harmless(lena, sam):
    project = propose(lena)
    services.join(sam, project)
    services.join(sam, project)
    assert roles_in(project) == {"lena": "lead", "sam": "member"}
    assert project.member_count == 2
    assert db.session.execute(select(BoardFollow).where(
        BoardFollow.user_id == sam.id, BoardFollow.board_id == project.board_id)).first()
    assert log_of(project)[0] == "Sam Member joined the group."


def test_nobody_joins_a_completed_project(lena, sam):
    project = propose(lena)
    services.set_state(lena, project, "active")
    services.set_state(lena, project, "completed")
    with pytest.raises(NotAllowed):
        services.join(sam, project)


def test_the_only_lead_hands_over_before_leaving_a_group_with_members(lena, sam):
    project = propose(lena)
    services.join(sam, project)
    with pytest.raises(NotAllowed, match="make another member a lead"):
        services.leave(lena, project)
    services.make_lead(lena, project, sam.id)
    services.leave(lena, project)
    assert roles_in(project) == {"sam": "lead"}
    assert project.member_count == 1


def test_only_leads_and_staff_make_leads_and_only_of_members(lena, sam, staff, make_user):
    project = propose(lena)
    services.join(sam, project)
    with pytest.raises(NotAllowed):
        services.make_lead(sam, project, sam.id)
    with pytest.raises(Invalid):
        services.make_lead(lena, project, make_user("outsider").id)
    services.make_lead(staff, project, sam.id)
    assert roles_in(project)["sam"] == "lead"


# --- stages ------------------------------------------------------------------------------------


def test_the_lead_moves_an_idea_on_and_the_log_says_so(lena, sam):
    project = propose(lena)
    services.join(sam, project)
    services.set_state(lena, project, "active", "We've found a hall.")
    assert project.state == "active"
    assert log_of(project)[0] == ("Lena Lead moved the project from idea to active. We've "
                                  "found a hall.")
    services.set_state(lena, project, "completed")
    assert project.completed_at is not None


@pytest.mark.parametrize(("path", "wanted", "message"), [
    ((), "completed", "A project can't go from idea to completed."),
    ((), "funded", "A project becomes funded when a grant is awarded to it."),
    (("active",), "funded", "A project becomes funded when a grant is awarded to it."),
    (("active", "completed"), "active", "A project can't go from completed to active."),
    ((), "dreaming", "Choose a stage from the list."),
])
def test_moves_outside_the_path_are_refused(lena, path, wanted, message):
    project = propose(lena)
    for state in path:
        services.set_state(lena, project, state)
    with pytest.raises(Invalid) as refused:
        services.set_state(lena, project, wanted)
    assert (refused.value.field, refused.value.message) == ("state", message)


def test_members_who_do_not_lead_cannot_move_the_project_but_staff_can(lena, sam, staff):
    project = propose(lena)
    services.join(sam, project)
    with pytest.raises(NotAllowed):
        services.set_state(sam, project, "active")
    services.set_state(staff, project, "active")
    assert project.state == "active"


# --- the plan, the log and events --------------------------------------------------------------


def test_members_plan_tick_and_delete_tasks(lena, sam):
    project = propose(lena)
    services.join(sam, project)
    task = services.add_task(sam, project, "Book the hall", owner_id=lena.id,
                             due_on=date.today() + timedelta(days=7))
    assert (task.owner_id, task.is_done) == (lena.id, False)
    services.set_task_done(lena, task, True)
    assert task.is_done and log_of(project)[0] == "Lena Lead finished: Book the hall"
    services.set_task_done(lena, task, False)
    assert not task.is_done
    services.delete_task(sam, task)
    assert db.session.execute(select(func.count()).select_from(ProjectTask)).scalar_one() == 0


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "Go"}, "title"),
    ({"due_on": date.today() - timedelta(days=1)}, "due_on"),
    ({"owner_id": "outsider"}, "owner_id"),
])
def test_a_task_the_plan_cannot_take_is_refused_for_that_field(lena, make_user, changes, field):
    project = propose(lena)
    if changes.get("owner_id") == "outsider":
        changes["owner_id"] = make_user("outsider").id
    values = {"title": "Book the hall", "owner_id": None, "due_on": None, **changes}
    with pytest.raises(Invalid) as refused:
        services.add_task(lena, project, **values)
    assert refused.value.field == field


def test_people_outside_the_group_cannot_touch_its_plan_or_log(lena, sam):
    project = propose(lena)
    task = services.add_task(lena, project, "Book the hall")
    with pytest.raises(NotAllowed):
        services.add_task(sam, project, "Something else")
    with pytest.raises(NotAllowed):
        services.set_task_done(sam, task, True)
    with pytest.raises(NotAllowed):
        services.delete_task(sam, task)
    with pytest.raises(NotAllowed):
        services.post_update(sam, project, "Hello")


def test_an_update_lands_in_the_log_newest_first(lena):
    project = propose(lena)
    with pytest.raises(Invalid):
        services.post_update(lena, project, "   ")
    services.post_update(lena, project, "We've booked the hall for March.")
    assert log_of(project)[0] == "We've booked the hall for March."
    assert db.session.execute(select(ProjectUpdate.kind).order_by(ProjectUpdate.id.desc())
                              .limit(1)).scalar_one() == "note"


def test_members_link_their_own_events_and_unlink_them(lena, sam):
    project = propose(lena)
    services.join(sam, project)
    mine, theirs = create_event(lena, title="Tool library launch"), create_event(sam)
    assert services.linkable_events(lena, project) == [mine]
    with pytest.raises(Invalid, match="You can link events you organise."):
        services.link_event(lena, project, theirs.id)
    services.link_event(lena, project, mine.id)
    services.link_event(lena, project, mine.id)
    assert services.linked_events(project, None) == [mine]
    assert services.linkable_events(lena, project) == []
    assert log_of(project)[0] == "Event added: Tool library launch"
    services.unlink_event(sam, project, mine.id)
    assert services.linked_events(project, None) == []


def test_leaving_stops_following_the_groups_board_and_the_last_member_stays(lena, sam):
    project = propose(lena)
    services.join(sam, project)

    def follows(user):
        return db.session.execute(select(func.count()).select_from(BoardFollow).where(
            BoardFollow.user_id == user.id, BoardFollow.board_id == project.board_id)
        ).scalar_one()

    assert follows(sam) == 1
    services.leave(sam, project)
    assert follows(sam) == 0
    # Alone, the lead cannot leave a project with nobody in it.
    with pytest.raises(NotAllowed, match="only member"):
        services.leave(lena, project)
    assert roles_in(project) == {"lena": "lead"}


def test_only_events_still_to_come_can_be_linked(lena):
    project = propose(lena)
    past = create_event(lena, title="Last year's fair")
    for column in ("starts_at", "ends_at", "repeats_until"):
        if getattr(past, column) is not None:
            setattr(past, column, getattr(past, column) - timedelta(days=400))
    db.session.commit()
    upcoming = create_event(lena, title="Spring fair")
    assert services.linkable_events(lena, project) == [upcoming]
