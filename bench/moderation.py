"""Benchmark the moderation detector: texts per second, and what it adds to posting a reply.

    .venv/bin/python bench/moderation.py [--replies 300] [--repeat 3]

1. Detector speed on one core, over a realistic mix: the sentences of stormfront_dev.csv and
   davidson_tweets.csv from ../shared/data/hate-speech when that folder is there (read at run
   time, never copied), else the project's own tests/moderation/cases.csv; then the same texts
   joined three at a time, closer to the length of a forum post.
2. Posting a reply in-process (forum.boards.services.reply_to_topic: render, sanitise, moderate,
   save, notify) on a temporary SQLite database, timed REPLIES times with the real detector
   and REPLIES times with `assess` replaced by one that always publishes; it prints the two
   medians and the difference.
"""

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "hate-speech"
sys.path.insert(0, str(ROOT))

REPLIES = [
    "Thanks for organising this, I'll bring the tea urn to the hall on Saturday.",
    "The bins on Mill Lane still haven't been collected. Has anyone reported it?",
    "Lovely to see so many families from the mosque and the church at the litter pick.",
    "Does anyone know if the Polish deli is open on bank holidays?",
    "This f***ing bus is late again, third time this week.",
    "The potholes on Station Road are a disgrace, the council needs to sort them.",
    "Our Traveller neighbours helped us move the piano, brilliant people.",
    "I think the new cycle lane is a good idea but the junction needs work.",
]


def pin_to_one_core():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def mixed_texts():
    """(texts, where they came from)."""
    texts = []
    for name in ("stormfront_dev.csv", "davidson_tweets.csv"):
        path = SHARED / name
        if path.exists():
            with path.open(newline="", encoding="utf-8") as handle:
                texts.extend(row["text"] for row in csv.DictReader(handle))
    if texts:
        return texts, f"{SHARED}/stormfront_dev.csv + davidson_tweets.csv"
    cases = ROOT / "tests" / "moderation" / "cases.csv"
    with cases.open(newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)], str(cases)


def detector_speed(texts, repeat):
    from forum.moderation.detector import assess

    for text in texts[:500]:  # warm the caches, as a running server would have
        assess(text)
    best = 0.0
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            assess(text)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best


def reply_latency(count):
    """Median ms of reply_to_topic with the detector on, and with it off."""
    from flask_migrate import upgrade

    from forum import create_app
    from forum.accounts.models import User, Ward, utcnow
    from forum.accounts.passwords import hash_password
    from forum.boards.models import Board
    from forum.boards.services import reply_to_topic, start_topic
    from forum.extensions import db
    from forum.moderation import detector

    with tempfile.TemporaryDirectory() as folder:
        os.environ["FORUM_INSTANCE_PATH"] = folder
        app = create_app(overrides={"DATABASE_URL": f"sqlite:///{folder}/bench.db",
                                    "SEARCH_DRAIN": "off", "MAIL_OUTBOX": folder})
        with app.app_context():
            upgrade()
            ward = Ward(name="Riverside", slug="riverside")
            board = Board(name="Community café", slug="community-cafe")
            db.session.add_all([ward, board])
            db.session.flush()
            user = User(username="bench", username_key="bench", email="bench@example.org",
                        password_hash=hash_password("bench-password-1"),
                        email_verified_at=utcnow(), ward_id=ward.id, display_name="Bench")
            db.session.add(user)
            db.session.commit()
            topic = start_topic(user, board, "Benchmarking replies", "The first post.")
            real_assess = detector.assess
            timings = {"on": [], "off": []}
            # Alternate on and off, so that a slow patch of the machine hits both alike.
            for number in range(count * 2):
                mode = "on" if number % 2 == 0 else "off"
                detector.assess = real_assess if mode == "on" else _publish_everything
                body = f"{REPLIES[number % len(REPLIES)]} ({number})"
                started = time.perf_counter()
                reply_to_topic(user, topic, body)
                timings[mode].append((time.perf_counter() - started) * 1000)
            detector.assess = real_assess
            db.session.remove()
            db.engine.dispose()
    return statistics.median(timings["on"]), statistics.median(timings["off"])


def _publish_everything(text, context=None):
    from forum.moderation.detector import Verdict

    return Verdict()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pin_to_one_core()

    texts, source = mixed_texts()
    per_second = detector_speed(texts, args.repeat)
    average = sum(map(len, texts)) / len(texts)
    print(f"detector: {per_second:,.0f} texts/s on one core "
          f"({len(texts):,} texts averaging {average:.0f} characters, from {source})")
    posts = [" ".join(texts[i:i + 3]) for i in range(0, len(texts) - 2, 3)]
    per_second = detector_speed(posts, args.repeat)
    average = sum(map(len, posts)) / len(posts)
    print(f"detector: {per_second:,.0f} posts/s on one core "
          f"(the same texts three to a post, averaging {average:.0f} characters)")

    on, off = reply_latency(args.replies)
    print(f"posting a reply (reply_to_topic, {args.replies} each way, median): "
          f"moderation on {on:.2f} ms, off {off:.2f} ms, added {on - off:+.2f} ms")


if __name__ == "__main__":
    main()
