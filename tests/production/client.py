"""A small browser for tests against real servers: keeps cookies, fills in forms' CSRF tokens.

    browser = Browser(stack.urls[0])
    browser.sign_in("resident1", PASSWORD)
    response = browser.submit("/boards/cafe/new", {"title": "…", "body": "…"})

Responses are `requests` responses; redirects are not followed, so a test sees the 302 a
successful form sends. Production has CSRF on: `submit` GETs the page that holds the form
first (or `form_page`) and sends its `csrf_token` along.
"""

import re
from html import unescape

import requests

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html):
    """The first CSRF token in a page, or None."""
    match = CSRF.search(html)
    return unescape(match.group(1) or match.group(2)) if match else None


class Browser:
    def __init__(self, base_url, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    def url(self, path):
        return path if path.startswith("http") else self.base_url + path

    def get(self, path, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.session.get(self.url(path), timeout=self.timeout, **kwargs)

    def post(self, path, data, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.session.post(self.url(path), data=data, timeout=self.timeout, **kwargs)

    def token(self, form_page):
        page = self.get(form_page)
        token = csrf_token(page.text)
        if token is None:
            raise AssertionError(f"No csrf_token on {form_page} ({page.status_code}):\n"
                                 f"{page.text[:2000]}")
        return token

    def submit(self, path, data, form_page=None, token=None):
        """POST a form as a browser would: with the CSRF token from the page that shows it."""
        token = token or self.token(form_page or path)
        return self.post(path, {**data, "csrf_token": token})

    def sign_in(self, login, password, expect_success=True):
        response = self.submit("/account/signin", {"login": login, "password": password})
        if expect_success and response.status_code != 302:
            raise AssertionError(f"Sign-in as {login} failed: {response.status_code}\n"
                                 f"{response.text[:2000]}")
        return response

    def signed_in_as(self):
        """The username the site shows as signed in (from the account link), or None."""
        page = self.get("/account/")
        if page.status_code != 200:
            return None
        match = re.search(r'Your account<span class="visually-hidden"> \(([^)]+)\)', page.text)
        return unescape(match.group(1)) if match else None

    def cookie(self, name="session"):
        return self.session.cookies.get(name)
