"""Council staff run the news desk at /staff/news/: write an article, preview it, save a draft,
publish it now or at a set time (entered in UK time), change it once it is live, pin it, take
it down, delete a draft. Nobody else gets in, bad input is refused beside the field with the
words kept, and every action is in the audit log.

What the services do with an article (who is told, what search finds) is proved in their own
tests; these are about the pages: what staff send, what they are told, what residents see.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from forum.core.audit import AuditEntry
from forum.core.policy import can
from forum.extensions import db
from forum.news import models as news_models
from forum.news import services as news
from forum.news.models import NewsArticle
from forum.notifications.models import Notification
from tests.factories import Page, user_named

LONDON = ZoneInfo("Europe/London")
DESK, NEW = "/staff/news/", "/staff/news/new"


@pytest.fixture
def wards(make_ward):
    return {"riverside": make_ward("Riverside"), "northgate": make_ward("Northgate")}


@pytest.fixture
def staff(wards, make_user):
    return make_user("jo", roles=["staff"], display_name="Jo Adeyemi", ward="Northgate")


@pytest.fixture
def jo(staff, browser):
    """A browser signed in as Jo, council staff."""
    return browser(staff)


@pytest.fixture
def resident(wards, make_user, run):
    """Grace lives in Riverside and follows its news, as everyone who signs up does."""
    grace = make_user("grace", ward="Riverside")
    run(lambda: news.set_ward_follow(user_named("grace"), user_named("grace").ward, True))
    return grace


@pytest.fixture
def grace(resident, browser):
    return browser(resident)


def article_form(action="save", **changes):
    data = {"title": "Bin collections over Christmas",
            "summary": "Some collections move by a day over the bank holidays.",
            "body": "Collections due on **Thursday 25 December** move to Saturday.",
            "category": "bins", "audience": "wards", "wards": ["riverside"],
            "comments_open": "y", "action": action}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def edit_url(article_id):
    return f"/staff/news/{article_id}/edit"


def the_article(run, article_id=None):
    """The article (the only one, or by id), detached with its wards loaded."""
    def read():
        article = db.session.get(NewsArticle, article_id) if article_id else \
            db.session.execute(select(NewsArticle)).scalar_one_or_none()
        if article is not None:
            _ = article.wards
            db.session.expunge(article)
        return article
    return run(read)


def count_articles(run):
    return run(lambda: db.session.execute(select(func.count(NewsArticle.id))).scalar_one())


def audit_actions(run, article_id):
    return run(lambda: [(entry.action, entry.reason) for entry in db.session.execute(
        select(AuditEntry).where(AuditEntry.target_type == "newsarticle",
                                 AuditEntry.target_id == article_id)
        .order_by(AuditEntry.id)).scalars()])


def local_day_and_time(days, hour):
    """(YYYY-MM-DD, HH:MM) strings for a London day and hour, and the naive UTC it means."""
    today = datetime.now(LONDON).date()
    moment = datetime.combine(today + timedelta(days=days), time(hour), tzinfo=LONDON)
    return (moment.date().isoformat(), f"{hour:02d}:00",
            moment.astimezone(UTC).replace(tzinfo=None))


def day_words(moment_utc):
    """How the desk names a day: "Tuesday 8 December" (with the year when it isn't this one)."""
    local = moment_utc.replace(tzinfo=UTC).astimezone(LONDON)
    year = "" if local.year == datetime.now(LONDON).year else f" {local.year}"
    return f"{local:%A} {local.day} {local:%B}{year}"


def chosen(page, name):
    """The values of the ticked checkboxes (or the chosen radio button) named `name`."""
    return [box.attrs["value"] for box in page.find_all("input", name=name)
            if "checked" in box.attrs]


def last_flash(response):
    return Page(response).flashes[-1]


def pass_time(monkeypatch, moment):
    for module in (news_models, news):
        monkeypatch.setattr(module, "utcnow", lambda: moment)


def notified(run, username):
    return run(lambda: db.session.execute(
        select(Notification.summary).where(Notification.user_id == user_named(username).id,
                                           Notification.kind == "news")).scalars().all())


# --- the whole life of an article ---------------------------------------------------------------


def test_staff_write_preview_save_schedule_and_publish_an_article(jo, grace, run):
    form = Page(jo.get(NEW))
    assert form.heading == "Write an article"
    for name in ("title", "summary", "body", "category", "audience", "wards", "comments_open"):
        assert form.find(name=name) is not None, name
    assert "Markdown" in form.find("p", id="body-hint").text
    assert {box.attrs["value"] for box in form.find_all("input", name="wards")} \
        == {"riverside", "northgate"}
    assert form.find("input", name="update_note") is None  # only once it is live

    preview = jo.post(NEW, data=article_form("preview"))
    assert preview.status_code == 200
    page = Page(preview)
    shown = page.find("section", id="preview")
    assert shown.find("div", class_="user-content").find("strong").text == "Thursday 25 December"
    assert "Not saved yet" in shown.text and "Riverside" in shown.text
    assert page.value("title") == "Bin collections over Christmas"
    assert page.value("body") == "Collections due on **Thursday 25 December** move to Saturday."
    assert chosen(page, "audience") == ["wards"] and chosen(page, "wards") == ["riverside"]
    assert count_articles(run) == 0

    saved = jo.post(NEW, data=article_form())
    article = the_article(run)
    assert saved.status_code == 302 and saved.headers["Location"] == edit_url(article.id)
    assert article.state == "draft" and [w.slug for w in article.wards] == ["riverside"]
    editor = Page(jo.get(saved.headers["Location"]))
    assert editor.flashes == ["Draft saved. Only staff can see it until you publish it."]
    assert editor.find("dd", id="article-state").text.startswith("Draft")
    assert grace.get(f"/news/{article.id}").status_code == 404

    day, clock, starts = local_day_and_time(days=3, hour=9)
    scheduled = jo.post(edit_url(article.id), data=article_form(
        "schedule", publish_day=day, publish_time=clock), follow_redirects=True)
    assert last_flash(scheduled).startswith(f"Scheduled for {day_words(starts)} at 09:00.")
    article = the_article(run)
    assert article.is_scheduled and article.publish_at == starts
    assert grace.get(f"/news/{article.id}").status_code == 404
    assert run(lambda: news.list_news().total) == 0
    editor = Page(jo.get(edit_url(article.id)))
    assert editor.value("publish_day") == day and editor.value("publish_time") == clock

    published = jo.post(edit_url(article.id), data=article_form("publish"),
                        follow_redirects=True)
    assert last_flash(published) == ("Published: residents can read it now. People who follow "
                                     "news for Riverside have been told.")
    assert the_article(run).is_live()
    reader = Page(grace.get(f"/news/{article.id}"))
    assert reader.heading == "Bin collections over Christmas"
    assert notified(run, "grace") != []

    assert audit_actions(run, article.id) == [
        ("news.create", ""), ("news.schedule", ""), ("news.publish", "")]


def test_a_scheduled_article_goes_live_at_its_time_and_not_before(jo, grace, run, monkeypatch):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    day, clock, starts = local_day_and_time(days=2, hour=7)
    jo.post(edit_url(article.id), data=article_form("schedule", publish_day=day,
                                                   publish_time=clock))

    assert run(lambda: news.release_due(now=starts - timedelta(minutes=1))) == 0
    assert grace.get(f"/news/{article.id}").status_code == 404
    assert notified(run, "grace") == []

    pass_time(monkeypatch, starts + timedelta(minutes=1))
    assert grace.get(f"/news/{article.id}").status_code == 200
    assert run(lambda: news.release_due(now=starts + timedelta(minutes=1))) == 1
    assert len(notified(run, "grace")) == 1


def test_publishing_saves_the_changes_in_the_form_first(jo, grace, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish", title="Bins: Christmas dates"))
    assert the_article(run).title == "Bins: Christmas dates" and the_article(run).is_live()
    assert Page(grace.get(f"/news/{article.id}")).heading == "Bins: Christmas dates"
    assert [action for action, _ in audit_actions(run, article.id)] \
        == ["news.create", "news.edit", "news.publish"]


def test_changing_a_live_article_shows_readers_an_update_note(jo, grace, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish"))

    editor = Page(jo.get(edit_url(article.id)))
    assert editor.find("input", name="update_note") is not None
    assert "beside \"Updated\"" in editor.find("p", id="update_note-hint").text
    assert editor.find("fieldset", id="publishing") is None  # it is live already

    changed = jo.post(edit_url(article.id), data=article_form(
        body="Collections due on **Thursday 25 December** move to Monday.",
        update_note="Moved to Monday, not Saturday."), follow_redirects=True)
    assert last_flash(changed) == ("Changes saved and live. Readers see it marked Updated, "
                                   "with your note: “Moved to Monday, not Saturday.”")
    reader = Page(grace.get(f"/news/{article.id}")).main_text
    assert "Updated" in reader and "Moved to Monday, not Saturday." in reader
    assert "move to Monday" in reader
    assert ("news.edit", "Moved to Monday, not Saturday.") in audit_actions(run, article.id)


def test_saving_a_live_article_unchanged_marks_nothing_updated(jo, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish"))
    response = jo.post(edit_url(article.id), data=article_form(), follow_redirects=True)
    assert last_flash(response) == "Changes saved and live."
    assert the_article(run).updated_at is None


def test_pin_and_unpin_an_article(jo, run, wards):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish"))
    until = (datetime.now(LONDON).date() + timedelta(days=10))

    pinned = jo.post(f"/staff/news/{article.id}/pin",
                     data={"pinned": "1", "pinned_until": until.isoformat()},
                     follow_redirects=True)
    end_of_day = datetime.combine(until + timedelta(days=1), time(0), tzinfo=LONDON) \
        .astimezone(UTC).replace(tzinfo=None)
    assert last_flash(pinned) == (
        f"Pinned until the end of {day_words(end_of_day - timedelta(hours=12))}: it heads the "
        "news for Riverside.")
    assert the_article(run).pinned_until == end_of_day

    def riverside():
        return db.session.get(type(wards["riverside"]), wards["riverside"].id)

    assert [item.id for item in run(lambda: news.list_pinned(riverside()))] == [article.id]
    assert run(lambda: news.list_pinned()) == []  # the home page: borough-wide pins only
    assert "Pinned until the end" in Page(jo.get(DESK)).find("tr", id=f"article-{article.id}").text

    unpinned = jo.post(f"/staff/news/{article.id}/pin", data={"pinned": "0"},
                       follow_redirects=True)
    assert last_flash(unpinned) == "Unpinned: it is listed with the other news by date."
    assert run(lambda: news.list_pinned(riverside())) == []
    assert [action for action, _ in audit_actions(run, article.id)][-2:] \
        == ["news.pin", "news.unpin"]


def test_unpublishing_hides_an_article_from_residents(jo, grace, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish"))
    assert grace.get(f"/news/{article.id}").status_code == 200

    response = jo.post(f"/staff/news/{article.id}/unpublish",
                       data={"reason": "Dates not confirmed"}, follow_redirects=True)
    assert last_flash(response) == ("Unpublished: residents can no longer see it. You can "
                                    "publish it again later.")
    assert the_article(run).state == "unpublished"
    assert grace.get(f"/news/{article.id}").status_code == 404
    assert run(lambda: news.list_news().total) == 0
    assert audit_actions(run, article.id)[-1] == ("news.unpublish", "Dates not confirmed")
    assert "Unpublished" in Page(jo.get(DESK + "?show=unpublished")).find("table").text

    again = jo.post(f"/staff/news/{article.id}/unpublish", data={}, follow_redirects=True)
    assert last_flash(again) == "This article isn't published."


def test_close_and_open_comments(jo, resident, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish"))

    closed = jo.post(f"/staff/news/{article.id}/comments", data={"open": "0"},
                     follow_redirects=True)
    assert last_flash(closed) == ("Comments are closed: residents can read them but not add "
                                  "more.")
    assert not run(lambda: can(user_named("grace"), "news.comment",
                               db.session.get(NewsArticle, article.id)))
    opened = jo.post(f"/staff/news/{article.id}/comments", data={"open": "1"},
                     follow_redirects=True)
    assert last_flash(opened) == "Comments are open: residents can comment."
    assert the_article(run).comments_open
    assert [action for action, _ in audit_actions(run, article.id)][-2:] \
        == ["news.comments_closed", "news.comments_open"]


def test_delete_a_draft_after_confirming(jo, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    editor = Page(jo.get(edit_url(article.id)))
    link = editor.find("a", href=f"/staff/news/{article.id}/delete")
    assert link.text == "Delete this draft"

    confirm = Page(jo.get(link.attrs["href"]))
    assert confirm.heading == "Delete the draft?"
    assert count_articles(run) == 1  # asking deletes nothing

    deleted = jo.post(link.attrs["href"], follow_redirects=True)
    assert last_flash(deleted) == "The draft “Bin collections over Christmas” is deleted."
    assert count_articles(run) == 0
    assert audit_actions(run, article.id)[-1] == ("news.delete_draft", "")
    assert jo.get(edit_url(article.id)).status_code == 404


def test_a_published_article_cannot_be_deleted(jo, run):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    jo.post(edit_url(article.id), data=article_form("publish"))
    assert Page(jo.get(edit_url(article.id))).find(
        "a", href=f"/staff/news/{article.id}/delete") is None
    asked = jo.get(f"/staff/news/{article.id}/delete", follow_redirects=True)
    assert "Only drafts can be deleted" in last_flash(asked)
    refused = jo.post(f"/staff/news/{article.id}/delete", follow_redirects=True)
    assert "Only drafts can be deleted" in last_flash(refused)
    assert count_articles(run) == 1


# --- the desk -----------------------------------------------------------------------------------


def test_the_desk_lists_articles_by_state_with_counts(jo, run, make_user):
    make_user("sam", roles=["staff"], display_name="Sam Patel")
    summer = datetime(datetime.now(UTC).year + 1, 7, 1, 8, 30)  # 09:30 in London (BST)

    def write():
        author, editor = user_named("jo"), user_named("sam")
        made = {}
        for key in ("draft", "scheduled", "live", "unpublished"):
            made[key] = news.save_article(
                author, title=f"The {key} article", summary="What is happening and when.",
                body="The details of what is happening, and when.", category="roads")
        news.publish(author, made["scheduled"], publish_at=summer)
        news.publish(author, made["live"])
        news.publish(author, made["unpublished"])
        news.unpublish(author, made["unpublished"])
        news.save_article(editor, made["draft"], title="The draft article, revised",
                          summary="What is happening and when.",
                          body="The details of what is happening, and when.", category="roads")
        return {key: article.id for key, article in made.items()}

    ids = run(write)
    desk = Page(jo.get(DESK))
    assert desk.heading == "News desk"
    assert desk.find("a", href=NEW).text == "Write an article"
    tabs = [link.text for link in desk.find("nav", aria_label="Which articles").find_all("a")]
    assert tabs == ["Everything", "Drafts 1", "Scheduled 1", "Published 1", "Unpublished 1"]
    assert len(desk.find("table", id="articles").find("tbody").find_all("tr")) == 4
    draft_row = desk.find("tr", id=f"article-{ids['draft']}").text
    assert "The draft article, revised" in draft_row and "Draft" in draft_row
    assert "Sam Patel" in draft_row  # who changed it last, not who wrote it
    assert "Roads and transport" in draft_row and "Borough-wide" in draft_row
    assert desk.find("a", href=edit_url(ids["draft"])) is not None

    scheduled = Page(jo.get(DESK + "?show=scheduled"))
    assert [row.attrs["id"] for row in scheduled.find("tbody").find_all("tr")] \
        == [f"article-{ids['scheduled']}"]
    row = scheduled.find("tr", id=f"article-{ids['scheduled']}").text
    assert f"Scheduled for {day_words(summer)} at 09:30" in row and "Jo Adeyemi" in row
    assert "Published" in Page(jo.get(DESK + "?show=live")).find("tbody").text
    assert jo.get(DESK + "?show=everything").status_code == 404


def test_a_missing_article_is_not_found(jo):
    assert jo.get(edit_url(999)).status_code == 404
    assert jo.post("/staff/news/999/pin", data={"pinned": "1"}).status_code == 404


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": ""}, "title", "Give the article a headline"),
    ({"summary": "Short"}, "summary", "Write a one- or two-sentence summary"),
    ({"wards": None}, "wards", "Choose the wards this news is for, or make it borough-wide."),
    ({"audience": "borough"}, "wards", "You ticked some wards"),
    ({"wards": ["atlantis"]}, "wards", "Choose wards from the list."),
    ({"category": "gossip"}, "category", "Choose a category from the list."),
], ids=["no-title", "short-summary", "no-wards", "wards-and-borough", "unknown-ward",
        "unknown-category"])
def test_bad_articles_are_refused_beside_the_field_with_the_words_kept(
        jo, run, changes, field, message):
    response = jo.post(NEW, data=article_form(**changes))
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for(field).startswith(message)
    assert page.find("fieldset", id=field) is not None or page.find(id=field) is not None
    assert page.value("body") == "Collections due on **Thursday 25 December** move to Saturday."
    assert page.value("summary") == changes.get(
        "summary", "Some collections move by a day over the bank holidays.")
    assert count_articles(run) == 0


@pytest.mark.parametrize(("when", "field", "message"), [
    ({"publish_day": "yesterday", "publish_time": "09:00"}, "publish_day",
     "Enter a date like"),
    ({"publish_day": "", "publish_time": "09:00"}, "publish_day", "Say which day"),
    ({"publish_day": "tomorrow", "publish_time": ""}, "publish_time", "Say what time"),
    ({"publish_day": "past", "publish_time": "09:00"}, "publish_day",
     "That time has passed."),
], ids=["unreadable-day", "no-day", "no-time", "in-the-past"])
def test_a_bad_publishing_time_is_refused_beside_the_field(jo, run, when, field, message):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    today = datetime.now(LONDON).date()
    named = {"past": (today - timedelta(days=2)).isoformat(),
             "tomorrow": (today + timedelta(days=1)).isoformat()}
    when = {name: named.get(value, value) for name, value in when.items()}
    response = jo.post(edit_url(article.id), data=article_form(
        "schedule", title="Bin collections at Christmas", **when))
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for(field).startswith(message)
    assert page.value("title") == "Bin collections at Christmas"  # the words are kept
    assert the_article(run).state == "draft"


@pytest.mark.parametrize(("day", "message"), [
    ("past", "Choose a time in the future"),
    ("9999-12-31", "Choose a date in the next few years"),
    ("31/12/2026", "Enter a date like"),
], ids=["past", "end-of-time", "unreadable"])
def test_a_bad_pin_date_is_refused_beside_the_field(jo, run, day, message):
    jo.post(NEW, data=article_form())
    article = the_article(run)
    if day == "past":
        day = (datetime.now(LONDON).date() - timedelta(days=2)).isoformat()
    response = jo.post(f"/staff/news/{article.id}/pin",
                       data={"pinned": "1", "pinned_until": day})
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("pinned_until").startswith(message)
    assert page.value("title") == "Bin collections over Christmas"  # the editor, as saved
    assert not the_article(run).pinned


# --- who gets in --------------------------------------------------------------------------------

ROUTES = [("get", DESK), ("get", NEW), ("post", NEW), ("get", "/staff/news/{id}/edit"),
          ("post", "/staff/news/{id}/edit"), ("post", "/staff/news/{id}/pin"),
          ("post", "/staff/news/{id}/unpublish"), ("post", "/staff/news/{id}/comments"),
          ("get", "/staff/news/{id}/delete"), ("post", "/staff/news/{id}/delete")]


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator", "young"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_only_staff_reach_the_news_desk(app, client, make_user, run, wards, role, method,
                                        path):
    def draft():
        staff = make_user("editor", roles=["staff"])
        return news.save_article(staff, title="A draft for staff only",
                                 summary="What is happening and when.",
                                 body="The details of what is happening, and when.",
                                 category="roads").id

    article_id = run(draft)
    if role != "anonymous":
        options = {"resident": {}, "moderator": {"roles": ["moderator"]},
                   "young": {"age_band": "under_16"}}[role]
        person = make_user(**options)
        assert client.post("/account/signin", data={
            "login": person.username, "password": "correct horse battery"}).status_code == 302
    response = getattr(client, method)(path.format(id=article_id),
                                       data=article_form("publish", pinned="1"))
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/signin?next=")
    else:
        assert response.status_code == 403
    article = the_article(run, article_id)
    assert article is not None and article.state == "draft" and not article.pinned
    assert count_articles(run) == 1


def test_the_staff_console_links_to_the_news_desk(jo):
    assert Page(jo.get("/staff/")).find("a", href=DESK) is not None

