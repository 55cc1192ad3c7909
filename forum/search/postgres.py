"""The PostgreSQL full-text backend (SEARCH_BACKEND=postgres): the index is a table.

It stands behind the same methods as the Whoosh backend (`writer()`, `search()`,
`search_kinds()`, `exists()`, `close()`), so every server reads and writes one index in the
database they share and keeps nothing on its own disk.

- Documents live in `search_documents` (see `models.SearchDocument`): the fields the results
  page shows, and `words`, a tsvector of the title (weight A) and body (weight B) with a GIN
  index. Text is accent-folded in Python before PostgreSQL's `english` configuration lowers,
  stems and drops stop words, so "cafe" finds "café" without the unaccent extension.
- Queries are parsed by the same Whoosh parser as the other backend (words, "phrases",
  (groups), AND/OR/NOT), with an analyzer that only splits, lowers and folds, and the tree is
  written out for `to_tsquery`, which stems each word as the documents were stemmed.
- Hits are highlighted by the same code as Whoosh's (`index.present_hit`).
- Writers serialise on a transaction-level advisory lock, the counterpart of Whoosh's write
  lock, and write in a transaction of their own: readers see a batch, or a rebuild, whole.
"""

import logging
import re
import time
import zlib
from contextlib import contextmanager

from sqlalchemy import bindparam, text
from sqlalchemy.exc import SQLAlchemyError
from whoosh import query as q
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT, Schema
from whoosh.support.charset import accent_map

from forum.extensions import db
from forum.search.index import (
    FIELDS,
    IndexLocked,
    SearchUnavailable,
    highlight_terms,
    make_parser,
    present_hit,
)

log = logging.getLogger(__name__)

CONFIGURATION = "english"
LOCK_KEY = zlib.crc32(b"commonground:search-index")  # any fixed number all servers agree on
WRITE_CHUNK = 500
STORED = ("title", "body", "board", "ward", "author", "created", "url", "topic_id")

# The query parser's analyzer: PostgreSQL does the stemming and stop words.
_PLAIN = RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
_PLAIN_SCHEMA = Schema(title=TEXT(analyzer=_PLAIN), body=TEXT(analyzer=_PLAIN))
_WORD = re.compile(r"[^\W_]+")

_UPSERT = text(f"""
    INSERT INTO search_documents (doc_id, kind, title, body, board, ward, author, created, url,
                                  topic_id, words)
    VALUES (:doc_id, :kind, :title, :body, :board, :ward, :author, :created, :url, :topic_id,
            setweight(to_tsvector('{CONFIGURATION}', :folded_title), 'A')
            || setweight(to_tsvector('{CONFIGURATION}', :folded_body), 'B'))
    ON CONFLICT (doc_id) DO UPDATE SET
        kind = excluded.kind, title = excluded.title, body = excluded.body,
        board = excluded.board, ward = excluded.ward, author = excluded.author,
        created = excluded.created, url = excluded.url, topic_id = excluded.topic_id,
        words = excluded.words
""")
_DELETE = text("DELETE FROM search_documents WHERE doc_id IN :ids").bindparams(
    bindparam("ids", expanding=True))


def fold(value):
    """Lower-case-insensitive matching is PostgreSQL's job; accents are ours ("café" → "cafe")."""
    return (value or "").translate(accent_map)


def to_tsquery(node):
    """The parsed query as `to_tsquery` text, or None when it can match nothing.

    Each word is quoted and made only of letters and digits, so nothing a resident types can
    become a tsquery operator.
    """
    if isinstance(node, q.Term):
        return _lexemes(node.text)
    if isinstance(node, q.Phrase):
        words = [part for part in map(_lexemes, node.words) if part]
        return f"({' <-> '.join(words)})" if words else None
    if isinstance(node, q.Not):
        inner = to_tsquery(node.query)
        return f"!{inner}" if inner else None
    if isinstance(node, q.AndNot):
        wanted, unwanted = to_tsquery(node.a), to_tsquery(node.b)
        return f"({wanted} & !{unwanted})" if wanted and unwanted else wanted
    if isinstance(node, q.AndMaybe):
        return to_tsquery(node.a)
    if isinstance(node, q.Require):
        return _join(" & ", [node.a, node.b])
    if isinstance(node, q.And):
        return _join(" & ", node.subqueries)
    if isinstance(node, q.Or):
        return _join(" | ", node.subqueries)
    return None  # NullQuery: only stop words, or nothing at all


def _join(operator, nodes):
    parts = list(dict.fromkeys(part for part in map(to_tsquery, nodes) if part))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"({operator.join(parts)})"


