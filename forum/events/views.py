"""Events calendar pages: lists, month grid, event pages, RSVP, iCalendar feeds."""

from datetime import date, timedelta
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from forum.accounts import services as accounts
from forum.accounts.models import utcnow
from forum.core.forms import ActionForm, flash_if_held, form_status, show_error, submit_text
from forum.core.policy import can
from forum.errors import DomainError, Invalid, NotFound
from forum.events import feeds, forms, recurrence, rsvps, services
from forum.events.models import CATEGORIES, RSVP_STATES, SUITABILITY

bp = Blueprint("events", __name__, url_prefix="/events")

WHEN_TABS = {"today": "Today", "week": "This week", "weekend": "This weekend",
             "upcoming": "Next four weeks"}
# The month grid's range: beyond it, "impossible" (and the date arithmetic would overflow).
YEARS = range(2000, 2101)


# --- how times read on the pages ----------------------------------------------------------------


def _day(moment):
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def when_line(occurrence):
    """"Tuesday 1 December 2026, 18:00–20:00", or the days of an all-day event."""
    zone = services.zone()
    starts = recurrence.to_local(occurrence.starts_at, zone)
    ends = recurrence.to_local(occurrence.ends_at, zone)
    if occurrence.event.all_day:
        last = ends.date() - timedelta(days=1)
        if last <= starts.date():
            return f"{_day(starts)}, all day"
        return f"{_day(starts)} to {_day(last)}, all day"
    if starts.date() == ends.date():
        return f"{_day(starts)}, {starts:%H:%M}–{ends:%H:%M}"
    return f"{_day(starts)}, {starts:%H:%M} to {_day(ends)}, {ends:%H:%M}"


def time_span(occurrence):
    """The times of an occurrence within its day's list: "18:00–20:00" or "All day"."""
    if occurrence.event.all_day:
        return "All day"
    zone = services.zone()
    starts = recurrence.to_local(occurrence.starts_at, zone)
    ends = recurrence.to_local(occurrence.ends_at, zone)
    later = "" if ends.date() == starts.date() else f" ({ends:%a} {ends.day} {ends:%b})"
    return f"{starts:%H:%M}–{ends:%H:%M}{later}"


def occurrence_url(occurrence, **extra):
    """An occurrence's page: a series' dates each have their own (?on=...)."""
    on = services.occurrence_param(occurrence.original_start) if occurrence.event.is_recurring \
        else None
    return url_for("events.event", event_id=occurrence.event.id, on=on, **extra)


def local_iso(moment):
    return recurrence.to_local(moment, services.zone()).isoformat()


@bp.context_processor
def _helpers():
    return {"when_line": when_line, "time_span": time_span, "occurrence_url": occurrence_url,
            "local_iso": local_iso, "categories": CATEGORIES, "suitability": SUITABILITY,
            "rsvp_states": RSVP_STATES}


# --- the calendar -------------------------------------------------------------------------------


def _filters():
    """The filter form read from the query string, and the services' Filters from it."""
    form = forms.FilterForm(request.args)
    wards = accounts.list_wards()
    form.ward.choices = forms.choices(((ward.slug, ward.name) for ward in wards), blank="Any")
    form.ward_named = next((ward for ward in wards if ward.slug == form.ward.data), None)
    return form, services.Filters(ward=form.ward.data or None,
                                  category=form.category.data or None,
                                  under_18=bool(form.under_18.data),
                                  official=bool(form.official.data))


def _facts(found):
    """Places taken and the viewer's own answers for a list of occurrences (two queries)."""
    return {"going": rsvps.going_counts(found), "answers": rsvps.my_answers(current_user, found)}


def _feed_url(endpoint, **values):
    """A feed's full address for calendar apps: https in production, even behind a proxy."""
    return url_for(endpoint, _external=True,
                   _scheme=current_app.config["PREFERRED_URL_SCHEME"], **values)


def _feed_links(filter_form):
    """The public feeds worth offering beside this list: everything, this ward, this category."""
    links = [("Every event", _feed_url(".calendar_feed"))]
    if filter_form.ward_named is not None:
        links.append((f"Events in {filter_form.ward_named.name}",
                      _feed_url(".ward_feed", slug=filter_form.ward_named.slug)))
    if filter_form.category.data in CATEGORIES:
        links.append((CATEGORIES[filter_form.category.data],
                      _feed_url(".category_feed", name=filter_form.category.data)))
    return [{"label": label, "url": url, "webcal": "webcal://" + url.split("://", 1)[1]}
            for label, url in links]


