"""Real-browser tests: the app served on a free 127.0.0.1 port, Debian's Chromium driven by
Playwright, every page checked by axe-core and watched for script that should never run.

Each test gets the demo neighbourhood (`flask seed-demo`, built once per run and copied), with
CSRF on, as a real visitor meets it. Journeys run in three modes (see MODES): a desktop with
JavaScript, a desktop with JavaScript switched off, and a 360×740 phone.

    def test_something(site):
        amina = site.person()                  # a browser of her own, in this test's mode
        amina.sign_in("amina")
        amina.visit("/boards/")                # goes there and checks the page (axe, scripts)
        amina.page.get_by_role("link", name="Riverside").click()
        amina.check()                          # checks the page it is on now

When a test fails, a screenshot of every open page is saved in test-output/browser/<test>/.
"""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from forum import create_app
from forum.demo import DEMO_PASSWORD
from forum.extensions import db
from tests.browser.support import (
    AXE_PATH,
    CHROMIUM,
    LAUNCH_ARGS,
    MODES,
    Site,
)

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"


def _missing():
    """Why the browser suite cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is not installed (make install)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (make browser-deps installs Debian's chromium)"
    if not AXE_PATH.exists():
        return f"axe-core is missing at {AXE_PATH} (make browser-deps installs it with npm)"
    return None


@pytest.fixture(scope="session")
def chromium():
    why = _missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The browser suite cannot run: {why}; CI requires it.")
        pytest.skip(f"Browser suite skipped: {why}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """A SQLite file with every migration and the demo neighbourhood, made once per run."""
    from flask_migrate import upgrade

    from forum import demo

    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    app = create_app("test", overrides={"DATABASE_URL": f"sqlite:///{path}",
                                        "MAIL_OUTBOX": str(folder / "outbox")})
    with app.app_context():
        upgrade()
        demo.load(app)
        db.engine.dispose()
    return path


@pytest.fixture(params=list(MODES))
def mode(request):
    return request.param


@pytest.fixture
def live_app(tmp_path, monkeypatch, demo_database):
    """The app on a free port, with its own copy of the demo database."""
    monkeypatch.setenv("FORUM_INSTANCE_PATH", str(tmp_path / "instance"))
    database = tmp_path / "forum.db"
    shutil.copyfile(demo_database, database)
    app = create_app("test", overrides={
        "DATABASE_URL": f"sqlite:///{database}",
        "MAIL_OUTBOX": str(tmp_path / "outbox"),
        "WTF_CSRF_ENABLED": True,  # real forms carry their tokens
        "SERVER_NAME": None,
    })
    with app.app_context():
        from forum.search import services as search

        search.reindex()  # this app's index is in memory: fill it from the demo
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture
def site(request, chromium, live_app, mode):
    """The site as people in browsers meet it, in this test's mode."""
    app, base = live_app
    found = Site(app, base, chromium, mode, password=DEMO_PASSWORD)
    yield found
    if getattr(request.node, "browser_failed", False):
        folder = OUTPUT / re.sub(r"[^\w.-]+", "_", request.node.name)
        found.screenshots(folder)
    found.close()
