"""The content pipeline: markdown to safe HTML, plain text, mentions, and the kinds registry."""

from urllib.parse import urlsplit

import pytest

from forum.core import content
from forum.core.content import mentioned_usernames, plain_text, render
from forum.moderation import detector
from tests.factories import Page

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<p onclick="alert(1)">click me</p>',
    '<a href="javascript:alert(1)">raw link</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "![pic](javascript:alert(1))",
    '[t](https://example.org "x\\" onmouseover=\\"alert(1)")',
    "javascript:alert(1)",
]

SAFE_ATTRIBUTES = {"href", "title", "rel", "class", "start"}


def elements(html):
    return list(Page(html).iter())


def is_dangerous_href(href):
    # Browsers drop tabs and newlines from URLs and ignore the scheme's case.
    cleaned = "".join(href.split()).lower()
    return urlsplit(cleaned).scheme not in ("", "http", "https", "mailto")


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_leaves_no_script_handler_or_dangerous_link(payload):
    html = render(payload)
    for element in elements(html):
        assert element.tag in content.ALLOWED_TAGS
        assert set(element.attrs) <= SAFE_ATTRIBUTES, element.attrs
        assert not is_dangerous_href(element.attrs.get("href", "")), element.attrs


def test_raw_html_is_shown_as_text_not_run():
    html = render('Hi <script>alert("x")</script> <img src=x onerror=alert(1)>')
    page = Page(html)
    assert page.find("script") is None and page.find("img") is None
    assert page.text == 'Hi <script>alert("x")</script> <img src=x onerror=alert(1)>'


@pytest.mark.parametrize("markdown", [
    "[click](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="data:text/html,hi">click</a>',
])
def test_javascript_and_data_links_do_not_become_links(markdown):
    assert Page(render(markdown)).find("a") is None


@pytest.mark.parametrize("markdown, tag", [
    ("# Big title", "h3"),
    ("## Section", "h4"),
    ("### Smaller", "h5"),
    ("#### Smaller still", "h6"),
    ("###### Smallest", "h6"),
])
def test_headings_start_at_h3(markdown, tag):
    page = Page(render(markdown))
    assert [element.tag for element in page.iter()] == [tag]


def test_a_text_under_its_page_title_starts_its_headings_where_asked():
    html = render("## Christmas trees\n\ntext\n\n#### Where to leave them\n\n## Glass",
                  first_heading=2)
    assert [element.tag for element in Page(html).iter() if element.tag[0] == "h"] == [
        "h2", "h4", "h2"]


def test_allowed_formatting_survives():
    html = render("**bold** and *soft*\n\n> quoted\n\n- one\n- two\n\n3. three\n4. four\n\n"
                  "`code`\n\n---\n\nline\\\nbreak")
    tags = {element.tag for element in elements(html)}
    assert tags == {"p", "strong", "em", "blockquote", "ul", "ol", "li", "code", "hr", "br"}
    assert Page(html).find("ol").attrs["start"] == "3"


def test_external_links_get_nofollow_ugc_noopener():
    page = Page(render("[the council](https://example.org/bins) or https://example.com/x "
                       "or www.example.net or <https://example.info>"))
    links = page.find_all("a")
    assert [link.attrs["href"] for link in links] == [
        "https://example.org/bins", "https://example.com/x", "http://www.example.net",
        "https://example.info"]
    assert {link.attrs["rel"] for link in links} == {"nofollow ugc noopener"}


def test_protocol_relative_links_count_as_external():
    link = Page(render("[x](//evil.example/path)")).find("a")
    assert link.attrs["rel"] == "nofollow ugc noopener"


def test_links_within_the_site_are_not_marked_nofollow():
    link = Page(render("See [the rules](/about/rules)")).find("a")
    assert link.attrs["href"] == "/about/rules"
    assert "rel" not in link.attrs


