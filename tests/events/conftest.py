"""Fixtures for the events calendar: the people involved, and a detector that says what a test
needs it to say.

    olu     a resident who organises events
    ada     a resident who goes to them;  ben  another
    tia     17
    jo      council staff;  ravi  a volunteer moderator

These makers need the test's application context (`ctx`); event tests call services directly.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from forum.moderation import detector


@pytest.fixture
def organiser(ctx, make_user):
    return make_user("olu", display_name="Olu Organiser")


@pytest.fixture
def resident(ctx, make_user):
    return make_user("ada", display_name="Ada Resident")


@pytest.fixture
def neighbour(ctx, make_user):
    return make_user("ben", display_name="Ben Neighbour")


@pytest.fixture
def teen(ctx, make_user):
    return make_user("tia", age_band="16_17", display_name="Tia Young")


@pytest.fixture
def staff(ctx, make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Council")


@pytest.fixture
def moderator(ctx, make_user):
    return make_user("ravi", roles=["moderator"], display_name="Ravi Volunteer")


@pytest.fixture
def crowd(ctx, make_user):
    """crowd(n, prefix="guest") -> n verified adults: guest01, guest02, …"""

    def make(size, prefix="guest"):
        return [make_user(f"{prefix}{number:02d}") for number in range(1, size + 1)]

    return make


@pytest.fixture
def says(monkeypatch):
    """says(action, score, *labels) -> the Verdict the detector gives every text from now on."""

    def set_verdict(action="publish", score=0.0, *labels, reasons=None):
        verdict = detector.Verdict(
            action=action, score=score, labels=tuple(labels),
            reasons=tuple(reasons if reasons is not None
                          else [f"The detector saw {label}." for label in labels]))
        monkeypatch.setattr(detector, "assess", lambda text, context=None: verdict)
        return verdict

    return set_verdict


@pytest.fixture
def calendar_server():
    """A little web server on 127.0.0.1: serve(path, body) publishes body at path and returns
    its address; serve.asked lists the paths requested, serve.port its port."""
    pages, asked = {}, []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            body = pages.get(self.path)
            payload = body if body is not None else b"Not here"
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address

    def serve(path, body):
        pages[path] = body
        return f"http://{host}:{port}{path}"

    serve.asked, serve.port = asked, port
    yield serve
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
