"""Keep the index in step with the database, for every registered kind of content.

After each flush, every new, changed or deleted object whose ContentKind has a
`search_document` gets a `search_queue` row, and so do its `search_dependents` — in the same
transaction, so the work is never lost and never done for a change that was rolled back. After
commit the queue is drained according to SEARCH_DRAIN:

- "thread": one background thread per process drains shortly after commit (the embedded
  default), so no request waits for the index; a locked or failing index is retried later.
- "job": a background job drains (`forum.core.jobs`); one job waits at a time, whatever the
  number of servers and commits.
- "inline": drained before `commit()` returns (tests, where results must be there at once).
- "off": rows wait for `flask search drain`.

The hook runs after the flush rather than before it, because new objects only have their ids
once they have been inserted. Nothing here ever raises into the code that committed.
"""

import logging
import os
import threading
import time

from flask import current_app, has_app_context
from sqlalchemy import event, inspect

from forum.core import jobs
from forum.core.content import KINDS
from forum.core.signals import account_deleted
from forum.extensions import db
from forum.search import services
from forum.search.index import SearchUnavailable
from forum.search.models import SearchQueue

log = logging.getLogger(__name__)

QUEUED = "search_queued"     # session.info: {(kind, id)} queued in this transaction
PENDING = "search_pending"   # session.info: True once this transaction queued something

DEBOUNCE_SECONDS = 0.05      # let a burst of commits land before draining once
RETRY_SECONDS = (0.5, 60.0)  # first and longest wait before retrying a failed drain
IDLE_SECONDS = 300.0         # an idle worker thread ends; the next commit starts another


def install():
    """Attach the listeners once per process (the session and signal are shared by all apps)."""
    for name, listener in (("after_flush", _after_flush), ("after_commit", _after_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
    account_deleted.connect(_account_deleted, weak=False)


def _searchable_kind(obj):
    for kind in KINDS.values():
        if kind.search_document is not None and isinstance(obj, kind.model):
            return kind
    return None


def _after_flush(session, flush_context):
    if not has_app_context() or "search" not in current_app.extensions:
        return
    queued = session.info.setdefault(QUEUED, set())
    rows = []

    def add(kind_name, object_id):
        if object_id is not None and (kind_name, object_id) not in queued:
            queued.add((kind_name, object_id))
            rows.append({"kind": kind_name, "object_id": object_id})

    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = _searchable_kind(obj)
        if kind is None:
            continue
        # `dirty` holds everything an attribute was set on; skip objects left as they were.
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        add(kind.name, getattr(obj, inspect(kind.model).primary_key[0].key))
        for dependent in kind.search_dependents(obj):
            add(*dependent)
    if rows:
        session.connection().execute(SearchQueue.__table__.insert(), rows)
        session.info[PENDING] = True


def _after_commit(session):
    session.info.pop(QUEUED, None)
    if session.info.pop(PENDING, False) and has_app_context() \
            and "search" in current_app.extensions:
        request_drain(current_app._get_current_object())


def _after_transaction_end(session, transaction):
    if transaction.parent is None:  # the outermost transaction: committed or rolled back
        session.info.pop(QUEUED, None)
        session.info.pop(PENDING, None)


def _account_deleted(user_id, **extra):
    """A deleted account is renamed; its posts must stop showing the old name in results."""
    if has_app_context() and "search" in current_app.extensions:
        try:
            services.queue_author_content(user_id)
        except Exception:
            db.session.rollback()
            log.exception("Could not queue the search documents of deleted account %s", user_id)


DRAIN_JOB = "search-drain"


def request_drain(app):
    """Apply queued work now or soon, as SEARCH_DRAIN says; never raises."""
    mode = app.config.get("SEARCH_DRAIN", "thread")
    if mode == "inline":
        drain_quietly(app)
    elif mode == "thread":
        app.extensions["search_worker"].wake()
    elif mode == "job":
        # One waiting drain job is enough for every commit on every server until it starts.
        try:
            with app.app_context():
                jobs.enqueue_once(DRAIN_JOB, "forum.search.hooks.drain_job")
        except Exception:
            log.exception("Search index not updated; the work stays queued")


def drain_job():
    """The background job: apply everything queued. Raises when the index cannot be written,
    so the job is retried; the work stays queued meanwhile."""
    jobs.claim(DRAIN_JOB)
    services.drain()


def drain_quietly(app):
    """Drain, turning every failure into a log line; True when the queue was emptied."""
    try:
        with app.app_context():
            services.drain()
        return True
    except SearchUnavailable as error:
        log.warning("Search index not updated (%s); the work stays queued", error)
    except Exception:
        log.exception("Search index not updated; the work stays queued")
    return False


class Worker:
    """One background thread per process that drains after commits and retries failures."""

    def __init__(self, app):
        self.app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread = None
        self._pid = None

    def wake(self):
        with self._lock:
            # A forked process (gunicorn --preload) inherits the object but not the thread.
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="search-drain",
                                                daemon=True)
                self._thread.start()
            self._wake.set()

    def _run(self):
        retry = None
        while True:
            woken = self._wake.wait(timeout=retry or IDLE_SECONDS)
            if not woken and retry is None:
                with self._lock:
                    if not self._wake.is_set():
                        self._thread = None
                        return
                continue
            time.sleep(DEBOUNCE_SECONDS)
            self._wake.clear()
            if drain_quietly(self.app):
                retry = None
            else:
                retry = min(RETRY_SECONDS[1], retry * 2) if retry else RETRY_SECONDS[0]
