"""Council staff at work in a browser: publishing news for one ward (its residents read it and
are told), recording a safeguarding check that makes an adult a verified mentor, and running the
spring mentoring cohort's matchmaking through to confirmed matches."""

import re
from datetime import date, timedelta

HEADLINE = "Northgate Library opens on Sundays"
SUMMARY = "From next month the library opens 10am to 4pm on Sundays."


def test_staff_publish_ward_news_that_its_residents_read_and_are_told_of(site):
    jo = site.person()
    jo.sign_in("jo.staff")
    jo.visit("/staff/news/new")
    assert jo.page.get_by_role("heading", level=1).inner_text() == "Write an article"
    jo.fill("Headline", HEADLINE)
    jo.fill("Summary", SUMMARY)
    jo.fill("Article", "Sunday opening starts on the first of the month.\n\n"
                       "- Study rooms can be booked at the desk.\n- The café stays closed.")
    jo.page.get_by_label("Category", exact=True).select_option(label="Council services")
    jo.page.get_by_label("Only the wards I tick below").check()
    jo.page.locator("#wards").get_by_label("Northgate", exact=True).check()
    jo.click("button", "Save draft")
    assert re.fullmatch(r"/staff/news/\d+/edit", jo.path)
    assert "Draft saved" in jo.page.inner_text("main")
    jo.click("button", "Publish now")
    text = jo.page.inner_text("main")
    assert "Published: residents can read it now." in text
    assert "People who follow news for Northgate have been told." in text

    # Priya lives in Northgate: the article is on the news page and she has a notification.
    priya = site.person()
    priya.sign_in("priya")
    priya.visit("/news/")
    priya.click("link", HEADLINE)
    assert priya.page.get_by_role("heading", level=1).inner_text() == HEADLINE
    assert "Study rooms can be booked" in priya.page.inner_text("main")
    priya.visit("/notifications")
    assert priya.page.get_by_role("link", name=re.compile(re.escape(HEADLINE))).count() == 1

    # Owen lives in Riverside: he can read it but isn't told about it.
    owen = site.person()
    owen.sign_in("owen")
    owen.visit("/notifications")
    assert HEADLINE not in owen.page.inner_text("main")


def test_staff_record_a_check_and_the_adult_becomes_a_verified_mentor(site):
    # Zara (14, her mum agreed) can't ask Owen for a match: he has no check yet.
    zara = site.person()
    zara.sign_in("zara")
    response = zara.page.goto(site.base + "/skills/request/owen")
    assert response.status == 403
    zara.check(response)
    assert "Only verified mentors" in zara.page.inner_text("main")

    jo = site.person()
    jo.sign_in("jo.staff")
    jo.visit("/staff/users/owen")
    assert "Verified mentor" not in jo.page.locator("main").inner_text()
    today = date.today()
    jo.fill("DBS certificate reference", "001234567890")
    jo.fill("Issued on", (today - timedelta(days=30)).isoformat())
    jo.fill("Recheck due", (today - timedelta(days=30) + timedelta(days=3 * 365)).isoformat())
    jo.click("button", "Record check")
    assert jo.path == "/staff/users/owen"
    text = jo.page.inner_text("main")
    assert "Check recorded: owen is a verified mentor until" in text
    checks = jo.page.get_by_role("table", name="Recorded DBS checks")
    assert "jo.staff" in checks.locator("tr", has_text="001234567890").inner_text()

    # Everyone now sees him as a verified mentor, and Zara can ask him for a match.
    visitor = site.person()
    visitor.visit("/u/owen")
    assert "Verified mentor" in visitor.page.inner_text("main")
    zara.visit("/skills/request/owen")
    assert zara.page.get_by_role("heading", level=1).inner_text() == \
        "Request a match with Owen Price"
    assert zara.page.get_by_role("button", name="Send request").is_visible()


def test_staff_run_the_cohort_matchmaking_and_confirm_it(site):
    jo = site.person()
    jo.sign_in("jo.staff")
    jo.visit("/staff/skills/cohorts")
    jo.click("link", "Spring mentoring 2027")
    assert jo.page.get_by_role("heading", level=1).inner_text() == "Spring mentoring 2027"
    assert "No placement proposed yet" in jo.page.inner_text("main")
    jo.click("button", "Propose placement")
    assert "Placement proposed. Nobody has been told yet" in jo.page.inner_text("main")
    proposal = jo.page.get_by_role("table", name="Proposed placement (not yet confirmed)")
    assert proposal.is_visible()
    placed = re.search(r"Placed: (\d+) of (\d+)", jo.page.inner_text("#proposal"))
    assert placed and int(placed[1]) >= 1 and placed[2] == "7"
    jo.click("button", "Confirm and tell everyone")
    text = jo.page.inner_text("main")
    made = re.search(r"Cohort confirmed: (\d+) match", text)
    assert made and int(made[1]) >= 1
    matches = jo.page.get_by_role("table", name="Matches made when the cohort was confirmed")
    assert matches.locator("tbody tr").count() == int(made[1])
    assert jo.page.get_by_role("button", name="Propose placement again").count() == 0

    # The mentor of the first match made is told, and the notification leads to the match.
    first = matches.locator("tbody tr").first
    match_path = first.get_by_role("link").first.get_attribute("href")
    username = first.locator("td").nth(1).get_by_role("link").inner_text().strip()
    mentor = site.person()
    mentor.sign_in(username)
    mentor.visit("/notifications")
    notice = mentor.page.get_by_role(
        "link", name=re.compile("You've been matched with .* Spring mentoring 2027"))
    with mentor.page.expect_navigation():
        notice.first.click()
    mentor.check()
    assert mentor.path == match_path
    assert "Keeping young people safe" in mentor.page.inner_text("main") or \
        mentor.page.get_by_role("heading", name="Propose a session").is_visible()
