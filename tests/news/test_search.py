"""Council news is found by search once it is live, and only then."""

from datetime import timedelta

from forum.accounts.models import utcnow
from forum.news import models as news_models
from forum.news import services as news
from forum.search import services as search


def _found(words):
    groups = search.search(words, None).groups
    return [hit["title"] for group in groups if group.kind == "news" for hit in group.hits]


def _draft(staff, title):
    return news.save_article(staff, title=title, summary="Three days of free checks.",
                             body="Bring your bike to the market square for a free check.",
                             category="culture")


def test_an_article_is_found_from_its_release_until_it_is_unpublished(ctx, make_user,
                                                                     monkeypatch):
    staff = make_user("editor", roles=["staff"])
    article = _draft(staff, "Free bike safety checks")
    assert _found("bike") == []  # a draft

    start = utcnow() + timedelta(hours=2)
    news.publish(staff, article, publish_at=start)
    assert news.release_due() == 0
    assert _found("bike") == []  # scheduled

    later = start + timedelta(minutes=1)
    for module in (news_models, news):
        monkeypatch.setattr(module, "utcnow", lambda: later)
    assert news.release_due() == 1
    assert _found("bike") == ["Free bike safety checks"]

    news.unpublish(staff, article)
    assert _found("bike") == []


def test_publishing_now_puts_an_article_in_search_at_once(ctx, make_user):
    staff = make_user("editor", roles=["staff"])
    news.publish(staff, _draft(staff, "Free bike safety checks"))
    assert _found("bike") == ["Free bike safety checks"]
    assert _found("market square") == ["Free bike safety checks"]


def test_an_article_published_again_after_being_taken_down_is_found_again(ctx, make_user):
    staff = make_user("editor", roles=["staff"])
    article = _draft(staff, "Free bike safety checks")
    news.publish(staff, article)
    news.unpublish(staff, article, "Dates to be confirmed")
    assert _found("bike") == []
    news.publish(staff, article)
    assert _found("bike") == ["Free bike safety checks"]
