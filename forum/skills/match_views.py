"""Match pages: my requests and matches, and one match with its messages, sessions, feedback
and concerns. Its routes join the skills blueprint (`forum.skills.views.bp`)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from forum.core.forms import ActionForm, nudge_id_of, reconsider, show_error
from forum.core.policy import can, session_refusal
from forum.core.templating import local_time
from forum.errors import DomainError, NotAllowed
from forum.moderation.services import NeedsReconsideration
from forum.skills import forms, matches, safeguarding
from forum.skills.matches import HeldForSafeguarding
from forum.skills.views import bp, why_not


@bp.route("/matches/")
@login_required
def my_matches():
    """My requests and matches: received, sent, active, and past."""
    groups = {"received": [], "sent": [], "active": [], "past": []}
    for match in matches.list_my_matches(current_user):
        if match.state == "requested":
            groups["received" if match.partner_id == current_user.id else "sent"].append(match)
        else:
            groups["active" if match.state == "active" else "past"].append(match)
    return render_template("skills/my_matches.html", **groups)


# --- one match ---------------------------------------------------------------------------------


@bp.route("/matches/<int:match_id>")
@login_required
def match(match_id):
    """Show a match: messages, sessions, feedback, and what each side can do next."""
    match = matches.get_match(match_id, current_user)
    if not match.includes(current_user):
        matches.read_as_staff(current_user, match)
    return _render_match(match)


def _session_form(match, fresh=False):
    """The propose-a-session form; `fresh`: empty, even while another form is being posted."""
    form = forms.SessionForm(formdata=None) if fresh else forms.SessionForm()
    form.giver.choices = [SelectChoice(str(person.id), "Me" if person.id ==
                                             current_user.id else person.public_name)
                          for person in match.people]
    if form.giver.data is None:
        form.giver.data = current_user.id
    return form


def _rearrange_form(session, fresh=False):
    """A form to move one session (its fields are prefixed, as there is one per session);
    `fresh`: filled in with the session's current time and place."""
    if not fresh:
        return forms.RearrangeForm(prefix=f"s{session.id}")
    form = forms.RearrangeForm(prefix=f"s{session.id}", formdata=None)
    starts = local_time(session.starts_at)
    form.day.data, form.time.data = starts.date(), starts.time()
    form.minutes.data, form.venue.data = session.minutes, session.venue
    form.venue_is_public.data = session.venue_is_public
    return form


def _session_actions(match, sessions):
    """What the viewer may do to each session: the policy's answers, for the buttons (the pair
    rule is asked once for the page)."""
    may_arrange = can(current_user, "match.session", match)
    return {session.id: {action: session_refusal(current_user, session, action,
                                                 may_arrange=may_arrange) is None
                         for action in ("confirm", "cancel", "done", "rearrange")}
            for session in sessions}


def _render_match(match, status=200, nudge=None, rearrange=None, **given):
    sessions = matches.list_sessions(match)
    actions = _session_actions(match, sessions)
    page = {
        "message_form": forms.MessageForm(formdata=None),
        "session_form": _session_form(match, fresh=True),
        "respond_form": forms.RespondForm(formdata=None),
        "feedback_form": forms.FeedbackForm(formdata=None),
        "end_form": forms.EndMatchForm(formdata=None),
        "concern_form": forms.ConcernForm(formdata=None),
        "rearrange_forms": {session.id: _rearrange_form(session, fresh=True)
                            for session in sessions if actions[session.id]["rearrange"]},
    }
    page.update(given)
    if rearrange is not None:
        page["rearrange_forms"][rearrange[0]] = rearrange[1]
    young = [person for person in match.people if person.is_minor]
    in_match = match.includes(current_user)
    can_message = can(current_user, "match.message", match)
    can_respond = can(current_user, "match.respond", match)
    return render_template(
        "skills/match.html", match=match, sessions=sessions, actions=actions, nudge=nudge,
        messages=matches.list_messages(match, current_user),
        feedback=matches.list_feedback(match), young=young,
        in_match=in_match, other=match.other(current_user) if in_match else None,
        can_message=can_message,
        paused_reason=why_not(match.other(current_user), reaching_out=False)
        if in_match and match.state == "active" and not can_message else None,
        can_arrange=can(current_user, "match.session", match),
        can_respond=can_respond,
        accept_refusal=matches.match_refusal(current_user, match.requester, reaching_out=False)
        if can_respond else None,
        can_withdraw=can(current_user, "match.withdraw", match),
        can_end=can(current_user, "match.end", match),
        can_concern=can(current_user, "match.concern", match),
        can_feedback=matches.may_give_feedback(current_user, match), **page,
    ), status


