"""Every staff grants page is for staff: a resident gets 403, a visitor is sent to sign in."""

import pytest

from tests.factories import user_named
from tests.grants.factories import apply, open_fund, project_led_by

STAFF_URLS = [
    ("get", "/staff/funds/"),
    ("get", "/staff/funds/new"),
    ("post", "/staff/funds/new"),
    ("get", "/staff/funds/1"),
    ("get", "/staff/funds/1/edit"),
    ("post", "/staff/funds/1/edit"),
    ("post", "/staff/funds/1/publish"),
    ("get", "/staff/funds/applications/1"),
    ("post", "/staff/funds/applications/1/assess"),
    ("post", "/staff/funds/applications/1/decide"),
]


@pytest.fixture
def world(make_user, run):
    staff, lena = make_user("jo", roles=["staff"]), make_user("lena")

    def make():
        fund = open_fund(user_named("jo"))
        apply(user_named("lena"), project_led_by(user_named("lena")), fund)
    run(make)
    return {"staff": staff, "resident": lena}


@pytest.mark.parametrize(("method", "url"), STAFF_URLS)
def test_residents_are_refused_and_visitors_sent_to_sign_in(world, browser, client, method,
                                                            url):
    assert getattr(browser(world["resident"]), method)(url).status_code == 403
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/account/signin" in response.location


@pytest.mark.parametrize("url", [url for method, url in STAFF_URLS if method == "get"])
def test_staff_see_every_staff_page(world, browser, url):
    assert browser(world["staff"]).get(url).status_code == 200
