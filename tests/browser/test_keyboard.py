"""Issue 8: people who use a keyboard or a screen reader. On every main form, Tab from the top of
the page reaches each visible control in document order, shows where the focus is, and lets the
focus go again; every page has one h1, headings in order, a main landmark with a skip link to
it, a label on every control, and a form sent back with errors says what is wrong and links to
each field."""

from itertools import pairwise

import pytest
import sqlalchemy as sa

KEYBOARD_MODES = ["desktop", "phone"]

# Chromium moves through the parts of a date or time input (day, month, year) with Tab while
# the input keeps the focus: those inputs may be reached several times in a row.
SEGMENTED = """container => Array.from(document.querySelectorAll(container
        + ' input:is([type=date], [type=time], [type=datetime-local], [type=month],'
        + ' [type=week])')).map(el => el.name)"""
# Tab reaches a radio group once (its checked button, or the first): one stop per group.
RADIOS = """container => Array.from(document.querySelectorAll(
        container + ' input[type=radio]')).map(el => el.name)"""


def _examples():
    from forum.accounts.models import User
    from forum.boards.models import Post, Topic
    from forum.extensions import db
    from forum.news.models import NewsArticle

    topic = db.session.scalar(sa.select(Topic.id).where(Topic.status == "published",
                                                         Topic.is_locked.is_(False))
                              .order_by(Topic.id))
    grace = db.session.scalar(sa.select(User.id).where(User.username == "grace"))
    post = db.session.scalar(sa.select(Post.id).where(Post.status == "published",
                                                       Post.author_id != grace)
                             .order_by(Post.id))
    article = db.session.scalar(sa.select(NewsArticle.id).where(
        NewsArticle.state == "published", NewsArticle.comments_open).order_by(NewsArticle.id))
    return {"topic": f"/t/{topic}", "report": f"/report/post/{post}",
            "article": f"/news/{article}"}


# name: (who signs in, path or example key, the form)
FORMS = {
    "sign-in": (None, "/account/signin", "main form[action='/account/signin']"),
    "sign-up": (None, "/account/signup", "main form[action='/account/signup']"),
    "new topic": ("grace", "/boards/riverside/new", "main form[action$='/new']"),
    "reply": ("grace", "topic", "#reply form"),
    "event": ("grace", "/events/new", "main form.event-form"),
    "skill listing": ("grace", "/skills/listings/new", "main form[method=post]"),
    "news comment": ("grace", "article", "#comment form"),
    "search": (None, "/search", "main form[role=search]"),
    "report": ("grace", "report", "main form[method=post]"),
    "news editor": ("jo.staff", "/staff/news/new", "main form.news-form"),
}


def _open(site, who, path):
    person = site.person()
    if who:
        person.sign_in(who)
    if not path.startswith("/"):
        path = site.run(_examples)[path]
    person.visit(path)
    return person


def _stops(person, form, reached):
    """What Tab reached, with the repeats Chromium makes inside date and time inputs folded."""
    segmented = set(person.page.evaluate(SEGMENTED, form))
    stops = []
    for stop in reached:
        if stops and stop[:2] == stops[-1][:2] and stop[1] in segmented:
            continue
        stops.append(stop)
    return stops


def _expected(person, form):
    """The controls a keyboard user should meet, one stop for each radio group."""
    radios = set(person.page.evaluate(RADIOS, form))
    expected = []
    for control in person.controls(form):
        if control[1] in radios and control in expected:
            continue
        expected.append(control)
    return expected


@pytest.mark.parametrize("mode", KEYBOARD_MODES)
@pytest.mark.parametrize("name", list(FORMS))
def test_tab_reaches_every_control_of_the_form_in_order_and_shows_the_focus(site, name):
    who, path, form = FORMS[name]
    person = _open(site, who, path)
    page = person.page
    assert page.locator(form).count() == 1, f"{name}: no single {form} on {person.path}"

    expected = _expected(person, form)
    assert expected, f"{name}: the form has no controls"
    stops = _stops(person, form, person.tab_order(form, limit=120))
    reached = [(tag, label) for tag, label, _ in stops]
    assert reached == expected, (
        f"{name}: Tab from the top reached\n  {reached}\nbut the form's controls are\n"
        f"  {expected}")
    unseen = [(tag, label) for tag, label, visible in stops if not visible]
    assert not unseen, f"{name}: no visible focus indicator on {unseen}"

    # Nothing traps the focus: Tab from the last control and Shift+Tab from the first leave.
    for last, key in ((True, "Tab"), (False, "Shift+Tab")):
        page.evaluate(
            """([form, last]) => {
                const all = Array.from(document.querySelectorAll(form
                    + ' :is(input, select, textarea, button, a[href])')).filter(el =>
                    el.type !== 'hidden' && !el.disabled && el.offsetParent !== null);
                (last ? all[all.length - 1] : all[0]).focus();
            }""", [form, last])
        page.keyboard.press(key)
        left = page.evaluate("form => { const el = document.activeElement;"
                             " return !el || el === document.body || !el.closest(form); }",
                             form)
        assert left, f"{name}: {key} from the form's edge keeps the focus inside it"