@bp.route("/")
def index():
    """List what's on (today, this week, this weekend or coming up), grouped by day."""
    when = request.args.get("when") if request.args.get("when") in WHEN_TABS else "upcoming"
    filter_form, filters = _filters()
    since, until, heading = services.window(when)
    found = services.list_occurrences(current_user, since, until, filters)
    today = services.local_today()
    days = {}
    for occurrence in found:
        # Something still going on from an earlier day is listed under today.
        day = max(recurrence.to_local(occurrence.starts_at, services.zone()).date(), today)
        days.setdefault(day, []).append(occurrence)
    return render_template(
        "events/index.html", when=when, tabs=WHEN_TABS, heading=heading, days=days,
        today=today, filter_form=filter_form, feeds=_feed_links(filter_form), **_facts(found),
        can_create=can(current_user, "event.create"))


@bp.route("/month/<int:year>/<int:month>")
def month(year, month):
    """Show a month as a calendar grid, Monday first."""
    if year not in YEARS or not 1 <= month <= 12:
        abort(404, "There's no such month on the calendar.")
    filter_form, filters = _filters()
    weeks = services.month_grid(current_user, year, month, filters)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template(
        "events/month.html", year=year, month=month, weeks=weeks, filter_form=filter_form,
        first=date(year, month, 1),
        previous=previous if previous[0] in YEARS else None,
        following=following if following[0] in YEARS else None,
        in_month=sum(1 for week in weeks for day in week if day.in_month and day.occurrences),
        today=services.local_today())


# --- one event ----------------------------------------------------------------------------------


def _occurrence(event, on):
    """The occurrence `on` names (404 for a date the series doesn't have), or the next one."""
    return services.get_occurrence(event, services.parse_occurrence_param(on) if on else None)


def _organiser(event):
    if event.is_official:
        return "Council"
    if event.organiser_name:
        return event.organiser_name
    author = event.author
    if author is None or author.state == "deleted":
        return "A former member"
    return author.public_name


def _map_url(event):
    place = event.address or ("" if event.venue.lower() in ("online", "see details")
                              else event.venue)
    if not place:
        return None
    return f"https://www.openstreetmap.org/search?query={quote(place)}"


def _render_event(event, occurrence, cancel_form=None, skip_form=None, move_form=None):
    """The event page for one occurrence; forms given carry a refused post's errors (400)."""
    key = occurrence.key
    facts = _facts([occurrence])
    answer = facts["answers"].get(key)
    taken = facts["going"].get(key, 0)
    signed_in = current_user.is_authenticated
    can_rsvp = can(current_user, "event.rsvp", event)
    if move_form is None:
        local_start = recurrence.to_local(occurrence.starts_at, services.zone())
        local_end = recurrence.to_local(occurrence.ends_at, services.zone())
        move_form = forms.MoveForm(formdata=None, data={
            "day": local_start.date(), "start_time": local_start.time(),
            "end_time": local_end.time()})
    shown = [form for form in (cancel_form, skip_form, move_form) if form is not None]
    page = render_template(
        "events/event.html", event=event, occurrence=occurrence, answer=answer,
        param=services.occurrence_param(occurrence.original_start),
        position=rsvps.waitlist_position(current_user, occurrence)
        if answer == "waitlist" else None,
        places_left=None if event.capacity is None else max(event.capacity - taken, 0),
        taken=taken, repeats=recurrence.describe_rrule(event.rrule, event.starts_at,
                                                        services.zone()),
        upcoming=services.next_occurrences(event) if event.is_recurring else [],
        exception=next((item for item in event.exceptions
                        if item.original_start == occurrence.original_start), None),
        planned=when_line(recurrence.Occurrence(
            event, occurrence.original_start, occurrence.original_start,
            occurrence.original_start + event.duration)) if occurrence.moved else None,
        is_past=occurrence.ends_at <= utcnow(), organiser=_organiser(event),
        map_url=_map_url(event), can_rsvp=can_rsvp,
        rsvp_refusal=rsvps.rsvp_refusal(current_user, event)
        if signed_in and not can_rsvp and event.is_published and not event.is_cancelled
        else None,
        can_edit=can(current_user, "event.edit", event),
        can_attendees=can(current_user, "event.attendees", event),
        cancel_form=cancel_form or forms.CancelForm(formdata=None),
        skip_form=skip_form or forms.SkipForm(formdata=None), move_form=move_form)
    return page, form_status(*shown)


