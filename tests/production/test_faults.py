"""What residents see when a piece of the deployment fails, against real servers.

- PostgreSQL stops mid-load (a private cluster of its own): a friendly 503 page, never a 500;
  the same server processes recover by themselves; no reply that was confirmed is lost.
- Redis goes away: the site keeps working (rate limits in memory, jobs inline), and goes back
  to Redis when it returns; a failing job is retried by RQ.
- The Whoosh index (embedded mode) is deleted or corrupted: rebuilt, or a clear 503 message;
  posting carries on; `flask search reindex` mends it.
- A 10 MB form: a 413 page, and the server carries on.
"""

import http.client
import shutil
import threading
import time
import uuid
from html import unescape
from urllib.parse import urlsplit

import psycopg
import pytest
import redis
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for

from forum import create_app
from forum.core import jobs
from forum.search.index import WRITE_LOCK
from tests.production import seed
from tests.production.client import Browser
from tests.production.stack import Stack, http_status, wait_until

RELAXED = {"FORUM_RATELIMIT_SIGNIN": "1000 per minute", "FORUM_RATELIMIT_RESET":
           "1000 per minute", "FORUM_RATELIMIT_SIGNUP": "1000 per minute"}
FRIENDLY_503 = "Common Ground is briefly unavailable"
REBUILDING = "The search index is missing; rebuilding it from the database"


def _new_topic(browser, board, title, body="Posted while testing the deployment."):
    response = browser.submit(f"/boards/{board}/new", {"title": title, "body": body})
    assert response.status_code == 302, response.text[:2000]
    return urlsplit(response.headers["Location"]).path


def _finds(browser, word, topic_path):
    page = browser.get("/search", params={"q": word})
    return page.status_code == 200 and f'href="{topic_path}' in page.text


# --- (a) PostgreSQL stops while people post and read --------------------------------------------


def test_a_database_outage_shows_a_friendly_page_and_loses_nothing(private_cluster, tmp_path):
    cluster = private_cluster
    with Stack(tmp_path, servers=2, workers=2, admin_url=cluster.admin_url,
               env=RELAXED) as stack:
        data = seed.run(stack, users=2, board="Community cafe")
        posters = [Browser(url) for url in stack.urls]
        for browser, user in zip(posters, data["users"], strict=True):
            browser.sign_in(user, data["password"])
        topic = _new_topic(posters[0], data["board"], "Bins not collected on Mill Lane")
        tokens = [browser.token(topic) for browser in posters]
        pids_before = stack.server_pids()

        marker = uuid.uuid4().hex[:8]
        results = []          # (when, server, kind, status, body or reply text)
        stop = threading.Event()

        def post(index):
            browser, n = posters[index], 0
            while not stop.is_set():
                n += 1
                text = f"Reply {marker}-{index}-{n}: the lorry came at last."
                try:
                    response = browser.post(f"{topic}/reply",
                                            {"body": text, "csrf_token": tokens[index]})
                    results.append((time.monotonic(), index, "post", response.status_code,
                                    text if response.status_code == 302 else response.text))
                except Exception as error:  # a refused or reset connection is a failure too
                    results.append((time.monotonic(), index, "post", repr(error), ""))
                time.sleep(0.05)

        def read(index):
            browser = Browser(stack.urls[index])
            while not stop.is_set():
                for path in (topic, "/boards/", "/events/"):
                    try:
                        response = browser.get(path)
                        results.append((time.monotonic(), index, "read", response.status_code,
                                        response.text))
                    except Exception as error:
                        results.append((time.monotonic(), index, "read", repr(error), ""))
                time.sleep(0.05)

        threads = [threading.Thread(target=work, args=(index,))
                   for work in (post, read) for index in (0, 1)]
        for thread in threads:
            thread.start()
        try:
            wait_until(lambda: sum(r[3] == 302 for r in results) >= 4, timeout=30,
                       what="replies posted before the outage")
            cluster.stop()
            stopped = time.monotonic()
            wait_until(lambda: {r[1] for r in results if r[0] > stopped and r[3] == 503}
                       == {0, 1}, timeout=30, what="503 pages from both servers")
            time.sleep(3)  # the outage lasts a few seconds more, under load
            cluster.start()
            started = time.monotonic()
            wait_until(lambda: {(r[1], r[2]) for r in results
                                if r[0] > started and r[3] in (200, 302)}
                       == {(0, "post"), (1, "post"), (0, "read"), (1, "read")},
                       timeout=60, what="both servers posting and reading again")
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

        statuses = {r[3] for r in results}
        assert statuses <= {200, 302, 503}, (statuses, stack.logs())
        outage = [r for r in results if r[3] == 503]
        assert outage
        for _, _, _, _, body in outage:
            assert FRIENDLY_503 in body
        assert not [r for r in results if r[3] != 302 and "Traceback" in r[4]]

        # The same worker processes, not restarted, serve normally again.
        assert stack.server_pids() == pids_before
        for url in stack.urls:
            assert http_status(f"{url}{topic}") == 200
            assert http_status(f"{url}/health") == 200

        # Every reply confirmed with a redirect to it is in the database.
        confirmed = {r[4] for r in results if r[2] == "post" and r[3] == 302}
        with psycopg.connect(stack.database_url) as connection:
            stored = {row[0] for row in connection.execute(
                "SELECT body_source FROM posts WHERE body_source LIKE %s",
                (f"Reply {marker}-%",))}
        assert confirmed <= stored, confirmed - stored

        # The outage is logged as warnings, one line each; any traceback in the servers' logs
        # must not come from a request the database failed (those are handled as 503s).
        server_logs = "\n".join(path.read_text(errors="replace")
                                for path in sorted(tmp_path.glob("gunicorn-*.log")))
        assert "Database unavailable" in server_logs
        assert "Traceback" not in server_logs, server_logs[-20000:]


