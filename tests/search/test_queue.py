"""The queue of index work: written with the content, drained after commit, never lost.

These tests use a real index folder (instance/search-index), as a site does.
"""

import errno
import logging
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from whoosh.index import open_dir

from forum.boards import services as boards
from forum.extensions import db
from forum.search import services
from forum.search.index import WhooshBackend
from forum.search.models import SearchQueue
from tests.search.conftest import find

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_overrides():
    return {"SEARCH_INDEX_PATH": None, "SEARCH_LOCK_TIMEOUT": 0.2}


@pytest.fixture
def index_folder(app):
    return Path(app.instance_path) / "search-index"


@pytest.fixture
def draining(app):
    """draining("off") sets SEARCH_DRAIN for the rest of the test."""

    def set_mode(mode):
        app.config["SEARCH_DRAIN"] = mode

    return set_mode


def queued():
    return {tuple(row) for row in db.session.execute(
        db.select(SearchQueue.kind, SearchQueue.object_id))}


def opening_post(topic):
    return topic.last_post_id


@contextmanager
def index_locked(folder):
    """Hold the index's write lock, as another process's writer would."""
    writer = open_dir(str(folder)).writer()
    try:
        yield
    finally:
        writer.cancel()


# --- queueing --------------------------------------------------------------------------------


def test_content_and_its_index_work_commit_together(ctx, topic, draining):
    services.reindex()
    draining("off")
    started = topic("Jam making", "Bring jars.")
    assert queued() == {("topic", started.id), ("post", opening_post(started))}
    assert find("jam") == {}
    assert services.drain() == 2
    assert queued() == set()
    assert find("jam") == {"topic": [f"topic:{started.id}"]}


def test_a_rolled_back_change_leaves_no_queued_work(ctx, topic, draining):
    started = topic("Jam making", "Bring jars.")
    draining("off")
    started.title = "Chutney making"
    db.session.flush()
    assert ("topic", started.id) in queued()
    db.session.rollback()
    assert queued() == set()


def test_saving_an_object_unchanged_queues_nothing(ctx, topic, reply, make_user, draining):
    started = topic("Jam making", "Bring jars.")
    answer = reply(started, "I have spare jars")
    draining("off")
    started.title = "Jam making"
    db.session.commit()
    boards.thank_post(make_user(), answer)
    assert queued() == set()


def test_hiding_a_topic_queues_its_replies(ctx, topic, reply, draining):
    started = topic("Jam making", "Bring jars.")
    answers = [reply(started, f"Jar number {number}") for number in range(3)]
    draining("off")
    started.status = "removed"
    db.session.commit()
    assert {("post", answer.id) for answer in answers} <= queued()


# --- a locked, failing or missing index ------------------------------------------------------


def test_a_locked_index_keeps_the_work_queued_until_the_lock_is_released(
        ctx, topic, reply, index_folder):
    started = topic("Seed swap", "Saturday at the library.")
    with index_locked(index_folder):
        answer = reply(started, "I'll bring tomato seeds")
        assert answer.status == "published"
        assert ("post", answer.id) in queued()
        assert find("tomato") == {}
        with pytest.raises(services.SearchUnavailable):
            services.drain()
    assert services.drain() >= 1
    assert queued() == set()
    assert find("tomato") == {"post": [f"post:{answer.id}"]}


def test_a_failing_index_never_blocks_posting(ctx, app, topic, reply, monkeypatch):
    started = topic("Seed swap", "Saturday at the library.")

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(app.extensions["search"], "writer", full_disk)
        answer = reply(started, "Courgette seeds here")
        assert answer.status == "published"
        assert ("post", answer.id) in queued()
    services.drain()
    assert queued() == set()
    assert find("courgette") == {"post": [f"post:{answer.id}"]}


def test_with_draining_off_a_missing_index_is_reported_and_posting_still_works(
        ctx, app, topic, reply, index_folder, draining):
    started = topic("Seed swap", "Saturday at the library.")
    draining("off")
    app.extensions["search"].close()
    shutil.rmtree(index_folder)
    with pytest.raises(services.SearchUnavailable):
        services.search("seed", None)
    answer = reply(started, "Bean seeds for swapping")
    assert ("post", answer.id) in queued()
    services.drain()  # finds no index, so rebuilds it from the database
    assert queued() == set()
    assert find("seeds") == {"topic": [f"topic:{started.id}"], "post": [f"post:{answer.id}"]}


def test_an_index_another_server_rebuilt_meanwhile_is_not_rebuilt_again(
        ctx, app, topic, reply, index_folder, draining, caplog):
    started = topic("Seed swap", "Saturday at the library.")
    draining("off")
    app.extensions["search"].close()
    shutil.rmtree(index_folder)
    answer = reply(started, "Bean seeds for swapping")
    # Another server found the index gone too, took the write lock first and rebuilt it. Its
    # marker document is in no database: a second rebuild here would drop it.
    other_server = WhooshBackend(index_folder)
    with other_server.writer(create=True) as batch:
        assert batch.fresh
        batch.put("topic:999999", "topic", {"title": "Marker from the other server"})
    with other_server.writer(create=True) as batch:
        assert not batch.fresh  # there is an index now; the next writer adds to it
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="forum.search.services"):
        assert services.drain() == 1  # the reply, queued here
    assert "rebuilding" not in caplog.text
    assert queued() == set()
    assert find("marker") == {"topic": ["topic:999999"]}
    assert find("bean") == {"post": [f"post:{answer.id}"]}


