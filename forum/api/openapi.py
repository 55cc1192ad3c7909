"""The OpenAPI 3.1 document of the open read API, as Python data (served at /api/v1/openapi.json).

Every object lists all its fields as required and allows no others, so a test that checks
responses against this document also catches a field that should never be there.
"""

from forum.events.models import CATEGORIES as EVENT_CATEGORIES
from forum.events.models import SUITABILITY
from forum.news.models import CATEGORIES as NEWS_CATEGORIES

VERSION = "1.0.0"
DATE_PATTERN = r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}$"
ID_MAX = 2**31 - 1
PATH_PARAMETERS = ("event_id", "article_id", "topic_id", "slug")

DESCRIPTION = """\
Published, public content of Common Ground, the council's neighbourhood platform: council news,
the events calendar, and the discussion boards. Anyone may read it; no key is needed.

* Only what a visitor who is not signed in can see on the website appears here: nothing waiting
  for a moderator, removed or deleted; no news before its publish time.
* People are named only by the display name an adult member chose; young people (under 18) are
  never named, and nobody's username or e-mail address appears.
* Times are ISO 8601 in the council's time zone (Europe/London) with their UTC offset, such as
  `2026-07-04T10:00:00+01:00`.
* Collections are paginated: `page` (from 1) and `per_page` (1 to 100, default 20). Each answer
  carries `items`, `page`, `per_page`, `total`, `pages` and `links` (`self`, `next`, `prev`:
  absolute addresses, `null` at either end). A page past the end has no items.
* Cancelled events are listed, with `cancelled: true`, so that a copy elsewhere can say so.
* A parameter that can't be used gets `400` with `{"error": ..., "field": ..., "status": 400}`;
  an unknown id or slug gets `404` with `{"error": ..., "status": 404}`.
* Answers carry `Access-Control-Allow-Origin: *` and may be cached for 60 seconds.
"""


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema):
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def _object(description, /, **properties):
    return {"type": "object", "description": description, "properties": properties,
            "required": list(properties), "additionalProperties": False}


STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
URL = {"type": "string", "format": "uri"}
TIME = {"type": "string", "format": "date-time",
        "description": "ISO 8601 in Europe/London time, with its UTC offset."}
NAME = _nullable({"type": "string", "description": (
    "An adult member's chosen display name; null for young people, and for people who chose "
    "none or have left.")})


def _extend(schema, description, **properties):
    """A copy of an object's schema with more fields (allOf can't add to a closed object)."""
    return {**schema, "description": description,
            "properties": {**schema["properties"], **properties},
            "required": [*schema["required"], *properties]}


def _links(**extra):
    return _object("Addresses.", self=URL, **extra)


def _page_of(item, description):
    return _object(
        description,
        items={"type": "array", "items": _ref(item)},
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1, "maximum": 100},
        total=COUNT,
        pages={"type": "integer", "minimum": 1},
        links=_ref("PageLinks"),
    )


