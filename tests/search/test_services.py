"""Search queries: language, grouping, snippets, filters, pages, and what never shows."""

from datetime import date, datetime

import pytest

from forum.accounts import services as accounts
from forum.boards import services as boards
from forum.boards.models import Post, Topic
from forum.errors import Invalid
from forum.extensions import db
from forum.moderation import detector
from forum.search import services
from tests.boards.factories import post_through_nudge
from tests.factories import PASSWORD
from tests.search.conftest import find


def doc(obj):
    return f"{'topic' if isinstance(obj, Topic) else 'post'}:{obj.id}"


# --- language ----------------------------------------------------------------------------------


def test_a_word_finds_other_forms_of_it(topic, reply):
    opening = topic("Allotment news", "Plots are free again this spring.")
    answer = reply(opening, "I have been gardening there for years.")
    assert find("gardens") == {"post": [doc(answer)]}


def test_quoted_words_are_found_only_together(topic):
    together = topic("Saturday mornings", "The community café opens at nine.")
    apart = topic("Volunteers wanted", "A café run by and for the community needs help.")
    assert find('"community café"') == {"topic": [doc(together)]}
    assert set(find("community café")["topic"]) == {doc(together), doc(apart)}


def test_accents_and_capitals_do_not_matter(topic):
    cafe = topic("Opening hours", "The CAFÉ is shut on Mondays.")
    assert find("cafe") == {"topic": [doc(cafe)]}


def test_titles_are_searched_too(topic):
    found = topic("Streetlights out on Mill Lane", "Three have been dark for a week.")
    assert find("streetlight") == {"topic": [doc(found)]}


def test_replies_are_found_by_their_topic_title_too(topic, reply):
    thread = topic("Bin collection changes", "From June.")
    answer = reply(thread, "Does that include Tuesdays?")
    assert find("bins tuesdays") == {"post": [doc(answer)]}


# --- grouping, counts, snippets, pages ------------------------------------------------------


def test_results_are_grouped_by_kind_with_counts(topic, reply):
    topic("Bin collection changes", "Bins go out on Tuesdays from June.")
    other = topic("Spring clean", "Skips on every corner.")
    first = reply(other, "Which bins go out on Tuesdays?")
    second = reply(other, "Green bins are fortnightly.")
    reply(other, "Thanks, that helps.")
    results = services.search("bins", None)
    assert [(group.kind, group.label, group.total) for group in results.groups] == [
        ("topic", "Topics", 1), ("post", "Replies", 2)]
    assert results.total == 3
    assert set(find("bins")["post"]) == {doc(first), doc(second)}


def test_without_a_kind_each_group_shows_a_few_and_says_how_many(topic, reply):
    fete = topic("Summer fete planning", "Stalls and bunting.")
    for number in range(7):
        reply(fete, f"Idea {number}: a cake stall at the fete.")
    group = services.search("fete", None).groups[1]
    assert (group.kind, group.total, len(group.hits)) == ("post", 7, services.PREVIEW)
    assert group.more and group.page is None


def test_one_kind_is_paginated(topic, reply):
    quiz = topic("Quiz night", "First Friday of the month.")
    replies = [reply(quiz, f"Question {number} for the quiz") for number in range(25)]
    first = services.search("quiz", None, kind="post")
    second = services.search("quiz", None, kind="post", page=2)
    (page_one,), (page_two,) = first.groups, second.groups
    assert (page_one.total, len(page_one.hits), page_one.page.pages) == (25, 20, 2)
    assert page_one.page.has_next and not page_one.page.has_prev
    assert len(page_two.hits) == 5 and page_two.page.has_prev and not page_two.page.has_next
    shown = {hit["id"] for hit in page_one.hits + page_two.hits}
    assert shown == {doc(post) for post in replies}


def test_snippets_mark_the_words_and_escape_everything_else(topic, reply):
    thread = topic("Hedge trimming", "Who trims the hedges?")
    reply(thread, "Try <script>alert('hedge')</script> & see what the hedge fund says")
    hit = services.search("hedge", None, kind="post").groups[0].hits[0]
    snippet = str(hit["snippet"])
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp; see" in snippet
    assert "<mark>hedge</mark>" in snippet


def test_the_title_is_highlighted_and_escaped(topic):
    topic("Dogs & <b>cats</b> on the green", "Please keep them on leads.")
    hit = services.search("cats", None).groups[0].hits[0]
    assert str(hit["title_html"]) == "Dogs &amp; &lt;b&gt;<mark>cats</mark>&lt;/b&gt; on the green"


