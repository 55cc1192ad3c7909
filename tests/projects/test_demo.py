"""The demo projects load on top of the demo neighbourhood, in every stage."""

from datetime import date

from sqlalchemy import select

from forum import demo
from forum.accounts.models import User
from forum.extensions import db
from forum.projects import demo as projects_demo
from forum.projects import services


def test_the_demo_projects_cover_every_stage_with_plans_young_members_and_an_event(ctx):
    demo.load(ctx)
    people = {user.username: user for user in db.session.execute(select(User)).scalars()}
    made = projects_demo.load(people)
    assert {project.state for project in made.values()} == {"idea", "active", "funded",
                                                             "completed"}
    assert len({project.ward_id for project in made.values()}) >= 5
    fridge = made["fridge"]
    assert any(member.user.is_minor for member in services.members(fridge))
    due = [task.due_on for task in services.tasks(fridge) if task.due_on]
    assert min(due) < date.today() < max(due)
    assert any(task.is_done for task in services.tasks(fridge))
    assert [event.title for event in services.linked_events(fridge, None)] == [
        "Saturday community café"]
    assert fridge.discussion_board.topic_count == 1
    for name in ("fridge", "tools", "cookbook", "language_cafe", "five_a_side"):
        assert made[name].state in ("idea", "active")
