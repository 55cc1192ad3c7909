"""Script injection through every form that takes text, then a look everywhere the text shows:
detail pages, lists, search, notifications, the Atom feeds and the API.

Each payload sets window.__xss or opens a dialog if it ever runs; `person.check()` fails the
test on either. Injected links are clicked where a reader might click them. Desktop with
JavaScript only: with JavaScript off nothing could run, so there is nothing to prove.
"""

import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

pytestmark = pytest.mark.parametrize("mode", ["desktop"])

LINK = "xss-link"  # the text of every injected link, so the test can click them
PAYLOADS = [
    "<script>window.__xss='script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    "\"><svg onload=alert(1)>",
    f"[{LINK}](javascript:alert(1))",
    f"<a href=\"javascript:window.__xss='a'\">{LINK}</a>",
    "{{7*7}} {{ config }} {% print 1 %}",
    "</textarea><script>alert(1)</script>",
    "'><iframe src=\"javascript:alert(1)\"></iframe>",
    "<details open ontoggle=\"window.__xss='toggle'\">x</details>",
    f"[{LINK}](  JaVaScRiPt:window.__xss='md')",
]
LITERAL = "{{7*7}}"  # template syntax must come out as typed, never evaluated
ATOM = "{http://www.w3.org/2005/Atom}"


def chunks(limit, prefix="Test "):
    """The payloads packed into as few one-line texts of at most `limit` characters as fit."""
    found, current = [], prefix
    for payload in PAYLOADS:
        payload = payload[:limit - len(prefix)]
        if len(current) + len(payload) + 1 > limit:
            found.append(current.rstrip())
            current = prefix
        current += payload + " "
    found.append(current.rstrip())
    return found


def body(extra=""):
    """Every payload in one Markdown text, a paragraph each."""
    return "\n\n".join(["Test text.", *PAYLOADS, extra]).strip()


def submit(person, button):
    """Send the form; past a prompt to reconsider, send it again as it is."""
    person.click("button", button, exact=True)
    if person.page.locator(".nudge").count():
        person.page.locator("main form button[type=submit]", has_text=re.compile(
            "^(Post|Send)$")).click()
        person.page.wait_for_load_state()
        person.check()


def look(person, path=None, expect=()):
    """Open `path` (or stay), click every injected link, check; the texts in `expect` must
    show on the page as typed."""
    if path is not None:
        person.visit(path)
    text = " ".join(person.page.inner_text("body").split())
    for wanted in expect:
        assert " ".join(wanted.split()) in text, \
            f"{wanted!r} is not shown as typed on {person.path}"
    here = person.path
    links = person.page.get_by_role("link", name=LINK, exact=True)
    for index in range(links.count()):
        link = links.nth(index)
        if link.is_visible():
            href = link.get_attribute("href")
            link.click()
            person.page.wait_for_load_state()
            assert not person.dialogs and not person.page.evaluate("window.__xss || null"), \
                f"an injected link ran script on {person.path}: {href!r}"
            if person.path != here:
                raise AssertionError(f"an injected link ({href!r}) led to {person.path}")
    person.check()


