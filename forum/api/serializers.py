"""Objects → the plain dicts the open read API returns: the one place that decides which fields
of anything are public.

Nothing here decides *which* objects are shown (the domain services do, with the conditions the
website uses for a visitor who is not signed in); this decides what of each is shown. People
appear only by the display name an adult chose; a young person's name, anyone's username, e-mail
address or date of birth never appear (DESIGN §5). Links to profiles are made of usernames, so
@mentions in rendered text become plain text.

Every time is ISO 8601 in the council's time zone with its UTC offset ("2026-07-04T10:00:00+01:00").
"""

import re
from html import escape

from flask import current_app, url_for

from forum.accounts.models import User
from forum.core.content import plain_text
from forum.events import recurrence
from forum.events.models import CATEGORIES as EVENT_CATEGORIES
from forum.events.services import occurrence_param, zone
from forum.extensions import db
from forum.news.models import CATEGORIES as NEWS_CATEGORIES

# A link to a profile (/u/<username>) in rendered text; mentions carry class="ref-mention".
_PROFILE_LINK = re.compile(r'<a\s[^>]*href="/u/([^"/?#]+)"[^>]*>(.*?)</a>', re.S)


# --- pieces ----------------------------------------------------------------------------------


def local_iso(moment):
    """A stored naive-UTC time as ISO 8601 with the council's UTC offset, or None."""
    if moment is None:
        return None
    return recurrence.to_local(moment, zone()).isoformat(timespec="seconds")


def link(endpoint, **values):
    """An absolute address (https in production, even behind a proxy)."""
    return url_for(endpoint, _external=True,
                   _scheme=current_app.config["PREFERRED_URL_SCHEME"], **values)


def public_name(user):
    """The name anyone may see: an adult member's chosen display name, else None."""
    if user is None or user.state != "active" or user.is_minor:
        return None
    return user.display_name.strip() or None


def ward(ward):
    return None if ward is None else {"slug": ward.slug, "name": ward.name}


class Names:
    """Public names of the people @mentioned in a batch of rendered texts (one query)."""

    def __init__(self, *htmls):
        keys = {match.group(1).lower() for html in htmls for match in
                _PROFILE_LINK.finditer(html or "")}
        people = db.session.execute(
            db.select(User).where(User.username_key.in_(keys))).scalars() if keys else ()
        self._names = {person.username_key: public_name(person) for person in people}

    def html(self, rendered):
        """Rendered text without profile links: a mention shows the public name, or "someone"."""

        def replace(match):
            if "ref-mention" not in match.group(0):
                return match.group(2)  # a hand-written link to a profile: its words stay
            name = self._names.get(match.group(1).lower())
            return f'<span class="mention">@{escape(name) if name else "someone"}</span>'

        return _PROFILE_LINK.sub(replace, rendered or "")