def _match_form(match, form, name, write, anchor=lambda result: "", done=None, to=None):
    """Validate `form`, call `write(form)` (one service), and go back to the match page (or
    `to`); on a problem, show the match page again with the form's text and errors."""
    nudge = None
    if form.validate_on_submit():
        try:
            result = write(form)
        except NeedsReconsideration as prompt:
            nudge = reconsider(form, prompt)
        except HeldForSafeguarding as held:
            flash(held.message, "warning")
            return redirect(url_for("skills.match", match_id=match.id, _anchor=f"m{held.held.id}"))
        except NotAllowed as error:
            # The form may no longer be on the page (the match ended, a block): say why.
            flash(error.message, "error")
            return redirect(url_for("skills.match", match_id=match.id))
        except DomainError as error:
            show_error(form, error)
        else:
            if done:
                flash(done, "success")
            return redirect(to or url_for("skills.match", match_id=match.id,
                                          _anchor=anchor(result)))
    return _render_match(match, 200 if nudge else 400, nudge=nudge, **{name: form})


@bp.route("/matches/<int:match_id>/messages", methods=["POST"])
@login_required
def send_message(match_id):
    """Post a message in a match."""
    match = matches.get_match(match_id, current_user)
    return _match_form(
        match, forms.MessageForm(), "message_form",
        lambda form: matches.send_message(current_user, match, form.body.data,
                                          nudge_id=nudge_id_of(form)),
        anchor=lambda message: f"m{message.id}")


@bp.route("/matches/<int:match_id>/respond", methods=["POST"])
@login_required
def respond(match_id):
    """Accept or decline a request (the button pressed says which)."""
    match = matches.get_match(match_id, current_user)
    if request.form.get("action") not in ("accept", "decline"):
        abort(400, "Choose Accept or Decline.")
    accept = request.form["action"] == "accept"
    return _match_form(
        match, forms.RespondForm(), "respond_form",
        lambda form: matches.respond(current_user, match, accept, form.reason.data),
        done="You're matched: say hello and suggest a first session." if accept else
        "You've declined the request. We've let them know.",
        to=None if accept else url_for("skills.my_matches"))


@bp.route("/matches/<int:match_id>/withdraw", methods=["POST"])
@login_required
def withdraw(match_id):
    """Take back a request that hasn't been answered."""
    match = matches.get_match(match_id, current_user)
    if ActionForm().validate_on_submit():
        try:
            matches.withdraw_request(current_user, match)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("skills.match", match_id=match.id))
        flash("Your request is withdrawn.", "success")
    return redirect(url_for("skills.my_matches"))


@bp.route("/matches/<int:match_id>/sessions", methods=["POST"])
@login_required
def propose_session(match_id):
    """Suggest a session; the other person confirms it."""
    match = matches.get_match(match_id, current_user)
    return _match_form(
        match, _session_form(match), "session_form",
        lambda form: matches.propose_session(
            current_user, match, form.day.data, form.time.data, form.minutes.data,
            form.venue.data, form.venue_is_public.data,
            giver_id=form.giver.data if match.format == "swap" else None),
        anchor=lambda session: f"s{session.id}",
        done="Session proposed. We've asked them to confirm it.")


