"""Skills swap and mentoring pages: listings, the matchmaker, matches, guardian consent."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from forum.accounts import services as accounts
from forum.accounts import tokens
from forum.core.forms import ActionForm, flash_if_held, form_status, show_error, submit_text
from forum.core.paging import page_number
from forum.core.policy import can
from forum.errors import DomainError, NotAllowed
from forum.extensions import limiter
from forum.skills import forms, matches, safeguarding, services
from forum.skills.models import (
    DAY_NAMES,
    FORMATS,
    LEVELS,
    LISTING_KINDS,
    MATCH_STATES,
    PARTS,
    SESSION_STATES,
    SUITABILITY,
)

bp = Blueprint("skills", __name__, url_prefix="/skills")

LABELS = {"kinds": LISTING_KINDS, "formats": FORMATS, "levels": LEVELS,
          "suitability": SUITABILITY, "match_states": MATCH_STATES,
          "session_states": SESSION_STATES, "days": DAY_NAMES, "parts": PARTS}


@bp.app_context_processor
def _labels():
    # App-wide: the profile page (accounts) shows listing cards too.
    return {"skill_labels": LABELS}


def why_not(other, reaching_out=True):
    """Why the viewer may not ask `other` for a match (or, inside a match, carry on), in plain
    words."""
    return matches.match_refusal(current_user, other, reaching_out) or (
        "You can't ask this person for a match." if reaching_out
        else "Council staff can tell you more.")


# --- browsing and guardian consent -------------------------------------------------------------


@bp.route("/")
def index():
    """Browse open listings; explain the swap; under-16s ask a parent or carer first."""
    return _render_index(forms.GuardianForm())


def _render_index(guardian_form, status=200):
    browse = forms.BrowseForm(request.args)
    browse.category.choices = forms.choices(
        ((category.slug, category.name) for category in services.list_categories()),
        blank="Any kind")
    browse.ward.choices = forms.choices(
        ((ward.slug, ward.name) for ward in accounts.list_wards()), blank="Anywhere")
    listings = services.list_listings(
        current_user, kind=browse.kind.data, format=browse.format.data,
        category=browse.category.data, ward=browse.ward.data, slot=browse.slot.data,
        under_18=browse.under_18.data, text=browse.q.data or "", page=page_number())
    ask_guardian = can(current_user, "skills.ask_guardian")
    return render_template(
        "skills/index.html", browse=browse, listings=listings, guardian_form=guardian_form,
        filtered=any(value for name, value in request.args.items() if name != "page"),
        ask_guardian=ask_guardian,
        consent=safeguarding.latest_consent(current_user) if ask_guardian else None,
        can_take_part=can(current_user, "skills.take_part"),
    ), status


@bp.route("/guardian", methods=["POST"])
@login_required
@limiter.limit("5 per hour", methods=["POST"])
def ask_guardian():
    """E-mail a parent or carer a link to agree to matches (under-16s)."""
    form = forms.GuardianForm()
    if form.validate_on_submit():
        try:
            consent = safeguarding.request_guardian_consent(
                current_user, form.guardian_name.data, form.guardian_email.data)
        except NotAllowed as error:
            abort(403, error.message)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"We've e-mailed {consent.guardian_name} a link. Once they agree, you can "
                  "ask verified mentors for a match.", "success")
            return redirect(url_for("skills.index", _anchor="guardian"))
    return _render_index(form, 400)


@bp.route("/consent/<token>", methods=["GET", "POST"])
def guardian_consent(token):
    """Show a parent or carer what they are agreeing to, and record their consent."""
    form = ActionForm()
    try:
        consent = safeguarding.consent_from_token(token)
        if form.validate_on_submit():
            safeguarding.give_consent(token)
            return redirect(url_for("skills.guardian_consent", token=token))
    except DomainError as error:
        return render_template("skills/consent_problem.html", message=error.message), 400
    return render_template("skills/consent.html", consent=consent, form=form)


@bp.route("/consent/<token>/withdraw", methods=["GET", "POST"])
def guardian_withdraw(token):
    """Confirm, then withdraw a guardian's consent; the young person's matches pause."""
    form = ActionForm()
    try:
        consent = safeguarding.consent_from_token(token, tokens.GUARDIAN_WITHDRAW)
        if form.validate_on_submit():
            safeguarding.withdraw_consent(token)
            return redirect(url_for("skills.guardian_withdraw", token=token))
    except DomainError as error:
        return render_template("skills/consent_problem.html", message=error.message), 400
    return render_template("skills/consent_withdraw.html", consent=consent, form=form)


# --- listings --------------------------------------------------------------------------------


def _listing_form(listing=None):
    form = forms.ListingForm()
    form.skill.choices = [SelectChoice("", "— not on the list —")] + [
        SelectChoice(str(skill.id), skill.name, optgroup=skill.category.name)
        for skill in services.list_skills()]
    if request.method == "GET":
        if listing is None:
            form.kind.data = request.args.get("kind") if request.args.get("kind") in \
                LISTING_KINDS else None
            form.level.data, form.suitable_for.data = "beginner", "everyone"
        else:
            form.kind.data, form.title.data, form.level.data = (
                listing.kind, listing.title, listing.level)
            form.skill.data = str(listing.skill_id or "")
            form.formats.data = list(listing.formats or [])
            form.suitable_for.data, form.body.data = listing.suitable_for, listing.body_source
    return form


def _listing_fields(form):
    skill = form.skill.data or ""
    return (form.kind.data, form.title.data, int(skill) if skill.isdigit() else None,
            form.level.data, form.formats.data or [], form.suitable_for.data, form.body.data)


@bp.route("/listings/new", methods=["GET", "POST"])
@login_required
def new_listing():
    """Offer a skill, or ask for one."""
    form = _listing_form()
    listing, nudge = submit_text(form, lambda nudge_id: services.create_listing(
        current_user, *_listing_fields(form), nudge_id=nudge_id))
    if listing is not None:
        flash("Your listing is up. The matchmaker will suggest people who fit.", "success")
        flash_if_held(listing)
        return redirect(url_for("skills.listing", listing_id=listing.id))
    return render_template("skills/listing_form.html", form=form, nudge=nudge, listing=None,
                           can_take_part=can(current_user, "skills.take_part")), form_status(form)


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit_listing(listing_id):
    """Change a listing."""
    listing = services.get_listing(listing_id, current_user)
    if not can(current_user, "listing.edit", listing):
        abort(403)
    form = _listing_form(listing)
    saved, nudge = submit_text(form, lambda nudge_id: services.update_listing(
        current_user, listing, *_listing_fields(form), nudge_id=nudge_id))
    if saved is not None:
        flash("Your changes are saved.", "success")
        flash_if_held(listing)
        return redirect(url_for("skills.listing", listing_id=listing.id))
    return render_template("skills/listing_form.html", form=form, nudge=nudge, listing=listing,
                           can_take_part=True), form_status(form)


@bp.route("/listings/<int:listing_id>")
def listing(listing_id):
    """Show a listing, why its author suits the viewer, and how to ask them for a match."""
    listing = services.get_listing(listing_id, current_user)
    author = listing.author
    own = getattr(current_user, "id", None) == author.id
    other = current_user.is_authenticated and not own
    may_request = other and listing.is_open and can(current_user, "match.request", author)
    return render_template(
        "skills/listing.html", listing=listing, author=author, own=own,
        suggestion=services.explain_pair(current_user, author) if other else None,
        existing=matches.open_match_between(current_user, author) if other else None,
        may_request=may_request,
        refusal=why_not(author) if other and listing.is_open and not may_request
        else None,
        can_edit=can(current_user, "listing.edit", listing),
    )


@bp.route("/listings/<int:listing_id>/open", methods=["POST"])
@login_required
def set_listing_open(listing_id):
    """Close a listing once it's taken, or open it again."""
    listing = services.get_listing(listing_id, current_user)
    form = forms.OpenForm()
    if form.validate_on_submit():
        is_open = form.is_open.data == "1"
        services.set_listing_open(current_user, listing, is_open)
        flash("Your listing is open again." if is_open else
              "Your listing is closed: it won't be shown or suggested.", "success")
    return redirect(url_for("skills.listing", listing_id=listing.id))


