"""A new adult resident joins, confirms their e-mail address from the link we send, and takes
part: starts a topic, replies, follows, says they're going to an event and adds it to their
calendar, and offers a skill."""

from datetime import date
from pathlib import Path


def go_to(person, section):
    """Follow a link in the header's main navigation."""
    with person.page.expect_navigation():
        person.page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=section, exact=True).click()
    person.check()


def flash(person):
    """The messages the page shows after something was done."""
    return person.page.locator("main .flashes")


def test_a_new_resident_joins_confirms_and_takes_part(site):
    sam = site.person()
    page = sam.page
    address = "sam.new@example.org"

    # Joining, from the header.
    sam.visit("/")
    sam.click("link", "Join", exact=True)
    assert sam.path == "/account/signup"
    sam.fill("Username", "sam_new")
    sam.fill("E-mail address", address)
    sam.fill("Password", "kettle-harbour-violet")
    sam.fill("Confirm password", "kettle-harbour-violet")
    sam.fill("Date of birth", f"{date.today().year - 34}-03-27")
    page.get_by_label("Your ward", exact=True).select_option(label="Riverside")
    sam.click("button", "Create my account")
    assert sam.path == "/account/"
    assert "Welcome to Common Ground, sam_new!" in flash(sam).inner_text()
    # Until the address is confirmed, the site says so, and posting waits.
    assert page.get_by_role("note").get_by_text("Confirm your e-mail address").is_visible()

    sam.visit("/boards/riverside/new")
    assert page.get_by_text("Confirm your e-mail address before you start a topic").is_visible()
    assert page.get_by_role("button", name="Post topic").count() == 0

    # Confirming the address from the e-mail.
    link = site.link_in_mail(address, "/account/verify/")
    sam.visit(link)
    assert "your e-mail address is confirmed" in flash(sam).inner_text()
    assert page.get_by_role("note").count() == 0

    # Starting a topic on their ward's board.
    go_to(sam, "Boards")
    sam.click("link", "Riverside", exact=True)
    sam.click("link", "Start a topic")
    title = "Bulb swap at the Riverside allotments"
    sam.fill("Title", title)
    sam.fill("Your message", "Bring spare **daffodil** bulbs on Saturday and take some home.")
    sam.click("button", "Post topic")
    assert page.get_by_role("heading", level=1, name=title).is_visible()
    assert page.get_by_text("take some home").is_visible()
    assert page.get_by_role("link", name="Riverside", exact=True).first.is_visible()

    # Following the board they posted on.
    sam.click("link", "Riverside", exact=True)
    assert page.get_by_role("link", name=title).is_visible()
    sam.click("button", "Follow this board")
    assert "You're following Riverside." in flash(sam).inner_text()
    assert page.get_by_role("button", name="Stop following").is_visible()

    # Following a neighbour's topic, then replying to it (which keeps them following).
    sam.click("link", "Litter pick along the river, Sunday 10am")
    sam.click("button", "Follow", exact=True)
    assert "You're following this topic." in flash(sam).inner_text()
    assert page.get_by_role("button", name="Stop following").is_visible()
    sam.fill("Your reply", "Count me in, I'll bring a flask of tea.")
    sam.click("button", "Post reply")
    mine = page.locator("article.post").filter(has_text="bring a flask of tea")
    assert mine.is_visible()
    assert "sam_new" in mine.locator("header").inner_text()
    assert page.get_by_role("button", name="Stop following").is_visible()

    # An event: say they're going, then add it to their calendar.
    go_to(sam, "Events")
    sam.click("link", "Open iftar evening")
    sam.click("button", "Going", exact=True)
    assert "You're going to Open iftar evening on" in flash(sam).inner_text()
    assert page.get_by_text("You're going.").is_visible()
    assert page.get_by_role("button", name="Not going after all").is_visible()
    add = page.get_by_role("link", name="Add to calendar")
    # Following the link hands the browser a calendar file, whether scripts run or not.
    with page.expect_download() as download:
        add.click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VCALENDAR" in Path(download.value.path()).read_text(encoding="utf-8")
    href = add.get_attribute("href")
    assert href.endswith(".ics")
    calendar = page.request.get(href)
    assert calendar.ok
    assert calendar.headers["content-type"].startswith("text/calendar")
    text = calendar.text()
    assert "BEGIN:VCALENDAR" in text
    assert "Open iftar evening" in text
    # Their own list shows it too.
    sam.visit("/events/mine")
    assert page.get_by_role("link", name="Open iftar evening").first.is_visible()

    # Offering a skill.
    go_to(sam, "Skills")
    sam.click("link", "Offer or ask for a skill")
    assert sam.path == "/skills/listings/new"
    page.get_by_role("group", name="Are you offering this skill or looking for it?") \
        .get_by_label("Offering").check()
    sam.fill("The skill, in your words", "Bike repairs for beginners")
    page.get_by_label("Level", exact=True).select_option(label="Advanced")
    page.get_by_label("Two-way skill swap").check()
    page.get_by_label("Everyone (13 and over)").check()
    sam.fill("Description", "Punctures, brakes and gears. Bring your bike on a Saturday.")
    sam.click("button", "Publish listing")
    assert "Your listing is up." in flash(sam).inner_text()
    assert page.get_by_role("heading", level=1, name="Bike repairs for beginners").is_visible()
    assert page.get_by_text("Punctures, brakes and gears").is_visible()
