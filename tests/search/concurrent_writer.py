"""Post replies from a separate process, for the test that two processes write at once.

    python -m tests.search.concurrent_writer DATABASE_URL INDEX_PATH TOPIC_ID USERNAME COUNT GO

Waits for the file GO to exist (so both processes start writing together), posts COUNT replies
through the boards services with SEARCH_DRAIN "inline", and prints the new post ids, then the
times it started and finished writing.
"""

import sys
import time
from pathlib import Path

from forum import create_app
from forum.accounts.models import User
from forum.boards import services as boards
from forum.boards.models import Topic
from forum.extensions import db


def main(database_url, index_path, topic_id, username, count, go):
    app = create_app("test", overrides={
        "DATABASE_URL": database_url, "SEARCH_INDEX_PATH": index_path,
        "SEARCH_DRAIN": "inline", "SEARCH_LOCK_TIMEOUT": 10.0,
    })
    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.username == username)).scalar_one()
        deadline = time.monotonic() + 60
        while not Path(go).exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        ids = []
        started = time.time()
        for number in range(int(count)):
            topic = db.session.get(Topic, int(topic_id))
            post = boards.reply_to_topic(user, topic, f"Marmalade tip {number} from {username}")
            ids.append(post.id)
        print(" ".join(map(str, ids)))
        print(started, time.time())
        app.extensions["search"].close()
        db.engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
