"""Load test: the embedded default against the production setup, under the same mixed workload.

    .venv/bin/python bench/load.py [--duration 60] [--clients 16] [--soak]
                                   [--only production|embedded]

Starts, one after the other, two whole deployments with tests/production/stack.py:
- embedded: the default configuration, one gunicorn server (2 sync workers), SQLite, Whoosh,
  no Redis;
- production: two gunicorn servers (2 sync workers each, no proxy in front: the clients spread
  their requests across both), PostgreSQL, Redis and an RQ job worker.

Each gets the same data: `flask seed-demo`, then CLIENTS residents of its own and a few
thousand extra posts (bulk-inserted by this script run with the stack's environment, then
`search reindex`). CLIENTS client processes (multiprocessing; each with its own HTTP connection
per server and its own cookie jar, a signed-in resident's and a visitor's) then drive a mixed
workload for DURATION seconds, after a short unmeasured warm-up. By request:
- 80% reads: home, board list, a board, a topic, events, an event, news, an article (half as
  a visitor, whose pages may come from the page cache; half signed in), plus the form pages
  a resident opens before posting;
- 15% posts: replies and new topics through the real forms (GET the page, POST with its CSRF
  token), benign texts; a success is the 302 to the new post (anything else is an error);
- 5% searches (/search?q=words from the seeded posts) and RSVPs ("going", through the event
  page's form).

Prints per setup and request type: requests, req/s, p50 and p99 latency (ms), errors (non-2xx/3xx
or no answer, by status) and a side-by-side table with production/embedded ratios; then checks
in the database that every post that got a success response exists and is published (lost
posts should be 0), and how much CPU the client processes took. Sign-in rate limits are
raised for the run (the workload signs in CLIENTS residents at once); no other limit in
forum/**/views.py covers what it does.

--soak runs only the production setup, for 10 minutes unless --duration says otherwise, and
reports the resident memory (VmRSS from /proc) of each gunicorn worker and of the job worker
after the warm-up, every minute, and at the end.

The report is also written to bench/results/load-<timestamp>.txt. Needs what
tests/production needs: PostgreSQL on 127.0.0.1:5432 (user postgres) and redis-server.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import datetime
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

PASSWORD = "demo-neighbour-2026"  # the demo's, given to the load residents too
# Lifted for the run: every client signs in at once at the start. (Only failed sign-ins count
# against these, but a slow start must not be mistaken for a locked-out resident.)
LIMITS = {"FORUM_RATELIMIT_SIGNIN": "10000 per minute",
          "FORUM_RATELIMIT_SIGNIN_PER_ACCOUNT": "10000 per hour"}
EXTRA_TOPICS = 300
REPLIES_PER_TOPIC = 12   # 300 topics x 13 posts = 3,900 posts on top of the demo's
WARM_UP = 8.0            # seconds of the same workload before measuring starts

# Benign words and sentences: the hate-speech detector must publish every post.
PLACES = ("library", "community centre", "park", "allotments", "market", "leisure centre",
          "youth club", "church hall", "primary school", "bus station", "canal path",
          "café", "swimming baths", "playground", "football pitch", "high street")
THINGS = ("bench", "streetlight", "recycling bins", "bike rack", "notice board", "garden",
          "book swap", "tea urn", "bus timetable", "litter picking", "flower beds",
          "parking", "repair café", "chess club", "food bank", "choir")
SENTENCES = (
    "Thanks for sorting this out, the {thing} by the {place} looks much better now.",
    "I walked past the {place} this morning and the {thing} is still there.",
    "Does anyone know who looks after the {thing} near the {place}?",
    "Happy to help on Saturday with the {thing}; I can bring tea and biscuits.",
    "We had a lovely time at the {place} last week, thank you to everyone who came.",
    "The council said they would look at the {thing} at the {place} next month.",
    "My neighbour and I can lend a hand with the {thing} if more people are needed.",
    "Good idea. The {place} is open until eight, so we could meet there after work.",
    "I've emailed the ward councillor about the {thing} and will post the answer here.",
    "Lovely to see so many people at the {place}. Let's do it again in spring.",
)
SEARCH_WORDS = (*PLACES, *THINGS, "garden bench", "bus", "library", "football", "tea",
                "volunteer", "recycling", "market", "park", "festival", "repair", "cake")


def text(rng, sentences=2):
    return " ".join(rng.choice(SENTENCES).format(place=rng.choice(PLACES),
                                                 thing=rng.choice(THINGS))
                    for _ in range(sentences))


def title(rng):
    return f"{rng.choice(THINGS).capitalize()} at the {rng.choice(PLACES)}"[:150]


# --- run inside the deployment's environment (a process of its own) ------------------------


def helper_seed(spec):
    """Residents and extra topics and replies, bulk-inserted, then the search index rebuilt.
    Returns what the clients need: residents, boards, topics."""
    from datetime import date, timedelta

    from sqlalchemy import insert, select, update

    from forum import create_app
    from forum.accounts.models import User, Ward, utcnow
    from forum.boards.models import Board, Post, Topic
    from forum.boards.services import recount_board
    from forum.core.content import plain_text, render
    from forum.extensions import db
    from forum.search import services as search

    rng = random.Random(spec["seed"])
    app = create_app(overrides={"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                                "SEARCH_DRAIN": "off"})
    with app.app_context():
        from forum.accounts.passwords import hash_password

        wards = db.session.execute(select(Ward)).scalars().all()
        today = date.today()
        residents = []
        for number in range(spec["residents"]):
            username = f"load{number:03d}"
            db.session.add(User(
                username=username, username_key=username, email=f"{username}@example.org",
                password_hash=hash_password(PASSWORD), ward=wards[number % len(wards)],
                date_of_birth=today - timedelta(days=365 * 35 + number),
                display_name=f"Load Resident {number}", bio="", languages=["English"],
                email_verified_at=utcnow()))
            residents.append(username)
        db.session.commit()
        boards = db.session.execute(select(Board).where(Board.listed)).scalars().all()
        authors = db.session.execute(
            select(User.id).where(User.email_verified_at.is_not(None))).scalars().all()
        bodies = []
        for _ in range(400):
            source = "\n\n".join(text(rng, rng.randint(1, 3)) for _ in range(rng.randint(1, 3)))
            html = render(source)
            bodies.append((source, html, plain_text(html)))
        start = utcnow() - timedelta(days=90)
        posts_per_topic = spec["replies"] + 1
        topic_rows = []
        for number in range(spec["topics"]):
            created = start + timedelta(minutes=number * 80 * 24 * 60 // spec["topics"])
            topic_rows.append({
                "board_id": boards[number % len(boards)].id, "author_id": rng.choice(authors),
                "title": title(rng), "created_at": created,
                "last_activity_at": created + timedelta(minutes=posts_per_topic * 7),
                "reply_count": posts_per_topic - 1, "posts_made": posts_per_topic,
                "last_post_number": posts_per_topic, "status": "published",
                "moderation_score": 0.0, "moderation_labels": []})
        topic_ids = db.session.execute(
            insert(Topic).returning(Topic.id, sort_by_parameter_order=True), topic_rows
        ).scalars().all()
        post_rows = []
        for topic_id, row in zip(topic_ids, topic_rows, strict=True):
            for position in range(1, posts_per_topic + 1):
                source, html, plain = rng.choice(bodies)
                post_rows.append({
                    "topic_id": topic_id, "author_id": rng.choice(authors), "number": position,
                    "body_source": source, "body_html": html, "body_text": plain,
                    "created_at": row["created_at"] + timedelta(minutes=position * 7),
                    "status": "published", "moderation_score": 0.0, "moderation_labels": []})
        for first in range(0, len(post_rows), 1000):
            db.session.execute(insert(Post), post_rows[first:first + 1000])
        last = select(Post.id).where(Post.topic_id == Topic.id).order_by(Post.number.desc()) \
            .limit(1).scalar_subquery()
        last_author = select(Post.author_id).where(Post.topic_id == Topic.id) \
            .order_by(Post.number.desc()).limit(1).scalar_subquery()
        db.session.execute(update(Topic).where(Topic.id.in_(topic_ids))
                           .values(last_post_id=last, last_poster_id=last_author))
        for board in boards:
            recount_board(board)
        db.session.commit()
        documents = search.reindex()
        search.drain()
        published = db.session.execute(
            select(Topic.id).join(Board, Topic.board_id == Board.id)
            .where(Topic.status == "published", Board.listed)
        ).scalars().all()
        out = {"residents": residents, "boards": [board.slug for board in boards],
               "topics": published, "documents": documents,
               "posts": db.session.execute(select(db.func.count(Post.id))).scalar_one()}
        db.session.remove()
        db.engine.dispose()
    return out


def helper_count(spec):
    """How many of the posts and topics the clients were told about exist, published."""
    from sqlalchemy import func, select

    from forum import create_app
    from forum.boards.models import Post, Topic
    from forum.extensions import db

    app = create_app()
    found = {}
    with app.app_context():
        for name, model in (("posts", Post), ("topics", Topic)):
            ids = spec[name]
            count = 0
            for first in range(0, len(ids), 500):
                count += db.session.execute(
                    select(func.count(model.id)).where(model.id.in_(ids[first:first + 500]),
                                                       model.status == "published")
                ).scalar_one()
            found[name] = count
        found["all_posts"] = db.session.execute(select(func.count(Post.id))).scalar_one()
        db.session.remove()
        db.engine.dispose()
    return found


def run_helper(stack, name, spec):
    result = subprocess.run([sys.executable, __file__, "--helper", name],
                            input=json.dumps(spec), cwd=ROOT, env=stack.env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode:
        raise RuntimeError(f"helper {name} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the client ------------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
RSVP_ON = re.compile(r'class="rsvp-form".*?name="on" value="([^"]*)"', re.S)


class Browser:
    """One cookie jar, one HTTP connection per server (gunicorn's sync workers close it after
    each response; http.client opens a new one as needed)."""

    def __init__(self, urls, timeout=30):
        self.hosts = [urllib.parse.urlsplit(url).netloc for url in urls]
        self.connections = [None] * len(urls)
        self.cookies = {}
        self.timeout = timeout

    def request(self, server, method, path, form=None):
        """(status, location, body text); status None when nothing answered."""
        headers = {"Accept": "text/html", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            connection = self.connections[server]
            if connection is None:
                connection = self.connections[server] = http.client.HTTPConnection(
                    self.hosts[server], timeout=self.timeout)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError) as error:
                connection.close()
                self.connections[server] = None
                if attempt == 2 or method != "GET":
                    return None, str(type(error).__name__), ""
                continue
            except OSError as error:
                connection.close()
                self.connections[server] = None
                return None, type(error).__name__, ""
            if response.will_close:
                connection.close()
                self.connections[server] = None
            for header in response.msg.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0" \
                            and "1970" not in morsel["expires"]:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return response.status, response.getheader("Location") or "", \
                data.decode("utf-8", "replace")
        raise AssertionError("unreachable")


def csrf_token(html):
    match = CSRF.search(html)
    return unescape(match.group(1) or match.group(2)) if match else None


def sign_in(browser, server, username):
    status, _, page = browser.request(server, "GET", "/account/signin")
    token = csrf_token(page)
    status, location, page = browser.request(server, "POST", "/account/signin", {
        "login": username, "password": PASSWORD, "csrf_token": token})
    if status != 302:
        raise RuntimeError(f"sign-in as {username} failed: {status}\n{page[:1000]}")


def client(number, urls, data, started_at, measure_from, stop_at, seed, queue):
    """One client process: returns its samples [(type, status or error, ms, measured)], the
    posts it was told were saved, and its CPU seconds."""
    rng = random.Random(seed * 1000 + number)
    visitor, resident = Browser(urls), Browser(urls)
    servers = range(len(urls))
    sign_in(resident, number % len(urls), data["residents"][number])
    samples, posts, topics = [], [], []
    cpu_start = time.process_time()
    while time.time() < started_at:
        time.sleep(0.01)

    def timed(kind, browser, method, path, form=None, server=None):
        server = rng.choice(servers) if server is None else server
        begin = time.perf_counter()
        status, location, page = browser.request(server, method, path, form)
        elapsed = (time.perf_counter() - begin) * 1000
        samples.append([kind, status if status is not None else location, elapsed,
                        begin_wall >= measure_from])
        return server, status, location, page

    while True:
        begin_wall = time.time()
        if begin_wall >= stop_at:
            break
        # Operations weighed so that requests are 80% reads, 15% posts, 5% search and RSVP:
        # a post and an RSVP each GET their form's page (a read) first.
        roll = rng.random() * 82.5
        if roll < 62.5:          # a read; half as a visitor
            browser = visitor if rng.random() < 0.5 else resident
            kind = rng.choice(("home", "board list", "board", "topic", "events", "event",
                               "news", "article"))
            path = {"home": "/", "board list": "/boards/", "events": "/events/",
                    "news": "/news/"}.get(kind)
            if kind == "board":
                path = f"/boards/{rng.choice(data['boards'])}"
            elif kind == "topic":
                path = f"/t/{rng.choice(data['topics'])}"
                if browser is resident:  # else: a 302 to the first unread post
                    path += "?page=1"
            elif kind == "event":
                path = f"/events/{rng.choice(data['events'])}"
            elif kind == "article":
                path = f"/news/{rng.choice(data['articles'])}"
            timed(kind, browser, "GET", path)
        elif roll < 77.5:        # a post: open the form, then send it
            if rng.random() < 0.8:
                topic = rng.choice(data["topics"])
                server, status, _, page = timed("topic", resident, "GET", f"/t/{topic}?page=1")
                token = csrf_token(page) if status == 200 else None
                if token is None:
                    samples[-1][1] = f"{status} no form"
                    continue
                _, status, location, page = timed(
                    "reply", resident, "POST", f"/t/{topic}/reply",
                    {"body": text(rng), "csrf_token": token}, server=server)
                match = re.search(r"/t/(\d+)\?page=\d+#p(\d+)$", location)
                if status == 302 and match and int(match.group(1)) == topic:
                    posts.append(int(match.group(2)))
                elif status in (200, 302):
                    samples[-1][1] = f"{status} not the post"
            else:
                board = rng.choice(data["boards"])
                server, status, _, page = timed("new-topic form", resident, "GET",
                                                f"/boards/{board}/new")
                token = csrf_token(page) if status == 200 else None
                if token is None:
                    samples[-1][1] = f"{status} no form"
                    continue
                _, status, location, page = timed(
                    "new topic", resident, "POST", f"/boards/{board}/new",
                    {"title": title(rng), "body": text(rng, 3), "csrf_token": token},
                    server=server)
                match = re.search(r"/t/(\d+)$", location)
                if status == 302 and match:
                    topics.append(int(match.group(1)))
                elif status in (200, 302):
                    samples[-1][1] = f"{status} not the post"
        elif roll < 80:
            words = rng.choice(SEARCH_WORDS)
            if rng.random() < 0.4:
                words += " " + rng.choice(SEARCH_WORDS)
            timed("search", rng.choice((visitor, resident)), "GET",
                  "/search?" + urllib.parse.urlencode({"q": words}))
        else:
            event = rng.choice(data["rsvp_events"])
            server, status, _, page = timed("event", resident, "GET", f"/events/{event}")
            token = csrf_token(page) if status == 200 else None
            on = RSVP_ON.search(page) if token else None
            if on is None:
                samples[-1][1] = f"{status} no RSVP form"
                continue
            _, status, location, _ = timed("rsvp", resident, "POST", f"/events/{event}/rsvp",
                                           {"csrf_token": token, "on": unescape(on.group(1)),
                                            "going": "1"}, server=server)
            if status == 302 and f"/events/{event}" not in location:
                samples[-1][1] = "302 elsewhere"
    queue.put((number, samples, posts, topics, time.process_time() - cpu_start))


def discover(urls, seeded):
    """Pages the clients will use, checked: topics, events with an RSVP form, articles."""
    visitor, resident = Browser(urls), Browser(urls)
    sign_in(resident, 0, seeded["residents"][0])
    _, _, events = visitor.request(0, "GET", "/events/")
    event_ids = sorted({int(n) for n in re.findall(r'href="/events/(\d+)', events)})
    _, _, news = visitor.request(0, "GET", "/news/")
    article_ids = sorted({int(n) for n in re.findall(r'href="/news/(\d+)"', news)})
    rsvp = []
    for event in event_ids:
        status, _, page = resident.request(0, "GET", f"/events/{event}")
        if status == 200 and RSVP_ON.search(page):
            rsvp.append(event)
    rng = random.Random(3)
    topics = rng.sample(seeded["topics"], min(200, len(seeded["topics"])))
    topics = [topic for topic in topics
              if visitor.request(0, "GET", f"/t/{topic}")[0] == 200]
    boards = [board for board in seeded["boards"]
              if visitor.request(0, "GET", f"/boards/{board}")[0] == 200
              and resident.request(0, "GET", f"/boards/{board}/new")[0] == 200]
    if not (event_ids and article_ids and rsvp and topics and boards):
        raise RuntimeError(f"nothing to load: events {event_ids}, articles {article_ids}, "
                           f"RSVP {rsvp}, topics {len(topics)}, boards {boards}")
    return {"residents": seeded["residents"], "boards": boards, "topics": topics,
            "events": event_ids, "articles": article_ids, "rsvp_events": rsvp}


# --- measuring -------------------------------------------------------------------------------


def cpu_ticks():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def deployment_pids(stack):
    """{role: [pids]}: the app servers' workers, the job worker, redis, and PostgreSQL's
    backends serving this deployment's database."""
    roles = {"app servers": [pid for pids in stack.server_pids().values() for pid in pids]}
    helpers = [pid for pid in (stack.job_worker_pid, stack.redis_pid) if pid is not None]
    if helpers:
        roles["job worker, redis"] = helpers
    if stack.database_name:
        import psycopg

        with psycopg.connect(stack.admin_url, autocommit=True) as connection:
            roles["PostgreSQL backends"] = [row[0] for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s",
                (stack.database_name,))]
    return roles


