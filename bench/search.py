"""Benchmark the two search backends side by side: Whoosh files against PostgreSQL full text.

    .venv/bin/python bench/search.py [--documents 100000] [--queries 200]
        [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]

Builds the same DOCUMENTS documents (topics, replies, events, listings, news: short titles,
bodies of 20–120 words from a neighbourhood vocabulary) in a Whoosh index in a temporary
folder and in `search_documents` of a fresh PostgreSQL database, then times, for each backend:
the rebuild, and QUERIES queries of each shape, with Whoosh's per-process result cache off (the
work is measured, not the cache): one common word, two words, a rare word with a common one, a
phrase, an OR, a NOT, the
results overview (every kind at once), page 5 of one kind, and a board filter. Prints p50 and
p99 per shape and the PostgreSQL/Whoosh ratio. The database is dropped at the end.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.search.index import WhooshBackend, _ResultCache  # noqa: E402
from forum.search.postgres import PostgresBackend  # noqa: E402

COMMON = ("bus library bin collection garden allotment café market park bench streetlight "
          "school youth club volunteer council housing repair bike path river football "
          "concert neighbours recycling parking playground community centre tea cake "
          "consultation mosque church synagogue temple festival fireworks dog walk").split()
RARE = ("harpsichord origami beekeeping calligraphy falconry glassblowing taxidermy "
        "bookbinding letterpress marquetry").split()
KINDS = ("topic", "post", "event", "listing", "news")
BOARDS = [f"board-{n}" for n in range(20)]
WARDS = [f"ward-{n}" for n in range(12)]


def documents(count, seed=7):
    rng = random.Random(seed)
    start = datetime(2025, 1, 1)
    for number in range(count):
        words = rng.choices(COMMON, k=rng.randint(20, 120))
        if rng.random() < 0.01:
            words.append(rng.choice(RARE))
        kind = rng.choices(KINDS, weights=(20, 60, 8, 8, 4))[0]
        yield f"{kind}:{number}", kind, {
            "title": " ".join(rng.choices(COMMON, k=rng.randint(3, 8))).capitalize(),
            "body": " ".join(words), "board": rng.choice(BOARDS), "ward": rng.choice(WARDS),
            "author": f"resident{rng.randint(1, 3000)}",
            "created": start + timedelta(minutes=number * 7),
            "url": f"/p/{number}", "topic_id": number // 10,
        }


def queries(shape, count, seed=11):
    """`count` different queries of one shape, with the search() arguments they need."""
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        a, b = rng.sample(COMMON, 2)
        made.append({
            "one word": (a, {}),
            "two words": (f"{a} {b}", {}),
            "rare word": (f"{rng.choice(RARE)} {a}", {}),
            "phrase": (f'"{a} {b}"', {}),
            "or": (f"{a} OR {b}", {}),
            "not": (f"{a} NOT {b}", {}),
            "overview": (f"{a} {b}", {"overview": True}),
            "page 5": (a, {"kind": "post", "offset": 80}),
            "board filter": (f"{a} {b}", {"board": rng.choice(BOARDS)}),
        }[shape])
    return made


SHAPES = ("one word", "two words", "rare word", "phrase", "or", "not", "overview", "page 5",
          "board filter")


def run_query(backend, text, options):
    options = dict(options)
    if options.pop("overview", False):
        return backend.search_kinds(text, KINDS, limit=5)
    return backend.search(text, limit=20, **options)


def uncached_whoosh(folder):
    backend = WhooshBackend(folder)
    backend._cache = _ResultCache(size=0)  # every query does its work
    return backend


def measure(backend, count, per_shape):
    timings = {}
    started = time.perf_counter()
    with backend.writer(rebuild=True) as batch:
        for doc_id, kind, fields in documents(count):
            batch.put(doc_id, kind, fields)
    timings["rebuild (s)"] = [time.perf_counter() - started]
    for shape in SHAPES:
        samples = []
        for text, options in queries(shape, per_shape):
            started = time.perf_counter()
            run_query(backend, text, options)
            samples.append((time.perf_counter() - started) * 1000)
        timings[shape] = samples
    return timings


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    name = f"cg_bench_search_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    database_url = f"{args.admin_url.rsplit('/', 1)[0]}/{name}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app("default", overrides={
                "DATABASE_URL": database_url, "SEARCH_BACKEND": "postgres",
                "SEARCH_DRAIN": "off", "MAIL_OUTBOX": folder})
            with app.app_context():
                upgrade()
                print(f"{args.documents:,} documents, {args.queries} different queries of "
                      "each shape\n")
                results = {
                    "whoosh": measure(uncached_whoosh(Path(folder) / "index"), args.documents,
                                      args.queries),
                    "postgres": measure(PostgresBackend(), args.documents, args.queries),
                }
                db.session.remove()
                db.engine.dispose()
    finally:
        with psycopg.connect(args.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(f"{'':<14}{'Whoosh p50':>12}{'p99':>9}{'Postgres p50':>14}{'p99':>9}"
          f"{'p50 ratio':>11}")
    for shape in ("rebuild (s)", *SHAPES):
        whoosh, postgres = results["whoosh"][shape], results["postgres"][shape]
        w50, p50 = statistics.median(whoosh), statistics.median(postgres)
        print(f"{shape:<14}{w50:>12.1f}{percentile(whoosh, 0.99):>9.1f}{p50:>14.1f}"
              f"{percentile(postgres, 0.99):>9.1f}{p50 / w50:>10.2f}×")
    print("\nTimes in milliseconds (rebuild in seconds); ratio = PostgreSQL / Whoosh.")


if __name__ == "__main__":
    main()
