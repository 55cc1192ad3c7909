"""Many people pressing "Going" at once, from threads and from separate processes, never
overbook an occurrence: on the SQLite file the app fixture makes (WAL), and on PostgreSQL when
TEST_DATABASE_URL names one.

Setup happens in the test's own context and is committed before any worker starts; each
thread works in an application context (so a session and connection) of its own, and each
process builds its own app against the same DATABASE_URL.
"""

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import func, select

from forum.accounts.models import User
from forum.errors import DomainError
from forum.events import rsvps, services
from forum.events.models import Event, OccurrenceCount, Rsvp
from forum.extensions import db
from tests.events.factories import answer, create_event

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CAPACITY = 3

pytestmark = pytest.mark.slow


@pytest.fixture
def app_overrides():
    """A connection for each of the twenty threads, the monitor and the test itself."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 5,
                                          "pool_timeout": 20}}


@pytest.fixture(autouse=True)
def _context(ctx):
    """Setup and the final checks happen in the test's own application context."""


def tally(event_id, start):
    """(people going, people waiting, the place counter), as committed, from a fresh read."""
    db.session.rollback()
    db.session.expire_all()
    states = dict(db.session.execute(
        select(Rsvp.state, func.count()).where(Rsvp.event_id == event_id,
                                               Rsvp.occurrence_start == start)
        .group_by(Rsvp.state)).all())
    counter = db.session.execute(
        select(OccurrenceCount.going).where(OccurrenceCount.event_id == event_id,
                                            OccurrenceCount.occurrence_start == start)
    ).scalar_one_or_none()
    return states.get("going", 0), states.get("waitlist", 0), counter


class Watch:
    """Read the committed tally over and over while the workers run; remember the most ever
    seen going (by rows, and by the counter). A failed read fails the test when it ends."""

    def __init__(self, app, event_id, start):
        self.app, self.event_id, self.start = app, event_id, start
        self.most_rows = self.most_counter = self.reads = 0
        self.error = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="watch")

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    going, _, counter = tally(self.event_id, self.start)
                    self.most_rows = max(self.most_rows, going)
                    self.most_counter = max(self.most_counter, counter or 0)
                    self.reads += 1
                    time.sleep(0.01)
        except Exception as error:  # noqa: BLE001  (reported by __exit__, in the test)
            self.error = error

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, exc_type, *exc_info):
        self.stop.set()
        self.thread.join(timeout=30)
        if exc_type is None:
            assert self.error is None, f"the watching thread failed: {self.error!r}"
            assert self.reads > 0, "the watching thread never read the tally"


def full_event(organiser, capacity=CAPACITY):
    """An event with a few places, everything committed, so other connections see it."""
    event = create_event(organiser, title="Pottery taster", capacity=capacity)
    db.session.commit()
    return event


def in_threads(app, jobs):
    """Run each (thread name, function) in a thread with its own application context, all
    released together; return their results in order (a worker's exception is raised here)."""
    barrier = threading.Barrier(len(jobs))

    def run(name, function):
        threading.current_thread().name = name
        with app.app_context():
            barrier.wait(timeout=30)
            return function()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(run, name, function) for name, function in jobs]
        return [future.result(timeout=60) for future in futures]


def rsvp_by_ids(user_id, event_id, start, going):
    """Load the person and the event in this thread's session, then answer."""

    def answer_now():
        person = db.session.get(User, user_id)
        event = db.session.get(Event, event_id)
        return rsvps.rsvp(person, event, start, going)

    return answer_now


@contextmanager
def pause_after(matches, thread_name, until, timeout=1.0):
    """While inside: the first SQL statement the thread named `thread_name` runs for which
    matches(STATEMENT IN CAPITALS, cursor) is true holds that thread, just after it ran, until
    `until` is set (or `timeout` seconds pass). Yields an Event set when it happens.

    Held at the database, not inside a service function, so the test forces the same race
    whatever the service's own helpers are called.
    """
    reached = threading.Event()

    def hold(connection, cursor, statement, parameters, context, executemany):
        if threading.current_thread().name == thread_name and not reached.is_set() \
                and matches(" ".join(statement.upper().split()), cursor):
            reached.set()
            until.wait(timeout)

    sqlalchemy.event.listen(db.engine, "after_cursor_execute", hold)
    try:
        yield reached
    finally:
        sqlalchemy.event.remove(db.engine, "after_cursor_execute", hold)


