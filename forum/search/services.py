"""Search use-cases: query the index, and keep it in step with the database.

Index work is queued in `search_queue` in the same transaction as the content (see
`forum.search.hooks`) and applied by `drain()` after commit. `reindex()` rebuilds everything.
Both run in an application context of their own, so they never touch the caller's session.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from forum.core.content import KINDS, Moderated
from forum.core.paging import Pages
from forum.core.timezones import local_midnight_utc
from forum.errors import Invalid
from forum.extensions import db
from forum.search.index import IndexMissing, SearchUnavailable
from forum.search.models import SearchQueue

__all__ = ["SearchUnavailable", "count_indexable", "drain", "enqueue", "reindex", "search"]

log = logging.getLogger(__name__)

# Headings on the results page, one per kind of content, in this order.
KIND_LABELS = {"topic": "Topics", "post": "Replies", "event": "Events", "project": "Projects",
               "listing": "Skill listings", "news": "News"}
PER_PAGE = 20     # results on a page of one kind
PREVIEW = 5       # results of each kind when every kind is shown
QUERY_MAX = 200   # characters
BATCH = 500       # queued rows applied per index commit


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Group:
    """The matches of one kind: `hits` are dicts of stored fields plus safe `title_html` and
    `snippet`; `page` is set when this kind alone was asked for."""

    kind: str
    label: str
    total: int
    hits: list
    page: Pages | None = None

    @property
    def more(self):
        return self.total > len(self.hits) and self.page is None


@dataclass
class SearchResults:
    query: str
    kind: str | None
    groups: list = field(default_factory=list)

    @property
    def total(self):
        return sum(group.total for group in self.groups)


def searchable_kinds():
    """Names of the content kinds that have search documents, in heading order."""
    names = [name for name, kind in KINDS.items() if kind.search_document is not None]
    order = list(KIND_LABELS)
    return sorted(names, key=lambda name: order.index(name) if name in order else len(order))


def kind_label(name):
    return KIND_LABELS.get(name, name.replace("_", " ").capitalize() + "s")


def search(query_text, viewer, kind=None, board=None, ward=None, since=None, until=None,
           page=1):
    """Published content matching `query_text`, grouped by kind, best first.

    Without `kind`, each kind shows its first few matches and how many there are; with it, that
    kind's matches are paginated. `since` and `until` are dates in the council's time zone,
    both included.

    :param viewer: who is asking. Only public, published content is indexed, so today everyone
        sees the same results; the argument is where per-person rules (§5) will apply.
    :raises Invalid: for an empty or over-long query, an unknown kind or reversed dates.
    :raises SearchUnavailable: the index is missing, being rebuilt or unreadable.
    """
    text = " ".join((query_text or "").split())
    if not text:
        raise Invalid("q", "Type a word or two to search for.")
    if len(text) > QUERY_MAX:
        raise Invalid("q", f"Keep your search to {QUERY_MAX} characters or fewer; this one "
                           f"has {len(text):,}.")
    kinds = searchable_kinds()
    if kind and kind not in kinds:
        raise Invalid("kind", "Choose what to search from the list.")
    if since and until and since > until:
        raise Invalid("until", "The end date must be the same as or after the start date.")
    filters = {"board": board or None, "ward": ward or None, **_utc_bounds(since, until)}
    try:
        return _search(text, kind, filters, page)
    except IndexMissing:
        # A new site, or deleted files: ask for the rebuild (in the background, or at once
        # when SEARCH_DRAIN is "inline"), then look again.
        from forum.search.hooks import request_drain

        request_drain(current_app._get_current_object())
        return _search(text, kind, filters, page)


def _search(text, kind, filters, page):
    backend = current_app.extensions["search"]
    kinds = searchable_kinds()
    results = SearchResults(query=text, kind=kind)
    if kind:
        page = max(1, page)
        hits, total = backend.search(text, kind, offset=(page - 1) * PER_PAGE, limit=PER_PAGE,
                                     **filters)
        results.groups.append(Group(kind, kind_label(kind), total, hits,
                                    Pages(page, PER_PAGE, total)))
        return results
    # One pass over the matches finds the first few of every kind, and counts them.
    found = backend.search_kinds(text, kinds, limit=PREVIEW, **filters)
    for name in kinds:
        hits, total = found[name]
        if total:
            results.groups.append(Group(name, kind_label(name), total, hits))
    return results


def _utc_bounds(since, until):
    """Local calendar days → the stored (naive UTC) instants that bound them."""
    zone = current_app.config["TIMEZONE"]

    def utc(day):
        return local_midnight_utc(day, zone)

    return {"start": utc(since) if since else None,
            "end": utc(until + timedelta(days=1)) - timedelta(microseconds=1) if until else None}


# --- keeping the index right -----------------------------------------------------------------


def enqueue(pairs):
    """Queue (kind name, object id) pairs in the caller's transaction; drained after commit."""
    rows = [{"kind": kind, "object_id": object_id} for kind, object_id in pairs]
    if rows:
        db.session.execute(SearchQueue.__table__.insert(), rows)
        db.session.info["search_pending"] = True


def queue_author_content(user_id):
    """Queue everything a person wrote (their name in the index changes with their account)."""
    pairs = []
    for name in searchable_kinds():
        model = KINDS[name].model
        if hasattr(model, "author_id"):
            ids = db.session.execute(
                select(_primary_key(model)).where(model.author_id == user_id)).scalars()
            pairs.extend((name, object_id) for object_id in ids)
    enqueue(pairs)
    db.session.commit()