def test_a_deleted_index_is_rebuilt_when_next_searched(ctx, app, topic, index_folder):
    started = topic("Seed swap", "Saturday at the library.")
    app.extensions["search"].close()
    shutil.rmtree(index_folder)
    assert find("library") == {"topic": [f"topic:{started.id}"]}


def test_a_deleted_index_is_rebuilt_by_the_next_change(ctx, app, topic, reply, index_folder):
    started = topic("Seed swap", "Saturday at the library.")
    app.extensions["search"].close()
    shutil.rmtree(index_folder)
    answer = reply(started, "Pumpkin seeds")
    assert index_folder.exists()
    assert find("seeds") == {"topic": [f"topic:{started.id}"], "post": [f"post:{answer.id}"]}


# --- draining in the background, and from the command line ----------------------------------


def test_the_background_thread_indexes_soon_after_commit(ctx, topic, draining):
    services.reindex()
    draining("thread")
    started = topic("Bulb planting", "Daffodils along the verge.")
    deadline = time.monotonic() + 10
    while find("daffodils") == {} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert find("daffodils") == {"topic": [f"topic:{started.id}"]}
    assert queued() == set()


def test_drain_command_applies_queued_work(ctx, app, topic, draining):
    services.reindex()
    draining("off")
    topic("Bulb planting", "Daffodils along the verge.")
    result = app.test_cli_runner().invoke(args=["search", "drain"])
    assert result.exit_code == 0, result.output
    assert "2 queued changes applied" in result.output
    assert find("daffodils") != {}


def test_drain_command_explains_a_locked_index(ctx, app, topic, index_folder, draining):
    topic("Bulb planting", "Daffodils along the verge.")
    draining("off")
    topic("Crocus planting", "Purple ones.")
    with index_locked(index_folder):
        result = app.test_cli_runner().invoke(args=["search", "drain"])
    assert result.exit_code == 1
    assert "stays queued" in result.output
    assert len(queued()) == 2


def test_reindex_command_rebuilds_a_deleted_index_and_shows_progress(ctx, app, topic, reply,
                                                                     index_folder, draining):
    started = topic("Bulb planting", "Daffodils along the verge.")
    reply(started, "Tulips too")
    draining("off")
    app.extensions["search"].close()
    shutil.rmtree(index_folder)
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexing" in result.output
    assert "Search index rebuilt: 2 documents." in result.output
    assert find("tulips") != {} and find("daffodils") != {}


# Whoosh leaves a damaged table of contents' file open when it fails to read it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_reindex_command_replaces_a_corrupted_index(ctx, app, topic, index_folder, draining):
    topic("Bulb planting", "Daffodils along the verge.")
    draining("off")
    app.extensions["search"].close()
    # Junk everywhere, and a damaged table of contents newer than anything a rebuild writes.
    for path in index_folder.iterdir():
        if not path.name.endswith("WRITELOCK"):
            path.write_bytes(b"\x00junk" * 64)
    (index_folder / "_MAIN_99.toc").write_bytes(b"\x00junk" * 64)
    with pytest.raises(services.SearchUnavailable):
        services.search("daffodils", None)
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt: 1 documents." in result.output
    assert find("daffodils") != {}


# --- several processes ---------------------------------------------------------------------


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(ctx, app, topic, make_user, index_folder,
                                                    tmp_path):
    started = topic("Marmalade season", "Seville oranges are in.")
    writers = [make_user(username=name) for name in ("ada", "bo")]
    go = tmp_path / "go"
    replies_each = 15
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    processes = [subprocess.Popen(
        [sys.executable, "-m", "tests.search.concurrent_writer", app.config["DATABASE_URL"],
         str(index_folder), str(started.id), writer.username, str(replies_each), str(go)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) for writer in writers]
    time.sleep(0.5)
    go.touch()
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
    lines = [out.splitlines() for out, _err in outputs]
    spans = [tuple(map(float, output[1].split())) for output in lines]
    assert max(start for start, _end in spans) < min(end for _start, end in spans), \
        "the two processes did not write at the same time"
    posted = {int(post_id) for output in lines for post_id in output[0].split()}
    assert len(posted) == 2 * replies_each
    assert queued() == set()
    pages = [services.search("marmalade", None, kind="post", page=page).groups[0]
             for page in (1, 2)]
    assert pages[0].total == 2 * replies_each
    assert {hit["id"] for page in pages for hit in page.hits} == {
        f"post:{post_id}" for post_id in posted}
