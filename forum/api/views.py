"""The open read API at /api/v1/: published public news, events, boards and topics as JSON.

Every read is made as a visitor who is not signed in, through the same service functions the
website uses, so nothing held, removed, deleted, scheduled or private can appear, whoever calls
and whatever cookies they send. Which fields are public is decided in `serializers`; the
document describing all of it is `openapi`.
"""

import re
from datetime import date, timedelta

from flask import Blueprint, current_app, jsonify, request
from flask_login import AnonymousUserMixin

from forum.accounts import services as accounts
from forum.accounts.models import utcnow
from forum.api import openapi, serializers
from forum.boards import services as boards
from forum.errors import DomainError, Invalid, NotFound
from forum.events import recurrence
from forum.events import services as events
from forum.events.models import CATEGORIES as EVENT_CATEGORIES
from forum.extensions import limiter
from forum.news import services as news
from forum.news.models import CATEGORIES as NEWS_CATEGORIES

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Per caller's address, shared by every server through Redis in production.
limiter.limit(lambda: current_app.config["RATELIMIT_API"])(bp)

# Whoever calls, the API sees what a visitor who is not signed in sees.
VISITOR = AnonymousUserMixin()

PER_PAGE, MAX_PER_PAGE, MAX_PAGE = 20, 100, 100_000
# The events list: how many days from `from` when `to` is not given, and at most.
EVENT_DAYS, MAX_EVENT_DAYS = 90, 366
CACHE_SECONDS = 60
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")
_DAY = re.compile(openapi.DATE_PATTERN)


# --- reading the query string ------------------------------------------------------------------


def _arg(name):
    values = request.args.getlist(name)
    if len(values) > 1:
        raise Invalid(name, f"Give {name} once.")
    return values[0] if values else None