def drain(batch_size=BATCH):
    """Apply queued index work, oldest first; return how many queued rows were done.

    Each batch takes the index's write lock *before* reading the queue and the content, so the
    documents written are never older than the newest change already in the index; rows are
    deleted only after the index has committed, and only the rows that were read, so work that
    arrives meanwhile stays queued. A missing index is rebuilt from the database.

    :raises SearchUnavailable: the index is locked or failing; the rows stay queued.
    """
    done = 0
    with current_app.app_context():  # a session of our own, whatever the caller holds
        backend = current_app.extensions["search"]
        while True:
            try:
                # create: whether the index is missing is decided under the lock, so of several
                # servers that find it gone only the first rebuilds it (which takes minutes on
                # a large site); the others find it there.
                with backend.writer(create=True) as batch:
                    if batch.fresh:
                        log.warning("The search index is missing; rebuilding it from the "
                                    "database")
                        row_ids = _fill(batch)[1]
                    else:
                        rows = db.session.execute(
                            select(SearchQueue.id, SearchQueue.kind, SearchQueue.object_id)
                            .order_by(SearchQueue.id).limit(batch_size)
                        ).all()
                        if rows:
                            _write_documents(batch, [(row.kind, row.object_id) for row in rows])
                        row_ids = [row.id for row in rows]
                    db.session.rollback()  # end the read before the delete waits for a write
            except SearchUnavailable:
                db.session.rollback()
                raise
            except Exception as error:
                db.session.rollback()
                raise SearchUnavailable(f"Writing to the search index failed: {error}") \
                    from error
            if not row_ids:
                return done
            _forget(row_ids)
            done += len(row_ids)
            if len(row_ids) < batch_size and not batch.fresh:
                return done


def _write_documents(batch, pairs):
    """Put the current document of each (kind, id), or remove it when it has none."""
    wanted = {}
    for kind_name, object_id in pairs:
        wanted.setdefault(kind_name, set()).add(object_id)
    for kind_name, ids in wanted.items():
        kind = KINDS.get(kind_name)
        if kind is None or kind.search_document is None:
            for object_id in ids:
                batch.remove(f"{kind_name}:{object_id}")
            continue
        key = _primary_key(kind.model)
        found = {getattr(obj, key.key): obj for obj in db.session.execute(
            select(kind.model).where(key.in_(ids))).scalars()}
        for object_id in sorted(ids):
            obj = found.get(object_id)
            document = kind.search_document(obj) if obj is not None else None
            if document:
                batch.put(f"{kind_name}:{object_id}", kind_name, document)
            else:
                batch.remove(f"{kind_name}:{object_id}")


def _forget(row_ids):
    """Delete processed queue rows; if the database refuses, they are simply done again."""
    try:
        for start in range(0, len(row_ids), BATCH):
            db.session.execute(delete(SearchQueue).where(
                SearchQueue.id.in_(row_ids[start:start + BATCH])))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("Could not clear %d done search queue rows; they will be redone",
                    len(row_ids), exc_info=True)


def count_indexable():
    """How many objects a rebuild reads (published ones, where the kind has a status)."""
    # select_from: a kind without a status filter would otherwise count rows of no table.
    return sum(db.session.execute(_published(KINDS[name].model).with_only_columns(
        func.count()).select_from(KINDS[name].model)).scalar_one()
        for name in searchable_kinds())


def reindex(progress=None):
    """Rebuild the whole index from the database; return how many documents it holds.

    Readers keep the old index until the new one is committed in one go.

    :param progress: called with the number of objects read, after each chunk.
    :raises SearchUnavailable: the index is locked or cannot be written.
    """
    with current_app.app_context():
        try:
            return _rebuild(progress)
        except SearchUnavailable:
            raise
        except Exception as error:
            db.session.rollback()
            raise SearchUnavailable(f"Rebuilding the search index failed: {error}") from error


def _rebuild(progress=None):
    backend = current_app.extensions["search"]
    with backend.writer(rebuild=True) as batch:
        indexed, covered = _fill(batch, progress)
    _forget(covered)
    return indexed


def _fill(batch, progress=None):
    """Write every published object into an empty index; return (documents written, ids of the
    queued rows that covers)."""
    # Everything queued so far is covered by reading the database under the lock.
    covered = db.session.execute(select(SearchQueue.id)).scalars().all()
    indexed = 0
    for name in searchable_kinds():
        kind = KINDS[name]
        for chunk in _chunks(kind.model):
            for obj in chunk:
                document = kind.search_document(obj)
                if document:
                    batch.put(f"{name}:{getattr(obj, _primary_key(kind.model).key)}",
                              name, document)
                    indexed += 1
            if progress:
                progress(len(chunk))
            db.session.expunge_all()
    db.session.rollback()
    return indexed, covered


def _primary_key(model):
    return inspect(model).primary_key[0]


def _published(model):
    query = select(model)
    if issubclass(model, Moderated):
        query = query.where(model.status == "published")
    return query


def _chunks(model, size=BATCH):
    """Every published object of a model, `size` at a time, in primary key order."""
    key = _primary_key(model)
    last = None
    while True:
        query = _published(model).order_by(key).limit(size)
        if last is not None:
            query = query.where(key > last)
        chunk = db.session.execute(query).scalars().all()
        if not chunk:
            return
        last = getattr(chunk[-1], key.key)
        yield chunk
