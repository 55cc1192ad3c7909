"""Benchmark the main pages against a Flask "hello world" served the same way, in one run.

    .venv/bin/python bench/pages.py [--posts 100000] [--topics 5000] [--duration 10]

Seeds a SQLite database with POSTS posts in TOPICS topics (cached in bench/results/ for later
runs), serves it with gunicorn (2 sync workers, like the hello-world app), drives each page with
wrk on 127.0.0.1 and prints requests/s, p50 and p99 for each, with its ratio to hello world.
Then it times posting replies in-process (render, sanitise, moderate, queue the index update).
Needs `wrk` (Debian: apt-get install wrk) and gunicorn (in requirements.txt).
"""

import argparse
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

WORDS = ("bus library bin collection garden allotment café market park bench streetlight "
         "school youth club volunteer council housing repair bike path river football "
         "concert neighbours recycling parking playground community centre tea cake "
         "consultation mosque church synagogue temple festival fireworks dog walk").split()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vocabulary(rng, size=6000):
    """The local words first, then made-up ones, so word frequencies fall off as in real
    text (Zipf): a few words are in many posts, most in few. A tiny vocabulary would put
    every word in every post, which no forum has and which no search engine is built for."""
    syllables = ["ba", "ken", "lo", "mi", "tor", "sha", "vel", "ru", "dan", "pe", "gor", "li",
                 "sen", "wa", "qui", "fo", "mar", "til", "zu", "ne", "ch", "st", "ing", "er"]
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1 / (rank + 10) for rank in range(len(words))]
    return words, weights


def sentence(rng, length, words):
    return " ".join(rng.choices(words[0], words[1], k=length)).capitalize() + "."