class _Tags(HTMLParser):
    """What a feed's or the API's HTML would do in a reader: tags and attributes."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "svg", "object", "embed", "details", "img"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or "javascript:" in (value or "").lower().replace(" ", ""):
                self.problems.append(f"{tag} {name}={value}")


def harmless_html(html):
    parser = _Tags()
    parser.feed(html or "")
    return parser.problems


def check_feed(site, person, path, expect):
    """A feed in the browser, then parsed: titles keep payloads as text; HTML is clean."""
    response = person.page.goto(site.base + path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert not person.dialogs, f"a dialog opened on {path}: {person.dialogs}"
    assert not person.page.evaluate("window.__xss || null"), f"script ran on {path}"
    root = ElementTree.fromstring(response.body())
    texts = []
    for entry in root.iter(f"{ATOM}entry"):
        for element in entry.iter():
            text = element.text or ""
            texts.append(text)
            if element.get("type") == "html":
                assert not harmless_html(text), f"{path}: {harmless_html(text)}"
            elif element.tag in (f"{ATOM}title", f"{ATOM}name"):
                # plain text: a payload is text here, which any reader shows as typed
                pass
    joined = " ".join("\n".join(texts).split())
    for wanted in expect:
        assert " ".join(wanted.split()) in joined, f"{wanted!r} is not in {path}"


def check_api(site, person, path, expect):
    """An API document: payloads are JSON strings, and any *_html in it is clean."""
    response = person.page.goto(site.base + path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert not person.dialogs and not person.page.evaluate("window.__xss || null"), path
    data = json.loads(response.body())

    strings = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            strings.append(value)
            if key.endswith("html"):
                assert not harmless_html(value), f"{path} {key}: {harmless_html(value)}"

    walk(data)
    text = " ".join("\n".join(strings).split())
    for wanted in expect:
        assert " ".join(wanted.split()) in text, f"{wanted!r} is not in {path}"


def _row(site, query):
    return site.run(lambda: _first(query))


def _first(query):
    from forum.extensions import db

    return db.session.execute(query).scalars().first()


def test_residents_text_stays_text_everywhere_it_shows(site):
    from forum.accounts.models import User
    from forum.boards.models import Topic
    from forum.moderation.models import Flag
    from forum.news.models import NewsArticle as Article
    from forum.skills.models import Match

    grace = site.person()
    grace.sign_in("grace")

    # Profile: the display name shows beside everything she writes.
    grace.visit("/account/profile")
    name = "Grace <img src=x onerror=\"window.__xss='name'\">"[:60]
    grace.fill("Display name", name)
    grace.fill("About you", body())
    submit(grace, "Save profile")
    look(grace, "/u/grace", expect=[LITERAL])

    # Topics: the title in every chunk that fits; the body with all payloads and a mention.
    titles = chunks(150)
    topic_paths = []
    for title in titles[:-1]:  # the last goes in by editing the first topic's opening post
        grace.visit("/boards/community-cafe/new")
        grace.fill("Title", title)
        grace.fill("Your message", body("Over to you, @david"))
        submit(grace, "Post topic")
        assert re.fullmatch(r"/t/\d+", grace.path), grace.path
        topic_paths.append(grace.path)
        look(grace, expect=[title, LITERAL])
    # A reply on david's topic (he hears of it), then edited with the payloads again.
    streetlights = _row(site, select(Topic.id).where(Topic.title.like("When will the Hollins%")))
    grace.visit(f"/t/{streetlights}?page=1")
    grace.fill("Your reply", body("@david see above"))
    submit(grace, "Post reply")
    look(grace, expect=[LITERAL])
    reply = grace.page.locator("article.post").last
    with grace.page.expect_navigation():
        reply.get_by_role("link", name=re.compile("^Edit")).click()
    grace.check()
    grace.fill("Message", body("Edited: " + PAYLOADS[1]))
    submit(grace, "Save changes")
    look(grace, expect=["Edited:", LITERAL])
    # Editing the opening post changes the title too.
    grace.visit(topic_paths[0])
    with grace.page.expect_navigation():
        grace.page.locator("article.post").first.get_by_role(
            "link", name=re.compile("^Edit")).click()
    grace.check()
    grace.fill("Title", titles[-1])
    grace.fill("Message", body())
    submit(grace, "Save changes")
    look(grace, expect=[titles[-1]])

    # An event: title, description and venue.
    day = (date.today() + timedelta(days=9)).isoformat()
    event_titles = chunks(150)
    grace.visit("/events/new")
    grace.fill("Title", event_titles[0])
    grace.fill("Description", body())
    grace.fill("Day it starts", day)
    grace.fill("Start time", "18:00")
    grace.fill("End time", "20:00")
    grace.fill("Where", chunks(150)[-1])
    submit(grace, "Add the event")
    assert re.fullmatch(r"/events/\d+", grace.path), grace.path
    event_path = grace.path
    look(grace, expect=[event_titles[0], chunks(150)[-1], LITERAL])

    # A skills listing: title and description.
    grace.visit("/skills/listings/new")
    grace.page.get_by_label("Offering").first.check()
    listing_title = chunks(80)[0]
    grace.fill("The skill, in your words", listing_title)
    grace.page.locator("input[name=suitable_for]").first.check()
    grace.page.locator("input[name=formats]").first.check()
    grace.fill("Description", body())
    submit(grace, "Publish listing")
    assert re.fullmatch(r"/skills/listings/\d+", grace.path), grace.page.inner_text("main")
    listing_path = grace.path
    look(grace, expect=[LITERAL])

    # A comment on the newest news article.
    article = _row(site, select(Article.id).where(Article.comments_open.is_(True))
                   .where(Article.state == "published").order_by(Article.comment_count.desc()))
    grace.visit(f"/news/{article}")
    grace.fill("Your comment", body())
    submit(grace, "Post comment")
    look(grace, expect=[LITERAL])

    # A report with a note, read by a moderator.
    grace.visit("/boards/ask-the-council")
    grace.visit(f"/t/{streetlights}?page=1")
    first = grace.page.locator("article.post").first
    with grace.page.expect_navigation():
        first.get_by_role("link", name=re.compile("^Report")).click()
    grace.check()
    grace.page.locator("input[name=reason]").last.check()
    grace.fill("Anything moderators should know? (optional)", body())
    submit(grace, "Send report")

    # The search form, with the payloads as the query, and a search that finds her text.
    for query in [chunks(200, prefix="")[0], "Test text"]:
        grace.visit("/search")
        grace.fill("Search for", query)
        grace.click("button", "Search", exact=True)
        look(grace)

    # A message in a skills match: owen writes to tomasz.
    owen_id = _row(site, select(User.id).where(User.username == "owen"))
    match = _row(site, select(Match.id).where(Match.requester_id == owen_id))
    owen = site.person()
    owen.sign_in("owen")
    owen.visit(f"/skills/matches/{match}")
    owen.fill("Your message", body())
    submit(owen, "Send message")
    look(owen, expect=[LITERAL])

    # Where the text shows to others.
    david = site.person()
    david.sign_in("david")
    for path in ["/boards/", "/boards/community-cafe", *topic_paths, f"/t/{streetlights}?page=1",
                 "/events/", f"/events/month/{date.today().year}/{date.today().month}",
                 event_path, "/skills/", listing_path, f"/news/{article}", "/notifications"]:
        look(david, path)
    notices = david.page.locator("main .notification-list a")
    for index in range(min(notices.count(), 3)):
        david.visit("/notifications")
        with david.page.expect_navigation():
            david.page.locator("main .notification-list a").nth(index).click()
        look(david)
    tomasz = site.person()
    tomasz.sign_in("tomasz")
    look(tomasz, f"/skills/matches/{match}", expect=[LITERAL])
    look(tomasz, "/notifications")
    ravi = site.person()
    ravi.sign_in("ravi")
    case = _row(site, select(Flag.case_id).where(Flag.note.like("Test text.%")))
    look(ravi, f"/moderation/cases/{case}", expect=[LITERAL])

    # Feeds and the API, in the browser and parsed.
    check_feed(site, david, "/boards/community-cafe/feed.atom", titles[1:])
    check_feed(site, david, "/boards/feed.atom", [])
    check_api(site, david, "/api/v1/boards/community-cafe/topics", titles[1:])
    for path in topic_paths:
        check_api(site, david, "/api/v1" + path.replace("/t/", "/topics/"), [])
    check_api(site, david, "/api/v1/events", [])
    check_api(site, david, "/api/v1" + event_path, [event_titles[0]])
    check_api(site, david, f"/api/v1/news/{article}", [])


def test_staff_text_stays_text_everywhere_it_shows(site):
    jo = site.person()
    jo.sign_in("jo.staff")

    # A news article: headline, summary and body; saved, then published.
    headline = chunks(150)[0]
    jo.visit("/staff/news/new")
    jo.fill("Headline", headline)
    jo.fill("Summary", " ".join(PAYLOADS)[:300])
    jo.fill("Article", body())
    jo.click("button", "Save draft", exact=True)
    assert re.fullmatch(r"/staff/news/\d+/edit", jo.path), jo.path
    article_id = jo.path.split("/")[3]
    jo.click("button", "Publish now", exact=True)
    for path in ["/news/", f"/news/{article_id}", "/staff/news/", "/"]:
        look(jo, path, expect=[headline] if path != "/" else [])

    # A ward and a board, named and described with the payloads.
    ward_names = chunks(60)
    for ward_name in ward_names[:2]:
        jo.visit("/staff/wards")
        jo.fill("Ward name", ward_name)
        submit(jo, "Add ward")
        look(jo, expect=[ward_name])
    board_name = chunks(80)[0]
    jo.visit("/staff/boards")
    jo.fill("Board name", board_name)
    jo.fill("What it's for", " ".join(PAYLOADS))
    submit(jo, "Create board")
    look(jo, expect=[board_name])

    grace = site.person()
    grace.sign_in("grace")
    for path in ["/news/", f"/news/{article_id}", "/news/wards", "/boards/", "/notifications",
                 "/events/new", "/account/profile", "/search?q=Test"]:
        look(grace, path)
    with grace.page.expect_navigation():
        grace.page.goto(site.base + "/boards/")
        grace.page.get_by_role("link", name=board_name).click()
    look(grace)
    board_path = grace.path
    check_feed(site, grace, "/news/feed.atom", [headline])
    check_feed(site, grace, board_path + "/feed.atom", [])
    check_api(site, grace, "/api/v1/news", [headline])
    check_api(site, grace, f"/api/v1/news/{article_id}", [headline])
    check_api(site, grace, "/api/v1/boards", [board_name])