def _number(name, default, low, high):
    raw = _arg(name)
    if raw is None:
        return default
    if not _WHOLE_NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        raise Invalid(name, f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _paging():
    return (_number("page", 1, 1, MAX_PAGE),
            _number("per_page", PER_PAGE, 1, MAX_PER_PAGE))


def _choice(name, choices):
    raw = _arg(name)
    if raw is not None and raw not in choices:
        raise Invalid(name, f"{name} must be one of: {', '.join(choices)}.")
    return raw


def _ward():
    raw = _arg("ward")
    if raw is None:
        return None
    try:
        return accounts.get_ward(raw)
    except NotFound:
        raise Invalid("ward", "There's no ward with that slug: see GET /api/v1/openapi.json "
                              "for the list.") from None


def _day(name):
    raw = _arg(name)
    if raw is None:
        return None
    try:
        if not _DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid(name, f"{name} must be a date from 2000 to 2099, as YYYY-MM-DD.") from None


def _yes_no(name):
    raw = _choice(name, ("true", "false"))
    return None if raw is None else raw == "true"


def _event_days():
    """(first day, last day, since, until) of the events list, from `from` and `to`.

    Without `from`, the list starts now: occurrences that have not yet ended.
    """
    first, last = _day("from"), _day("to")
    start = first or events.local_today()
    end = last or start + timedelta(days=EVENT_DAYS - 1)
    if end < start:
        raise Invalid("to", "to must be on or after from (today, when from is not given).")
    if (end - start).days >= MAX_EVENT_DAYS:
        raise Invalid("to", f"Ask for at most {MAX_EVENT_DAYS} days at a time.")
    since = utcnow() if first is None else recurrence.local_midnight_utc(start, events.zone())
    until = recurrence.local_midnight_utc(end + timedelta(days=1), events.zone())
    return start, end, since, until


# --- answering ---------------------------------------------------------------------------------


def _links(page, total, per_page, **params):
    """self, next and prev addresses of a collection, keeping the filters it was asked with."""
    pages = serializers.pages_for(total, per_page)
    given = {name: value for name, value in params.items() if value is not None}

    def at(number):
        return serializers.link(request.endpoint, **request.view_args, **given,
                                per_page=per_page, page=number)

    return {"self": at(page), "next": at(page + 1) if page < pages else None,
            "prev": at(min(page - 1, pages)) if page > 1 else None}


def _collection(items, total, page, per_page, serialize, params=None, **extra):
    return jsonify(serializers.page(
        items, page_number=page, per_page=per_page, total=total, serialize=serialize,
        links=_links(page, total, per_page, **(params or {})), **extra))


def _slice(items, page, per_page):
    return items[(page - 1) * per_page: page * per_page]


@bp.errorhandler(DomainError)
def _refused(error):
    if isinstance(error, NotFound):
        return jsonify(error=error.message, status=404), 404
    body = {"error": error.message, "status": 400}
    if isinstance(error, Invalid):
        body["field"] = error.field
    return jsonify(body), 400


@bp.after_app_request
def _open_to_other_sites(response):
    """Any site's JavaScript may read the API; caches may keep answers for a minute."""
    if request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/"):
        if request.method in ("GET", "HEAD"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}" \
            if response.status_code == 200 else "no-cache"
    return response


# --- the endpoints -----------------------------------------------------------------------------


@bp.route("/")
def index():
    """List the collections and the document that describes them."""
    return jsonify({
        "name": "Common Ground open read API",
        "version": openapi.VERSION,
        "links": {
            "news": serializers.link("api.news_list"),
            "events": serializers.link("api.events_list"),
            "boards": serializers.link("api.boards_list"),
            "openapi": serializers.link("api.openapi_document"),
        },
    })


@bp.route("/openapi.json")
def openapi_document():
    """Describe the API (OpenAPI 3.1), with today's wards as the choices for `ward`."""
    return jsonify(openapi.document([ward.slug for ward in accounts.list_wards()]))


@bp.route("/news")
def news_list():
    """List live news, newest first; for one ward (with borough-wide news), one category."""
    page, per_page = _paging()
    ward, category = _ward(), _choice("category", NEWS_CATEGORIES)
    found = news.list_news(ward=ward, category=category, page=page, per_page=per_page)
    return _collection(found.items, found.total, page, per_page, serializers.article,
                       {"ward": ward and ward.slug, "category": category})


@bp.route("/news/<int:article_id>")
def news_article(article_id):
    """Show one live article with its body."""
    return jsonify(serializers.article(news.get_live_article(article_id), full=True))


@bp.route("/events")
def events_list():
    """List the dates events happen on, in time order: from now (or `from`) for 90 days."""
    page, per_page = _paging()
    ward, category = _ward(), _choice("category", EVENT_CATEGORIES)
    official = _yes_no("official")
    start, end, since, until = _event_days()
    found = events.list_occurrences(VISITOR, since, until, events.Filters(
        ward=ward and ward.slug, category=category, official=bool(official)))
    params = {"ward": ward and ward.slug, "category": category,
              "official": None if official is None else str(official).lower(),
              "from": _arg("from"), "to": _arg("to")}
    return _collection(_slice(found, page, per_page), len(found), page, per_page,
                       serializers.occurrence, params,
                       **{"from": start.isoformat(), "to": end.isoformat()})


@bp.route("/events/<int:event_id>")
def event(event_id):
    """Show an event (or series) with its next dates."""
    found = events.get_event(event_id, VISITOR)
    return jsonify(serializers.event(found, events.next_occurrences(found)))


@bp.route("/boards")
def boards_list():
    """List the boards: borough-wide ones first, then one per ward."""
    page, per_page = _paging()
    found = boards.list_boards()
    return _collection(_slice(found, page, per_page), len(found), page, per_page,
                       serializers.board)


@bp.route("/boards/<slug>")
def board(slug):
    """Show one board."""
    return jsonify(serializers.board(boards.get_board(slug)))


@bp.route("/boards/<slug>/topics")
def board_topics(slug):
    """List a board's published topics: pinned first, then the most recently active."""
    page, per_page = _paging()
    found = boards.list_topics(boards.get_board(slug), VISITOR, page, per_page)
    return _collection(found.items, found.total, page, per_page, serializers.topic)


@bp.route("/topics/<int:topic_id>")
def topic(topic_id):
    """Show a published topic with a page of its published posts, oldest first."""
    page, per_page = _paging()
    found = boards.get_topic(topic_id, VISITOR)
    posts = boards.list_posts(found, VISITOR, page, per_page)
    return jsonify({**serializers.topic(found), "posts": serializers.page(
        posts.items, page_number=page, per_page=per_page, total=posts.total,
        links=_links(page, posts.total, per_page),
        serialize=serializers.post_serializer(found, posts.items))})
