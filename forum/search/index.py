"""The Whoosh backend: one index of published content, in a folder or in RAM.

The backend is deliberately small, so that the PostgreSQL full-text backend (`postgres.py`)
stands behind the same methods: `writer()` (a context manager with `put`/`remove`, committed on
exit), `search()`, `exists()` and `close()`. Everything the results page shows is stored
in the index, so a search never loads database rows.

Concurrency: every write, in any process, holds the index's write lock (a file lock beside the
index) for its whole batch. Callers build their documents *after* taking the lock (see
`services.drain`), so a batch can never overwrite a newer document with an older one.
Searchers are pooled and reused until the index changes; Whoosh searchers are not safe to share
between threads, so each is used by one thread at a time.
"""

import heapq
import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager, suppress
from pathlib import Path

from markupsafe import Markup, escape
from whoosh import highlight
from whoosh import query as q
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.qparser import AndGroup, MultifieldParser, plugins
from whoosh.support.charset import accent_map
from whoosh.util.filelock import try_for
from whoosh.writing import CLEAR, SegmentWriter

from forum.core.content import excerpt

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
WRITE_LOCK = f"{INDEX_NAME}_WRITELOCK"  # the name Whoosh's own writers lock, so both agree

# Words are lower-cased, stripped of accents ("cafe" finds "café"), stop words dropped and
# the rest stemmed ("gardens" finds "gardening"). Positions are kept for phrase queries.
ANALYZER = (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter()
            | StemFilter())

SCHEMA = Schema(
    id=ID(stored=True, unique=True),          # "post:123"
    kind=ID(stored=True),
    title=TEXT(analyzer=ANALYZER, stored=True, field_boost=2.0),
    body=TEXT(analyzer=ANALYZER, stored=True),
    board=ID(stored=True),
    ward=ID(stored=True),
    author=ID(stored=True),
    created=DATETIME(stored=True, sortable=True),
    url=STORED(),
    topic_id=STORED(),
)
FIELDS = frozenset(SCHEMA.names())

# Highlighting re-reads the stored text; long posts are only highlighted in their first part.
HIGHLIGHT_CHARS = 4000
SNIPPET_CHARS = 220


class SearchUnavailable(Exception):
    """The index cannot be used just now; `message` is safe to show to anyone."""

    message = ("Search isn't working at the moment. Please try again in a few minutes; "
               "everything else on the site works as usual.")

    def __init__(self, reason=""):
        super().__init__(reason or self.message)
        self.reason = reason


class IndexMissing(SearchUnavailable):
    """There is no index yet (new site, or its files were deleted); a rebuild makes one."""


class IndexLocked(SearchUnavailable):
    """Another writer held the lock for longer than we were willing to wait."""


class _RamStorage(RamStorage):
    """Whoosh's RAM storage, with its scratch files in RAM too.

    The stock one writes them to a folder named after the index in the system's temporary
    directory, which every RAM index on the machine would share.
    """

    def temp_storage(self, name=None):
        return RamStorage()


class _MarkFormatter(highlight.Formatter):
    """Highlights as <mark>, everything else escaped: a snippet is always safe HTML."""

    between = " … "

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


_BODY_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=70),
    formatter=_MarkFormatter(),
)
_WHOLE_HIGHLIGHTER = highlight.Highlighter(
    fragmenter=highlight.WholeFragmenter(), formatter=_MarkFormatter(),
)


def make_parser(schema=SCHEMA):
    """Words, "phrases", (groups) and AND/OR/NOT, over title and body; all words required.

    Field names, wildcards, ranges and boosts are turned off: they make queries that are slow
    or surprising, and residents do not need them.
    """
    parser = MultifieldParser(["title", "body"], schema, group=AndGroup)
    for plugin in (plugins.FieldsPlugin, plugins.WildcardPlugin, plugins.RangePlugin,
                   plugins.BoostPlugin, plugins.EveryPlugin, plugins.SingleQuotePlugin):
        parser.remove_plugin_class(plugin)
    return parser