# --- (b) Redis goes away and comes back -------------------------------------------------------


@pytest.fixture(scope="module")
def redis_stack(tmp_path_factory, production_ready):
    with Stack(tmp_path_factory.mktemp("redis-outage"), servers=1, workers=2,
               env=RELAXED) as stack:
        stack.data = seed.run(stack, users=1, board="Community cafe")
        yield stack


def _log(stack, name):
    path = stack.workdir / name
    return path.read_text(errors="replace") if path.exists() else ""


def _outbox(stack):
    return sorted((stack.workdir / "outbox").glob("*.eml"))


def test_without_redis_the_site_carries_on_and_returns_to_redis(redis_stack):
    stack = redis_stack
    board = stack.data["board"]
    user = stack.data["users"][0]
    email = f"{user}@example.org"
    browser = Browser(stack.urls[0])
    browser.sign_in(user, stack.data["password"])

    stack.stop_redis()
    try:
        for path in ("/", "/boards/", f"/boards/{board}", "/events/"):
            assert browser.get(path).status_code == 200, path
        word = f"zq{uuid.uuid4().hex[:10]}"
        topic = _new_topic(browser, board, f"Without Redis: {word} swap shop")
        assert browser.get(topic).status_code == 200
        # No job worker can hear of it: the index is written inline, so it is found at once.
        assert _finds(browser, word, topic)
        # An e-mail is sent inline too, straight to the outbox.
        before = len(_outbox(stack))
        page = browser.submit("/account/reset", {"email": email})
        assert page.status_code == 200
        wait_until(lambda: len(_outbox(stack)) > before, timeout=10, what="the reset e-mail")
        assert email in _outbox(stack)[-1].read_text()
        assert "Redis is unreachable" in _log(stack, "gunicorn-0.log")
    finally:
        stack.start_redis()   # the same port, an empty Redis

    inline_warnings = _log(stack, "gunicorn-0.log").count("Redis is unreachable")
    client = redis.Redis.from_url(stack.redis_url)
    # Rate limits go back to Redis (Flask-Limiter looks again after a back-off of seconds).
    stranger = Browser(stack.urls[0])
    wait_until(lambda: stranger.sign_in(user, "not the password", expect_success=False)
               and any(client.scan_iter(match="LIMITS*")), timeout=60, interval=1,
               what="rate limits kept in Redis again")
    # Jobs go through Redis to the worker again: an e-mail and a search index update.
    deliveries = _log(stack, "jobs.log").count("commonground: forum.notifications.mail.deliver")
    before = len(_outbox(stack))
    assert browser.submit("/account/reset", {"email": email}).status_code == 200
    wait_until(lambda: len(_outbox(stack)) > before, timeout=60, what="the e-mail via RQ")
    wait_until(lambda: _log(stack, "jobs.log").count(
        "commonground: forum.notifications.mail.deliver") > deliveries, timeout=30,
        what="the worker to log the delivery")
    word = f"zq{uuid.uuid4().hex[:10]}"
    topic = _new_topic(browser, board, f"Redis is back: {word} repair cafe")
    wait_until(lambda: _finds(browser, word, topic), timeout=60,
               what="the new topic to be indexed by the worker")
    assert _log(stack, "gunicorn-0.log").count("Redis is unreachable") == inline_warnings


