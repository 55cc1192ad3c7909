"""The staff news desk: write, preview, publish or schedule, pin and take down council news."""

from datetime import time, timedelta

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
from flask_login import current_user

from forum.accounts import services as accounts
from forum.accounts.models import utcnow
from forum.core.access import allowed_only
from forum.core.forms import ActionForm, form_status, show_error
from forum.core.paging import page_number
from forum.core.timezones import to_local
from forum.errors import DomainError, Invalid
from forum.news import services
from forum.news import staff_forms as forms

bp = Blueprint("news_staff", __name__, url_prefix="/staff/news")

manage_news = allowed_only("news.manage")
# Services name the moment they check; the editor asks for it as a day and a time.
FIELD_FOR = {"publish_at": "publish_day"}


# --- how times and states read on the desk -----------------------------------------------------


def _zone():
    return current_app.config["TIMEZONE"]


def _day(local):
    year = "" if local.year == to_local(utcnow(), _zone()).year else f" {local.year}"
    return f"{local:%A} {local.day} {local:%B}{year}"


def local_label(moment):
    """"Tuesday 8 December at 09:00", London time (with the year when it isn't this one)."""
    local = to_local(moment, _zone())
    return f"{_day(local)} at {local:%H:%M}"


def pinned_label(article):
    """"until you unpin it", "until the end of Thursday 24 December"."""
    if article.pinned_until is None:
        return "until you unpin it"
    local = to_local(article.pinned_until, _zone())
    if local.time() == time(0):  # the desk pins to the end of a day
        return f"until the end of {_day(local - timedelta(days=1))}"
    return f"until {local_label(article.pinned_until)}"


def state_label(article):
    if article.state == "draft":
        return "Draft"
    if article.state == "unpublished":
        return "Unpublished"
    if article.is_scheduled:
        return f"Scheduled for {local_label(article.publish_at)}"
    return f"Published {local_label(article.publish_at)}"


def public_url(article):
    return url_for("news.article", article_id=article.id)


@bp.context_processor
def _helpers():
    return {"local_label": local_label, "pinned_label": pinned_label,
            "state_label": state_label, "public_url": public_url}


# --- the desk ---------------------------------------------------------------------------------


@bp.route("/")
@manage_news
def index():
    """List the articles, one state at a time or all, most recently changed first."""
    show = request.args.get("show") or None
    if show is not None and show not in services.STAFF_FILTERS:
        abort(404)
    found = services.list_for_staff(current_user, show,
                                    page=page_number())
    return render_template("news/staff/index.html", found=found, show=show,
                           tabs=services.STAFF_FILTERS,
                           counts=services.count_for_staff(current_user),
                           editors=services.last_editors(found.items))


# --- the editor -------------------------------------------------------------------------------


def _article(article_id):
    return services.get_article(article_id, current_user)


def _article_form(article, submitted):
    """The editor's form (what was sent, or the saved article) and {slug: ward} it offers."""
    wards = {ward.slug: ward for ward in accounts.list_wards()}
    form = forms.ArticleForm() if submitted else forms.ArticleForm(
        formdata=None, data=forms.article_data(article, _zone()) if article else None)
    form.wards.choices = forms.choices((slug, ward.name) for slug, ward in wards.items())
    if article is None or not article.is_live():
        del form.update_note  # only readers of a live article see what changed
    return form, wards


def _render_editor(article, form, preview=None, pin_form=None, unpublish_form=None):
    shown = [item for item in (form, pin_form, unpublish_form) if item is not None]
    page = render_template(
        "news/staff/edit.html", article=article, form=form, preview=preview,
        pin_form=pin_form or forms.PinForm(formdata=None),
        unpublish_form=unpublish_form or forms.UnpublishForm(formdata=None))
    return page, form_status(*shown)


def _fields(form, wards):
    return {"title": form.title.data or "", "summary": form.summary.data or "",
            "body": form.body.data or "", "category": form.category.data or "",
            "borough_wide": form.audience.data != "wards",
            "wards": [wards[slug] for slug in form.wards.data or () if slug in wards],
            "comments_open": bool(form.comments_open.data),
            "update_note": (form.update_note.data or "") if "update_note" in form else ""}


def _preview(form, wards):
    chosen = [wards[slug].name for slug in form.wards.data or () if slug in wards]
    return {"title": " ".join((form.title.data or "").split()),
            "summary": " ".join((form.summary.data or "").split()),
            "where": ", ".join(chosen) if form.audience.data == "wards" and chosen
            else "Borough-wide",
            "html": services.preview_body(current_user, form.body.data)}


def _show(form, error):
    if isinstance(error, Invalid) and error.field in FIELD_FOR:
        error = Invalid(FIELD_FOR[error.field], error.message)
    show_error(form, error)