class WhooshBackend:
    """The index in `path` (a folder), or in RAM when `path` is None."""

    name = "whoosh"

    def __init__(self, path=None, lock_timeout=2.0):
        self.path = Path(path) if path else None
        self.lock_timeout = lock_timeout
        self._parser = make_parser()
        self._pool_lock = threading.Lock()
        self._idle = []        # searchers not in use by any thread
        self._cache = _ResultCache()
        self._ram = None
        if self.path is None:
            self._ram = _RamStorage()
            with self.writer(rebuild=True):
                pass

    def __repr__(self):
        return f"<WhooshBackend {self.path or 'in RAM'}>"

    # --- storage and searchers ---------------------------------------------------------------

    def _storage(self):
        return self._ram if self._ram is not None else FileStorage(str(self.path))

    def exists(self):
        try:
            return self._storage().index_exists(INDEX_NAME)
        except Exception:  # an unreadable folder is as good as no index
            return False

    def _open_searcher(self):
        storage = self._storage()
        try:
            ix = storage.open_index(INDEX_NAME, schema=SCHEMA)
        except Exception as error:
            if not self.exists():
                raise IndexMissing("The search index has not been built.") from error
            log.exception("The search index at %s cannot be opened", self.path)
            raise SearchUnavailable("The search index cannot be opened.") from error
        return ix.searcher()

    def _checkout(self):
        """A searcher for the newest version of the index, for this thread alone."""
        with self._pool_lock:
            searcher = self._idle.pop() if self._idle else None
        try:
            if searcher is None:
                searcher = self._open_searcher()
            elif not searcher.up_to_date():
                # Always open afresh: Whoosh's refresh() keeps the readers of segments that
                # gained deletions, so removed or held posts would stay findable.
                self._discard(searcher)
                searcher = None
                searcher = self._open_searcher()
        except SearchUnavailable:
            self._discard(searcher)
            raise
        except Exception as error:
            self._discard(searcher)
            if not self.exists():
                raise IndexMissing("The search index has gone.") from error
            log.exception("The search index at %s cannot be read", self.path)
            raise SearchUnavailable("The search index cannot be read.") from error
        # Generation 0 is an index that a rebuild has created and not yet filled.
        if self._generation(searcher) < 1:
            self._checkin(searcher)
            raise IndexMissing("The search index is being rebuilt.")
        return searcher

    @staticmethod
    def _generation(searcher):
        """Which commit of the index a searcher sees (a reader of no segments does not know;
        its index does)."""
        generation = searcher.reader().generation()
        return searcher._ix.latest_generation() if generation is None else generation

    def _checkin(self, searcher):
        with self._pool_lock:
            self._idle.append(searcher)

    @staticmethod
    def _discard(searcher):
        if searcher is not None:
            with suppress(Exception):
                searcher.close()

    @contextmanager
    def _searcher(self):
        searcher = self._checkout()
        try:
            yield searcher
        except Exception:
            self._discard(searcher)
            raise
        else:
            self._checkin(searcher)

    def close(self):
        """Close every pooled searcher (the app is going away, or the index was replaced)."""
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for searcher in idle:
            self._discard(searcher)

    # --- writing -----------------------------------------------------------------------------

    @contextmanager
    def writer(self, rebuild=False, create=False):
        """Hold the write lock and yield a batch; commit it on a clean exit.

        :param rebuild: start from an empty index (created if missing or unreadable); readers
            keep seeing the old one until the commit.
        :param create: when there is no index, start an empty one instead of raising
            IndexMissing. Decided under the lock, so of several servers that found the index
            gone, only the first rebuilds it. `batch.fresh` tells the caller to fill it.
        :raises IndexLocked: the lock stayed taken for `lock_timeout` seconds.
        :raises IndexMissing: there is no index, and neither `rebuild` nor `create` was asked.
        """
        storage = self._storage()
        if self._ram is None:
            storage.create()  # the folder, so that the lock file has somewhere to live
        lock = storage.lock(WRITE_LOCK)
        if not try_for(lock.acquire, timeout=self.lock_timeout, delay=0.02):
            raise IndexLocked("Another process is writing to the search index.")
        try:
            ix, fresh = self._open_for_writing(storage, rebuild, create)
            writer = SegmentWriter(ix, _lk=False)
            batch = _Batch(writer, fresh)
            try:
                yield batch
            except BaseException:
                _quietly(writer.cancel)
                raise
            if fresh:
                writer.commit(mergetype=CLEAR)
            elif batch.changed:
                writer.commit()
            else:
                writer.cancel()
        finally:
            lock.release()

    @staticmethod
    def _open_for_writing(storage, rebuild, create):
        """The index to write to, and whether it starts empty."""
        try:
            if storage.index_exists(INDEX_NAME):
                return storage.open_index(INDEX_NAME, schema=SCHEMA), rebuild
        except Exception:
            if not rebuild:
                raise
            log.warning("Replacing an unreadable search index")
            # Its files go first: a damaged table of contents of a later generation than the
            # new index's would otherwise still be the one that opens.
            for name in list(storage.list()):
                if name != WRITE_LOCK:
                    with suppress(OSError):
                        storage.delete_file(name)
        else:
            if not (rebuild or create):
                raise IndexMissing("The search index has not been built.")
        storage.create_index(SCHEMA, INDEX_NAME)
        return storage.open_index(INDEX_NAME, schema=SCHEMA), True

    # --- searching ---------------------------------------------------------------------------

    def parse(self, text):
        return self._parser.parse(text)

    def _query(self, text, kind=None, board=None, ward=None, start=None, end=None):
        terms = [q.Term(name, value) for name, value in
                 (("kind", kind), ("board", board), ("ward", ward)) if value]
        if start or end:
            terms.append(q.DateRange("created", start, end))
        words = self.parse(text)
        # Filters narrow the matches without changing how they score.
        return q.Require(words, q.And(terms)) if terms else words

    def search(self, text, kind=None, board=None, ward=None, start=None, end=None, offset=0,
               limit=20):
        """The best matches of one kind (or of any kind) from `offset`, as dicts with safe
        `title_html` and `snippet`.

        :returns: (hits, total number of matches)
        """
        groups = self.search_kinds(text, [kind], board=board, ward=ward, start=start, end=end,
                                   offset=offset, limit=limit)
        return groups[kind]

    def search_kinds(self, text, kinds, board=None, ward=None, start=None, end=None, offset=0,
                     limit=20):
        """The best matches of each of `kinds` (None: any kind), in one pass over the index.

        :returns: {kind: (hits from `offset`, total number of matches of that kind)}
        """
        kinds = tuple(kinds)
        with self._searcher() as searcher:
            key = (self._generation(searcher), text, kinds, board, ward, start, end, offset,
                   limit)
            found = self._cache.get(key)
            if found is None:
                query = self._query(text, None, board, ward, start, end)
                collected = _collect(searcher, query, kinds, offset + limit)
                terms = highlight_terms(query)
                found = {kind: ([present_hit(searcher.stored_fields(docnum), terms)
                                 for docnum in docnums[offset:offset + limit]], total)
                         for kind, (docnums, total) in collected.items()}
                self._cache.put(key, found)
        return found


