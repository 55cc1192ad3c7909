"""Server-side sessions: the cookie holds a random token; the row decides if it still works."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from forum.accounts.models import UserSession, utcnow
from forum.extensions import db

# Writing last_seen_at on every request would turn every page view into a write.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(user, user_agent=""):
    """Create a session row for `user` and put its token on the user for Flask-Login."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        token_hash=hash_token(token), user=user, user_agent=(user_agent or "")[:200]
    ))
    user.session_token = token
    return token


def close_session(token):
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def close_all_sessions(user):
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def load_user_from_session_token(token):
    """Flask-Login's user loader: the user behind a live session token, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        db.select(UserSession).where(UserSession.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if row is None:
        return None
    now = utcnow()
    idle_limit = timedelta(days=current_app.config["SESSION_IDLE_DAYS"])
    if now - row.last_seen_at > idle_limit:
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        db.session.commit()
    user = row.user
    if not user.is_active:
        # Suspended or banned while signed in: treated as signed out from the next request;
        # signing in again tells them why.
        return None
    user.session_token = token
    return user


def list_sessions(user):
    return db.session.execute(
        db.select(UserSession).where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc())
    ).scalars().all()

