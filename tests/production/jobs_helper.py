"""Job functions for the retry test (RQ imports them by their dotted path)."""

from pathlib import Path


def fails_the_first_time(counter_path):
    """Count attempts in a file; raise on the first, succeed after."""
    path = Path(counter_path)
    attempts = int(path.read_text() or 0) + 1 if path.exists() else 1
    path.write_text(str(attempts))
    if attempts == 1:
        raise RuntimeError("the first attempt fails, as a busy SMTP server might")
