"""Settings every gunicorn serving Common Ground should have.

gunicorn reads this file from the directory it starts in, the project's root, so `make prod`,
the benchmarks and the production tests all use it. Workers, address and timeouts stay on the
command line, where each deployment chooses them.
"""

import faulthandler
import sys


def worker_abort(worker):
    """A worker that gave no sign of life for longer than --timeout is about to be replaced:
    log where each of its threads was, the one clue to why a request hung."""
    worker.log.critical("Worker %s stopped answering; its threads were here:", worker.pid)
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