def _schemas():
    category = _object("A category: its key (for filters) and its label.", key=STRING,
                       label=STRING)
    times = {"starts_at": TIME, "ends_at": TIME,
             "moved": {**BOOLEAN, "description": "This date of a series was moved."}}
    events_page = _page_of("Occurrence", "Dates of events in time order.")
    events_page["properties"].update({
        "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}})
    events_page["required"] += ["from", "to"]
    topic = _object(
        "A conversation on a board.",
        id=ID, title=STRING,
        board=_object("The board it is on.", slug=STRING, name=STRING),
        author=NAME, created_at=TIME, last_activity_at=TIME,
        reply_count={**COUNT, "description": "Published replies, the opening post aside."},
        pinned=BOOLEAN, locked=BOOLEAN, links=_links(board=URL, web=URL))
    article = _object(
        "A council news article.",
        id=ID, title=STRING, summary=STRING, category=_ref("Category"),
        borough_wide=BOOLEAN,
        wards={"type": "array", "items": _ref("Ward"),
               "description": "The wards it is for, when not borough-wide."},
        published_at=TIME, updated_at=_nullable(TIME),
        update_note=_nullable({"type": "string", "description": "What changed."}),
        pinned=BOOLEAN, comments_open=BOOLEAN, links=_links(web=URL))
    return {
        "Error": {
            "type": "object", "required": ["error", "status"], "additionalProperties": False,
            "properties": {
                "error": {**STRING, "description": "What went wrong, in plain words."},
                "detail": STRING,
                "field": {**STRING, "description": "The parameter that was refused."},
                "status": {"type": "integer"},
            },
        },
        "PageLinks": _object("Addresses of this page and its neighbours.", self=URL,
                             next=_nullable(URL), prev=_nullable(URL)),
        "Ward": _object("A ward of the borough.", slug=STRING, name=STRING),
        "Category": category,
        "Document": {"type": "object", "description": "An OpenAPI 3.1 document.",
                     "required": ["openapi", "info", "paths"]},
        "Index": _object(
            "Where to find things.", name=STRING, version=STRING,
            links=_object("Collections and this document.", news=URL, events=URL, boards=URL,
                          openapi=URL)),
        "Board": _object(
            "A discussion board: one per ward, and boards on topics.",
            id=ID, slug=STRING, name=STRING, description=STRING,
            ward=_nullable(_ref("Ward")),
            official_answers={**BOOLEAN, "description": "Council staff answer questions here."},
            topic_count=COUNT, post_count=COUNT, last_activity_at=_nullable(TIME),
            links=_links(topics=URL, web=URL)),
        "BoardPage": _page_of("Board", "Boards: borough-wide ones first, then ward boards."),
        "Topic": topic,
        "TopicPage": _page_of("Topic", "Topics: pinned first, then the most recently active."),
        "Post": _object(
            "One message in a topic; number 1 opens it.",
            id=ID, number={"type": "integer", "minimum": 1}, author=NAME, created_at=TIME,
            edited_at=_nullable(TIME),
            body_html={**STRING, "description": "Sanitised HTML, safe to show as it is."},
            official_answer={**BOOLEAN, "description": "Marked as the council's answer."},
            links=_object("Addresses.", web=URL)),
        "PostPage": _page_of("Post", "Published posts, oldest first."),
        "TopicWithPosts": _extend(topic, "A topic and a page of its posts.",
                                  posts=_ref("PostPage")),
        "Occurrence": _object(
            "One date an event happens on.",
            event_id=ID, title=STRING, **times, all_day=BOOLEAN,
            cancelled={**BOOLEAN, "description": "The whole event or series is cancelled."},
            venue=STRING, address=STRING, ward=_nullable(_ref("Ward")),
            category=_ref("Category"),
            suitable_for={"type": "string", "enum": list(SUITABILITY)}, cost=STRING,
            official={**BOOLEAN, "description": "The council's own event."},
            links=_object("Addresses: this date's page, the event's iCalendar file.",
                          self=URL, web=URL, ics=URL)),
        "OccurrencePage": events_page,
        "Event": _object(
            "An event, or a series of them.",
            id=ID, title=STRING,
            description_html={**STRING, "description": "Sanitised HTML, safe to show."},
            starts_at={**TIME, "description": "The first date as planned."},
            ends_at=TIME, all_day=BOOLEAN, recurring=BOOLEAN,
            repeats=_nullable({"type": "string", "description": "How it repeats, in words."}),
            cancelled=BOOLEAN, cancel_reason=_nullable(STRING), venue=STRING, address=STRING,
            ward=_nullable(_ref("Ward")), category=_ref("Category"),
            suitable_for={"type": "string", "enum": list(SUITABILITY)}, cost=STRING,
            accessibility=STRING, capacity=_nullable({"type": "integer", "minimum": 1}),
            official=BOOLEAN,
            organiser=_nullable({"type": "string", "description": (
                "\"Council\", the group running it, or an adult organiser's display name.")}),
            updated_at=TIME,
            next_occurrences={"type": "array", "items": _object(
                "A coming date.", **times, links=_object("Addresses.", web=URL))},
            links=_links(web=URL, ics=URL)),
        "NewsArticle": article,
        "NewsArticleFull": _extend(
            article, "A council news article with its body.",
            body_html={**STRING, "description": "Sanitised HTML, safe to show as it is."},
            body_text={**STRING, "description": "The words alone."}),
        "NewsPage": _page_of("NewsArticle", "Live articles, newest first."),
    }


def _parameters(ward_slugs):
    ward = {"type": "string", "minLength": 1, "maxLength": 80}
    if ward_slugs:
        ward = {"type": "string", "enum": sorted(ward_slugs)}

    def query(name, description, schema):
        return {"name": name, "in": "query", "required": False, "description": description,
                "schema": schema}

    def path(name, description, schema):
        return {"name": name, "in": "path", "required": True, "description": description,
                "schema": schema}

    identifier = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
    day = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    return {
        "page": query("page", "Which page, from 1.",
                      {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1}),
        "per_page": query("per_page", "Items a page.",
                          {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}),
        "ward": query("ward", "Only this ward's (news: with borough-wide news).", ward),
        "news_category": query("category", "Only this category.",
                               {"type": "string", "enum": list(NEWS_CATEGORIES)}),
        "event_category": query("category", "Only this category.",
                                {"type": "string", "enum": list(EVENT_CATEGORIES)}),
        "official": query("official", "true: only the council's own events.",
                          {"type": "boolean", "default": False}),
        "from": query("from", "The first day (local), YYYY-MM-DD. Without it, the list starts "
                              "now, with what has not yet ended.", day),
        "to": query("to", "The last day (local), YYYY-MM-DD; at most 365 days after `from`. "
                          "Default: 89 days after `from` (90 days in all).", day),
        "event_id": path("event_id", "An event's id.", identifier),
        "article_id": path("article_id", "An article's id.", identifier),
        "topic_id": path("topic_id", "A topic's id.", identifier),
        "slug": path("slug", "A board's slug, such as `riverside`.",
                     {"type": "string", "minLength": 1, "maxLength": 80}),
    }


HEADERS = {
    "Access-Control-Allow-Origin": {"required": True, "schema": {"type": "string",
                                                                  "const": "*"}},
    "Cache-Control": {"required": True, "schema": {"type": "string"}},
}


def _json(schema_name, description):
    return {"description": description, "headers": HEADERS,
            "content": {"application/json": {"schema": _ref(schema_name)}}}


def _operation(operation_id, summary, schema_name, parameters=(), description=None, tag=None):
    responses = {"200": _json(schema_name, summary)}
    if any(name not in PATH_PARAMETERS for name in parameters):
        responses["400"] = {"$ref": "#/components/responses/BadRequest"}
    if any(name in PATH_PARAMETERS for name in parameters):
        responses["404"] = {"$ref": "#/components/responses/NotFound"}
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in parameters],
        "responses": responses,
    }
    if description:
        operation["description"] = description
    if tag:
        operation["tags"] = [tag]
    return {"get": operation}