def test_mentions_and_topic_numbers_become_links():
    page = Page(render("Thanks @sam and @grace.o, see #123."))
    links = [(a.attrs["href"], a.attrs["class"], a.text) for a in page.find_all("a")]
    assert links == [("/u/sam", "ref-mention", "@sam"), ("/u/grace.o", "ref-mention", "@grace.o"),
                     ("/t/123", "ref-topic", "#123")]


@pytest.mark.parametrize("text", [
    "write to sam@example.org",     # an e-mail address is not a mention
    "we're #1 in the league",       # one digit is a number, not a topic
    "see example.org/#123",         # part of an address
    "@x is too short",
])
def test_things_that_look_like_references_are_left_alone(text):
    page = Page(render(text))
    assert not page.find_all("a", class_="ref-mention")
    assert not page.find_all("a", class_="ref-topic")


def test_code_leaves_mentions_and_topic_numbers_alone():
    markdown = "Use `@sam` like this:\n\n```\n@grace see #123\n```\n\n    @indented #456\n"
    page = Page(render(markdown))
    assert page.find_all("a") == []
    assert [code.text for code in page.find_all("code")] == ["@sam", "@grace see #123",
                                                             "@indented #456"]
    assert mentioned_usernames(markdown) == []


def test_a_mention_inside_link_text_keeps_the_link():
    page = Page(render("[@sam's page](https://example.org/sam)"))
    links = page.find_all("a")
    assert [(a.attrs["href"], a.text) for a in links] == [("https://example.org/sam",
                                                           "@sam's page")]


def test_mentioned_usernames_lower_cased_once_each_in_order():
    assert mentioned_usernames("@Sam, @grace.o and @sam again; ## @Bob") == [
        "sam", "grace.o", "bob"]


def test_mentioned_usernames_of_nothing_is_empty():
    assert mentioned_usernames("") == []
    assert mentioned_usernames(None) == []


def test_plain_text_is_the_words_without_markup():
    html = render("# Bins\n\nCollection is **Tuesday** & [here](https://example.org).\n\n"
                  "- one\n- two")
    assert plain_text(html) == "Bins Collection is Tuesday & here. one two"


def test_plain_text_keeps_blocks_apart():
    assert plain_text("<p>one</p><p>two</p><ul><li>a</li><li>b</li></ul>") == "one two a b"


def test_plain_text_of_raw_html_is_its_literal_text():
    assert plain_text(render("<b>Fish</b> &amp; chips")) == "<b>Fish</b> & chips"


def test_plain_text_of_nothing_is_empty():
    assert plain_text("") == "" and plain_text(None) == ""


def test_excerpt_cuts_at_a_word_with_an_ellipsis():
    assert content.excerpt("short text") == "short text"
    assert content.excerpt("one two three four", length=12) == "one two…"


def test_prepare_renders_and_assesses(ctx, monkeypatch):
    seen = {}

    def assess(text, context):
        seen.update(text=text, context=context)
        return detector.Verdict()

    monkeypatch.setattr(detector, "assess", assess)
    prepared = content.prepare("Hello **there**", {"kind": "post"}, title="Greetings")
    assert prepared.html == "<p>Hello <strong>there</strong></p>"
    assert prepared.text == "Hello there"
    assert seen["text"] == "Greetings\nHello there"
    # The detector hears where the text goes, with the moderators' (here empty) watched words
    # and the configured thresholds (None: the detector's own).
    watchlist = seen["context"].pop("watchlist")
    assert len(watchlist) == 0
    assert seen["context"] == {"kind": "post", "thresholds": None}
    assert content.status_for(prepared.verdict) == "published"


@pytest.mark.parametrize("action, status", [
    ("publish", "published"), ("nudge", "published"), ("hold", "held"), ("block", "held"),
])
def test_status_follows_the_verdict(action, status):
    assert content.status_for(detector.Verdict(action=action)) == status


def test_kinds_registry_knows_topics_and_posts():
    from forum.boards.models import Post, Topic

    assert content.kind_of(Topic()).name == "topic"
    assert content.kind_of(Post()).name == "post"
    with pytest.raises(LookupError):
        content.kind_of(object())
