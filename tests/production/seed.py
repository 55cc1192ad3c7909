"""Fill a running deployment's database with what a test needs, the way the services make it.

Run with the deployment's environment (the app is built from it, as the servers' is):

    python -m tests.production.seed '{"users": 24, "board": "Community cafe", "event": 5}'

Prints JSON: {"password": …, "users": [names], "board": slug, "ward": slug, "event": id}.
Users are verified adults in one ward; the board is open to all; the event (capacity given)
is three weeks ahead, made by the first user. Passwords are hashed quickly (pbkdf2, few
rounds): what is tested is the servers, not the hashing cost.
"""

import json
import sys
from datetime import time

from forum import create_app
from forum.extensions import db

PASSWORD = "production-test-password"


def seed(spec):
    app = create_app(overrides={"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        from tests import factories
        from tests.boards.factories import create_board
        from tests.events.factories import create_event, in_days

        out = {"password": PASSWORD, "users": []}
        ward = factories.get_or_create_ward(spec.get("ward", "Riverside"))
        out["ward"] = ward.slug
        prefix = spec.get("prefix", "resident")
        for number in range(spec.get("users", 0)):
            user = factories.create_user(f"{prefix}{number:02d}", password=PASSWORD, ward=ward)
            out["users"].append(user.username)
        if spec.get("board"):
            out["board"] = create_board(spec["board"]).slug
        if spec.get("event"):
            organiser = factories.user_named(out["users"][0])
            event = create_event(organiser, title="Repair cafe at the library",
                                 capacity=spec["event"], start_day=in_days(21),
                                 start_time=time(18, 0), end_time=time(20, 0))
            out["event"] = event.id
        db.session.remove()
        db.engine.dispose()
    return out




def run(stack, **spec):
    """Seed `stack`'s database in a process of its own, with the stack's environment."""
    import subprocess

    from tests.production.stack import ROOT

    result = subprocess.run([sys.executable, "-m", "tests.production.seed", json.dumps(spec)],
                            cwd=ROOT, env=stack.env, capture_output=True, text=True, timeout=300)
    if result.returncode:
        raise RuntimeError(f"Seeding failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    print(json.dumps(seed(json.loads(sys.argv[1]))))
