"""Council news for residents: the list, articles and their comments, ward news, Atom feeds."""

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
from forum.core import atom
from forum.core.forms import ActionForm, flash_if_held, form_status, show_error, submit_text
from forum.core.paging import page_number
from forum.core.policy import can
from forum.errors import Invalid
from forum.news import forms, services

bp = Blueprint("news", __name__, url_prefix="/news")

FEED_SIZE = 30


# --- the news list ------------------------------------------------------------------------------


def _filters():
    """The filter form read from the query string, and the ward it names (or None)."""
    form = forms.FilterForm(request.args)
    wards = accounts.list_wards()
    form.ward.choices = forms.choices(((ward.slug, ward.name) for ward in wards), blank="All wards")
    ward = None
    if form.ward.data:
        ward = accounts.find_ward(form.ward.data)
        if ward is None:
            show_error(form, Invalid("ward", "Choose a ward from the list."))
    return form, ward


@bp.route("/")
def index():
    """List live news, newest first, pinned announcements above; filter by category and ward."""
    form, ward = _filters()
    category = form.category.data or None
    # Pinned announcements head the first page (and so are left out of the list below it);
    # a category filter lists them in their place.
    with_pinned = category is None
    found, pinned = None, []
    if not form.errors:
        try:
            found = services.list_news(ward=ward, category=category, page=page_number(),
                                       unpinned=with_pinned)
        except Invalid as error:
            show_error(form, error)
    if found is not None and with_pinned:
        pinned = services.list_pinned(ward)
    return render_template(
        "news/index.html", form=form, ward=ward, found=found, pinned=pinned,
        feed_url=atom.absolute_url(".ward_feed", slug=ward.slug) if ward
        else atom.absolute_url(".feed"),
    ), form_status(form)


# --- one article and its comments -------------------------------------------------------------


def _render_article(article, form, nudge=None):
    is_staff = can(current_user, "news.manage")
    return render_template(
        "news/article.html", article=article, form=form, nudge=nudge,
        comments=services.list_comments(article, current_user, page_number()),
        why_not=services.why_not_comment(current_user, article),
        can_comment=can(current_user, "news.comment", article),
        is_staff=is_staff,
        edit_url=url_for("news_staff.edit", article_id=article.id) if is_staff else None,
    )


@bp.route("/<int:article_id>")
def article(article_id):
    """Show an article and its comments, oldest comment first."""
    return _render_article(services.get_article(article_id, current_user), forms.CommentForm())


@bp.route("/<int:article_id>/comments", methods=["POST"])
@login_required
def comment(article_id):
    """Add a comment; on a problem, show the article again with the text kept."""
    article = services.get_article(article_id, current_user)
    form = forms.CommentForm()
    added, nudge = submit_text(form, lambda nudge_id: services.add_comment(
        current_user, article, form.body.data, nudge_id=nudge_id))
    if added is not None:
        flash_if_held(added)
        # Comments run oldest first, so a new one is on the last page.
        last = services.list_comments(article, current_user).pages
        return redirect(url_for(".article", article_id=article.id,
                                page=last if last > 1 else None, _anchor=f"c{added.id}"))
    return _render_article(article, form, nudge), 200 if nudge else 400


@bp.route("/comments/<int:comment_id>/delete", methods=["GET", "POST"])
@login_required
def delete_comment(comment_id):
    """Confirm, then delete a comment."""
    comment = services.get_comment(comment_id, current_user)
    if not can(current_user, "news.comment.delete", comment):
        abort(403)
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        services.delete_comment(current_user, comment)
        flash("The comment is deleted.", "success")
        return redirect(url_for(".article", article_id=comment.article_id, _anchor="comments"))
    return render_template("news/delete_comment.html", comment=comment, form=form)


# --- wards ---------------------------------------------------------------------------------------


@bp.route("/wards")
def wards():
    """List every ward, with a button to follow its news."""
    return render_template("news/wards.html", wards=accounts.list_wards(),
                           following=services.followed_ward_ids(current_user),
                           can_follow=can(current_user, "ward.follow"))


@bp.route("/ward/<slug>")
def ward(slug):
    """Show a ward's news (with borough-wide news), its pinned announcements first."""
    found_ward, is_alias = accounts.resolve_ward(slug)
    if is_alias:  # a merged ward: old links lead to the ward that remains
        return redirect(url_for(".ward", slug=found_ward.slug, page=request.args.get("page")),
                        301)
    return render_template(
        "news/ward.html", ward=found_ward, pinned=services.list_pinned(found_ward),
        found=services.list_news(ward=found_ward, page=page_number(), unpinned=True),
        following=found_ward.id in services.followed_ward_ids(current_user),
        can_follow=can(current_user, "ward.follow", found_ward),
        feed_url=atom.absolute_url(".ward_feed", slug=found_ward.slug))


@bp.route("/ward/<slug>/follow", methods=["POST"])
@login_required
def follow_ward(slug):
    """Follow a ward's news, or stop following it."""
    found_ward = accounts.get_ward(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    following = request.form.get("follow") == "1"
    services.set_ward_follow(current_user, found_ward, following)
    flash(f"You're following news for {found_ward.name}." if following
          else f"You've stopped following news for {found_ward.name}.", "success")
    back = url_for(".wards") if request.form.get("back") == "wards" \
        else url_for(".ward", slug=found_ward.slug)
    return redirect(back)


# --- Atom feeds ----------------------------------------------------------------------------------


def _entry(article, author):
    url = atom.absolute_url(".article", article_id=article.id)
    return atom.Entry(id=url, title=article.title, url=url, published=article.publish_at,
                      updated=article.updated_at or article.publish_at,
                      summary=article.summary, html=article.body_html, author=author,
                      categories=(article.category_label,))


def _atom(articles, title, self_url, page_url, subtitle):
    author = f"{current_app.config['SITE_NAME']} council"
    return atom.response(title, self_url, page_url,
                         [_entry(item, author) for item in articles], subtitle=subtitle,
                         author=author)


@bp.route("/feed.atom")
def feed():
    """The newest live news, for feed readers."""
    site = current_app.config["SITE_NAME"]
    return _atom(services.list_news(per_page=FEED_SIZE).items, f"{site}: council news",
                 atom.absolute_url(".feed"), atom.absolute_url(".index"),
                 "News and announcements from the council.")


@bp.route("/ward/<slug>.atom")
def ward_feed(slug):
    """A ward's news (with borough-wide news), for feed readers."""
    found_ward, is_alias = accounts.resolve_ward(slug)
    if is_alias:  # feed readers follow to the ward that remains
        return redirect(url_for(".ward_feed", slug=found_ward.slug), 301)
    site = current_app.config["SITE_NAME"]
    return _atom(services.list_news(ward=found_ward, per_page=FEED_SIZE).items,
                 f"{site}: news for {found_ward.name}",
                 atom.absolute_url(".ward_feed", slug=found_ward.slug),
                 atom.absolute_url(".ward", slug=found_ward.slug),
                 f"Council news for {found_ward.name}, and news for the whole borough.")