def present_hit(fields, terms):
    """The stored fields of a match, with its title and a snippet highlighted (only the hits
    shown are highlighted, from the stored text). Both backends show hits this way.

    :param terms: {"title": words, "body": words} to mark, from `highlight_terms`.
    """
    body = fields.get("body") or ""
    # A short text is shown whole; a long one as the passages around the words found.
    snippet = ""
    if terms["body"]:
        highlighter = _WHOLE_HIGHLIGHTER if len(body) <= SNIPPET_CHARS else _BODY_HIGHLIGHTER
        snippet = highlight.highlight(body[:HIGHLIGHT_CHARS], terms["body"], ANALYZER,
                                      highlighter.fragmenter, highlighter.formatter, top=2)
    if not snippet:
        snippet = escape(excerpt(body))
    title = fields.get("title") or ""
    title_html = ""
    if terms["title"]:
        title_html = highlight.highlight(title, terms["title"], ANALYZER,
                                         _WHOLE_HIGHLIGHTER.fragmenter,
                                         _WHOLE_HIGHLIGHTER.formatter, top=1)
    return {**fields, "title_html": Markup(title_html or escape(title)),
            "snippet": Markup(snippet)}


def highlight_terms(query):
    """{field: words to mark}: the query's words in title and body, phrases included."""
    terms = {"title": set(), "body": set()}
    for fieldname, text in query.iter_all_terms(phrases=True):
        if fieldname in terms:
            terms[fieldname].add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return {name: frozenset(words) for name, words in terms.items()}


