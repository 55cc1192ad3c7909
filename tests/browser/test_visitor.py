"""A visitor who has not signed in reads the boards, events and news, searches, and is asked
to sign in when they try to post."""


def test_a_visitor_reads_searches_and_is_asked_to_sign_in_to_post(site):
    visitor = site.person()
    visitor.visit("/")
    assert visitor.page.get_by_role("heading", level=1).count() == 1
    visitor.click("link", "Boards", exact=True)
    assert visitor.path == "/boards/"