def test_a_match_only_in_the_title_shows_the_start_of_the_body(topic):
    topic("Pothole on Station Road", "It is deep enough to lose a wheel in.")
    hit = services.search("pothole", None).groups[0].hits[0]
    assert str(hit["snippet"]) == "It is deep enough to lose a wheel in."


def test_hits_carry_what_the_results_page_shows(topic, places, author):
    found = topic("Litter pick", "Meet at the gates.", board=places.riverside)
    hit = services.search("litter", None).groups[0].hits[0]
    assert (hit["url"], hit["board"], hit["ward"], hit["author"], hit["topic_id"]) == (
        f"/t/{found.id}", "ward-riverside", "riverside", author.username, found.id)
    assert hit["created"] == found.created_at


# --- filters ---------------------------------------------------------------------------------


def test_filter_by_board(topic, places):
    cafe = topic("Tables for the café", "We need tables.", board=places.cafe)
    topic("Picnic tables in the park", "New tables.", board=places.parks)
    assert find("tables", board="community-cafe") == {"topic": [doc(cafe)]}


def test_filter_by_ward(topic, places):
    topic("Parking on Hill Street", "Cars on the pavement.", board=places.hillside)
    riverside = topic("Parking by the river", "Cars on the towpath.", board=places.riverside)
    assert find("parking", ward="riverside") == {"topic": [doc(riverside)]}


def test_filter_by_dates_uses_whole_local_days(topic):
    old = topic("Choir practice moved", "Now on Wednesdays.")
    new = topic("Choir concert", "Tickets at the door.")
    # 23:30 UTC on 31 March 2026 is already 1 April in London (BST).
    old.created_at = datetime(2026, 3, 31, 22, 0)
    new.created_at = datetime(2026, 3, 31, 23, 30)
    db.session.commit()
    assert find("choir", until=date(2026, 3, 31)) == {"topic": [doc(old)]}
    assert find("choir", since=date(2026, 4, 1)) == {"topic": [doc(new)]}
    assert find("choir", since=date(2026, 4, 2)) == {}


@pytest.mark.parametrize(("arguments", "field"), [
    ({"query_text": "   "}, "q"),
    ({"query_text": "x" * 201}, "q"),
    ({"query_text": "bins", "kind": "wizard"}, "kind"),
    ({"query_text": "bins", "since": date(2026, 5, 2), "until": date(2026, 5, 1)}, "until"),
])
def test_bad_requests_are_refused_with_a_reason(ctx, arguments, field):
    with pytest.raises(Invalid) as error:
        services.search(viewer=None, **arguments)
    assert error.value.field == field and error.value.message


def test_odd_query_syntax_does_not_break_search(topic):
    topic("Brackets and quotes", "Nothing special here.")
    for text in ('"unclosed', "(((", "AND OR NOT", "title:brackets", "*", "brack*", "a:b:c",
                 "NOT", "\\", "'"):
        services.search(text, None)


# --- what never shows ------------------------------------------------------------------------


def test_held_reply_is_not_found(topic, reply, monkeypatch):
    thread = topic("Speeding on Oak Road", "Cars race here.")
    monkeypatch.setattr(detector, "assess",
                        lambda text, context=None: detector.Verdict(action="hold", score=0.8))
    held = post_through_nudge(reply, thread, "Speeding drivers should be named and shamed")
    assert held.status == "held"
    assert find("shamed") == {}


def test_held_topic_is_not_found(topic, monkeypatch):
    monkeypatch.setattr(detector, "assess",
                        lambda text, context=None: detector.Verdict(action="hold", score=0.8))
    held = post_through_nudge(topic, "Speeding on Elm Road", "Borderline words.")
    assert held.status == "held"
    assert find("speeding") == {}


def test_removed_reply_leaves_the_results_and_returns_when_restored(topic, reply):
    thread = topic("Noise from the depot", "Lorries at 5am.")
    noisy = reply(thread, "The lorries wake the whole street")
    noisy.status = "removed"
    db.session.commit()
    assert find("lorries") == {"topic": [doc(thread)]}
    noisy.status = "published"
    db.session.commit()
    assert find("lorries")["post"] == [doc(noisy)]


