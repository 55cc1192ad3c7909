"""A 15-year-old joins, confirms their e-mail, asks a parent for consent, finds a verified
mentor and asks for a match; the mentor accepts and proposes a session at a public place. An
adult without a safeguarding check can neither read the young person's profile nor reach them."""

import re
from datetime import date, timedelta

USERNAME = "sam.young"
EMAIL = "sam.young@example.org"
GUARDIAN = "Ruth Young"
GUARDIAN_EMAIL = "ruth.young@example.org"
PASSWORD = "kite orange harbour"
BIO = "Year 10, I like robots and want to learn Python."


def _fifteen_years_ago():
    recent = date.today() - timedelta(days=100)
    try:
        return recent.replace(year=recent.year - 15)
    except ValueError:  # 29 February
        return recent.replace(year=recent.year - 15, day=28)


def test_a_young_person_is_matched_with_a_mentor_with_a_guardians_consent(site):
    # Sam, 15, joins and confirms their e-mail address from the link we send.
    sam = site.person()
    sam.visit("/account/signup")
    sam.fill("Username", USERNAME)
    sam.fill("E-mail address", EMAIL)
    sam.fill("Password", PASSWORD)
    sam.fill("Confirm password", PASSWORD)
    sam.fill("Date of birth", _fifteen_years_ago().isoformat())
    sam.page.get_by_label("Your ward", exact=True).select_option(label="Northgate")
    sam.click("button", "Create my account")
    assert sam.path == "/account/"
    sam.visit(site.link_in_mail(EMAIL, "/account/verify/"))
    assert "your e-mail address is confirmed" in sam.page.inner_text("main")

    # A short bio, which only Sam and staff should ever read.
    sam.visit("/account/profile")
    sam.page.get_by_label(re.compile("^About you")).fill(BIO)
    sam.click("button", re.compile("^Save"))

    # The skills pages ask for a parent's or carer's consent first.
    sam.visit("/skills/")
    guardian_panel = sam.page.locator("#guardian")
    assert "Ask a parent or carer first" in guardian_panel.inner_text()
    sam.fill("Your parent's or carer's name", GUARDIAN)
    sam.fill("Their e-mail address", GUARDIAN_EMAIL)
    sam.click("button", "Send them the link")
    assert "We've e-mailed Ruth Young a link" in sam.page.inner_text("main")

    # Ruth opens the link in her own browser, reads what she agrees to, and agrees.
    ruth = site.person()
    ruth.visit(site.link_in_mail(GUARDIAN_EMAIL, "/skills/consent/"))
    assert "What you're agreeing to" in ruth.page.inner_text("main")
    ruth.click("button", "I agree")
    assert "Your consent was recorded" in ruth.page.inner_text("main")
    assert site.link_in_mail(GUARDIAN_EMAIL, "/withdraw")

    # Sam is told, and finds Priya (a verified mentor) through the listings.
    sam.visit("/notifications")
    assert "Ruth Young agreed" in sam.page.inner_text("main")
    sam.visit("/skills/")
    assert "Ruth Young agreed on" in sam.page.locator("#guardian").inner_text()
    sam.fill("Words", "Python")
    sam.click("button", "Show listings")
    sam.click("link", "Learn to code with Python")
    sam.click("link", "Request a match with Priya Sharma")
    assert sam.page.get_by_role("heading", level=1).inner_text() == \
        "Request a match with Priya Sharma"
    sam.page.get_by_label("How you'd like to meet").select_option("mentoring")
    sam.fill("Your message", "Hello Priya, I'd love to learn Python and make a robot game.")
    sam.click("button", "Send request")
    assert re.fullmatch(r"/skills/matches/\d+", sam.path)
    match_path = sam.path
    assert "Your request is sent" in sam.page.inner_text("main")

    # Priya accepts and proposes a first session; it has to be at a public place.
    priya = site.person()
    priya.sign_in("priya")
    priya.visit("/skills/matches/")
    priya.click("link", USERNAME)
    assert priya.path == match_path
    priya.click("button", "Accept")
    assert "You're matched" in priya.page.inner_text("main")
    day = (date.today() + timedelta(days=7)).isoformat()
    priya.fill("Day", day)
    priya.fill("Start time", "16:30")
    priya.fill("How long, in minutes", "60")
    priya.fill("Where", "Northgate Library, computer room")
    priya.click("button", "Propose session")
    error = priya.page.locator(".error-message").first
    assert "public" in error.inner_text()
    public = priya.page.get_by_label(re.compile("^It's a public place"))
    assert not public.is_checked()
    public.check()
    assert priya.page.get_by_label("Where", exact=True).input_value() == \
        "Northgate Library, computer room"
    priya.click("button", "Propose session")
    assert "Session proposed" in priya.page.inner_text("main")
    assert "Northgate Library, computer room (public place)" in priya.page.inner_text("main")

    # Owen, an adult without a check, sees a private profile and can't ask Sam for a match.
    owen = site.person()
    owen.sign_in("owen")
    owen.visit(f"/u/{USERNAME}")
    profile = owen.page.inner_text("main")
    assert "under 18, so their profile is private" in profile
    assert BIO not in profile
    assert EMAIL not in profile
    assert owen.page.get_by_role("link", name=re.compile("Request a match")).count() == 0
    response = owen.page.goto(site.base + f"/skills/request/{USERNAME}")
    assert response.status == 403
    owen.check(response)
    assert owen.page.get_by_role("button", name="Send request").count() == 0