def process_ticks(roles):
    """{pid: CPU clock ticks used so far, its waited-for children's included}."""
    ticks = {}
    for pids in roles.values():
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[pid] = sum(int(value) for value in fields[11:15])
    return ticks


def memory(stack):
    rows = {}
    for index, pids in enumerate(stack.server_pids().values()):
        for pid in pids:
            rows[f"server {index} worker {pid}"] = _rss(pid)
    if stack.job_worker_pid is not None:
        rows[f"job worker {stack.job_worker_pid}"] = _rss(stack.job_worker_pid)
    return rows


def _rss(pid):
    from tests.production.stack import rss_kib

    return rss_kib(pid)


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def is_error(status):
    return not (isinstance(status, int) and 200 <= status < 400)


def summarise(samples, seconds):
    by_kind = defaultdict(list)
    for kind, status, ms, measured in samples:
        if measured:
            by_kind[kind].append((status, ms))
            by_kind["ALL"].append((status, ms))
    rows = {}
    for kind, values in by_kind.items():
        latencies = [ms for _, ms in values]
        errors = Counter(str(status) for status, _ in values if is_error(status))
        rows[kind] = {"requests": len(values), "rps": len(values) / seconds,
                      "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99),
                      "errors": sum(errors.values()), "codes": dict(errors)}
    return rows