def _session_of(match, session_id):
    session = next((session for session in matches.list_sessions(match)
                    if session.id == session_id), None)
    if session is None:
        abort(404, "There's no such session in this match.")
    return session


def _session_action(match_id, session_id, write, done):
    match = matches.get_match(match_id, current_user)
    session = _session_of(match, session_id)
    if ActionForm().validate_on_submit():
        try:
            write(session)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(done, "success")
    return redirect(url_for("skills.match", match_id=match.id, _anchor=f"s{session.id}"))


@bp.route("/matches/<int:match_id>/sessions/<int:session_id>/confirm", methods=["POST"])
@login_required
def confirm_session(match_id, session_id):
    """Confirm a session the other person proposed."""
    return _session_action(match_id, session_id,
                           lambda session: matches.confirm_session(current_user, session),
                           "Session confirmed.")


@bp.route("/matches/<int:match_id>/sessions/<int:session_id>/cancel", methods=["POST"])
@login_required
def cancel_session(match_id, session_id):
    """Cancel a session still to come."""
    return _session_action(match_id, session_id,
                           lambda session: matches.cancel_session(current_user, session),
                           "Session cancelled. We've let them know.")


@bp.route("/matches/<int:match_id>/sessions/<int:session_id>/done", methods=["POST"])
@login_required
def session_done(match_id, session_id):
    """Mark a session as having taken place: both sides get time credits."""
    return _session_action(match_id, session_id,
                           lambda session: matches.mark_session_done(current_user, session),
                           "Marked as done: the time is in both your time-credit records.")


@bp.route("/matches/<int:match_id>/sessions/<int:session_id>/rearrange", methods=["POST"])
@login_required
def rearrange_session(match_id, session_id):
    """Move a session to a new time or place; the new one waits for confirmation."""
    match = matches.get_match(match_id, current_user)
    session = _session_of(match, session_id)
    form = _rearrange_form(session)
    if form.validate_on_submit():
        try:
            new = matches.rearrange_session(current_user, session, form.day.data,
                                            form.time.data, form.minutes.data, form.venue.data,
                                            form.venue_is_public.data)
        except NotAllowed as error:
            flash(error.message, "error")
            return redirect(url_for("skills.match", match_id=match.id, _anchor=f"s{session.id}"))
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Session moved. We've asked them to confirm the new time.", "success")
            return redirect(url_for("skills.match", match_id=match.id, _anchor=f"s{new.id}"))
    return _render_match(match, 400, rearrange=(session.id, form))


@bp.route("/matches/<int:match_id>/feedback", methods=["POST"])
@login_required
def feedback(match_id):
    """Rate a match and say a few words, once."""
    match = matches.get_match(match_id, current_user)
    return _match_form(
        match, forms.FeedbackForm(), "feedback_form",
        lambda form: matches.leave_feedback(current_user, match, form.rating.data,
                                            form.comment.data),
        anchor=lambda result: "feedback", done="Thank you for your feedback.")


@bp.route("/matches/<int:match_id>/end", methods=["POST"])
@login_required
def end_match(match_id):
    """End a match; sessions still to come are cancelled."""
    match = matches.get_match(match_id, current_user)
    return _match_form(
        match, forms.EndMatchForm(), "end_form",
        lambda form: matches.end_match(current_user, match, form.reason.data),
        done="The match has ended. You can still leave feedback.")


@bp.route("/matches/<int:match_id>/concern", methods=["POST"])
@login_required
def concern(match_id):
    """Report a worry about a match straight to council safeguarding staff."""
    match = matches.get_match(match_id, current_user)
    return _match_form(
        match, forms.ConcernForm(), "concern_form",
        lambda form: safeguarding.raise_concern(current_user, match, form.details.data),
        done="Thank you for telling us. Council safeguarding staff have your concern and "
             "will look into it; they may contact you. The other person isn't told.")