def _lexemes(word):
    parts = [f"'{part}'" for part in _WORD.findall(word)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else f"({' <-> '.join(parts)})"


class PostgresBackend:
    """The index as a table in the app's PostgreSQL database."""

    name = "postgres"

    def __init__(self, lock_timeout=2.0):
        self.lock_timeout = lock_timeout
        self._parser = make_parser(_PLAIN_SCHEMA)
        self._highlight_parser = make_parser()

    def __repr__(self):
        return "<PostgresBackend search_documents>"

    def exists(self):
        return True  # the table is part of the schema; an empty one is an empty index

    def close(self):
        """Nothing to close: connections belong to the app's pool."""

    # --- writing -----------------------------------------------------------------------------

    @contextmanager
    def writer(self, rebuild=False, create=False):
        """Hold the write lock and yield a batch; commit it on a clean exit.

        :param rebuild: start from an empty index; readers see the old documents until the
            commit, as with Whoosh.
        :param create: as with Whoosh; here the index (a table) always exists.
        :raises IndexLocked: another writer held the lock for `lock_timeout` seconds.
        """
        try:
            connection = db.engine.connect()
        except SQLAlchemyError as error:
            raise SearchUnavailable(f"The database cannot be reached: {error}") from error
        try:
            with connection.begin():
                self._lock(connection)
                if rebuild:
                    connection.execute(text("DELETE FROM search_documents"))
                batch = _Batch(connection, fresh=rebuild)
                yield batch
                batch.flush()
        finally:
            connection.close()

    def _lock(self, connection):
        deadline = time.monotonic() + self.lock_timeout
        while not connection.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                     {"key": LOCK_KEY}).scalar():
            if time.monotonic() > deadline:
                raise IndexLocked("Another process is writing to the search index.")
            time.sleep(0.02)

    # --- searching ---------------------------------------------------------------------------

    def parse(self, text_):
        return self._parser.parse(text_)

    def search(self, text_, kind=None, board=None, ward=None, start=None, end=None, offset=0,
               limit=20):
        """The best matches of one kind (or of any kind) from `offset`; see WhooshBackend."""
        return self.search_kinds(text_, [kind], board=board, ward=ward, start=start, end=end,
                                 offset=offset, limit=limit)[kind]

    def search_kinds(self, text_, kinds, board=None, ward=None, start=None, end=None, offset=0,
                     limit=20):
        """{kind: (hits from `offset`, number of matches of that kind)} in one query: each
        kind's matches are ranked and counted by window functions over one scan."""
        kinds = tuple(kinds)
        found = {kind: ([], 0) for kind in kinds}
        tsquery = to_tsquery(self.parse(text_))
        if not tsquery:
            return found
        every = None in kinds
        conditions = ["words @@ query"]
        params = {"tsquery": tsquery, "first": offset, "last": offset + limit}
        if not every:
            conditions.append("kind IN :kinds")
            params["kinds"] = list(kinds)
        for name, value in (("board", board), ("ward", ward)):
            if value:
                conditions.append(f"{name} = :{name}")
                params[name] = value
        if start:
            conditions.append("created >= :start")
            params["start"] = start
        if end:
            conditions.append("created <= :end")
            params["end"] = end
        partition = "" if every else "PARTITION BY kind"
        statement = text(f"""
            SELECT * FROM (
                SELECT doc_id, kind, {", ".join(STORED)},
                       row_number() OVER ({partition} ORDER BY ts_rank(words, query) DESC,
                                          created, doc_id) AS place,
                       count(*) OVER ({partition}) AS total
                FROM search_documents, to_tsquery('{CONFIGURATION}', :tsquery) AS query
                WHERE {" AND ".join(conditions)}
            ) AS ranked
            WHERE place > :first AND place <= :last
            ORDER BY kind, place
        """)
        if not every:
            statement = statement.bindparams(bindparam("kinds", expanding=True))
        try:
            rows = db.session.execute(statement, params).mappings().all()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("Search query failed: %s", error)
            raise SearchUnavailable(f"The search query failed: {error}") from error
        terms = highlight_terms(self._highlight_parser.parse(text_))
        totals, hits = {}, {kind: [] for kind in kinds}
        for row in rows:
            group = None if every else row["kind"]
            totals[group] = row["total"]
            fields = {name: row[name] for name in ("kind", *STORED)}
            hits[group].append(present_hit({"id": row["doc_id"], **fields}, terms))
        # A page past the last match still needs the total: count that kind on its own.
        for kind in kinds:
            if kind not in totals:
                totals[kind] = self._count(conditions, params, kind, every) if offset else 0
            found[kind] = (hits[kind], totals[kind])
        return found

    @staticmethod
    def _count(conditions, params, kind, every):
        where = [condition for condition in conditions if condition != "kind IN :kinds"]
        values = {name: value for name, value in params.items() if name != "kinds"}
        if not every:
            where.append("kind = :kind")
            values["kind"] = kind
        return db.session.execute(text(
            f"SELECT count(*) FROM search_documents, "
            f"to_tsquery('{CONFIGURATION}', :tsquery) AS query WHERE {' AND '.join(where)}"),
            values).scalar_one()


class _Batch:
    """Changes to write in the writer's transaction: put(doc_id, kind, fields), remove(doc_id).
    Puts are sent in chunks (one round trip for many rows)."""

    def __init__(self, connection, fresh):
        self._connection = connection
        self.fresh = fresh   # starts from an empty index, which the caller fills
        self._puts = {}
        self.changed = 0

    def put(self, doc_id, kind, fields):
        row = {name: fields.get(name) for name in STORED if name in FIELDS}
        row.update(doc_id=doc_id, kind=kind, title=row["title"] or "", body=row["body"] or "",
                   folded_title=fold(row["title"]), folded_body=fold(row["body"]))
        self._puts[doc_id] = row
        self.changed += 1
        if len(self._puts) >= WRITE_CHUNK:
            self.flush()

    def remove(self, doc_id):
        self._puts.pop(doc_id, None)
        self._connection.execute(_DELETE, {"ids": [doc_id]})
        self.changed += 1

    def flush(self):
        if self._puts:
            self._connection.execute(_UPSERT, list(self._puts.values()))
            self._puts = {}

