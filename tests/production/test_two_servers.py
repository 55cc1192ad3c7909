"""Two gunicorn servers on one PostgreSQL database and one Redis behave as one site.

One stack for the module: two servers, a job worker, and a neighbourhood seeded once (24
verified residents, a board, an event with 5 places). Sign-in limits are the production
defaults, since only failed attempts count and only the rate-limit test fails any; it clears
its counters in Redis when it is done.
"""

import threading
import uuid

import psycopg
import pytest
import redis

from tests.production import seed
from tests.production.client import Browser
from tests.production.stack import Stack, wait_until

CAPACITY = 5
RESIDENTS = 24


@pytest.fixture(scope="module")
def stack(tmp_path_factory, production_ready):
    with Stack(tmp_path_factory.mktemp("two-servers"), servers=2, workers=2) as stack:
        stack.data = seed.run(stack, users=RESIDENTS, board="Community cafe", event=CAPACITY)
        yield stack


def _browser(stack, server, user=None):
    browser = Browser(stack.urls[server])
    if user:
        browser.sign_in(user, stack.data["password"])
    return browser


def _search_finds(browser, words, expected):
    page = browser.get("/search", params={"q": words})
    return page.status_code == 200 and expected in page.text


def test_a_topic_posted_on_one_server_is_read_and_found_on_the_other(stack):
    a = _browser(stack, 0, stack.data["users"][1])
    word = f"zq{uuid.uuid4().hex[:10]}"
    title = f"Lost tabby cat near the {word} allotments"
    board = stack.data["board"]
    response = a.submit(f"/boards/{board}/new", {"title": title,
                                                 "body": "Answers to Marmalade. Very friendly."})
    assert response.status_code == 302, response.text[:2000]
    topic_path = response.headers["Location"].replace(stack.urls[0], "")
    assert topic_path.startswith("/t/")

    b = Browser(stack.urls[1])   # a visitor on the other server
    page = b.get(topic_path)
    assert page.status_code == 200
    assert title in page.text and "Answers to Marmalade" in page.text
    assert title in b.get(f"/boards/{board}").text

    # The index is written by the job worker, for both servers, shortly after the post.
    wait_until(lambda: _search_finds(b, word, f'href="{topic_path}'), timeout=30,
               what=f"'{word}' to be found through server B")


def test_a_session_from_one_server_works_on_the_other(stack):
    user = stack.data["users"][2]
    a = _browser(stack, 0, user)
    assert a.signed_in_as() == user
    b = Browser(stack.urls[1])
    assert b.signed_in_as() is None
    # The same browser going to the other server: A's cookies, unchanged.
    assert a.cookie("session")
    for cookie in a.session.cookies:
        b.session.cookies.set_cookie(cookie)
    assert b.signed_in_as() == user
    # And B can act on it: the CSRF token B's page gives belongs to the same session.
    event = stack.data["event"]
    response = b.submit(f"/events/{event}/rsvp", {"going": "0"}, form_page=f"/events/{event}")
    assert response.status_code == 302


def _states(stack, event_id):
    with psycopg.connect(stack.database_url) as connection:
        rows = connection.execute(
            "SELECT u.username, r.state FROM event_rsvps r JOIN users u ON u.id = r.user_id "
            "WHERE r.event_id = %s", (event_id,)).fetchall()
        count = connection.execute(
            "SELECT going FROM event_occurrence_counts WHERE event_id = %s",
            (event_id,)).fetchall()
    return dict(rows), [going for (going,) in count]


def test_rsvps_sent_at_once_through_both_servers_never_overbook(stack):
    event = stack.data["event"]
    people = stack.data["users"][:RESIDENTS]
    browsers = [None] * len(people)
    tokens = [None] * len(people)

    def sign_in(index):
        browsers[index] = _browser(stack, index % 2, people[index])
        tokens[index] = browsers[index].token(f"/events/{event}")

    threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(tokens), "every resident signed in and saw the event"

    start = threading.Barrier(len(people))
    statuses = [None] * len(people)

    def answer(index):
        start.wait()
        response = browsers[index].post(f"/events/{event}/rsvp",
                                        {"going": "1", "csrf_token": tokens[index]})
        statuses[index] = response.status_code

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(people)

    states, counters = _states(stack, event)
    going = sorted(name for name, state in states.items() if state == "going")
    waiting = sorted(name for name, state in states.items() if state == "waitlist")
    assert len(going) == CAPACITY
    assert len(waiting) == len(people) - CAPACITY
    assert counters == [CAPACITY]

    # What people see, on either server.
    visitor = Browser(stack.urls[1])
    assert "Full — waiting list" in visitor.get(f"/events/{event}").text
    seen = {}
    for index, browser in enumerate(browsers):
        text = browser.get(f"/events/{event}").text
        seen[people[index]] = ("going" if "You're going." in text
                               else "waitlist" if "on the waiting list." in text else "?")
    assert seen == {name: states[name] for name in people}
    positions = sorted(int(text.split("You're number ")[1].split()[0])
                       for text in (browsers[people.index(name)].get(f"/events/{event}").text
                                    for name in waiting))
    assert positions == list(range(1, len(waiting) + 1))


def test_failed_sign_ins_are_counted_across_both_servers(stack):
    statuses = []
    try:
        browsers = [Browser(url) for url in stack.urls]
        for attempt in range(11):
            browser = browsers[attempt % 2]
            response = browser.submit("/account/signin",
                                      {"login": stack.data["users"][3],
                                       "password": f"wrong password {attempt}"})
            statuses.append(response.status_code)
        assert 429 not in statuses[:10] and 302 not in statuses[:10], statuses
        assert statuses[10] == 429, statuses
        page = response.text
        assert "Too many attempts" in page
        # The limit is per address: the other server refuses too, even a right password.
        right = browsers[0].submit("/account/signin", {"login": stack.data["users"][3],
                                                        "password": stack.data["password"]})
        assert right.status_code == 429
    finally:
        _forget_rate_limits(stack)


def _forget_rate_limits(stack):
    client = redis.Redis.from_url(stack.redis_url)
    for key in client.scan_iter(match="*LIMIT*"):
        client.delete(key)
