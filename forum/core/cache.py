"""A cache for whole pages shown to visitors who are not signed in.

Entries are keyed by the page's address and a *stamp* read from the database on every
request (a board's or topic's revision number), so a cached page is never out of date with
the content it shows: posting, editing, hiding or removing anything bumps the stamp. Because
every server checks the stamp in the shared database, an in-process cache is correct on
several servers too. Only names and roles of authors can be up to PAGE_CACHE_SECONDS old.
"""

import threading
import time
from collections import OrderedDict

from flask import current_app, request, session
from flask_login import current_user


class PageCache:
    """A small thread-safe LRU of rendered pages with a time limit."""

    def __init__(self, size, seconds):
        self.size = size
        self.seconds = seconds
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            stored_at, value = entry
            if time.monotonic() - stored_at > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key, value):
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = (time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


def init_app(app):
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_SIZE"],
                                             app.config["PAGE_CACHE_SECONDS"])


def cacheable():
    """Only anonymous GETs with nothing personal waiting (no flash message) are cached."""
    return (request.method == "GET" and not current_user.is_authenticated
            and "_flashes" not in session)


def cached_page(stamp, render):
    """Return the page for this address and stamp, rendering it with `render()` if needed.

    :param stamp: anything hashable that changes whenever the page's content does.
    :param render: builds the response body (a str) when the cache has no fresh copy.
    """
    if not cacheable():
        return render()
    cache = current_app.extensions["page_cache"]
    key = (request.full_path, stamp)
    body = cache.get(key)
    if body is None:
        body = render()
        if not isinstance(body, str) or "_flashes" in session:
            return body
        cache.set(key, body)
    return body