def seed(db_path, posts, topics):
    """Fill a fresh database; returns nothing. Uses bulk inserts: the services are timed
    separately, and 100,000 posts through them would take far longer than the benchmark."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from forum import create_app
    from forum.accounts.models import User, Ward, utcnow
    from forum.accounts.passwords import hash_password
    from forum.boards.models import Board, Post, Topic
    from forum.boards.services import ensure_ward_board, recount_board
    from forum.core.content import plain_text, render
    from forum.extensions import db

    rng = random.Random(42)
    app = create_app(overrides={"DATABASE_URL": f"sqlite:///{db_path}", "SEARCH_DRAIN": "off"})
    with app.app_context():
        upgrade()
        wards = [Ward(name=f"Ward {n}", slug=f"ward-{n}") for n in range(1, 7)]
        db.session.add_all(wards)
        db.session.flush()
        for ward in wards:
            ensure_ward_board(ward)
        db.session.add(Board(name="Community café", slug="community-cafe"))
        db.session.commit()
        boards = db.session.execute(db.select(Board)).scalars().all()
        password = hash_password("bench-password-1")
        db.session.execute(insert(User), [
            {"username": f"resident{n}", "username_key": f"resident{n}",
             "email": f"resident{n}@example.org", "password_hash": password,
             "email_verified_at": utcnow(), "ward_id": wards[n % 6].id,
             "display_name": f"Resident {n}", "bio": "", "languages": [], "state": "active",
             "created_at": utcnow()}
            for n in range(200)
        ])
        user_ids = db.session.execute(db.select(User.id)).scalars().all()
        start = utcnow() - timedelta(days=365)
        per_topic = posts // topics
        words = vocabulary(rng)
        bodies = []
        for _ in range(2000):
            source = "\n\n".join(sentence(rng, rng.randint(8, 40), words)
                                 for _ in range(rng.randint(1, 3)))
            html = render(source)
            bodies.append((source, html, plain_text(html)))
        for first in range(0, topics, 500):
            topic_rows, post_rows = [], []
            for number in range(first, min(first + 500, topics)):
                created = start + timedelta(minutes=number * 90)
                topic_rows.append({
                    "id": number + 1, "board_id": boards[number % len(boards)].id,
                    "author_id": rng.choice(user_ids), "title": sentence(rng, 6, words)[:150],
                    "created_at": created, "last_activity_at": created
                    + timedelta(minutes=per_topic * 5), "reply_count": per_topic - 1,
                    "posts_made": per_topic, "last_post_number": per_topic,
                    "status": "published", "moderation_score": 0.0, "moderation_labels": [],
                })
                for position in range(1, per_topic + 1):
                    source, html, text = rng.choice(bodies)
                    post_rows.append({
                        "topic_id": number + 1, "author_id": rng.choice(user_ids),
                        "number": position, "body_source": source, "body_html": html,
                        "body_text": text, "created_at": created + timedelta(minutes=position * 5),
                        "status": "published", "moderation_score": 0.0,
                        "moderation_labels": [],
                    })
            db.session.execute(insert(Topic), topic_rows)
            db.session.execute(insert(Post), post_rows)
            db.session.commit()
            print(f"  seeded {min(first + 500, topics):,} topics", flush=True)
        for board in boards:
            recount_board(board)
        db.session.commit()
        try:
            from forum.search import services as search
        except ImportError:
            print("  (no search package: search is not benchmarked)")
        else:
            print("  building the search index …", flush=True)
            started = time.perf_counter()
            search.reindex()
            print(f"  indexed in {time.perf_counter() - started:.0f} s")
        db.engine.dispose()


HELLO = "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef hello():\n    " \
        "return 'Hello, World!'\n"


def serve(module, port, env, workers):
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning", module],
        cwd=env.pop("CWD", str(ROOT)), env=env,
    )


def wait_until_up(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start")


def search_script(count=3000):
    """A wrk script that sends `count` different searches, mostly never seen before, so the
    figures are not just the result cache answering one query over and over."""
    rng = random.Random(7)
    words, weights = vocabulary(random.Random(42))  # the seeded corpus's vocabulary
    queries = set()
    while len(queries) < count:
        rank = int(rng.paretovariate(0.6)) + 3  # a few common words, many rarer ones
        first = words[min(rank, len(words) - 1)]
        if rng.random() < 0.35:
            first += "+" + rng.choices(words[:400], weights[:400])[0]
        queries.add(first)
    paths = ",\n".join(f'  "/search?q={urllib.parse.quote(query, safe="+")}"'
                        for query in sorted(queries))
    script = RESULTS / "searches.lua"
    script.write_text(f"local paths = {{\n{paths}\n}}\nlocal i = math.random(#paths)\n"
                      "request = function()\n  i = i % #paths + 1\n"
                      "  return wrk.format(\"GET\", paths[i])\nend\n"
                      "done = function(summary, latency, requests)\n"
                      "  io.write(string.format(\"p95 %.3fms\\n\", latency:percentile(95) / 1000))"
                      "\nend\n")
    return script


def wrk(url, duration, connections, script=None):
    subprocess.run(["wrk", "-t1", "-c1", "-d1s", url], capture_output=True)  # warm up
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency",
         *(["-s", str(script)] if script else []), url],
        capture_output=True, text=True, check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url} answered {non_2xx.group(1)} errors:\n{output}")
    p95 = re.search(r"p95 ([\d.]+)ms", output)
    return {
        "p95": float(p95.group(1)) if p95 else None,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
    }


def _ms(value):
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def time_replies(db_path, count=200):
    """Median and p95 ms of posting a reply through the view, signed in, CSRF off."""
    from forum import create_app

    app = create_app(overrides={"DATABASE_URL": f"sqlite:///{db_path}", "WTF_CSRF_ENABLED": False,
                                "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "scrypt"})
    client = app.test_client()
    client.post("/account/signin", data={"login": "resident1", "password": "bench-password-1"})
    timings = []
    for number in range(count):
        body = f"Thanks for this, I'll bring the **tea** to the {random.choice(WORDS)} " \
               f"on Saturday. See https://example.org/{number}"
        started = time.perf_counter()
        response = client.post(f"/t/{1 + number % 50}/reply", data={"body": body})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, response.status_code
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--topics", type=int, default=5_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--fresh", action="store_true", help="re-seed even if cached")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    RESULTS.mkdir(parents=True, exist_ok=True)
    instance = RESULTS / f"pages-{args.posts}"
    db_path = instance / "forum.db"
    os.environ["FORUM_INSTANCE_PATH"] = str(instance)
    if args.fresh and instance.exists():
        shutil.rmtree(instance)
    if not db_path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        print(f"Seeding {args.posts:,} posts in {args.topics:,} topics (cached for next time)")
        seed(db_path, args.posts, args.topics)

    hello_dir = RESULTS / "hello"
    hello_dir.mkdir(exist_ok=True)
    (hello_dir / "hello.py").write_text(HELLO)
    base_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = []
    port = free_port()
    server = serve("hello:app", port, {**base_env, "CWD": str(hello_dir)}, args.workers)
    try:
        wait_until_up(port)
        hello = wrk(f"http://127.0.0.1:{port}/", args.duration, args.connections)
    finally:
        server.terminate()
        server.wait()

    app_env = {**base_env, "FORUM_INSTANCE_PATH": str(instance),
               "FORUM_DATABASE_URL": f"sqlite:///{db_path}", "FORUM_RATELIMIT_ENABLED": "false"}
    port = free_port()
    server = serve("wsgi:app", port, app_env, args.workers)
    pages = [("home page", "/"), ("board page", "/boards/community-cafe"),
             ("topic page", f"/t/{args.topics // 2}"), ("search", "/search?q=garden+bench")]
    try:
        wait_until_up(port)
        has_search = _answers(f"http://127.0.0.1:{port}/search?q=garden+bench")
        for name, path in pages:
            if name == "search" and not has_search:
                print("(search does not answer 200 here: not benchmarked)")
                continue
            rows.append((name, wrk(f"http://127.0.0.1:{port}{path}", args.duration,
                                   args.connections)))
            print(f"  measured {name}", flush=True)
        search_alone = wrk(f"http://127.0.0.1:{port}/search?q=garden", args.duration, 1,
                           script=search_script()) if has_search else None
    finally:
        server.terminate()
        server.wait()

    print(f"\n{args.posts:,} posts in {args.topics:,} topics; gunicorn {args.workers} sync "
          f"workers; wrk 2 threads, {args.connections} connections, {args.duration} s each\n")
    print(f"{'page':<14}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}   {'vs hello world':>14}")
    print(f"{'hello world':<14}{hello['rps']:>9.0f}{hello['p50']:>9.2f}{hello['p99']:>9.2f}"
          f"   {'100%':>14}")
    for name, result in rows:
        print(f"{name:<14}{result['rps']:>9.0f}{result['p50']:>9.2f}{result['p99']:>9.2f}"
              f"   {result['rps'] / hello['rps']:>13.1%}")
    if search_alone:
        print(f"\nsearch, 3,000 different queries, one at a time: p50 {search_alone['p50']:.2f} ms,"
              f" p95 {search_alone['p95']:.2f} ms, p99 {search_alone['p99']:.2f} ms "
              f"({search_alone['rps']:.0f} req/s)")
    scratch = RESULTS / "replies.db"
    scratch.unlink(missing_ok=True)
    # SQLite's backup API copies what is still in the WAL file too; a file copy would not.
    with sqlite3.connect(db_path) as source, sqlite3.connect(scratch) as target:
        source.backup(target)
    median, p95 = time_replies(scratch)
    print(f"posting a reply (in-process, through the view): median {median:.1f} ms, "
          f"p95 {p95:.1f} ms")


def _answers(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    main()