def document(ward_slugs=()):
    """The whole document; `ward_slugs` are the choices for the `ward` filters."""
    paging = ("page", "per_page")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Common Ground open read API", "version": VERSION,
                 "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "news"}, {"name": "events"}, {"name": "boards"}],
        "paths": {
            "/": _operation("index", "Where to find things.", "Index"),
            "/openapi.json": _operation("openapi", "This document.", "Document"),
            "/news": _operation("listNews", "Live council news, newest first.", "NewsPage",
                                (*paging, "ward", "news_category"), tag="news"),
            "/news/{article_id}": _operation(
                "getNewsArticle", "One live article.", "NewsArticleFull", ("article_id",),
                "404 for articles not yet published, or taken down.", tag="news"),
            "/events": _operation(
                "listEvents", "Dates of events, in time order.", "OccurrencePage",
                (*paging, "ward", "event_category", "official", "from", "to"),
                "Each date of a series is listed on its own. 400 also when `to` is before "
                "`from` (today, without it) or more than 365 days after it.", tag="events"),
            "/events/{event_id}": _operation(
                "getEvent", "An event or series, with its next dates.", "Event",
                ("event_id",), tag="events"),
            "/boards": _operation("listBoards", "The discussion boards.", "BoardPage", paging,
                                  tag="boards"),
            "/boards/{slug}": _operation("getBoard", "One board.", "Board", ("slug",),
                                         tag="boards"),
            "/boards/{slug}/topics": _operation(
                "listBoardTopics", "A board's topics.", "TopicPage", ("slug", *paging),
                tag="boards"),
            "/topics/{topic_id}": _operation(
                "getTopic", "A topic and a page of its posts (`page`, `per_page` page the "
                "posts).", "TopicWithPosts", ("topic_id", *paging), tag="boards"),
        },
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(ward_slugs),
            "responses": {
                "BadRequest": {
                    "description": "A parameter can't be used; `field` names it.",
                    "headers": HEADERS,
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
                "NotFound": {
                    "description": "Nothing public at this address.",
                    "headers": HEADERS,
                    "content": {"application/json": {"schema": _ref("Error")}},
                },
            },
        },
    }
