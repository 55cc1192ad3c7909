"""Atom 1.0 (RFC 4287) documents for news and board activity.

Written with the standard library's ElementTree, which escapes every text and attribute: an
Atom feed is a dozen elements, and a library for it would add more code than it saves.
Times are naive UTC, as everywhere in the app.
"""

from dataclasses import dataclass, field
from datetime import datetime
from xml.etree import ElementTree

from flask import current_app, make_response, url_for

from forum.accounts.models import utcnow

ATOM = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"

ElementTree.register_namespace("", ATOM)


@dataclass(frozen=True)
class Entry:
    id: str                   # a permanent absolute URL (our addresses are a contract)
    title: str
    url: str
    published: datetime
    updated: datetime
    summary: str = ""
    html: str = ""            # the sanitised body, as rendered for the web page
    author: str = ""
    categories: tuple = field(default=())


def _time(value):
    return value.replace(microsecond=0).isoformat() + "Z"


def _add(parent, tag, text=None, **attributes):
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def feed(title, self_url, page_url, entries, subtitle="", author="", updated=None):
    """The feed as UTF-8 bytes. Its updated time is the newest entry's; an empty feed uses
    `updated` (the caller's "now")."""
    root = ElementTree.Element(f"{{{ATOM}}}feed")
    _add(root, "id", self_url)
    _add(root, "title", title)
    if subtitle:
        _add(root, "subtitle", subtitle)
    newest = max((entry.updated for entry in entries), default=None)
    _add(root, "updated", _time(newest or updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(root, "link", rel="alternate", type="text/html", href=page_url)
    if author:
        _add(_add(root, "author"), "name", author)
    _add(root, "generator", "Common Ground")
    for entry in entries:
        element = _add(root, "entry")
        _add(element, "id", entry.id)
        _add(element, "title", entry.title)
        _add(element, "link", rel="alternate", type="text/html", href=entry.url)
        _add(element, "published", _time(entry.published))
        _add(element, "updated", _time(entry.updated))
        # RFC 4287 wants an author on each entry when the feed has none.
        _add(_add(element, "author"), "name", entry.author or author or "Common Ground")
        for category in entry.categories:
            _add(element, "category", term=category)
        if entry.summary:
            _add(element, "summary", entry.summary)
        if entry.html:
            _add(element, "content", entry.html, type="html")
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def absolute_url(endpoint, **values):
    """A full address, as feed readers need: https in production, even behind a proxy."""
    return url_for(endpoint, _external=True,
                   _scheme=current_app.config["PREFERRED_URL_SCHEME"], **values)


def response(title, self_url, page_url, entries, subtitle="", author=""):
    """The feed as a response that feed readers and caches understand."""
    body = feed(title, self_url, page_url, entries, subtitle=subtitle, author=author,
                updated=utcnow())
    reply = make_response(body)
    reply.headers["Content-Type"] = CONTENT_TYPE
    reply.headers["Cache-Control"] = "public, max-age=300"
    return reply