def pages_for(total, per_page):
    """How many pages `total` items fill (an empty collection still has its first page)."""
    return max((total + per_page - 1) // per_page, 1)


def page(items, *, page_number, per_page, total, links, serialize, **extra):
    """The envelope of every collection: one page of `items`, serialized, and where it is."""
    return {
        "items": [serialize(item) for item in items],
        "page": page_number,
        "per_page": per_page,
        "total": total,
        "pages": pages_for(total, per_page),
        "links": links,
        **extra,
    }


# --- boards and topics ------------------------------------------------------------------------


def board(board):
    return {
        "id": board.id,
        "slug": board.slug,
        "name": board.name,
        "description": board.description,
        "ward": ward(board.ward),
        "official_answers": board.official_answers,
        "topic_count": board.topic_count,
        "post_count": board.post_count,
        "last_activity_at": local_iso(board.last_activity_at),
        "links": {
            "self": link("api.board", slug=board.slug),
            "topics": link("api.board_topics", slug=board.slug),
            "web": link("boards.board", slug=board.slug),
        },
    }


def topic(topic):
    return {
        "id": topic.id,
        "title": topic.title,
        "board": {"slug": topic.board.slug, "name": topic.board.name},
        "author": public_name(topic.author),
        "created_at": local_iso(topic.created_at),
        "last_activity_at": local_iso(topic.last_activity_at),
        "reply_count": topic.reply_count,
        "pinned": topic.is_pinned,
        "locked": topic.is_locked,
        "links": {
            "self": link("api.topic", topic_id=topic.id),
            "board": link("api.board", slug=topic.board.slug),
            "web": link("boards.topic", topic_id=topic.id),
        },
    }


def post_serializer(topic, posts):
    """A function serializing the posts of one page of a topic."""
    names = Names(*(post.body_html for post in posts))

    def post(post):
        return {
            "id": post.id,
            "number": post.number,
            "author": public_name(post.author),
            "created_at": local_iso(post.created_at),
            "edited_at": local_iso(post.edited_at),
            "body_html": names.html(post.body_html),
            "official_answer": topic.official_post_id == post.id,
            "links": {"web": link("boards.post_link", post_id=post.id)},
        }

    return post


# --- events -----------------------------------------------------------------------------------


def _category(key, labels):
    return {"key": key, "label": labels.get(key, key)}


def _event_links(event):
    return {
        "self": link("api.event", event_id=event.id),
        "web": link("events.event", event_id=event.id),
        "ics": link("events.event_ics", event_id=event.id),
    }


def _occurrence_web(occurrence):
    event = occurrence.event
    on = occurrence_param(occurrence.original_start) if event.is_recurring else None
    return link("events.event", event_id=event.id, on=on)


def _times(occurrence):
    return {
        "starts_at": local_iso(occurrence.starts_at),
        "ends_at": local_iso(occurrence.ends_at),
        "moved": occurrence.moved,
    }


def occurrence(occurrence):
    """One date of an event, as the calendar lists it."""
    event = occurrence.event
    return {
        "event_id": event.id,
        **_times(occurrence),
        **_event_basics(event),
        "links": {**_event_links(event), "web": _occurrence_web(occurrence)},
    }


def _event_basics(event):
    """What an event and each of its occurrences both say about it."""
    return {
        "title": event.title,
        "all_day": event.all_day,
        "cancelled": event.is_cancelled,
        "venue": event.venue,
        "address": event.address,
        "ward": ward(event.ward),
        "category": _category(event.category, EVENT_CATEGORIES),
        "suitable_for": event.suitable_for,
        "cost": event.cost,
        "official": event.is_official,
    }


def _organiser(event):
    """Who runs it: the council, the group named, or an adult organiser's display name. A young
    person's event names nobody: the group name they typed could be their own name."""
    if event.is_official:
        return "Council"
    author = event.author
    if author is not None and author.is_minor:
        return None
    return event.organiser_name or public_name(author)


def event(event, upcoming):
    """An event (or series) with its next dates."""
    return {
        "id": event.id,
        **_event_basics(event),
        "description_html": Names(event.description_html).html(event.description_html),
        "starts_at": local_iso(event.starts_at),
        "ends_at": local_iso(event.ends_at),
        "recurring": event.is_recurring,
        "repeats": recurrence.describe_rrule(event.rrule, event.starts_at, zone()) or None,
        "cancel_reason": event.cancel_reason if event.is_cancelled else None,
        "accessibility": event.accessibility,
        "capacity": event.capacity,
        "organiser": _organiser(event),
        "updated_at": local_iso(event.updated_at),
        "next_occurrences": [{**_times(item), "links": {"web": _occurrence_web(item)}}
                             for item in upcoming],
        "links": _event_links(event),
    }


# --- news -------------------------------------------------------------------------------------


def _news_web(article):
    return link("news.article", article_id=article.id)


def article(article, full=False):
    """A live news article; `full` adds its body (the detail endpoint)."""
    fields = {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "category": _category(article.category, NEWS_CATEGORIES),
        "borough_wide": article.borough_wide,
        "wards": [] if article.borough_wide else [ward(item) for item in article.wards],
        "published_at": local_iso(article.publish_at),
        "updated_at": local_iso(article.updated_at),
        "update_note": (article.update_note or None) if article.updated_at else None,
        "pinned": article.is_pinned,
        "comments_open": article.comments_open,
        "links": {"self": link("api.news_article", article_id=article.id),
                  "web": _news_web(article)},
    }
    if full:
        html = Names(article.body_html).html(article.body_html)
        fields["body_html"] = html
        fields["body_text"] = plain_text(html)
    return fields
