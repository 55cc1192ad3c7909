"""The moderation journey in a browser: a resident is asked to reconsider a hateful post, posts
it anyway and it is held; another resident reports a post; a moderator removes the held post
under a rule with reasons; its author reads the statement of reasons and appeals; a second
moderator hears the appeal; the reporter is told what happened to their report."""

import re

# Held by the real detector (dehumanising + exclusion), as in tests/moderation.
HATEFUL = "Those Romanians next door are vermin and should be sent back"
TITLE = "Who is moving in next door"
REPORTED = "Is there step-free access?"  # fatima's demo reply on the café topic


def test_a_held_post_is_removed_appealed_and_the_reporter_told(site):
    # mark.t is asked to reconsider, posts anyway, and his topic waits for a moderator.
    mark = site.person()
    mark.sign_in("mark.t")
    mark.visit("/boards/community-cafe/new")
    mark.fill("Title", TITLE)
    mark.fill("Your message", HATEFUL)
    mark.click("button", "Post topic")
    prompt = mark.page.get_by_role("alert").filter(has_text="could this hurt people?")
    assert prompt.is_visible()
    assert "vermin" in prompt.inner_text()
    assert mark.page.get_by_label("Your message", exact=True).input_value() == HATEFUL
    assert mark.page.get_by_role("button", name="Don't post it").is_visible()
    mark.click("button", "Post", exact=True)
    assert re.fullmatch(r"/t/\d+", mark.path)
    topic_path = mark.path
    assert "waiting for a moderator" in mark.page.inner_text("main")
    assert mark.page.get_by_role("heading", level=1).inner_text() == TITLE

    # Nobody else sees the held topic. grace reports fatima's reply on the café topic.
    grace = site.person()
    grace.sign_in("grace")
    response = grace.page.goto(site.base + topic_path)
    assert response.status == 404
    grace.visit("/boards/community-cafe")
    assert TITLE not in grace.page.inner_text("main")
    grace.click("link", "Saturday café is back from the 6th!")
    reply = grace.page.locator("article.post", has_text=REPORTED)
    with grace.page.expect_navigation():
        reply.get_by_role("link", name=re.compile("^Report")).click()
    grace.check()
    assert grace.page.get_by_role("heading", level=1).inner_text() == "Report to the moderators"
    grace.page.get_by_label("Spam or advertising").check()
    grace.fill("Anything moderators should know? (optional)", "Test report from grace.")
    grace.click("button", "Send report")
    assert "Thank you for reporting this" in grace.page.inner_text("main")
    grace.visit("/moderation/reports")
    assert "spam\tWaiting for a moderator" in grace.page.inner_text("main")

    # ravi finds both in the queue; removes the held topic under "No hate", keeps the reply.
    ravi = site.person()
    ravi.sign_in("ravi")
    ravi.visit("/moderation/")
    queue = ravi.page.locator("main table")
    held_row = queue.locator("tr", has_text=TITLE)
    assert "Held by the detector" in held_row.inner_text()
    with ravi.page.expect_navigation():
        held_row.get_by_role("link").first.click()
    ravi.check()
    main = ravi.page.inner_text("main")
    assert "vermin" in main and "What the detector saw" in main and "mark.t" in main
    ravi.page.get_by_label("Remove the content").check()
    ravi.page.get_by_label("Community rule broken").select_option("hate")
    ravi.fill("Reason, in words the author will read",
              "Calling neighbours vermin and saying they should be sent back is hate.")
    ravi.click("button", "Record decision")
    assert ravi.path == "/moderation/"
    assert "Decision recorded" in ravi.page.inner_text("main")
    assert TITLE not in ravi.page.locator("main").inner_text()

    reported_row = ravi.page.locator("main table tr", has_text=REPORTED)
    with ravi.page.expect_navigation():
        reported_row.get_by_role("link").first.click()
    ravi.check()
    assert "Test report from grace." in ravi.page.inner_text("main")
    ravi.page.get_by_label("Keep: no rule broken").check()
    ravi.fill("Reason, in words the author will read", "A fair question about access.")
    ravi.click("button", "Record decision")
    assert "Decision recorded" in ravi.page.inner_text("main")

    # mark.t is told, reads the statement of reasons and appeals.
    mark.visit("/notifications")
    notice = mark.page.get_by_role("link", name=re.compile("removed your post"))
    assert notice.is_visible()
    with mark.page.expect_navigation():
        notice.click()
    mark.check()
    assert re.fullmatch(r"/moderation/decisions/\d+", mark.path)
    decision_path = mark.path
    statement = mark.page.inner_text("main")
    assert "Statement of reasons" in statement
    assert "The content was removed." in statement
    assert "No hate" in statement
    assert "Calling neighbours vermin" in statement
    assert "our detector flagged it first" in statement
    mark.fill("Why was the decision wrong?", "I was only repeating what I heard at the market.")
    mark.click("button", "Send appeal")
    assert mark.path == decision_path
    text = mark.page.inner_text("main")
    assert "Your appeal is in" in text and "Waiting for a different moderator" in text
    assert mark.page.get_by_role("button", name="Send appeal").count() == 0

    # ravi decided, so he can't hear it; helen can.
    ravi.visit("/moderation/appeals")
    assert "mark.t appeals" not in ravi.page.inner_text("main")
    helen = site.person()
    helen.sign_in("helen")
    helen.visit("/moderation/appeals")
    helen.click("link", "mark.t appeals a decision to remove")
    assert "I was only repeating" in helen.page.inner_text("main")
    helen.page.get_by_label("The decision stands").check()
    helen.fill("Reasons, for the appellant", "Repeating it still spreads it: the post stays down.")
    helen.click("button", "Decide appeal")
    assert helen.path == "/moderation/appeals"
    assert "Appeal decided" in helen.page.inner_text("main")

    # mark.t hears the outcome; the topic stays hidden from others.
    mark.visit("/notifications")
    with mark.page.expect_navigation():
        mark.page.get_by_role("link", name=re.compile("Your appeal was decided")).click()
    mark.check()
    assert mark.path == decision_path
    text = mark.page.inner_text("main")
    assert "The decision stands" in text and "Repeating it still spreads it" in text

    # grace is told what became of her report.
    grace.visit("/notifications")
    outcome = grace.page.get_by_role("link", name=re.compile("Your report about.*reviewed"))
    assert "reviewed and kept" in outcome.inner_text()
    assert outcome.locator("xpath=..").get_by_text("New").is_visible()
    with grace.page.expect_navigation():
        outcome.click()
    grace.check()
    assert grace.path == "/moderation/reports"
    assert "spam\tReviewed: no rule broken" in grace.page.inner_text("main")
    assert grace.page.goto(site.base + topic_path).status == 404
