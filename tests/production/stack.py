"""A whole deployment on this machine, private to one test or benchmark run.

    with Stack(tmp_path, servers=2) as stack:
        stack.urls          # ["http://127.0.0.1:PORT", ...], one per gunicorn instance
        stack.flask("search", "reindex")

Production mode (the default): a fresh PostgreSQL database of its own on the machine's server
(or on any server, by `admin_url`), a private `redis-server` on a free port, `servers` gunicorn
instances (each with `workers` sync workers) and one `flask jobs worker`, all configured by
environment variables exactly as a real deployment is (README, "Running in production").
Embedded mode (`embedded=True`): the default configuration, SQLite and Whoosh in a folder of
its own, no Redis, no job worker: what `make run` serves, for side-by-side comparisons.

Everything is stopped, and the database dropped, when the `with` block ends.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET_KEY = "stack-secret-key-for-tests-only-" + "x" * 16


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout=30.0, interval=0.1, what="the condition"):
    """Call `check()` until it returns something true; return that, or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def http_status(url, timeout=2.0):
    """The status code of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, urllib.error.URLError):
        return None


class Stack:
    created = []   # every Stack of this test session, so that a failure can show their logs

    def __init__(self, workdir, servers=2, workers=2, embedded=False, job_worker=True,
                 admin_url=ADMIN_URL, env=None, threads=1):
        Stack.created.append(self)
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.embedded = embedded
        self.servers = servers
        self.workers = workers
        self.threads = threads
        self.job_worker = job_worker and not embedded
        self.admin_url = admin_url
        self.extra_env = dict(env or {})
        self.redis_key_prefix = f"cg-{uuid.uuid4().hex[:8]}"
        self.database_name = None
        self.database_url = None
        self.redis_port = None
        self.redis_url = None
        self.urls = []
        self._gunicorns = []   # Popen, one per server
        self._worker = None
        self._redis = None

    # --- the environment every process of the deployment shares ------------------------------

    @property
    def env(self):
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("FORUM_") and key not in (
                   "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "SEARCH_BACKEND",
                   "TEST_DATABASE_URL", "MAIL_SERVER")}
        env.update({
            "FLASK_APP": "wsgi.py",
            "FORUM_INSTANCE_PATH": str(self.workdir / "instance"),
            "FORUM_MAIL_OUTBOX": str(self.workdir / "outbox"),
            "PYTHONUNBUFFERED": "1",
        })
        if self.embedded:
            env["FORUM_CONFIG"] = "default"
        else:
            env.update({
                "FORUM_CONFIG": "production",
                "SECRET_KEY": SECRET_KEY,
                "DATABASE_URL": self.database_url or "",
                "REDIS_URL": self.redis_url or "",
                # The tests speak plain HTTP to gunicorn, with no proxy in front.
                "FORUM_SESSION_COOKIE_SECURE": "false",
                "FORUM_REMEMBER_COOKIE_SECURE": "false",
                "FORUM_PREFERRED_URL_SCHEME": "http",
                "FORUM_HSTS_SECONDS": "0",
                "FORUM_PROXY_HOPS": "0",
                # One prefix for every process: servers share rate limits and cached pages.
                "FORUM_REDIS_KEY_PREFIX": self.redis_key_prefix,
            })
        env.update(self.extra_env)
        return env

    # --- life cycle ------------------------------------------------------------------------------

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        if not self.embedded:
            self._create_database()
            self.start_redis()
        self.flask("db", "upgrade")
        for _ in range(self.servers):
            self._start_gunicorn()
        if self.job_worker:
            self.start_job_worker()
        for url in self.urls:
            wait_until(lambda url=url: http_status(f"{url}/health") == 200, timeout=60,
                       what=f"{url}/health")

    def stop(self):
        for process in [*self._gunicorns, self._worker]:
            _terminate(process)
        self._gunicorns, self._worker = [], None
        self.stop_redis()
        if self.database_name:
            self._drop_database()

    def log_tails(self, lines=60):
        """The end of each log this deployment wrote: (file name, text) pairs."""
        tails = []
        for path in sorted(self.workdir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            tails.append((path.name, "\n".join(text)))
        return tails

    # --- pieces ------------------------------------------------------------------------------

    def flask(self, *args, check=True, timeout=600):
        """Run a `flask` command with the deployment's settings; return the finished process."""
        result = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n"
                               f"{result.stderr}")
        return result

    def _start_gunicorn(self):
        port = free_port()
        index = len(self._gunicorns)
        command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                   "--workers", str(self.workers), "--threads", str(self.threads),
                   # Shorter than the clients' 30 s: a hung worker is aborted first and
                   # gunicorn.conf.py logs where it hung, for the failure report.
                   "--graceful-timeout", "5", "--timeout", "20",
                   # gunicorn 27's control socket is one path per machine by default: a second
                   # server would take it over from the first.
                   "--no-control-socket", "wsgi:app"]
        # The child keeps its own copy of the log's descriptor; ours is closed at once.
        with open(self.workdir / f"gunicorn-{index}.log", "ab") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log,
                                       stderr=log, start_new_session=True)
        self._gunicorns.append(process)
        self.urls.append(f"http://127.0.0.1:{port}")

    def start_job_worker(self):
        with open(self.workdir / "jobs.log", "ab") as log:
            self._worker = subprocess.Popen([str(BIN / "flask"), "jobs", "worker"], cwd=ROOT,
                                            env=self.env, stdout=log, stderr=log,
                                            start_new_session=True)

    def stop_job_worker(self):
        _terminate(self._worker)
        self._worker = None

    def start_redis(self):
        self.redis_port = self.redis_port or free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self._redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port),
             "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(self._redis_answers, timeout=10, what="redis-server")

    def stop_redis(self):
        _terminate(self._redis)
        self._redis = None

    def _redis_answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def _create_database(self):
        self.database_name = f"cg_stack_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database_name}"')
        base = self.admin_url.rsplit("/", 1)[0]
        self.database_url = f"{base}/{self.database_name}"

    def _drop_database(self):
        try:
            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" '
                                   "WITH (FORCE)")
        except psycopg.Error:
            pass  # the server may be down in a fault test; the name is unique anyway
        self.database_name = None

    @property
    def job_worker_pid(self):
        """The running job worker's pid, or None."""
        return self._worker.pid if self._worker and self._worker.poll() is None else None

    @property
    def redis_pid(self):
        """The private redis-server's pid, or None."""
        return self._redis.pid if self._redis and self._redis.poll() is None else None

    def server_pids(self):
        """{url: [pids of that server's gunicorn workers]} (children of each master)."""
        found = {}
        for url, process in zip(self.urls, self._gunicorns, strict=True):
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            found[url] = [int(pid) for pid in children.read_text().split()] \
                if children.exists() else []
        return found

    def logs(self):
        """Everything the servers and the worker wrote, for a failing test's message."""
        return "\n".join(path.read_text(errors="replace")[-20000:]
                         for path in sorted(self.workdir.glob("*.log")))


def _terminate(process):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def rss_kib(pid):
    """Resident memory of a process in KiB (from /proc), or None when it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
