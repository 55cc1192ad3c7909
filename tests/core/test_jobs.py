"""Background jobs and the page cache on a real Redis (a private redis-server per module)."""

import logging
import shutil
import subprocess

import pytest
from redis import Redis

from forum.boards import services as boards
from forum.boards.models import Board
from forum.core import jobs
from forum.extensions import db
from forum.notifications.mail import send_email
from forum.search import services as search
from tests.factories import Page
from tests.production.stack import free_port, wait_until

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path_factory.mktemp("redis"))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = Redis.from_url(url)
    wait_until(lambda: _answers(client), timeout=10, what="redis-server")
    yield url
    client.close()
    server.terminate()
    server.wait(timeout=10)


def _answers(client):
    try:
        return client.ping()
    except Exception:
        return False


@pytest.fixture
def app_overrides(redis_url):
    return {"JOBS": "rq", "REDIS_URL": redis_url, "SEARCH_DRAIN": "job"}


@pytest.fixture(autouse=True)
def _empty_redis(redis_url):
    Redis.from_url(redis_url).flushdb()


def test_an_email_waits_in_redis_until_a_worker_sends_it(app, outbox):
    with app.test_request_context():
        send_email("amina@example.org", "Your account has been deleted", "account_deleted")
        assert outbox() == []
        assert jobs.counts(app)["queued"] == 1
        jobs.work(app, burst=True)
    assert [message["To"] for message in outbox()] == ["amina@example.org"]


def test_with_redis_unreachable_a_job_runs_at_once_and_the_log_says_so(app, outbox, caplog):
    app.config["REDIS_URL"] = NOWHERE
    app.extensions.pop("redis", None)
    with app.test_request_context(), caplog.at_level(logging.WARNING, "forum.core.jobs"):
        jobs.enqueue("forum.notifications.mail.deliver", "helen@example.org", "Hello", "Body")
    assert [message["To"] for message in outbox()] == ["helen@example.org"]
    assert "Redis is unreachable" in caplog.text and "running job" in caplog.text


def test_a_failing_job_is_retried(app, monkeypatch, tmp_path):
    monkeypatch.setattr(jobs, "RETRY_INTERVALS", (0,))
    marker = tmp_path / "attempts"
    with app.app_context():
        jobs.enqueue("tests.core.test_jobs.fail_once", str(marker))
        jobs.work(app, burst=True)
        assert marker.read_text() == "xx"  # failed once, then succeeded
        assert jobs.counts(app)["failed"] == 0


def fail_once(path):
    """A job that fails on its first attempt (the marker file counts attempts)."""
    from pathlib import Path

    marker = Path(path)
    attempts = marker.read_text() if marker.exists() else ""
    marker.write_text(attempts + "x")
    if not attempts:
        raise ConnectionError("the mail server hung up")


def test_search_updates_run_as_one_job_however_many_commits(app, ctx, make_user):
    author = make_user(username="grace")
    board = Board(name="Allotments", slug="allotments")
    db.session.add(board)
    db.session.commit()
    for number in range(3):
        boards.start_topic(author, board, f"Allotment open day {number}",
                           "Come and see the raised beds and the polytunnel.")
    # Three commits, one waiting job; nothing searchable until a worker runs it.
    assert jobs.counts(app)["queued"] == 1
    assert search.search("polytunnel", None).total == 0
    jobs.work(app, burst=True)
    assert search.search("polytunnel", None).total == 3


def test_pages_for_visitors_are_cached_in_redis_and_survive_its_loss(app, client, redis_url):
    from forum.core.cache import RedisPageCache

    assert isinstance(app.extensions["page_cache"], RedisPageCache)
    first = client.get("/boards/")
    assert first.status_code == 200
    keys = Redis.from_url(redis_url).keys(f"{app.config['REDIS_KEY_PREFIX']}:page:*")
    assert keys, "the boards page should be in Redis"
    assert client.get("/boards/").data == first.data
    # Redis gone: the page is rendered afresh, not an error.
    app.config["REDIS_URL"] = NOWHERE
    app.extensions.pop("redis", None)
    again = client.get("/boards/")
    assert again.status_code == 200
    assert Page(again).heading == Page(first).heading


def test_health_reports_redis_and_stays_in_rotation_without_it(app, client):
    assert client.get("/health").get_json() == {"status": "ok", "database": "ok",
                                                "redis": "ok"}
    app.config["REDIS_URL"] = NOWHERE
    app.extensions.pop("redis", None)
    response = client.get("/health")
    # Limits fall back to memory and jobs run inline: degraded, but still serving.
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "database": "ok",
                                   "redis": "unavailable"}


def test_reindex_can_be_left_to_the_job_worker(app, ctx, make_user):
    author = make_user(username="grace")
    board = Board(name="Allotments", slug="allotments")
    db.session.add(board)
    db.session.commit()
    boards.start_topic(author, board, "Seed swap", "Bring spare seeds to the community hall.")
    jobs.work(app, burst=True)
    with app.extensions["search"].writer(rebuild=True):
        pass  # an empty index, as after losing it
    assert search.search("seeds", None).total == 0
    result = app.test_cli_runner().invoke(args=["search", "reindex", "--job"])
    assert result.exit_code == 0, result.output
    assert "Rebuild queued as job" in result.output
    assert search.search("seeds", None).total == 0
    jobs.work(app, burst=True)
    assert search.search("seeds", None).total == 1
