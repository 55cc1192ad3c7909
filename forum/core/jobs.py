"""Background jobs: e-mail, search index updates and other work that need not hold up a request.

`enqueue("forum.notifications.mail.deliver", to, subject, text)` names a function by its
dotted path and gives it plain arguments (strings, numbers, lists: what survives a trip through
Redis). Where it runs depends on JOBS:

- "inline" (the embedded default and the tests): now, before `enqueue` returns.
- "rq": on an RQ queue in Redis, run by `flask jobs worker` with an application context of its
  own, retried with growing waits when it raises. If Redis cannot be reached the job runs
  inline instead, and the log says so: a resident's e-mail is late at worst, never lost.

Jobs must be safe to run twice: RQ delivers at least once.
"""

import logging
import os
import time
from functools import cache

from flask import current_app, has_app_context
from werkzeug.utils import import_string

log = logging.getLogger(__name__)

QUEUE_NAME = "commonground"
# Waits between attempts of a failing job (seconds); after the last it lands in RQ's failed
# job registry, where `rq info` shows it.
RETRY_INTERVALS = (10, 60, 300, 900)
JOB_TIMEOUT = 600
RESULT_TTL = 0  # nothing reads results; keep Redis small
REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}


def enqueue(function_path, *args, **kwargs):
    """Run the function at `function_path` with these arguments, now or on a worker.

    :returns: the RQ job id, or None when the job ran inline.
    """
    app = current_app._get_current_object()
    if app.config.get("JOBS", "inline") == "rq":
        try:
            return _queue(app).enqueue(
                run_job, function_path, args, kwargs, retry=_retry(),
                job_timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL,
                description=function_path).id
        except Exception as error:  # redis.exceptions.ConnectionError, TimeoutError, …
            return _run_inline(function_path, args, kwargs, error)
    return _run_inline(function_path, args, kwargs)


def _run_inline(function_path, args, kwargs, redis_error=None):
    if redis_error is not None:
        log.warning("Redis is unreachable (%s); running job %s inline instead",
                    redis_error, function_path)
    import_string(function_path)(*args, **kwargs)


def enqueue_once(key, function_path, *args, seconds=30):
    """Enqueue a job unless one for `key` is already waiting (a debounce shared by all servers).

    The job must call `claim(key)` when it starts, so that work arriving after that moment
    queues a job of its own. Without Redis the job simply runs inline.
    """
    app = current_app._get_current_object()
    if app.config.get("JOBS", "inline") == "rq":
        try:
            if not redis_connection(app).set(_pending_key(key), "1", nx=True, ex=seconds):
                return None
        except Exception as error:
            return _run_inline(function_path, args, {}, error)
    return enqueue(function_path, *args)


def claim(key):
    """Mark the pending job for `key` as started (see `enqueue_once`); never raises."""
    app = current_app._get_current_object()
    if app.config.get("JOBS", "inline") == "rq":
        try:
            redis_connection(app).delete(_pending_key(key))
        except Exception as error:
            log.warning("Could not clear pending job %s in Redis: %s", key, error)


def _pending_key(key):
    return f"{current_app.config.get('REDIS_KEY_PREFIX', 'cg')}:pending:{key}"


def run_job(function_path, args, kwargs):
    """What the RQ worker runs: the named function inside an application context.

    `flask jobs worker` runs jobs in its own process and app context; a plain `rq worker`
    has none, so one app is built from the environment, like the web servers'.
    """
    if not has_app_context():
        with _worker_app().app_context():
            return run_job(function_path, args, kwargs)
    started = time.perf_counter()
    try:
        import_string(function_path)(*args, **kwargs)
    finally:
        from forum.extensions import db

        db.session.remove()  # the next job starts with a clean session
    log.info("Job %s done in %.0f ms", function_path, (time.perf_counter() - started) * 1000)


@cache
def _worker_app():
    from forum import create_app

    return create_app()


def redis_connection(app):
    """The app's Redis client (one per app and process; redis-py pools its connections)."""
    clients = app.extensions.setdefault("redis", {})
    pid = os.getpid()
    if pid not in clients:  # a forked worker must not share its parent's sockets
        from redis import Redis

        clients.clear()
        clients[pid] = Redis.from_url(app.config["REDIS_URL"], **REDIS_TIMEOUTS)
    return clients[pid]


def _queue(app):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_connection(app))


def _retry():
    from rq import Retry

    return Retry(max=len(RETRY_INTERVALS), interval=list(RETRY_INTERVALS))


def work(app, burst=False):
    """Run an RQ worker on the app's queue until stopped (or, with `burst`, until it is empty).

    The scheduler runs in the worker, so retries wait their intervals.
    """
    from rq import SimpleWorker

    # Jobs run in this process, inside its app context (no fork: a forked child would share
    # the parent's database connections).
    worker = SimpleWorker([_queue(app)], connection=redis_connection(app),
                    name=f"commonground-{os.uname().nodename}-{os.getpid()}")
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def counts(app):
    """{state: number of jobs} for the app's queue."""
    queue = _queue(app)
    return {"queued": queue.count, "running": queue.started_job_registry.count,
            "retrying": queue.scheduled_job_registry.count,
            "failed": queue.failed_job_registry.count}