STRUCTURE = """() => {
    const focusable = Array.from(document.querySelectorAll(
        'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
        .filter(el => el.type !== 'hidden' && !el.disabled
                && getComputedStyle(el).visibility !== 'hidden');
    const first = focusable[0];
    const levels = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
        .map(h => Number(h.tagName[1]));
    const unlabelled = Array.from(document.querySelectorAll('input, select, textarea'))
        .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
        .map(el => el.outerHTML.slice(0, 120));
    return {
        h1: document.querySelectorAll('h1').length,
        levels,
        main: document.querySelectorAll('main, [role=main]').length,
        mainId: (document.querySelector('main') || {}).id || null,
        first: first ? {href: first.getAttribute('href'), text: first.innerText.trim()} : null,
        unlabelled,
    };
}"""


def _pages(site):
    found = site.run(_examples)
    return ["/", "/boards/", "/boards/riverside", found["topic"], "/events/", "/news/",
            "/skills/", "/search?q=market", "/account/signin",
            "/account/signup", "/transparency", found["report"]]


def _structure_problems(person):
    path = person.path
    found = person.page.evaluate(STRUCTURE)
    problems = []
    if found["h1"] != 1:
        problems.append(f"{path} has {found['h1']} h1 elements")
    levels = found["levels"]
    skips = [(a, b) for a, b in pairwise(levels) if b > a + 1]
    if skips:
        problems.append(f"{path}: headings skip a level going down {skips} (all: {levels})")
    if found["main"] != 1:
        problems.append(f"{path} has {found['main']} main landmarks")
    if not found["first"] or found["first"]["href"] != f"#{found['mainId']}":
        problems.append(f"{path}: the first focusable element is {found['first']}, "
                        "not a skip link to main")
    if found["unlabelled"]:
        problems.append(f"{path}: controls without a label {found['unlabelled']}")
    return problems


def _check_structure(person):
    problems = _structure_problems(person)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("mode", ["desktop", "phone", "no-js"])
def test_pages_have_one_h1_ordered_headings_a_main_landmark_a_skip_link_and_labels(site):
    problems = []
    visitor = site.person()
    for path in _pages(site):
        visitor.visit(path)
        problems += _structure_problems(visitor)
    found = site.run(_examples)
    signed_in = {"grace": ["/boards/riverside/new", found["topic"], found["report"],
                           "/events/new", "/skills/listings/new", "/notifications",
                           "/account/", "/skills/matches/"],
                 "jo.staff": ["/staff/", "/staff/news/new"],
                 "ravi": ["/moderation/"]}
    for username, paths in signed_in.items():
        person = site.person()
        person.sign_in(username)
        for path in paths:
            person.visit(path)
            problems += _structure_problems(person)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("mode", ["desktop"])
def test_a_news_article_s_headings_follow_on_from_its_title(site):
    visitor = site.person()
    visitor.visit(site.run(_examples)["article"])
    _check_structure(visitor)


@pytest.mark.parametrize("mode", KEYBOARD_MODES)
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(site):
    visitor = site.person()
    visitor.visit("/boards/")
    page = visitor.page
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const el = document.activeElement;
        const box = el.getBoundingClientRect(); const style = getComputedStyle(el);
        return {href: el.getAttribute('href'), text: el.innerText.trim(),
                onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0,
                ring: style.boxShadow !== 'none' || (style.outlineStyle !== 'none'
                      && parseFloat(style.outlineWidth) > 0)}; }""")
    assert focused["href"] == "#main", f"the first Tab stop is {focused}"
    assert focused["onScreen"], "the skip link stays hidden when it has the focus"
    assert focused["ring"], "the skip link shows no focus indicator"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), \
        "after the skip link the next Tab stop is not in main"


@pytest.mark.parametrize("mode", ["desktop", "phone", "no-js"])
def test_a_sign_up_with_mistakes_comes_back_with_a_summary_linking_to_each_field(site):
    visitor = site.person()
    visitor.visit("/account/signup")
    page = visitor.page
    page.fill("input[name=username]", "x")
    page.fill("input[name=email]", "not an e-mail address")
    page.fill("input[name=password]", "short")
    page.fill("input[name=confirm]", "different")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    visitor.check()
    _check_structure(visitor)

    summary = page.locator(".error-summary")
    assert summary.count() == 1, "no error summary on the form sent back"
    links = summary.locator("a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 3, f"the summary links to {links}"
    for href in links:
        assert href.startswith("#"), f"an error summary link goes to {href}"
        field = page.locator(href)
        assert field.count() == 1, f"the summary links to {href}, which is not on the page"
        assert field.evaluate("el => el.matches('input, select, textarea, fieldset')"), \
            f"the summary link {href} does not point at a field"
        assert field.get_attribute("aria-invalid") == "true" or field.evaluate(
            "el => el.tagName === 'FIELDSET'"), f"{href} is not marked invalid"
    # Following a summary link puts the focus on the field.
    first = links[0]
    summary.locator(f"a[href='{first}']").click()
    assert page.evaluate("document.activeElement.id") == first[1:], \
        f"following the summary link did not focus {first}"