def states_by_user(event_id, start):
    db.session.rollback()
    return dict(db.session.execute(
        select(Rsvp.user_id, Rsvp.state).where(Rsvp.event_id == event_id,
                                               Rsvp.occurrence_start == start)).all())


def run_processes(app, tmp_path, event, groups, answers):
    """Start one process per group of people; release them together; return
    ([(user id, state)], [(started, finished)]) once all have finished."""
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    processes = [subprocess.Popen(
        [sys.executable, "-m", "tests.events.concurrent_rsvp", app.config["DATABASE_URL"],
         app.config["MAIL_OUTBOX"], str(event.id), event.starts_at.isoformat(),
         ",".join(str(person.id) for person in group), answers, str(go)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) for group in groups]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready-*"))) < len(processes) and \
            time.monotonic() < deadline and all(p.poll() is None for p in processes):
        time.sleep(0.02)  # until every process has built its app
    go.touch()
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
    answered, spans = [], []
    for out, _err in outputs:
        *lines, times = out.strip().splitlines()
        answered.extend((int(user_id), state) for user_id, state in
                        (line.split() for line in lines))
        spans.append(tuple(map(float, times.split())))
    return answered, spans


def overlapped(spans):
    return max(start for start, _ in spans) < min(end for _, end in spans)


# --- many people at once ------------------------------------------------------------------------


def test_twenty_people_answering_at_once_from_threads_fill_three_places_and_wait_for_the_rest(
        app, organiser, crowd):
    event = full_event(organiser)
    guests = crowd(20)
    event_id, start = event.id, event.starts_at
    db.session.commit()
    with Watch(app, event_id, start) as watch:
        results = in_threads(app, [(guest.username, rsvp_by_ids(guest.id, event_id, start,
                                                                True))
                                   for guest in guests])
    assert sorted(results) == ["going"] * CAPACITY + ["waitlist"] * (20 - CAPACITY)
    assert tally(event_id, start) == (CAPACITY, 20 - CAPACITY, CAPACITY)
    assert watch.most_rows <= CAPACITY and watch.most_counter <= CAPACITY
    occurrence = services.get_occurrence(db.session.get(Event, event_id), start)
    positions = [rsvps.waitlist_position(guest, occurrence) for guest in guests]
    assert sorted(position for position in positions if position is not None) == list(
        range(1, 20 - CAPACITY + 1))


def test_twenty_people_answering_at_once_from_separate_processes_fill_three_places(
        app, organiser, crowd, tmp_path):
    event = full_event(organiser)
    guests = crowd(20)
    db.session.commit()
    groups = [guests[number::4] for number in range(4)]
    with Watch(app, event.id, event.starts_at) as watch:
        answered, spans = run_processes(app, tmp_path, event, groups, "y")
    assert overlapped(spans), "the processes did not answer at the same time"
    assert sorted(user_id for user_id, _ in answered) == sorted(guest.id for guest in guests)
    assert sorted(state for _, state in answered) == (["going"] * CAPACITY
                                                      + ["waitlist"] * (20 - CAPACITY))
    assert tally(event.id, event.starts_at) == (CAPACITY, 20 - CAPACITY, CAPACITY)
    assert watch.most_rows <= CAPACITY and watch.most_counter <= CAPACITY


# --- people changing their minds at once ---------------------------------------------------


def churn(user_id, event_id, start, rounds, end_going):
    """Going, not going, going, … `rounds` times each, ending on `end_going`."""

    def change_mind():
        states = []
        for number in range(rounds):
            states.append(rsvp_by_ids(user_id, event_id, start, True)())
            if number < rounds - 1 or not end_going:
                states.append(rsvp_by_ids(user_id, event_id, start, False)())
        return states

    return change_mind


def test_people_changing_their_minds_at_once_from_threads_never_overbook(app, organiser,
                                                                         crowd):
    event = full_event(organiser)
    settled, fickle = crowd(4, "settled"), crowd(12, "fickle")
    event_id, start = event.id, event.starts_at
    answer(event, start, True, *settled)  # three going, one waiting, before the churn
    db.session.commit()
    jobs = [(person.username, churn(person.id, event_id, start, rounds=6,
                                    end_going=number % 2 == 0))
            for number, person in enumerate(fickle)]
    jobs += [(person.username, rsvp_by_ids(person.id, event_id, start, False))
             for person in settled[:2]]
    with Watch(app, event_id, start) as watch:
        in_threads(app, jobs)
    going, waiting, counter = tally(event_id, start)
    assert counter == going <= CAPACITY
    assert going + waiting == 2 + 6  # two settled people stayed; half the fickle ended going
    assert watch.most_rows <= CAPACITY and watch.most_counter <= CAPACITY


def test_people_changing_their_minds_at_once_from_separate_processes_never_overbook(
        app, organiser, crowd, tmp_path):
    event = full_event(organiser)
    guests = crowd(12)
    db.session.commit()
    groups = [guests[number::3] for number in range(3)]
    with Watch(app, event.id, event.starts_at) as watch:
        answered, spans = run_processes(app, tmp_path, event, groups, "ynynyny")
    assert overlapped(spans), "the processes did not answer at the same time"
    assert len(answered) == 12 * 7
    going, waiting, counter = tally(event.id, event.starts_at)
    assert counter == going <= CAPACITY
    assert going + waiting == 12
    assert watch.most_rows <= CAPACITY and watch.most_counter <= CAPACITY


# --- two answers racing ------------------------------------------------------------------------


def reads_answers(statement, cursor):
    return statement.startswith("SELECT") and "FROM EVENT_RSVPS" in statement


def test_the_same_person_pressing_going_twice_at_once_takes_one_place(app, organiser,
                                                                      resident):
    """Two tabs, one person: both look for an answer before either is saved. The second to
    save must not fail with a database error."""
    event = full_event(organiser)
    event_id, start, user_id = event.id, event.starts_at, resident.id
    db.session.commit()
    second_done = threading.Event()

    def press():
        try:
            return rsvp_by_ids(user_id, event_id, start, True)()
        except DomainError as error:  # "We got two answers from you at once"
            return error.message

    with pause_after(reads_answers, "first", until=second_done) as first_looked:

        def press_second():
            first_looked.wait(timeout=3)
            try:
                return press()
            finally:
                second_done.set()

        results = in_threads(app, [("first", press), ("second", press_second)])
    assert "going" in results
    assert tally(event_id, start) == (1, 0, 1)


def test_a_place_given_back_while_someone_joins_the_waiting_list_goes_to_them(
        app, organiser, crowd):
    """The one going leaves just as another person, finding the event full, is joining the
    waiting list: the freed place must not stay empty while that person waits."""
    event = full_event(organiser, capacity=1)
    holder, joiner = crowd(2)
    answer(event, event.starts_at, True, holder)
    event_id, start = event.id, event.starts_at
    db.session.commit()
    left = threading.Event()

    def found_full(statement, cursor):
        return statement.startswith("UPDATE EVENT_OCCURRENCE_COUNTS") and cursor.rowcount == 0

    with pause_after(found_full, "joiner", until=left) as joining:

        def leave():
            joining.wait(timeout=3)
            try:
                return rsvp_by_ids(holder.id, event_id, start, False)()
            finally:
                left.set()

        in_threads(app, [("joiner", rsvp_by_ids(joiner.id, event_id, start, True)),
                         ("holder", leave)])
    assert tally(event_id, start) == (1, 0, 1)
    assert states_by_user(event_id, start) == {holder.id: "not_going", joiner.id: "going"}


def test_someone_promoted_just_as_they_say_not_going_gives_the_place_to_the_next(
        app, organiser, crowd):
    """The first person waiting says "not going" at the moment a place comes up for them:
    whichever lands first, the place must end with the next person waiting, not be lost."""
    event = full_event(organiser, capacity=1)
    holder, leaver, next_in_line = crowd(3)
    answer(event, event.starts_at, True, holder, leaver, next_in_line)
    event_id, start = event.id, event.starts_at
    db.session.commit()
    promoted = threading.Event()

    with pause_after(reads_answers, "leaver", until=promoted) as reading:

        def leave_and_promote():
            reading.wait(timeout=3)
            try:
                return rsvp_by_ids(holder.id, event_id, start, False)()
            finally:
                promoted.set()

        in_threads(app, [("leaver", rsvp_by_ids(leaver.id, event_id, start, False)),
                         ("holder", leave_and_promote)])
    assert states_by_user(event_id, start) == {
        holder.id: "not_going", leaver.id: "not_going", next_in_line.id: "going"}
    assert tally(event_id, start) == (1, 0, 1)
