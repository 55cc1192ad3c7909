"""gunicorn.conf.py: a worker that hangs leaves word of where it hung."""

import runpy
import threading
from pathlib import Path
from types import SimpleNamespace

CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


class RecordingLog:
    def __init__(self):
        self.lines = []

    def critical(self, message, *args):
        self.lines.append(message % args)


def waiting_for_an_answer_that_never_comes(entered, release):
    entered.set()
    release.wait(timeout=30)


def test_a_worker_that_stopped_answering_logs_where_each_thread_was(capfd):
    settings = runpy.run_path(str(CONF))
    entered, release = threading.Event(), threading.Event()
    thread = threading.Thread(target=waiting_for_an_answer_that_never_comes,
                              args=(entered, release))
    thread.start()
    try:
        assert entered.wait(timeout=10)
        worker = SimpleNamespace(pid=4321, log=RecordingLog())
        settings["worker_abort"](worker)
    finally:
        release.set()
        thread.join()
    dumped = capfd.readouterr().err
    assert worker.log.lines == ["Worker 4321 stopped answering; its threads were here:"]
    assert "in waiting_for_an_answer_that_never_comes" in dumped
    assert "in test_a_worker_that_stopped_answering_logs_where_each_thread_was" in dumped
