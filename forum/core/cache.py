"""A cache for whole pages shown to visitors who are not signed in.

Entries are keyed by the page's address and a *stamp* read from the database on every
request (a board's or topic's revision number), so a cached page is never out of date with
the content it shows: posting, editing, hiding or removing anything bumps the stamp. Because
every server checks the stamp in the shared database, an in-process cache is correct on
several servers too. Only names and roles of authors can be up to PAGE_CACHE_SECONDS old.

With REDIS_URL set, pages are kept in Redis instead, so every worker of every server shares
one cache (and its memory). Redis failing is a cache miss, never an error page.
"""

import hashlib
import logging
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


log = logging.getLogger(__name__)


class RedisPageCache:
    """The same interface, in Redis: entries expire after `seconds`; Redis's own memory limit
    and eviction policy take the place of `size`."""

    WARN_EVERY_SECONDS = 60

    def __init__(self, app, seconds):
        self.app = app
        self.seconds = seconds
        self.prefix = f"{app.config['REDIS_KEY_PREFIX']}:page:"
        self._last_warning = 0.0

    def _key(self, key):
        return self.prefix + hashlib.sha256(repr(key).encode()).hexdigest()

    def _redis(self):
        from forum.core.jobs import redis_connection

        return redis_connection(self.app)

    def get(self, key):
        try:
            value = self._redis().get(self._key(key))
        except Exception as error:
            self._warn(error)
            return None
        return value.decode("utf-8") if value is not None else None

    def set(self, key, value):
        try:
            self._redis().set(self._key(key), value.encode("utf-8"), ex=self.seconds)
        except Exception as error:
            self._warn(error)

    def clear(self):
        try:
            redis = self._redis()
            for name in redis.scan_iter(match=self.prefix + "*", count=500):
                redis.delete(name)
        except Exception as error:
            self._warn(error)

    def _warn(self, error):
        # Once a minute is enough to tell an operator; every request would flood the log.
        now = time.monotonic()
        if now - self._last_warning > self.WARN_EVERY_SECONDS:
            self._last_warning = now
            log.warning("Page cache in Redis unavailable (%s); pages are rendered afresh", error)


def init_app(app):
    size, seconds = app.config["PAGE_CACHE_SIZE"], app.config["PAGE_CACHE_SECONDS"]
    if app.config.get("REDIS_URL") and size > 0:
        app.extensions["page_cache"] = RedisPageCache(app, seconds)
    else:
        app.extensions["page_cache"] = PageCache(size, seconds)


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

