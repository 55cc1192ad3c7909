"""The news Atom feeds, read with feedparser as a feed reader would: all news at
/news/feed.atom (a public contract) and a ward's at /news/ward/<slug>.atom."""

import calendar
from datetime import timedelta

import feedparser

from forum.accounts.models import User, Ward, utcnow
from forum.core import atom
from forum.news import services as news
from forum.news.models import NewsArticle
from tests.news.conftest import load


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == atom.CONTENT_TYPE
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def titles(parsed):
    return [entry.title for entry in parsed.entries]


def as_utc(struct):
    """A feedparser time (a UTC struct_time) as the naive UTC datetime the app stores."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(calendar.timegm(struct), UTC).replace(tzinfo=None)


def test_the_feed_holds_only_live_news_newest_first(client, staff, write, run):
    write(staff, "Older news")
    write(staff, "Newer news")
    write(staff, "A draft", publish=False)
    write(staff, "Tomorrow's news", publish=utcnow() + timedelta(days=1))
    gone = write(staff, "Taken down")
    run(lambda: news.unpublish(load(User, staff), load(NewsArticle, gone)))

    parsed = read_feed(client, "/news/feed.atom")

    assert titles(parsed) == ["Newer news", "Older news"]
    assert parsed.feed.title == "Common Ground: council news"
    assert parsed.feed.id == "http://localhost/news/feed.atom"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {"self": "http://localhost/news/feed.atom",
                     "alternate": "http://localhost/news/"}


def test_an_entry_carries_its_address_dates_summary_body_and_category(client, staff, riverside,
                                                                       write, run):
    article = write(staff, "Bridge repairs", wards=[riverside], category="roads",
                    body="The bridge is **closed** for repairs <em>until</em> June.")
    [entry] = read_feed(client, "/news/feed.atom").entries

    address = f"http://localhost/news/{article.id}"
    assert entry.id == address and entry.link == address
    assert client.get(address.removeprefix("http://localhost")).status_code == 200
    assert as_utc(entry.published_parsed) == article.publish_at.replace(microsecond=0)
    assert as_utc(entry.updated_parsed) == article.publish_at.replace(microsecond=0)
    assert entry.summary == article.summary
    assert "<strong>closed</strong>" in entry.content[0].value
    assert [tag.term for tag in entry.tags] == ["Roads and transport"]
    assert entry.author == "Common Ground council"

    def update():
        news.save_article(load(User, staff), load(NewsArticle, article), title="Bridge repairs",
                          summary=article.summary, body="The bridge is closed until July.",
                          category="roads", borough_wide=False, wards=[load(Ward, riverside)],
                          update_note="The date moved.")
        return load(NewsArticle, article).updated_at

    updated_at = run(update)
    [entry] = read_feed(client, "/news/feed.atom").entries
    assert as_utc(entry.updated_parsed) == updated_at.replace(microsecond=0)
    assert as_utc(entry.published_parsed) == article.publish_at.replace(microsecond=0)
    assert entry.id == address


def test_the_feed_holds_the_newest_thirty(client, staff, write):
    for number in range(32):
        write(staff, f"News number {number:02d}")
    found = titles(read_feed(client, "/news/feed.atom"))
    assert len(found) == 30 and found[0] == "News number 31" and found[-1] == "News number 02"


def test_an_empty_feed_is_still_a_valid_feed(client):
    parsed = read_feed(client, "/news/feed.atom")
    assert parsed.entries == [] and parsed.feed.updated


def test_a_scheduled_article_joins_the_feed_at_its_time(client, staff, write, clock):
    write(staff, "Polling day", publish=utcnow() + timedelta(hours=1))
    assert titles(read_feed(client, "/news/feed.atom")) == []
    clock.move(hours=1, minutes=1)
    assert titles(read_feed(client, "/news/feed.atom")) == ["Polling day"]


def test_a_wards_feed_has_its_news_and_borough_wide_news(client, staff, riverside, hillside,
                                                          write):
    write(staff, "For everyone")
    write(staff, "For Riverside", wards=[riverside])
    write(staff, "For Hillside", wards=[hillside])
    write(staff, "Riverside draft", wards=[riverside], publish=False)
    parsed = read_feed(client, "/news/ward/riverside.atom")
    assert titles(parsed) == ["For Riverside", "For everyone"]
    assert parsed.feed.title == "Common Ground: news for Riverside"
    assert parsed.feed.id == "http://localhost/news/ward/riverside.atom"
    assert {link.rel: link.href for link in parsed.feed.links}["alternate"] == \
        "http://localhost/news/ward/riverside"


def test_a_merged_wards_feed_moves_to_the_ward_that_remains(client, staff, riverside, hillside,
                                                            run):
    from forum.accounts import services as accounts

    run(lambda: accounts.merge_wards(load(User, staff), load(Ward, hillside),
                                     load(Ward, riverside)))
    response = client.get("/news/ward/hillside.atom")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/news/ward/riverside.atom")
    response = client.get("/news/ward/hillside")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/news/ward/riverside")


def test_an_unknown_wards_feed_is_404(client):
    assert client.get("/news/ward/atlantis.atom").status_code == 404
