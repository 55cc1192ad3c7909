"""People, wards, roles, sessions and safeguarding checks."""

from datetime import UTC, date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db

ROLES = ("moderator", "staff", "admin")

AGE_BANDS = ("under_16", "16_17", "adult")
AGE_BAND_LABELS = {"under_16": "13 to 15", "16_17": "16 or 17", "adult": "18 or over"}

ACCOUNT_STATES = ("active", "suspended", "banned", "deleted")


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def age_on(date_of_birth, today):
    """Whole years from a date of birth to `today` (a 29 February birthday counts on 1 March)."""
    years = today.year - date_of_birth.year
    if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def age_band_for(date_of_birth, today=None):
    age = age_on(date_of_birth, today or date.today())
    if age < 16:
        return "under_16"
    if age < 18:
        return "16_17"
    return "adult"


class Ward(db.Model):
    """An electoral ward of the borough; the unit residents identify with."""

    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # The slug stays put when a ward is renamed: it appears in links and forms outside the site.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # The ward's centre, for "lives 2 km away" in the matchmaker; optional.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self):
        return f"<Ward {self.slug}>"


class WardAlias(db.Model):
    """A slug that used to belong to a ward merged into another: old links still arrive."""

    __tablename__ = "ward_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ward: Mapped[Ward] = relationship()


class User(db.Model):
    """A person with an account. Every verified account is a resident; roles add duties."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_username_key", "username_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # Lower-cased username: "Sam" and "sam" are the same person to other residents.
    username_key: Mapped[str] = mapped_column(String(30))
    # Stored lower-cased; NULL once the account is deleted.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    email_verified_at: Mapped[datetime | None]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    date_of_birth: Mapped[date | None]
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    # What the person typed (Markdown), and the same rendered by the content pipeline.
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16), default="active")
    state_reason: Mapped[str] = mapped_column(Text, default="")
    state_until: Mapped[datetime | None]
    # Muted people can read but not post until then (a moderation sanction).
    muted_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    deleted_at: Mapped[datetime | None]

    ward: Mapped[Ward | None] = relationship(lazy="joined")
    role_grants: Mapped[list["RoleGrant"]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan",
        foreign_keys="RoleGrant.user_id",
    )
    # Loaded when asked for (lists that show it load it with selectinload).
    mentor_checks: Mapped[list["MentorCheck"]] = relationship(
        back_populates="user", order_by="MentorCheck.checked_on.desc()",
        foreign_keys="MentorCheck.user_id", cascade="all, delete-orphan",
    )

    # --- Flask-Login protocol -------------------------------------------------------------
    # The id Flask-Login keeps in the cookie is the session token, not the user id, so that
    # deleting the session row signs that browser out (see accounts/sessions.py).
    session_token = None

    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.state == "active"

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return self.session_token

    # --- who this person is ---------------------------------------------------------------
    @property
    def roles(self):
        return {grant.role for grant in self.role_grants}

    def has_role(self, role):
        return role in self.roles

    @property
    def is_muted(self):
        return self.muted_until is not None and self.muted_until > utcnow()

    @property
    def is_verified(self):
        return self.email_verified_at is not None

    def age_band(self, today=None):
        if self.date_of_birth is None:
            return "adult"
        return age_band_for(self.date_of_birth, today)

    @property
    def is_minor(self):
        return self.age_band() != "adult"

    def current_mentor_check(self, today=None):
        today = today or date.today()
        for check in self.mentor_checks:
            if check.revoked_at is None and check.checked_on <= today <= check.expires_on:
                return check
        return None

    @property
    def is_verified_mentor(self):
        return not self.is_minor and self.current_mentor_check() is not None

    @property
    def name(self):
        return self.display_name or self.username

    @property
    def first_name(self):
        """What others see of a young person: the first word of their name."""
        return self.name.split()[0] if self.name.split() else self.username

    @property
    def public_name(self):
        """The name shown to others: a young person's first name only (DESIGN §5)."""
        return self.first_name if self.is_minor else self.name

    def __repr__(self):
        return f"<User {self.username}>"


class RoleGrant(db.Model):
    """A role given to a user, and who gave it."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class MentorCheck(db.Model):
    """A safeguarding (DBS) check that a staff member saw and recorded for an adult."""

    __tablename__ = "mentor_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    checked_on: Mapped[date]
    expires_on: Mapped[date]
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="mentor_checks", foreign_keys=[user_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class UserSession(db.Model):
    """One signed-in browser. Deleting the row signs that browser out, wherever its cookie is."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the token in the cookie: a copy of the database cannot be used to sign in.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="joined")


class Block(db.Model):
    """One person blocking another: neither can request a match with, or message, the other."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
