"""The content pipeline every piece of user text goes through (DESIGN §3).

    text ─► render (markdown-it-py → bleach allowlist → links) ─► assess (moderation)
         ─► saved with a status ─► after commit: search index and notifications

`render` and `plain_text` are pure functions. `prepare` runs the first two steps for a service,
which then saves the model with `apply_verdict` and commits. Every moderated model mixes in
`Moderated` and registers a `ContentKind`, so that the review queue, flags, search and
notifications treat all kinds of content alike.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt
from sqlalchemy import JSON, String, or_
from sqlalchemy.orm import Mapped, mapped_column

from forum.moderation import detector

STATUSES = ("published", "held", "removed", "deleted")

ALLOWED_TAGS = frozenset({
    "p", "br", "em", "strong", "del", "ul", "ol", "li", "blockquote", "code", "pre", "a",
    "h2", "h3", "h4", "h5", "h6", "hr",  # h2 only where a caller asks (first_heading)
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel", "class"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# @sam, @grace.o — not e-mail addresses (a word character before the @ rules those out).
MENTION = re.compile(r"@([A-Za-z0-9_][A-Za-z0-9_.-]{1,28}[A-Za-z0-9_])")
# #123 links to topic 123; "#1 fan" style numbers of one digit are left alone.
TOPIC_LINK = re.compile(r"#(\d{2,9})\b")

_BLOCK_END = re.compile(r"</(p|li|blockquote|pre|h[2-6])>|<br\s*/?>|<hr\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


# --- rendering -------------------------------------------------------------------------------


def _inline_reference(pattern, marker, href, kind):
    """A markdown-it inline rule that turns `pattern` at `marker` into a link."""

    def rule(state, silent):
        # Inside a link's text a reference would nest a link in a link, losing the outer one.
        if state.src[state.pos] != marker or state.linkLevel > 0:
            return False
        if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1]
                              in "_/@#&"):
            return False
        match = pattern.match(state.src, state.pos)
        if not match:
            return False
        if not silent:
            token = state.push("link_open", "a", 1)
            token.attrs = {"href": href(match.group(1)), "class": f"ref-{kind}"}
            token = state.push("text", "", 0)
            token.content = match.group(0)
            state.push("link_close", "a", -1)
        state.pos = match.end()
        return True

    return rule


def _build_markdown():
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # pictures are not part of posts; the alt text stays as a link
    mention = _inline_reference(MENTION, "@", lambda name: f"/u/{name}", "mention")
    topic = _inline_reference(TOPIC_LINK, "#", lambda number: f"/t/{number}", "topic")
    md.inline.ruler.before("emphasis", "mention", mention)
    md.inline.ruler.before("emphasis", "topic_link", topic)
    return md


_MARKDOWN = _build_markdown()
_CLEANER = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                          protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)


def _link_attributes(attrs, new=False):
    """Every link in user content: marked as user content, no referrer power over our tab."""
    href = attrs.get((None, "href"), "")
    # "/t/5" stays on the site; "//evil.example" is another site.
    if href.startswith("/") and not href.startswith("//"):
        return attrs
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


_LINKER = Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"}, parse_email=False)


def render(markdown_text, first_heading=None):
    """Markdown from a resident → HTML that is safe to show as is.

    Headings start at h3 (the page owns h1 and h2); with `first_heading`, the text's highest
    heading becomes that level and the rest follow on (a council article sits right under
    its page's h1). Raw HTML is shown as text; links get rel="nofollow ugc noopener";
    javascript: and data: URLs are dropped.
    """
    tokens = _MARKDOWN.parse(markdown_text or "")
    levels = [int(token.tag[1]) for token in tokens if token.type == "heading_open"]
    shift = first_heading - min(levels) if first_heading and levels else 2
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    raw = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {})
    return _LINKER.linkify(_CLEANER.clean(raw)).strip()


def plain_text(rendered_html):
    """The words of rendered HTML, for search, moderation and e-mail excerpts."""
    text = _BLOCK_END.sub(lambda match: match.group(0) + "\n", rendered_html or "")
    text = html.unescape(_TAG.sub("", text))
    return _SPACE.sub(" ", text).strip()


def excerpt(text, length=200):
    text = _SPACE.sub(" ", text or "").strip()
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0] + "…"


def mentioned_usernames(markdown_text):
    """Usernames @mentioned in the text, outside code, lower-cased, in order, once each."""
    seen = []
    for token in _MARKDOWN.parse(markdown_text or ""):
        for child in token.children or ():
            if child.type == "link_open" and child.attrs.get("class") == "ref-mention":
                name = str(child.attrs["href"]).removeprefix("/u/").lower()
                if name not in seen:
                    seen.append(name)
    return seen


# --- assessing and saving --------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    source: str  # what to store: the author's text, with watched "replace" words replaced
    html: str
    text: str
    verdict: detector.Verdict


def prepare(markdown_text, context=None, title="", first_heading=None):
    """Render and assess one piece of text; the service decides what to save."""
    from forum.moderation.services import assess, current_watchlist

    watchlist = current_watchlist()
    source = watchlist.replace(markdown_text or "") if watchlist else (markdown_text or "")
    rendered = render(source, first_heading)
    text = plain_text(rendered)
    to_assess = f"{title}\n{text}" if title else text
    return Prepared(source=source, html=rendered, text=text,
                    verdict=assess(to_assess, context or {}))


def status_for(verdict):
    return "held" if verdict.action in ("hold", "block") else "published"


class Moderated:
    """Columns every moderated model shares: its status and what the detector said."""

    status: Mapped[str] = mapped_column(String(12), default="published", index=True)
    moderation_score: Mapped[float] = mapped_column(default=0.0)
    moderation_labels: Mapped[list] = mapped_column(JSON, default=list)

    @property
    def is_published(self):
        return self.status == "published"

    def apply_verdict(self, verdict, status=None):
        """Record the detector's verdict; `status` is what screening decided to do."""
        self.status = status or status_for(verdict)
        self.moderation_score = verdict.score
        self.moderation_labels = list(verdict.labels)

    @classmethod
    def visible_to(cls, user):
        """SQL condition: published, or the viewer's own held/removed content, or everything
        but deleted content for moderators."""
        from forum.core.policy import is_moderator, signed_in

        if is_moderator(user):
            return cls.status != "deleted"
        if signed_in(user):
            return or_(cls.status == "published",
                       (cls.author_id == user.id) & cls.status.in_(("held", "removed")))
        return cls.status == "published"


def visible(obj, user):
    """Python twin of `Moderated.visible_to` for one object already loaded."""
    from forum.core.policy import is_moderator, signed_in

    if obj.status == "published":
        return True
    if obj.status == "deleted":
        return False
    if is_moderator(user):
        return True
    return signed_in(user) and obj.author_id == user.id


# --- the registry of content kinds -----------------------------------------------------------


@dataclass(frozen=True)
class ContentKind:
    """How generic machinery (queue, flags, search, notifications) handles one kind."""

    name: str
    model: Any
    url: Callable[[Any], str]            # where to see it, as a path
    title: Callable[[Any], str]          # a line naming it in lists and the queue
    text: Callable[[Any], str]           # its words, for the queue, search and excerpts
    after_status_change: Callable[[Any], None] = lambda obj: None  # counters, …
    # The fields to index for search, or None when the object must leave the index.
    search_document: Callable[[Any], dict | None] | None = None
    # Tell followers and mentioned people, when content a moderator kept is first shown.
    announce: Callable[[Any], None] = lambda obj: None
    # Replace the text with a moderator's redacted version (None: cannot be redacted).
    redact: Callable[[Any, str], None] | None = None
    # Other (kind name, id) pairs whose search documents change with this object's status
    # (a topic's replies leave the index with the topic).
    search_dependents: Callable[[Any], list] = lambda obj: []
    # Private conversations (match messages): reviewed by council staff only, never flagged
    # by others, never shown to volunteer moderators.
    private: bool = False
    # Whether the viewer may see what the object sits in (a comment's article), beyond its own
    # status.
    container_visible: Callable[[Any, Any], bool] = lambda obj, viewer: True


KINDS = {}


def register_kind(kind):
    KINDS[kind.name] = kind
    return kind


def kind_of(obj):
    for kind in KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise LookupError(f"{type(obj).__name__} is not a registered content kind")
