"""Helpers for project tests: a project proposed through the service, and its rows read back
(inside an application context)."""

from sqlalchemy import select

from forum.extensions import db
from forum.projects import services
from forum.projects.models import Project, ProjectMember

DESCRIPTION = ("A tool library in the community centre: lend drills, ladders and sewing "
               "machines, and teach people to use them.")


def propose(author, title="Eastbrook tool library", body=DESCRIPTION, ward=None,
            audiences=("neighbours", "older_people"), brings_together=""):
    """A project proposed by `author` in their own ward (or `ward`)."""
    ward_id = (ward or author.ward).id
    return services.propose(author, title, body, ward_id, list(audiences), brings_together)


def project_titled(title):
    return db.session.execute(select(Project).where(Project.title == title)).scalar_one()


def roles_in(project):
    """{username: role} for the project's group."""
    return {member.user.username: member.role for member in db.session.execute(
        select(ProjectMember).where(ProjectMember.project_id == project.id)).scalars()}