# --- my profile and suggestions ----------------------------------------------------------------


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Say when you're free, how you'd like to meet, and whether to be suggested."""
    form = forms.MatchProfileForm()
    if request.method == "GET":
        saved = services.get_match_profile(current_user)
        form.availability.data, form.formats.data = saved.slots, list(saved.formats or [])
        form.capacity.data, form.open_to_matches.data = saved.capacity, saved.open_to_matches
    if form.validate_on_submit():
        try:
            services.save_match_profile(current_user, form.availability.data or [],
                                        form.formats.data or [], form.capacity.data,
                                        form.open_to_matches.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Your matchmaking profile is saved.", "success")
            return redirect(url_for("skills.profile"))
    given, received = matches.time_credit_summary(current_user)
    return render_template(
        "skills/profile.html", form=form, listings=services.list_own_listings(current_user),
        credits=matches.list_time_credits(current_user), given=given, received=received,
    ), form_status(form)


def _strength(score):
    return "strong" if score >= 65 else "good" if score >= 45 else "possible"


@bp.route("/suggestions")
@login_required
def suggestions():
    """People the matchmaker suggests for me, best first, each with the reasons."""
    ranked, people = services.suggest_matches(current_user)
    # Everyone suggested has passed the pair rule; what can still stop a request is about the
    # viewer (an under-16 still waiting for a guardian's consent), the same for every row.
    refusal = services.why_not_request_anyone(current_user)
    rows = []
    for suggestion in ranked:
        fit = suggestion.fit
        claim = (fit.offered if suggestion.gives else fit.wanted) if fit else None
        rows.append({"person": people[suggestion.id], "suggestion": suggestion,
                     "strength": _strength(suggestion.score),
                     "listing_id": claim.listing_id if claim else None,
                     "may_request": refusal is None, "refusal": refusal})
    has_listing = bool(ranked) or any(listing.is_open and listing.is_published
                                      for listing in services.list_own_listings(current_user))
    return render_template("skills/suggestions.html", rows=rows, has_listing=has_listing)


# --- requests and my matches -------------------------------------------------------------------


@bp.route("/request/<username>", methods=["GET", "POST"])
@login_required
def request_match(username):
    """Ask someone for a match, with a first message."""
    partner = accounts.get_profile(username)
    if not can(current_user, "match.request", partner):
        abort(403, why_not(partner))
    listing_id = request.args.get("listing", type=int)
    listing = services.get_listing(listing_id, current_user) if listing_id else None
    form = forms.RequestForm()
    if request.method == "GET" and listing is not None and listing.formats:
        form.format.data = listing.formats[0]
    match, nudge = submit_text(form, lambda nudge_id: matches.request_match(
        current_user, partner, form.format.data, form.body.data, listing=listing,
        nudge_id=nudge_id))
    if match is not None:
        flash("Your request is sent. We'll let you know when they answer.", "success")
        if any(not message.is_published
               for message in matches.list_messages(match, current_user)):
            flash("Your message is waiting for a check before they can read it.", "info")
        return redirect(url_for("skills.match", match_id=match.id))
    return render_template(
        "skills/request.html", partner=partner, listing=listing, form=form, nudge=nudge,
        suggestion=services.explain_pair(current_user, partner),
    ), form_status(form)