def _write(article):
    """Preview the editor's text; or save it, then publish or schedule it when asked."""
    form, wards = _article_form(article, submitted=True)
    action = request.form.get("action", "save")
    if action == "preview":
        return _render_editor(article, form, preview=_preview(form, wards))
    if not form.validate_on_submit():
        return _render_editor(article, form)
    edited_before = article.edited_at if article else None
    updated_before = article.updated_at if article else None
    announced_before = article.announced_at if article else None
    saved = False
    try:
        publish_at = form.publish_at(_zone()) if action == "schedule" else None
        article = services.save_article(current_user, article, **_fields(form, wards))
        saved = article.edited_at != edited_before
        if action in ("publish", "schedule"):
            services.publish(current_user, article, publish_at)
    except DomainError as error:
        _show(form, error)
        if saved:
            flash("Your changes are saved, but the article isn't published: see below.",
                  "info")
        return _render_editor(article, form)
    if action in ("publish", "schedule"):
        flash(_published_message(article, announced_before), "success")
    else:
        flash(_saved_message(article, saved and article.updated_at != updated_before),
              "success")
    return redirect(url_for(".edit", article_id=article.id))


def _saved_message(article, marked_updated):
    if article.state == "draft":
        return "Draft saved. Only staff can see it until you publish it."
    if article.state == "unpublished":
        return "Changes saved. It is still unpublished, so residents can't see it."
    if article.is_scheduled:
        return f"Changes saved. It is still scheduled for {local_label(article.publish_at)}."
    if marked_updated:
        if article.update_note:
            return ("Changes saved and live. Readers see it marked Updated, with your note: "
                    f"“{article.update_note}”")
        return "Changes saved and live. Readers see it marked Updated."
    return "Changes saved and live."


def _published_message(article, announced_before):
    if article.is_scheduled:
        who = "everyone who follows a ward's news is" if article.borough_wide \
            else f"people who follow news for {article.where} are"
        return (f"Scheduled for {local_label(article.publish_at)}. Until then only staff can "
                f"see it; {who} told when it goes live.")
    told = ""
    if announced_before is None and article.announced_at is not None:
        told = " Everyone who follows a ward's news has been told." if article.borough_wide \
            else f" People who follow news for {article.where} have been told."
    return "Published: residents can read it now." + told


@bp.route("/new", methods=["GET", "POST"])
@manage_news
def new():
    """Write an article: preview it, and save it as a draft."""
    if request.method == "POST":
        return _write(None)
    return _render_editor(None, _article_form(None, submitted=False)[0])


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@manage_news
def edit(article_id):
    """Change an article; publish, schedule, pin, unpublish or delete it."""
    article = _article(article_id)
    if request.method == "POST":
        return _write(article)
    return _render_editor(article, _article_form(article, submitted=False)[0])


# --- the other actions on a saved article ------------------------------------------------------


def _back(article):
    return redirect(url_for(".edit", article_id=article.id))


@bp.route("/<int:article_id>/pin", methods=["POST"])
@manage_news
def pin(article_id):
    """Pin an article to the top of the news (and the home page), maybe to a day; or unpin it."""
    article = _article(article_id)
    pinning = request.form.get("pinned") != "0"
    form = forms.PinForm()
    if form.validate_on_submit():
        try:
            services.set_pinned(current_user, article, pinning,
                                form.until(_zone()) if pinning else None)
        except DomainError as error:
            show_error(form, error)
        else:
            if not pinning:
                flash("Unpinned: it is listed with the other news by date.", "success")
            else:
                where = "everyone" if article.borough_wide else article.where
                later = "" if article.is_live() else " It shows once it is published."
                flash(f"Pinned {pinned_label(article)}: it heads the news for {where}.{later}",
                      "success")
            return _back(article)
    return _render_editor(article, _article_form(article, submitted=False)[0], pin_form=form)


@bp.route("/<int:article_id>/unpublish", methods=["POST"])
@manage_news
def unpublish(article_id):
    """Take a published or scheduled article down; it can be published again later."""
    article = _article(article_id)
    form = forms.UnpublishForm()
    if form.validate_on_submit():
        try:
            services.unpublish(current_user, article, form.reason.data)
        except Invalid as error:
            show_error(form, error)
        except DomainError as error:
            flash(error.message, "error")
            return _back(article)
        else:
            flash("Unpublished: residents can no longer see it. You can publish it again "
                  "later.", "success")
            return _back(article)
    return _render_editor(article, _article_form(article, submitted=False)[0],
                          unpublish_form=form)


@bp.route("/<int:article_id>/comments", methods=["POST"])
@manage_news
def comments(article_id):
    """Open or close an article's comments."""
    article = _article(article_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    opening = request.form.get("open") == "1"
    services.set_comments_open(current_user, article, opening)
    flash("Comments are open: residents can comment." if opening else
          "Comments are closed: residents can read them but not add more.", "success")
    return _back(article)


@bp.route("/<int:article_id>/delete", methods=["GET", "POST"])
@manage_news
def delete(article_id):
    """Ask, then throw away a draft that was never published."""
    article = _article(article_id)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        title = article.title
        try:
            services.delete_draft(current_user, article)
        except DomainError as error:
            flash(error.message, "error")
            return _back(article)
        flash(f"The draft “{title}” is deleted.", "success")
        return redirect(url_for(".index", show="draft"))
    if article.state != "draft":
        flash("Only drafts can be deleted; unpublish a published article instead.", "error")
        return _back(article)
    return render_template("news/staff/delete.html", article=article, form=form)