@bp.route("/<int:event_id>")
def event(event_id):
    """Show an event at one of its dates (?on=...), or its next one."""
    event = services.get_event(event_id, current_user)
    return _render_event(event, _occurrence(event, request.args.get("on")))


@bp.route("/<int:event_id>/rsvp", methods=["POST"])
def rsvp(event_id):
    """Say you're going (a place, or the waiting list) or not going to one date."""
    event = services.get_event(event_id, current_user)
    on = request.form.get("on") or None
    back = url_for(".event", event_id=event.id, on=on)
    if not current_user.is_authenticated:
        flash("Sign in to say you're going.", "info")
        return redirect(url_for("accounts.signin", next=back))
    going = request.form.get("going")
    if not ActionForm().validate_on_submit() or going not in ("0", "1"):
        abort(400)
    occurrence = _occurrence(event, on)
    try:
        state = rsvps.rsvp(current_user, event, occurrence.original_start, going == "1")
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(back)
    _flash_answer(state, occurrence)
    return redirect(back)


def _flash_answer(state, occurrence):
    when = services.local_label(occurrence.starts_at)
    title = occurrence.event.title
    if state == "going":
        flash(f"You're going to {title} on {when}.", "success")
    elif state == "waitlist":
        position = rsvps.waitlist_position(current_user, occurrence)
        flash(f"It's full, so you're on the waiting list: number {position}. We'll tell you "
              "if a place comes up.", "info")
    else:
        flash(f"You're not going to {title} on {when}. Thanks for letting the organiser know.",
              "success")


@bp.route("/<int:event_id>/attendees")
@login_required
def attendees(event_id):
    """List who is going to one date, and who is waiting, for its organiser and staff."""
    event = services.get_event(event_id, current_user)
    occurrence = _occurrence(event, request.args.get("on"))
    going, waiting = rsvps.list_attendees(current_user, event, occurrence.original_start)
    return render_template("events/attendees.html", event=event, occurrence=occurrence,
                           going=going, waiting=waiting)


# --- adding and changing events -----------------------------------------------------------------


def _event_form(data=None):
    form = forms.EventForm(data=data) if data is not None else forms.EventForm()
    form.ward.choices = forms.choices(
        ((ward.slug, ward.name) for ward in accounts.list_wards()), blank="No particular ward")
    if not can(current_user, "event.publish_official"):
        del form.official
    return form


def _fields(form):
    return services.EventFields(
        title=form.title.data or "", description=form.description.data or "",
        start_day=form.start_day.data, start_time=form.start_time.data,
        end_day=form.end_day.data, end_time=form.end_time.data, all_day=form.all_day.data,
        venue=form.venue.data or "", address=form.address.data or "",
        ward_slug=form.ward.data or "", category=form.category.data or "community",
        capacity=form.capacity.data, cost=form.cost.data or "",
        accessibility=form.accessibility.data or "",
        suitable_for=form.suitable_for.data or "everyone",
        official=bool(form.official and form.official.data),
        organiser_name=form.organiser_name.data or "", repeat=form.repeat.data or "",
        repeat_until=form.repeat_until.data)


def _described(write):
    """Moderation refuses text as `body`; on the event form the text is the description."""

    def run(nudge_id):
        try:
            return write(nudge_id)
        except Invalid as error:
            if error.field == "body":
                raise Invalid("description", error.message) from None
            raise

    return run


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_event():
    """Add an event, or a series that repeats."""
    form = _event_form(None if request.method == "POST" else {
        "category": "community", "suitable_for": "everyone"})
    event, nudge = submit_text(form, _described(lambda nudge_id: services.create_event(
        current_user, _fields(form), nudge_id=nudge_id)))
    if event is not None:
        if event.is_published:
            flash("Your event is on the calendar.", "success")
        flash_if_held(event)
        return redirect(url_for(".event", event_id=event.id))
    return render_template("events/form.html", form=form, nudge=nudge, event=None,
                           rule_exact=True, can_create=can(current_user, "event.create")), \
        form_status(form)


