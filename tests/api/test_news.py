"""Council news through the API: live articles only, newest first, by ward and category."""

from datetime import timedelta

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.news.models import NewsArticle


def _ids(answer):
    return [item["id"] for item in answer["items"]]


def test_live_articles_are_listed_newest_first(place, get_json):
    answer = get_json("/news")
    assert _ids(answer) == [place.ids["ward_article"], place.ids["article"]]
    bins = answer["items"][1]
    assert bins["title"] == "Bin collections over the holidays"
    assert bins["category"] == {"key": "bins", "label": "Bins and recycling"}
    assert (bins["borough_wide"], bins["wards"]) == (True, [])
    assert bins["links"]["self"] == f"http://localhost/api/v1/news/{place.ids['article']}"
    assert bins["links"]["web"] == f"http://localhost/news/{place.ids['article']}"
    assert "body_html" not in bins


def test_a_ward_sees_its_own_news_and_borough_wide_news(place, get_json):
    assert _ids(get_json("/news?ward=riverside")) == [place.ids["ward_article"],
                                                      place.ids["article"]]
    assert _ids(get_json("/news?ward=northgate")) == [place.ids["article"]]
    roads = get_json("/news?ward=riverside")["items"][0]
    assert roads["wards"] == [{"slug": "riverside", "name": "Riverside"}]


def test_news_can_be_chosen_by_category(place, get_json):
    assert _ids(get_json("/news?category=roads")) == [place.ids["ward_article"]]
    assert get_json("/news?category=housing")["items"] == []


def test_an_article_has_its_body(place, get_json):
    article = get_json(f"/news/{place.ids['article']}")
    assert article["body_html"] == "<p>The body of the article, long enough to keep.</p>"
    assert article["body_text"] == "The body of the article, long enough to keep."
    assert (article["updated_at"], article["update_note"]) == (None, None)


def test_drafts_scheduled_and_unpublished_articles_are_not_there(place, get_json):
    for name in ("draft_article", "scheduled_article", "unpublished_article"):
        get_json(f"/news/{place.ids[name]}", status=404)


def test_a_scheduled_article_appears_once_its_time_comes(app, place, get_json):
    with app.app_context():
        db.session.get(NewsArticle, place.ids["scheduled_article"]).publish_at = \
            utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert place.ids["scheduled_article"] in _ids(get_json("/news"))
    get_json(f"/news/{place.ids['scheduled_article']}")
