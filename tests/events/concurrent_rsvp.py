"""Answer RSVPs from a separate process, for the tests that several processes answer at once.

    python -m tests.events.concurrent_rsvp DATABASE_URL OUTBOX EVENT_ID START USER_IDS ANSWERS GO

START is the occurrence's original start, naive UTC in ISO form (2027-01-05T18:00:00);
USER_IDS is comma-separated; ANSWERS is a string of "y" (going) and "n" (not going): in each
round every user answers in turn. Once its app is built the process creates the file
GO.ready-<pid>, then waits for the file GO to exist (so that every process starts answering
together); it prints one "USER_ID STATE" line per answer, and last the times it started and
finished.
"""

import os
import sys
import time
from datetime import datetime
from pathlib import Path

from forum import create_app
from forum.accounts.models import User
from forum.events import rsvps
from forum.events.models import Event
from forum.extensions import db


def main(database_url, outbox, event_id, start, user_ids, answers, go):
    app = create_app("test", overrides={"DATABASE_URL": database_url, "MAIL_OUTBOX": outbox})
    with app.app_context():
        original_start = datetime.fromisoformat(start)
        people = [db.session.get(User, int(user_id)) for user_id in user_ids.split(",")]
        Path(f"{go}.ready-{os.getpid()}").touch()
        deadline = time.monotonic() + 60
        while not Path(go).exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        started = time.time()
        lines = []
        for going in answers:
            for person in people:
                event = db.session.get(Event, int(event_id))
                state = rsvps.rsvp(person, event, original_start, going == "y")
                lines.append(f"{person.id} {state}")
        finished = time.time()
        print("\n".join(lines))
        print(started, finished)
        db.engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