def _editable(event_id):
    event = services.get_event(event_id, current_user)
    if not can(current_user, "event.edit", event):
        abort(403)
    return event


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id):
    """Change an event; people going are told when the time or place changes."""
    event = _editable(event_id)
    data, exact = forms.event_form_data(event, services.zone())
    form = _event_form(None if request.method == "POST" else data)
    saved, nudge = submit_text(form, _described(lambda nudge_id: services.update_event(
        current_user, event, _fields(form), nudge_id=nudge_id)))
    if saved is not None:
        flash("Your changes are saved.", "success")
        flash_if_held(event)
        return redirect(url_for(".event", event_id=event.id))
    return render_template("events/form.html", form=form, nudge=nudge, event=event,
                           rule_exact=exact, repeats=recurrence.describe_rrule(
                               event.rrule, event.starts_at, services.zone()),
                           can_create=True), form_status(form)


def _refused(error, back):
    """A refusal that isn't about a field (already cancelled, a date that has passed): say so
    on the event page; a date the series doesn't have is a 404."""
    if isinstance(error, NotFound):
        raise error
    flash(error.message, "error")
    return redirect(back)


@bp.route("/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel_event(event_id):
    """Cancel the whole event or series, with a reason everyone going is told."""
    event = _editable(event_id)
    form = forms.CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_event(current_user, event, form.reason.data)
        except Invalid as error:
            show_error(form, error)
        except DomainError as error:
            return _refused(error, url_for(".event", event_id=event.id))
        else:
            flash("The event is cancelled. Everyone going or waiting has been told.", "success")
            return redirect(url_for(".event", event_id=event.id))
    return _render_event(event, services.get_occurrence(event), cancel_form=form)


@bp.route("/<int:event_id>/dates/<on>/skip", methods=["POST"])
@login_required
def skip_date(event_id, on):
    """Take one date out of a series; people going to it are told."""
    event = _editable(event_id)
    original = services.parse_occurrence_param(on)
    form = forms.SkipForm()
    if form.validate_on_submit():
        try:
            services.skip_occurrence(current_user, event, original, form.note.data)
        except Invalid as error:
            show_error(form, error)
        except DomainError as error:
            return _refused(error, url_for(".event", event_id=event.id, on=on))
        else:
            flash(f"{services.local_label(original)} is taken out of the series. People going "
                  "to it have been told.", "success")
            return redirect(url_for(".event", event_id=event.id))
    return _render_event(event, _occurrence(event, on), skip_form=form)


@bp.route("/<int:event_id>/dates/<on>/move", methods=["POST"])
@login_required
def move_date(event_id, on):
    """Move one date of a series to another day or time; its RSVPs move with it."""
    event = _editable(event_id)
    original = services.parse_occurrence_param(on)
    form = forms.MoveForm()
    if form.validate_on_submit():
        try:
            services.move_occurrence(current_user, event, original, form.day.data,
                                     form.start_time.data, form.end_time.data, form.note.data)
        except Invalid as error:
            show_error(form, error)
        except DomainError as error:
            return _refused(error, url_for(".event", event_id=event.id, on=on))
        else:
            flash("The date is moved. People going to it have been told.", "success")
            return redirect(url_for(".event", event_id=event.id, on=on))
    return _render_event(event, _occurrence(event, on), move_form=form)


# --- my events and my feed ----------------------------------------------------------------------


@bp.route("/mine")
@login_required
def mine():
    """List the dates I'm going to or waiting for, and my private calendar feed."""
    found = rsvps.list_my_events(current_user)
    return render_template(
        "events/mine.html", found=found, reset_form=ActionForm(),
        feed_url=_feed_url(".private_feed", token=feeds.feed_token(current_user)))


@bp.route("/mine/feed/reset", methods=["POST"])
@login_required
def reset_feed():
    """Give my private feed a new secret address; the old one stops working."""
    if ActionForm().validate_on_submit():
        feeds.reset_feed(current_user)
        flash("Your feed has a new address. The old one has stopped working: add the new one "
              "to your calendar app.", "success")
    return redirect(url_for(".mine", _anchor="feed"))
