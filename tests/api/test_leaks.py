"""Nothing hidden and nobody's private details leave the site through the API.

Every address the API links to is visited (every page of every collection, every item), and
every body searched for words that are only in held, removed or deleted content, drafts and
scheduled news, and for people's usernames, e-mail addresses and young people's names.
"""

import json

import pytest

from tests.api.conftest import API

ROOT = f"http://localhost{API}"


def _addresses(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _addresses(item)
    elif isinstance(value, list):
        for item in value:
            yield from _addresses(item)
    elif isinstance(value, str) and value.startswith(ROOT):
        yield value


def crawl(client, extra=()):
    """{address: response text} for everything reachable from the index (and `extra`)."""
    bodies, waiting = {}, [f"{ROOT}/", *extra]
    while waiting:
        address = waiting.pop()
        if address in bodies:
            continue
        response = client.get(address)
        assert response.mimetype == "application/json", address
        bodies[address] = response.text
        if response.status_code == 200:
            waiting.extend(_addresses(response.get_json()))
        assert len(bodies) < 500, "the crawl is running away"
    return bodies


def _hidden_addresses(place):
    ids = place.ids
    return [f"{ROOT}/topics/{ids[f'{status}_topic']}" for status in ("held", "removed",
                                                                     "deleted")] \
        + [f"{ROOT}/events/{ids[f'{status}_event']}" for status in ("held", "removed",
                                                                    "deleted")] \
        + [f"{ROOT}/news/{ids[name]}" for name in ("draft_article", "scheduled_article",
                                                   "unpublished_article")]


def test_the_crawl_reaches_every_kind_of_thing(place, client):
    bodies = crawl(client)
    for path in (f"/topics/{place.ids['topic']}", f"/events/{place.ids['series']}",
                 f"/news/{place.ids['ward_article']}", f"/boards/{place.ids['ward_board']}",
                 f"/events/{place.ids['young_event']}", f"/topics/{place.ids['young_topic']}"):
        assert ROOT + path in bodies, path


def test_hidden_content_never_appears_anywhere(place, client):
    bodies = crawl(client, _hidden_addresses(place))
    everything = "\n".join(bodies.values())
    for marker in place.hidden_markers:
        assert marker not in everything, marker
    for address in _hidden_addresses(place):
        assert json.loads(bodies[address])["status"] == 404, address


def test_nobodys_username_email_or_young_persons_name_appears_anywhere(place, client):
    bodies = crawl(client, _hidden_addresses(place))
    for address, body in bodies.items():
        text = body.lower()
        for secret in place.secrets:
            assert secret.lower() not in text, (secret, address)
        for field in ('"email"', '"username"', '"date_of_birth"', "@example.org"):
            assert field not in text, (field, address)


@pytest.mark.parametrize("role", ["moderator", "staff"])
def test_signed_in_moderators_and_staff_see_what_everyone_sees(place, client, make_user,
                                                              signed_in_client, role):
    everyone = crawl(client, _hidden_addresses(place))
    insider = signed_in_client(make_user(f"insider_{role}", roles=[role]))
    assert crawl(insider, _hidden_addresses(place)) == everyone


def test_the_authors_own_hidden_post_is_not_shown_to_them_either(place, signed_in_client,
                                                                fetch_user):
    author = signed_in_client(fetch_user("adult_handle_q7"))
    text = "\n".join(crawl(author, _hidden_addresses(place)).values())
    assert not any(marker in text for marker in place.hidden_markers)
