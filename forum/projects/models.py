"""Community projects: an idea a resident proposes, the group that forms around it, its
discussion board, action plan, linked events and update log."""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.core.content import ContentKind, Moderated, register_kind
from forum.extensions import db

# A project's life, in order. Moving on is the group lead's (or staff's) decision, except
# "funded", which only a grant decision or a participatory vote sets.
STATES = {
    "idea": "Idea",
    "active": "Active",
    "funded": "Funded",
    "completed": "Completed",
}
# Who a project brings together: the groups the council's cohesion work counts.
AUDIENCES = {
    "young_people": "Young people",
    "older_people": "Older residents",
    "faiths": "People of different faiths",
    "cultures": "People of different cultures and backgrounds",
    "newcomers": "Newcomers to the area",
    "disabled_people": "Disabled people",
    "families": "Families",
    "neighbours": "Neighbours on the same street or estate",
}


class Project(Moderated, db.Model):
    """A resident's idea for the neighbourhood, and the group that carries it out."""

    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_browse", "status", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    # What and why, in the proposer's words (Markdown, through the content pipeline).
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    # Who it brings together, in the proposer's words, beside the chosen groups.
    brings_together: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(12), default="idea")
    # The group's own discussion board, made with the project.
    board_id: Mapped[int | None] = mapped_column(ForeignKey("boards.id", ondelete="SET NULL"),
                                                 unique=True)
    member_count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    author = relationship("User")
    ward = relationship("Ward", lazy="joined")
    # Not named "board": moderation files a project's cases under its ward, not this board.
    discussion_board = relationship("Board")

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)


class ProjectMember(db.Model):
    """Someone in a project's group; the proposer joins as its lead."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")  # "lead" or "member"
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", lazy="joined")


class ProjectTask(db.Model):
    """One step of the action plan: what, who, by when, and whether it is done."""

    __tablename__ = "project_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(150))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner = relationship("User", foreign_keys=[owner_id], lazy="joined")

    @property
    def is_done(self):
        return self.done_at is not None


class ProjectUpdate(db.Model):
    """The project's log: state changes, grant decisions and the group's own news, in order."""

    __tablename__ = "project_updates"
    __table_args__ = (Index("ix_project_updates_project", "project_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "note" (written by a member), "state", "joined", "grant", "event"
    kind: Mapped[str] = mapped_column(String(10), default="note")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="joined")


class ProjectEvent(db.Model):
    """An event the group runs, linked from the project page (events stay in their calendar)."""

    __tablename__ = "project_events"
    __table_args__ = (UniqueConstraint("project_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)

    event = relationship("Event", lazy="joined")


def _project_url(project):
    return f"/projects/{project.id}"


def _project_document(project):
    if not project.is_published:
        return None
    return {"title": project.title, "body": project.body_text,
            "ward": project.ward.slug if project.ward else None,
            "author": project.author.username, "created": project.created_at,
            "url": _project_url(project)}


def _redact_project(project, text):
    """A moderator's redaction replaces the description (the caller commits)."""
    from forum.core import content

    prepared = content.prepare(text, {"kind": "redaction"})
    project.body_source, project.body_html = text, prepared.html
    project.body_text = prepared.text
    project.updated_at = utcnow()


register_kind(ContentKind(
    name="project", model=Project, url=_project_url,
    title=lambda project: f"Project: {project.title}",
    text=lambda project: project.body_text,
    search_document=_project_document,
    redact=_redact_project,
))
