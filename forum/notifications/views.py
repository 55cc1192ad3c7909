"""The notification bell, the list, and opening one notification."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum.core import content
from forum.core.forms import ActionForm
from forum.core.paging import page_number
from forum.extensions import db
from forum.notifications import services

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def unread_notifications():
    """The bell's count, for the header of every page (one COUNT query when signed in)."""
    def count():
        if not current_user.is_authenticated:
            return 0
        return services.unread_count(current_user)

    return {"unread_notification_count": count}


@bp.route("/notifications")
@login_required
def index():
    """List my notifications, newest first."""
    page = page_number()
    return render_template("notifications/index.html",
                           notifications=services.list_notifications(current_user, page),
                           form=ActionForm())


@bp.route("/notifications/<int:notification_id>")
@login_required
def open(notification_id):
    """Mark a notification read and go to what it is about."""
    notification = services.open_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    if notification.url:
        return redirect(notification.url)
    kind = content.KINDS.get(notification.content_kind)
    target = db.session.get(kind.model, notification.content_id) if kind else None
    if target is None or not content.visible(target, current_user):
        abort(404, "What this notification was about is no longer available.")
    return redirect(kind.url(target))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    """Mark every notification read."""
    if ActionForm().validate_on_submit():
        services.mark_all_read(current_user)
    return redirect(url_for("notifications.index"))


def digest_link(notification):
    return url_for("notifications.open", notification_id=notification.id, _external=True)
