"""Merging wards keeps news where residents will look for it, and its followers."""

from forum.accounts import services as accounts
from forum.extensions import db
from forum.news import services as news
from forum.news.models import WardFollow


def _article(staff, title, wards):
    article = news.save_article(staff, title=title, summary="What is happening and when.",
                                body="The details of what is happening, and when.",
                                category="roads", borough_wide=False, wards=wards)
    return news.publish(staff, article)


def test_news_and_followers_of_a_merged_ward_move_to_the_ward_that_remains(ctx, make_user,
                                                                          make_ward):
    old, remaining, other = make_ward("Old Town"), make_ward("Castlefield"), make_ward("Ancoats")
    staff = make_user("editor", roles=["staff"], ward=other)
    only_old = _article(staff, "Old Town road closure", [old])
    both = _article(staff, "Roadworks in two wards", [old, remaining])
    follower = make_user("follower", ward=old)
    follows_both = make_user("both", ward=remaining)
    news.set_ward_follow(follower, old, True)
    news.set_ward_follow(follows_both, old, True)
    news.set_ward_follow(follows_both, remaining, True)

    moved = accounts.merge_wards(staff, old, remaining)

    db.session.expire_all()
    assert [ward.slug for ward in db.session.get(type(only_old), only_old.id).wards] \
        == ["castlefield"]
    assert [ward.slug for ward in db.session.get(type(both), both.id).wards] == ["castlefield"]
    listed = {article.title for article in news.list_news(ward=remaining).items}
    assert {"Old Town road closure", "Roadworks in two wards"} <= listed
    assert news.followed_ward_ids(follower) == {remaining.id}
    assert news.followed_ward_ids(follows_both) == {remaining.id}
    assert db.session.query(WardFollow).filter_by(user_id=follows_both.id).count() == 1
    assert moved["news_article_wards"] == 1 and moved["ward_follows"] == 1