def _collect(searcher, query, kinds, keep):
    """{kind: (the best `keep` top-level docnums, best first; how many matches)} for each of
    `kinds` (None stands for every kind), from one walk over the matches.

    Whoosh's collectors would need one search per kind, each intersected with the kind's
    (very long) list of documents; here each match's kind is looked up instead, and every
    match is scored and counted once. Ties go to the older document, as in Whoosh.
    """
    heaps = {kind: [] for kind in kinds}
    counts = dict.fromkeys(kinds, 0)
    every = None in heaps
    context = searcher.context()
    keep = max(keep, 1)
    for subsearcher, base in searcher.leaf_searchers():
        kind_of = _kinds_of(subsearcher.reader())
        matcher = query.matcher(subsearcher, context)
        is_active, docnum_of, score_of, advance = (matcher.is_active, matcher.id,
                                                   matcher.score, matcher.next)
        while is_active():
            docnum = docnum_of()
            kind = None if every else kind_of.get(docnum)
            if kind in counts:
                counts[kind] += 1
                heap = heaps[kind]
                item = (score_of(), -(base + docnum))
                if len(heap) < keep:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
            advance()
    return {kind: ([-docnum for _, docnum in sorted(heaps[kind], reverse=True)], counts[kind])
            for kind in kinds}


def _kinds_of(reader):
    """{docnum: kind} for one segment's reader, worked out once per reader (a segment's
    documents never change; deletions are left out by the matchers)."""
    kinds = getattr(reader, "_forum_kinds", None)
    if kinds is None:
        kinds = {}
        for kind in reader.lexicon("kind"):
            name = kind.decode("utf-8") if isinstance(kind, bytes) else kind
            for docnum in reader.postings("kind", name).all_ids():
                kinds[docnum] = name
        reader._forum_kinds = kinds
    return kinds


class _ResultCache:
    """Recent results of this process, for the index generation they were read from.

    Whoosh scores every match in Python, so a common word over 100,000 posts takes a good
    fraction of a second; asked again before the index next changes, it costs nothing.
    """

    def __init__(self, size=512):
        self.size = size
        self._entries = OrderedDict()
        self._generation = None
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            if key[0] != self._generation:  # the index changed: nothing older is wanted
                self._entries.clear()
                self._generation = key[0]
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


class _Batch:
    """Changes to write under one lock: put(doc_id, fields) and remove(doc_id).

    `fresh`: the batch starts from an empty index, which the caller fills.
    """

    def __init__(self, writer, fresh):
        self._writer = writer
        self.fresh = fresh
        self.changed = 0

    def put(self, doc_id, kind, fields):
        document = {name: value for name, value in fields.items() if name in FIELDS}
        document.update(id=doc_id, kind=kind)
        if self.fresh:
            self._writer.add_document(**document)
        else:
            self._writer.update_document(**document)
        self.changed += 1

    def remove(self, doc_id):
        if not self.fresh:
            self._writer.delete_by_term("id", doc_id)
            self.changed += 1


def _quietly(function):
    try:
        function()
    except Exception:
        log.exception("Could not tidy up after a failed index write")


def create_backend(app):
    """The backend named by SEARCH_BACKEND, with its settings."""
    name = app.config.get("SEARCH_BACKEND", "whoosh")
    lock_timeout = app.config.get("SEARCH_LOCK_TIMEOUT", 2.0)
    if name == "postgres":
        from forum.search.postgres import PostgresBackend

        if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            raise RuntimeError("SEARCH_BACKEND=postgres keeps the index in the database, so "
                               "DATABASE_URL must be a PostgreSQL database.")
        return PostgresBackend(lock_timeout=lock_timeout)
    if name != "whoosh":
        raise RuntimeError(f"Unknown SEARCH_BACKEND {name!r}: use 'whoosh' or 'postgres'.")
    path = app.config.get("SEARCH_INDEX_PATH")
    if path == ":memory:":
        path = None
    elif not path:
        path = Path(app.instance_path) / "search-index"
    return WhooshBackend(path, lock_timeout=lock_timeout)
