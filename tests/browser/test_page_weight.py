"""Issue 8: residents on cheap phones and slow connections. Every main page, as it goes over the
wire (HTML, CSS and JavaScript, gzip-compressed), stays within a budget, and nothing is pulled
from another host.

The figures are printed (see them with -s, or on a failure) and written to
test-output/browser/page-weights.txt.
"""

from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from tests.browser.conftest import OUTPUT
from tests.browser.support import PageProblem

BUDGET = 60 * 1024  # bytes, gzip-compressed, per page

# Anything in the page that would make the browser fetch from somewhere (or tell it to).
RESOURCE_URLS = """() => Array.from(document.querySelectorAll(
        'script[src], link[href], img[src], iframe[src], source[src], video[src], audio[src],'
        + ' object[data], embed[src]'))
    .filter(el => !(el.tagName === 'LINK' && /^(alternate|canonical|next|prev)$/i.test(el.rel)))
    .map(el => el.src || el.href || el.data)"""


def weigh_page(site, person, who, path):
    """Visit `path` as `person` (called `who` in messages), weighing what it loads; return
    ({resource url: gzip bytes}, or None when the page could not be weighed; its problems):
    a failed load, a redirect elsewhere, a resource from another host, a page over budget."""
    try:
        sizes = site.weigh(person, path)
    except PageProblem as problem:
        return None, [f"{path} ({who}): {problem}"]
    if urlsplit(person.page.url).path != urlsplit(path).path:
        return None, [f"{path} ({who}) ended up at {person.path}"]
    problems = []
    foreign = [url for url in person.page.evaluate(RESOURCE_URLS)
               if url and not url.startswith((site.base, "data:", "about:"))]
    if foreign:
        problems.append(f"{path} ({who}) points at another host: {foreign}")
    total = sum(sizes.values())
    if total > BUDGET:
        detail = ", ".join(f"{urlsplit(url).path}: {size / 1024:.1f} KB"
                           for url, size in sorted(sizes.items(), key=lambda i: -i[1]))
        problems.append(f"{path} ({who}) weighs {total / 1024:.1f} KB > "
                        f"{BUDGET // 1024} KB: {detail}")
    return sizes, problems


def _first_visit(person):
    """Switch off the browser cache, so every page is weighed as a first visit would fetch it
    (its stylesheet included), not as a 304 from the cache."""
    session = person.context.new_cdp_session(person.page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    return person


def _examples():
    """Paths to one of each kind of page, taken from the demo: the busiest where it matters."""
    from forum.boards.models import Board, Post, Topic
    from forum.events.models import Event
    from forum.extensions import db
    from forum.news.models import NewsArticle
    from forum.skills.models import Listing

    board = db.session.scalars(sa.select(Board).where(Board.ward_id.is_not(None))
                               .order_by(Board.topic_count.desc())).first()
    posts = sa.func.count(Post.id)
    topic = db.session.execute(
        sa.select(Topic.id, posts).join(Post, Post.topic_id == Topic.id)
        .where(Topic.status == "published").group_by(Topic.id)
        .order_by(posts.desc())).first()[0]
    event = db.session.scalar(sa.select(Event.id).where(Event.status == "published")
                              .order_by(Event.id))
    article = db.session.scalar(sa.select(NewsArticle.id).where(NewsArticle.state == "published")
                                .order_by(NewsArticle.comment_count.desc()))
    listing = db.session.scalar(sa.select(Listing.id).where(Listing.status == "published",
                                                             Listing.is_open)
                                .order_by(Listing.id))
    return {"board": f"/boards/{board.slug}", "topic": f"/t/{topic}", "event": f"/events/{event}",
            "article": f"/news/{article}", "listing": f"/skills/listings/{listing}"}


@pytest.mark.parametrize("mode", ["desktop"])
def test_every_main_page_is_light_and_comes_from_this_site(site):
    found = site.run(_examples)
    today = date.today()
    public = ["/", "/boards/", found["board"], found["topic"], "/events/", found["event"],
              f"/events/month/{today.year}/{today.month}", "/news/", found["article"],
              "/skills/", found["listing"], "/search?q=market", "/account/signin",
              "/account/signup", "/transparency"]
    signed_in = {
        "grace": ["/notifications", "/account/", "/skills/matches/"],
        "ravi": ["/moderation/"],
        "jo.staff": ["/staff/"],
    }

    rows, problems = [], []

    def weigh(person, who, path):
        sizes, found = weigh_page(site, person, who, path)
        problems.extend(found)
        if sizes is not None:
            rows.append((path, who, sum(sizes.values()), len(sizes)))

    visitor = _first_visit(site.person())
    for path in public:
        weigh(visitor, "visitor", path)
    for username, paths in signed_in.items():
        person = _first_visit(site.person())
        person.sign_in(username)
        for path in paths:
            weigh(person, username, path)

    width = max(len(path) for path, *_ in rows)
    lines = [f"Page weight (HTML + CSS + JS, gzip), budget {BUDGET // 1024} KB a page",
             f"{'page':<{width}}  {'as':<9} {'files':>5} {'KB':>6}"]
    lines += [f"{path:<{width}}  {who:<9} {count:>5} {total / 1024:>6.1f}"
              for path, who, total, count in rows]
    table = "\n".join(lines)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "page-weights.txt").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)

    assert not problems, "\n".join(problems) + "\n\n" + table
