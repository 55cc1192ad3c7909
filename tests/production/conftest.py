"""Fixtures for tests against a whole production deployment on this machine (see stack.py).

They need `redis-server`, gunicorn (in the venv) and a PostgreSQL server at 127.0.0.1:5432
that the `postgres` user may reach without a password. Without them the tests are skipped,
saying why, except when CI=true: CI promises a production-like machine, so there they fail.
"""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.production.stack import ADMIN_URL, BIN, Stack, free_port, wait_until

STACKS_BEFORE = pytest.StashKey[int]()


def _missing():
    """Why a production stack cannot run here, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (apt-get install redis-server)"
    if not os.access(BIN / "gunicorn", os.X_OK):
        return f"gunicorn is not installed in {BIN} (make install)"
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as error:
        return f"no PostgreSQL server answers at {ADMIN_URL} ({str(error).strip()})"
    return None


def require_stack():
    why = _missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The production tests cannot run: {why}; CI requires them.")
        pytest.skip(f"Production tests skipped: {why}.")


@pytest.fixture(scope="session")
def production_ready():
    require_stack()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    item.stash[STACKS_BEFORE] = len(Stack.created)
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test against a deployment reports the end of its servers' logs: what a
    resident saw is in the assertion, why it happened is in the logs."""
    report = yield
    if report.failed:
        used = [value for value in getattr(item, "funcargs", {}).values()
                if isinstance(value, Stack)]
        started = Stack.created[item.stash.get(STACKS_BEFORE, len(Stack.created)):]
        for stack in {id(stack): stack for stack in (*used, *started)}.values():
            for name, tail in stack.log_tails():
                report.sections.append((f"end of {stack.workdir.name}/{name}", tail))
    return report


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.usefixtures("production_ready"))


# --- a PostgreSQL cluster of our own, to stop and start ---------------------------------------


class Cluster:
    """A private PostgreSQL cluster (Debian's pg_createcluster), never the machine's main one."""

    def __init__(self):
        versions = sorted(Path("/etc/postgresql").iterdir(), key=lambda p: int(p.name)) \
            if Path("/etc/postgresql").is_dir() else []
        if not versions or shutil.which("pg_createcluster") is None:
            raise LookupError("Debian's postgresql-common (pg_createcluster) is not installed")
        if os.geteuid() != 0:
            raise LookupError("making a private PostgreSQL cluster needs root")
        self.version = versions[-1].name
        self.name = f"cg{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *command):
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def create(self):
        self._ctl("pg_createcluster", self.version, self.name, "-p", str(self.port), "--start",
                  "--", "--auth=trust")
        wait_until(self.answers, timeout=30, what="the private PostgreSQL cluster")

    def stop(self):
        self._ctl("pg_ctlcluster", self.version, self.name, "stop", "-m", "fast")

    def start(self):
        self._ctl("pg_ctlcluster", self.version, self.name, "start")
        wait_until(self.answers, timeout=30, what="the private PostgreSQL cluster")

    def drop(self):
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name],
                       capture_output=True, timeout=120)

    def answers(self):
        try:
            with psycopg.connect(self.admin_url, connect_timeout=2):
                return True
        except psycopg.Error:
            return False


@pytest.fixture(scope="module")
def private_cluster(production_ready):
    try:
        cluster = Cluster()
    except LookupError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The database outage test cannot run: {error}; CI requires it.")
        pytest.skip(f"Database outage test skipped: {error}.")
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.drop()