ORDER = ("home", "board list", "board", "topic", "events", "event", "news", "article",
         "new-topic form", "reply", "new topic", "search", "rsvp", "ALL")


def table(rows):
    lines = [f"{'request':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
             f"{'errors':>8}  status codes of errors"]
    for kind in ORDER:
        if kind in rows:
            row = rows[kind]
            codes = ", ".join(f"{code}: {count}" for code, count in sorted(row["codes"].items()))
            lines.append(f"{kind:<16}{row['requests']:>9}{row['rps']:>9.1f}{row['p50']:>9.1f}"
                         f"{row['p99']:>9.1f}{row['errors']:>8}  {codes}")
    return lines


# --- one setup -------------------------------------------------------------------------------


def run_setup(name, args, say):
    from tests.production.stack import Stack

    production = name == "production"
    workdir = Path(tempfile.mkdtemp(prefix=f"load-{name}-", dir=RESULTS))
    what = "2 gunicorn servers x 2 sync workers, PostgreSQL, Redis, RQ job worker" \
        if production else "1 gunicorn server x 2 sync workers, SQLite, Whoosh"
    say(f"\n== {name}: {what}  (logs in {workdir.relative_to(ROOT)})")
    began = time.monotonic()
    with Stack(workdir, servers=2 if production else 1, workers=2, embedded=not production,
               env=LIMITS) as stack:
        say(f"started in {time.monotonic() - began:.1f} s")
        began = time.monotonic()
        stack.flask("seed-demo")
        seeded = run_helper(stack, "seed", {"seed": 42, "residents": args.clients,
                                            "topics": EXTRA_TOPICS,
                                            "replies": REPLIES_PER_TOPIC})
        say(f"seeded in {time.monotonic() - began:.1f} s: demo + {args.clients} residents, "
            f"{len(seeded['topics'])} topics, {seeded['posts']:,} posts, "
            f"{seeded['documents']:,} search documents")
        data = discover(stack.urls, seeded)
        say(f"workload over {len(data['topics'])} topics, {len(data['boards'])} boards, "
            f"{len(data['events'])} events ({len(data['rsvp_events'])} with an RSVP form), "
            f"{len(data['articles'])} articles")

        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        started_at = time.time() + 3.0          # time for every client to sign in
        measure_from = started_at + WARM_UP
        stop_at = measure_from + args.duration
        processes = [context.Process(target=client, args=(
            number, stack.urls, data, started_at, measure_from, stop_at, args.seed, queue))
            for number in range(args.clients)]
        for process in processes:
            process.start()
        time.sleep(max(0.0, measure_from - time.time()))
        memory_start = memory(stack) if args.soak else None
        ticks_start = cpu_ticks()
        pids_start = process_ticks(deployment_pids(stack))
        timeline = []
        while time.time() < stop_at - 1:
            time.sleep(min(60.0, max(0.0, stop_at - time.time() - 1)))
            if args.soak and time.time() < stop_at - 1:
                timeline.append((time.time() - measure_from, memory(stack)))
        results = [queue.get(timeout=120 + args.duration) for _ in processes]
        ticks_end = cpu_ticks()
        roles = deployment_pids(stack)
        pids_end = process_ticks(roles)
        role_ticks = {role: sum(pids_end[pid] - pids_start.get(pid, 0)
                                for pid in pids if pid in pids_end)
                      for role, pids in roles.items()}
        for process in processes:
            process.join(timeout=30)
        memory_end = memory(stack) if args.soak else None
        failed_clients = [p.exitcode for p in processes if p.exitcode]
        samples = [sample for result in results for sample in result[1]]
        posts = [post for result in results for post in result[2]]
        topics = [topic for result in results for topic in result[3]]
        client_cpu = sum(result[4] for result in results)
        wall = stop_at - started_at
        found = run_helper(stack, "count", {"posts": posts, "topics": topics})
        logs = {path.name: path.read_text(errors="replace")
                for path in sorted(workdir.glob("*.log"))}

    rows = summarise(samples, args.duration)
    say(f"\n{args.clients} clients, {args.duration} s measured (after {WARM_UP:.0f} s warm-up)")
    for line in table(rows):
        say(line)
    hertz = os.sysconf("SC_CLK_TCK")
    elapsed = (ticks_end[1] - ticks_start[1]) / hertz / os.cpu_count()  # seconds of wall time
    busy = (ticks_end[0] - ticks_start[0]) / hertz / elapsed            # cores
    say(f"client CPU: {client_cpu:.1f} s over {wall:.0f} s = {client_cpu / wall:.2f} cores "
        f"({client_cpu / wall / os.cpu_count():.0%} of this {os.cpu_count()}-core machine)")
    used = {role: value / hertz / elapsed for role, value in role_ticks.items()}
    clients_cores = client_cpu / wall
    say(f"CPU while measuring, in cores of {os.cpu_count()}: whole machine {busy:.2f} = "
        + ", ".join(f"{role} {value:.2f}" for role, value in used.items())
        + f", clients ~{clients_cores:.2f}, everything else on the machine (not this run) "
        f"{max(0.0, busy - sum(used.values()) - clients_cores):.2f}")
    lost_posts = len(posts) - found["posts"]
    lost_topics = len(topics) - found["topics"]
    duplicates = len(posts) - len(set(posts)) + len(topics) - len(set(topics))
    say(f"posts: {len(posts)} replies and {len(topics)} topics answered with the redirect to "
        f"the post (warm-up included); in the database, published: {found['posts']} and "
        f"{found['topics']}: lost {lost_posts + lost_topics}"
        + (f"; {duplicates} ids answered twice" if duplicates else "")
        + f"; {found['all_posts']:,} posts in all")
    if failed_clients:
        say(f"client processes that failed: {failed_clients}")
    problems = {name: [line for line in text.splitlines()
                       if re.search(r"Traceback|ERROR|CRITICAL|WORKER TIMEOUT|Exception", line)]
                for name, text in logs.items()}
    for log_name, lines in problems.items():
        if lines:
            say(f"{log_name}: {len(lines)} error lines, first: " + " | ".join(lines[:5]))
    if args.soak:
        say("\nmemory (VmRSS, MiB) after warm-up, then each minute, then at the end:")
        names = list(memory_start)
        say(f"{'process':<30}{'start':>8}" + "".join(f"{f'{t / 60:.0f} min':>8}"
                                                    for t, _ in timeline)
            + f"{'end':>8}{'growth':>9}")
        for process_name in names:
            start, end = memory_start.get(process_name), memory_end.get(process_name)
            middle = "".join(f"{(m.get(process_name) or 0) / 1024:>8.1f}" for _, m in timeline)
            growth = f"{(end - start) / 1024:>+8.1f}" if start and end else "    gone"
            say(f"{process_name:<30}{(start or 0) / 1024:>8.1f}{middle}"
                f"{(end or 0) / 1024:>8.1f}{growth}")
        new = [process_name for process_name in memory_end if process_name not in memory_start]
        if new:
            say(f"processes that were not there at the start (restarted?): {new}")
    return rows, lost_posts + lost_topics


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=None,
                        help="seconds measured (60; 600 with --soak)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--soak", action="store_true",
                        help="production only, 10 minutes, with memory of every process")
    parser.add_argument("--only", choices=("production", "embedded"))
    parser.add_argument("--seed", type=int, default=1, help="the clients' random seed")
    parser.add_argument("--helper", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.helper:
        spec = json.loads(sys.stdin.read())
        print(json.dumps({"seed": helper_seed, "count": helper_count}[args.helper](spec)))
        return
    if args.duration is None:
        args.duration = 600 if args.soak else 60
    setups = ["production"] if args.soak else \
        [args.only] if args.only else ["embedded", "production"]

    RESULTS.mkdir(parents=True, exist_ok=True)
    report = RESULTS / f"load-{datetime.now():%Y%m%d-%H%M%S}.txt"
    lines = []

    def say(line=""):
        print(line, flush=True)
        lines.append(line)

    say(f"Load test {datetime.now():%Y-%m-%d %H:%M}: {', '.join(setups)}; {args.clients} "
        f"client processes, {args.duration} s each{' (soak)' if args.soak else ''}; "
        f"{os.cpu_count()} CPUs")
    say("limits lifted for the run: " + ", ".join(f"{k}={v}" for k, v in LIMITS.items()))
    began = time.monotonic()
    results = {}
    try:
        for setup in setups:
            results[setup] = run_setup(setup, args, say)[0]
        if len(results) == 2:
            embedded, production = results["embedded"], results["production"]
            say("\nside by side (ratio = production / embedded; >1 is more req/s or "
                "slower latency)")
            say(f"{'request':<16}{'req/s emb':>10}{'prod':>8}{'ratio':>7}{'p50 emb':>9}"
                f"{'prod':>8}{'ratio':>7}{'p99 emb':>9}{'prod':>8}{'ratio':>7}"
                f"{'err emb':>9}{'prod':>6}")
            for kind in ORDER:
                if kind in embedded and kind in production:
                    e, p = embedded[kind], production[kind]
                    say(f"{kind:<16}{e['rps']:>10.1f}{p['rps']:>8.1f}{p['rps'] / e['rps']:>7.2f}"
                        f"{e['p50']:>9.1f}{p['p50']:>8.1f}{p['p50'] / e['p50']:>7.2f}"
                        f"{e['p99']:>9.1f}{p['p99']:>8.1f}{p['p99'] / e['p99']:>7.2f}"
                        f"{e['errors']:>9}{p['errors']:>6}")
    finally:
        say(f"\nwhole run: {time.monotonic() - began:.0f} s")
        report.write_text("\n".join(lines) + "\n")
        print(f"report written to {report.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