def test_deleted_reply_leaves_the_results(topic, reply, author):
    thread = topic("Lost cat", "Grey tabby, answers to Moth.")
    mistake = reply(thread, "Wrong thread about a tabby, sorry")
    boards.delete_post(author, mistake)
    assert find("tabby") == {"topic": [doc(thread)]}


def test_deleting_a_topic_takes_its_replies_out(topic, reply, author, make_user):
    thread = topic("Bike shed proposal", "A bike shed by the library.")
    reply(thread, "Yes to the bike shed!", by=make_user())
    opening = db.session.execute(db.select(Post).where(Post.topic_id == thread.id,
                                                       Post.number == 1)).scalar_one()
    boards.delete_post(author, opening)
    assert find("bike shed") == {}


@pytest.mark.parametrize("status", ["held", "removed"])
def test_hiding_a_topic_hides_its_replies_until_it_is_restored(topic, reply, status):
    thread = topic("Graffiti on the bridge", "Who cleans it?")
    answer = reply(thread, "The council cleans graffiti within a week")
    thread.status = status
    db.session.commit()
    assert find("graffiti") == {}
    thread.status = "published"
    db.session.commit()
    assert find("graffiti") == {"topic": [doc(thread)], "post": [doc(answer)]}


def test_moved_topic_and_its_replies_are_found_on_the_new_board(topic, reply, places,
                                                                make_user):
    thread = topic("Recycling the café's cups", "Where do the cups go?", board=places.cafe)
    answer = reply(thread, "The cups go in the blue recycling bin")
    boards.move_topic(make_user(roles=["moderator"]), thread, places.riverside)
    assert find("recycling", board="community-cafe") == {}
    assert find("recycling", board="ward-riverside") == {
        "topic": [doc(thread)], "post": [doc(answer)]}
    assert find("recycling", ward="riverside")["post"] == [doc(answer)]


def test_edited_post_is_found_by_its_new_words_only(topic, reply, author):
    thread = topic("Library opening times", "Is it open on Sundays?")
    answer = reply(thread, "Open on Sundays from noon")
    boards.edit_post(author, answer, "Closed on Sundays, sadly")
    assert find("noon") == {}
    assert find("closed")["post"] == [doc(answer)]


def test_retitled_topic_is_found_by_the_new_title_with_its_replies(topic, reply, author):
    thread = topic("Meeting on Tuesday", "Agenda to follow.")
    answer = reply(thread, "I'll bring biscuits")
    opening = db.session.execute(db.select(Post).where(Post.topic_id == thread.id,
                                                       Post.number == 1)).scalar_one()
    boards.edit_post(author, opening, "Agenda to follow.", title="Residents' association AGM")
    results = services.search("biscuits", None, kind="post")
    assert results.groups[0].hits[0]["title_html"].striptags() == "Residents' association AGM"
    assert find("agm") == {"topic": [doc(thread)], "post": [doc(answer)]}
    assert find("tuesday") == {}


def test_a_deleted_account_no_longer_names_its_author_in_results(topic, make_user):
    leaver = make_user(username="leaver")
    topic("Moving away", "Goodbye, neighbours.", by=leaver)
    accounts.delete_account(leaver, PASSWORD)
    hit = services.search("neighbours", None).groups[0].hits[0]
    assert hit["author"] == f"former-member-{leaver.id}"


# --- rebuilding ------------------------------------------------------------------------------


def test_reindex_rebuilds_the_index_from_published_content(topic, reply, monkeypatch):
    kept = topic("Carol singing", "Meet at the church.")
    answer = reply(kept, "Carol sheets are in the porch")
    monkeypatch.setattr(detector, "assess",
                        lambda text, context=None: detector.Verdict(action="hold", score=0.8))
    assert post_through_nudge(reply, kept, "A held carol reply").status == "held"
    seen = []
    assert services.reindex(progress=seen.append) == 2
    assert sum(seen) == services.count_indexable() == 3  # 1 topic + 2 published posts read
    assert find("carol") == {"topic": [doc(kept)], "post": [doc(answer)]}


def test_a_reply_removed_after_a_search_is_gone_from_the_next_search(topic, reply):
    thread = topic("Bin collections", "Thursday again this week.")
    rude = reply(thread, "The recycling crew are useless layabouts")
    assert find("layabouts") == {"post": [doc(rude)]}  # warms this process's searcher
    rude.status = "removed"
    db.session.commit()
    assert find("layabouts") == {}