def test_the_log_says_rate_limits_fell_back_to_memory(redis_stack):
    stack = redis_stack
    browser = Browser(stack.urls[0])
    stack.stop_redis()
    try:
        response = browser.sign_in(stack.data["users"][0], "not the password",
                                   expect_success=False)
        assert response.status_code == 200   # refused, but not an error page
        assert "Rate limit storage unreachable - falling back to in-memory storage" in \
            _log(stack, "gunicorn-0.log")
    finally:
        stack.start_redis()


def test_a_failing_job_is_retried(tmp_path, monkeypatch, production_ready):
    redis_server = Stack(tmp_path)   # only its private redis-server is used
    redis_server.start_redis()
    try:
        monkeypatch.setattr(jobs, "RETRY_INTERVALS", (0,))
        app = create_app("test", overrides={
            "JOBS": "rq", "REDIS_URL": redis_server.redis_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}",
            "MAIL_OUTBOX": str(tmp_path / "outbox")})
        counter = tmp_path / "attempts"
        with app.app_context():
            job_id = jobs.enqueue("tests.production.jobs_helper.fails_the_first_time",
                                  str(counter))
            assert job_id is not None, "queued in Redis, not run inline"
            assert not counter.exists()
            jobs.work(app, burst=True)
            assert counter.read_text() == "2"
            assert jobs.counts(app) == {"queued": 0, "running": 0, "retrying": 0, "failed": 0}
            jobs.redis_connection(app).close()
    finally:
        redis_server.stop_redis()


# --- (c) and (d): one embedded server -------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, production_ready):
    with Stack(tmp_path_factory.mktemp("embedded"), servers=1, workers=2, embedded=True,
               env=RELAXED) as stack:
        stack.data = seed.run(stack, users=1, board="Community cafe")
        browser = Browser(stack.urls[0])
        browser.sign_in(stack.data["users"][0], stack.data["password"])
        stack.browser = browser
        yield stack


def test_a_deleted_index_is_rebuilt_and_a_corrupt_one_says_so(embedded):
    stack, browser = embedded, embedded.browser
    board = stack.data["board"]
    index = stack.workdir / "instance" / "search-index"
    word = f"zq{uuid.uuid4().hex[:10]}"
    topic = _new_topic(browser, board, f"Community fridge {word} opening")
    wait_until(lambda: _finds(browser, word, topic), timeout=30, what="the topic indexed")

    rebuilds = _log(stack, "gunicorn-0.log").count(REBUILDING)
    shutil.rmtree(index)
    wait_until(lambda: _finds(browser, word, topic), timeout=60,
               what="results again after the index was deleted")
    # Both workers found the index gone; only the first to take the write lock rebuilt it.
    assert _log(stack, "gunicorn-0.log").count(REBUILDING) == rebuilds + 1

    # Corrupt: every file overwritten with junk, and a junk table of contents of a newer
    # generation (as a half-finished write would leave), so that no server can go on reading
    # the segments it already has open. The write lock is held meanwhile, so that no server is
    # writing to the files as they are spoilt.
    lock = FileStorage(str(index)).lock(WRITE_LOCK)
    assert try_for(lock.acquire, timeout=30, delay=0.05), "the index's write lock"
    try:
        generations = []
        for path in index.iterdir():
            if path.is_file() and path.name != WRITE_LOCK:
                path.write_bytes(b"\x00junk" * 64)
                if path.suffix == ".toc":
                    generations.append(int(path.stem.rsplit("_", 1)[1]))
        (index / f"_MAIN_{max(generations) + 1}.toc").write_bytes(b"\x00junk" * 64)
    finally:
        lock.release()
    page = browser.get("/search", params={"q": word})
    assert page.status_code == 503
    assert "Search isn't working at the moment" in unescape(page.text)
    assert "Traceback" not in page.text

    # Posting carries on, and the post can be read.
    later = f"zq{uuid.uuid4().hex[:10]}"
    second = _new_topic(browser, board, f"Allotment {later} open day")
    assert browser.get(second).status_code == 200

    stack.flask("search", "reindex")
    wait_until(lambda: _finds(browser, word, topic) and _finds(browser, later, second),
               timeout=30, what="results after flask search reindex")


def test_a_huge_form_gets_the_too_large_page(embedded):
    stack = embedded
    address = urlsplit(stack.urls[0])
    body = b"body=" + b"x" * (10 * 1024 * 1024)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("POST", "/account/signin", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        page = response.read().decode()
    finally:
        connection.close()
    assert response.status == 413
    assert "That was too large" in page
    assert "Traceback" not in page
    assert http_status(f"{stack.urls[0]}/boards/") == 200
    assert stack.browser.get("/boards/").status_code == 200
