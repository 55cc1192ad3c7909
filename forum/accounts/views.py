"""Sign up, sign in, recover, and manage one's own account and profile."""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from forum.accounts import forms, services
from forum.accounts.sessions import hash_token, list_sessions
from forum.core.forms import ActionForm, show_error
from forum.core.policy import can
from forum.core.security import safe_next_url
from forum.errors import DomainError
from forum.extensions import limiter
from forum.skills import matches as skills_matches
from forum.skills import services as skills_services

bp = Blueprint("accounts", __name__)


def _limit(setting):
    return lambda: current_app.config[setting]


def _login_key():
    return "signin:" + request.form.get("login", "").strip().lower()


def _failed(response):
    # Only failed attempts count towards the sign-in limit; a successful sign-in redirects.
    return response.status_code != 302


def _ward_choices():
    return [("", "Choose your ward")] + [(w.slug, w.name) for w in services.list_wards()]


def _begin_session(user, remember=False):
    services.start_session(user, request.headers.get("User-Agent", ""))
    login_user(user, remember=remember)


@bp.route("/account/signup", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGNUP"), methods=["POST"])
def signup():
    """Create an account."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.SignUpForm()
    form.ward.choices = _ward_choices()
    if form.validate_on_submit():
        try:
            user = services.sign_up(form.username.data, form.email.data, form.password.data,
                                    form.date_of_birth.data, form.ward.data)
        except DomainError as error:
            show_error(form, error)
        else:
            _begin_session(user)
            flash(f"Welcome to Common Ground, {user.username}! We've sent a link to "
                  f"{user.email}: follow it to confirm your address and start posting.",
                  "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/signup.html", form=form)


@bp.route("/account/verify/<token>")
def verify_email(token):
    """Confirm an e-mail address from the link we sent."""
    try:
        user = services.verify_email(token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    flash(f"Thanks, {user.username}: your e-mail address is confirmed.", "success")
    return redirect(url_for("accounts.settings" if current_user.is_authenticated
                            else "accounts.signin"))


@bp.route("/account/verify", methods=["POST"])
@login_required
@limiter.limit(_limit("RATELIMIT_RESET"))
def resend_verification():
    """Send the confirmation e-mail again."""
    if ActionForm().validate_on_submit():
        services.send_verification_email(current_user)
        flash(f"We've sent a new link to {current_user.email}.", "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/account/signin", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN"), methods=["POST"], deduct_when=_failed)
@limiter.limit(_limit("RATELIMIT_SIGNIN_PER_ACCOUNT"), key_func=_login_key, methods=["POST"],
               deduct_when=_failed)
def signin():
    """Sign in with a username or e-mail address."""
    next_url = safe_next_url(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = forms.SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.data, form.password.data)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            _begin_session(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(next_url)
    return render_template("accounts/signin.html", form=form, next_url=request.values.get("next"))


@bp.route("/account/signout", methods=["POST"])
def signout():
    """Sign this browser out; its cookie stops working everywhere."""
    if current_user.is_authenticated and ActionForm().validate_on_submit():
        services.sign_out(current_user)
        logout_user()
        flash("You're signed out. See you soon.", "success")
    return redirect(url_for("core.home"))


@bp.route("/account/signout-everywhere", methods=["POST"])
@login_required
def signout_everywhere():
    """Sign out every browser and device, this one included."""
    if ActionForm().validate_on_submit():
        services.sign_out_everywhere(current_user)
        logout_user()
        flash("You're signed out on every device.", "success")
    return redirect(url_for("accounts.signin"))


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def request_reset():
    """Ask for a password reset link."""
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
def reset_password(token):
    """Choose a new password from an e-mailed link."""
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message,
                               retry=url_for("accounts.request_reset")), 400
    form = forms.NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            logout_user()
            flash(f"Your password is changed, {user.username}. Sign in with it now; any "
                  "other devices have been signed out.", "success")
            return redirect(url_for("accounts.signin"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/account/")
@login_required
def settings():
    """Show the account overview: address, verification, sessions, links to each setting."""
    return render_template("accounts/settings.html", sessions=list_sessions(current_user),
                           current_session_hash=hash_token(current_user.session_token))


@bp.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    """Edit the public profile."""
    form = forms.ProfileForm(obj=current_user)
    form.ward.choices = _ward_choices()
    if request.method == "GET":
        form.ward.data = current_user.ward.slug if current_user.ward else ""
        form.languages.data = ", ".join(current_user.languages or [])
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.display_name.data, form.bio.data,
                                    form.ward.data, form.languages.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.profile", username=current_user.username))
    return render_template("accounts/edit_profile.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; other devices are signed out."""
    form = forms.ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data,
                                     form.new_password.data, request.headers.get("User-Agent"))
        except DomainError as error:
            show_error(form, error)
        else:
            # The old session row is gone; carry on under the fresh one, and keep "remember
            # me" working on this device by pointing its cookie at the fresh session too.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME",
                                                "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    """Ask to change the e-mail address; a link to the new address confirms it."""
    form = forms.ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(current_user, form.current_password.data,
                                          form.email.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"We've sent a link to {form.email.data}. Your address changes when you "
                  "follow it.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token):
    """Confirm a new e-mail address from the link we sent there."""
    try:
        services.confirm_email_change(token)
    except DomainError as error:
        return render_template("accounts/link_problem.html", message=error.message), 400
    flash("Your e-mail address is changed.", "success")
    return redirect(url_for("accounts.settings" if current_user.is_authenticated
                            else "accounts.signin"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete the account for good, after the password is given."""
    form = forms.DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            logout_user()
            flash("Your account is deleted and your details erased. Thank you for being part "
                  "of Common Ground.", "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/delete.html", form=form)


@bp.route("/account/data.json")
@login_required
def download_data():
    """Download everything we hold about me, as JSON."""
    data = services.export_personal_data(current_user)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="common-ground-{current_user.username}'
                               '.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/u/<username>")
def profile(username):
    """Show a person's profile, as much of it as the viewer may see."""
    user = services.get_profile(username)
    if not can(current_user, "profile.view", user):
        abort(404)
    full = can(current_user, "profile.view_full", user)
    return render_template(
        "accounts/profile.html", person=user, full=full,
        can_edit=can(current_user, "profile.edit", user),
        can_see_private=can(current_user, "user.view_private", user),
        # A young person's time credits are part of their private profile.
        credits=skills_matches.time_credit_summary(user) if full else None,
        listings=[listing for listing in skills_services.list_own_listings(user)
                  if listing.is_open and can(current_user, "listing.view", listing)],
        blocked=current_user.is_authenticated and services.has_blocked(current_user, user),
        can_block=can(current_user, "user.block", user),
    )


@bp.route("/u/<username>/block", methods=["POST"])
@login_required
def block(username):
    """Block someone: they can't ask you for a match or message you; open matches end."""
    user = services.get_profile(username)
    if ActionForm().validate_on_submit():
        services.block_user(current_user, user)
        flash(f"You've blocked {user.public_name}. They can't "
              "ask you for a match or message you, and any match between you has ended.",
              "success")
    return redirect(url_for("accounts.profile", username=user.username))


@bp.route("/u/<username>/unblock", methods=["POST"])
@login_required
def unblock(username):
    """Take a block back."""
    user = services.get_profile(username)
    if ActionForm().validate_on_submit():
        services.unblock_user(current_user, user)
        flash(f"You've unblocked {user.public_name}.", "success")
    return redirect(url_for("accounts.profile", username=user.username))
