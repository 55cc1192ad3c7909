"""A view decorator for pages that one policy action guards (the staff pages)."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from forum.core.policy import can


def allowed_only(action):
    """Sign in first (visitors go to the sign-in page), then policy must allow `action`."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return guarded

    return decorate
