"""What the browser tests share: the modes, a person in a browser, and the checks made on every
page they reach (axe-core accessibility, script that must never run, server errors)."""

import contextlib
import email
import email.policy
import gzip
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
# Installed by `make browser-deps` (npm), never fetched at run time.
AXE_PATH = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, heading order).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = ("serious", "critical")

# Injected payloads set this (or open a dialog) if they ever run.
XSS_MARKER = "__xss"


@dataclass(frozen=True)
class Mode:
    width: int
    height: int
    javascript: bool
    mobile: bool = False


MODES = {
    "desktop": Mode(1280, 900, javascript=True),
    "no-js": Mode(1280, 900, javascript=False),
    "phone": Mode(360, 740, javascript=True, mobile=True),
}


class PageProblem(AssertionError):
    pass


def _axe_report(violations):
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} "
                     f"[{targets}]")
    return "\n".join(lines)


class Person:
    """One person's browser: a context with its own cookies, and its one page."""

    def __init__(self, site):
        self.site = site
        mode = site.mode
        self.context = site.chromium.new_context(
            viewport={"width": mode.width, "height": mode.height},
            java_script_enabled=mode.javascript, is_mobile=mode.mobile, has_touch=mode.mobile,
            # Payload tests must prove the escaping, not lean on the Content-Security-Policy
            # (which would stop inline script anyway): it is a second wall, not the first.
            bypass_csp=True, base_url=site.base,
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.dialogs = []
        self.foreign_requests = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request):
        if not request.url.startswith(self.site.base) and not request.url.startswith(
                ("data:", "about:")):
            self.foreign_requests.append(request.url)

    # --- going places ------------------------------------------------------------------------

    def visit(self, path):
        """Open `path` on the site and check the page."""
        response = self.page.goto(self.site.base + path)
        self.check(response)
        return response

    def click(self, role, name, exact=False):
        """Click a button or link the way a person would, wait for the next page, check it."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=exact).click()
        self.check()

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def sign_in(self, username, password=None):
        self.visit("/account/signin")
        self.page.fill("input[name=login]", username)
        self.page.fill("input[name=password]", password or self.site.password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").first.click()
        self.check()
        assert "/account/signin" not in self.page.url, f"{username} could not sign in"

    @property
    def path(self):
        parts = urlsplit(self.page.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    # --- what every page must be ----------------------------------------------------------------

    def check(self, response=None):
        """The page the person is on: no server error, no script that shouldn't run, nothing
        from another host, and no serious accessibility problem."""
        if response is not None and response.status >= 500:
            raise PageProblem(f"{self.path} answered {response.status}")
        title = self.page.title()
        if "Something went wrong" in title:
            raise PageProblem(f"{self.path} shows the error page")
        if self.dialogs:
            raise PageProblem(f"a dialog opened on {self.path}: {self.dialogs}")
        if self.site.mode.javascript:
            ran = self.page.evaluate(f"window.{XSS_MARKER} || null")
            if ran:
                raise PageProblem(f"injected script ran on {self.path}: {ran}")
        if self.foreign_requests:
            raise PageProblem(f"{self.path} pulled from another host: {self.foreign_requests}")
        self.site.visited.add(urlsplit(self.page.url).path)
        if self.site.mode.javascript:
            self.check_accessibility()

    def check_accessibility(self):
        """axe-core on the page as it is now. (With JavaScript off no script can run on the
        page, axe included; the same pages are checked in the two modes with JavaScript.)"""
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(self.site.axe_source)
        violations = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']}).then(result => result.violations)", AXE_TAGS)
        blocking = [item for item in violations if item["impact"] in BLOCKING_IMPACTS]
        if blocking:
            raise PageProblem(f"accessibility problems on {self.path}:\n"
                              + _axe_report(blocking))

    # --- keyboard --------------------------------------------------------------------------------

    def tab_order(self, container="main form", limit=60):
        """Press Tab from the top of the page until focus leaves `container` for good; return
        [(tag, name or label, focus visible?)] for each control reached inside it."""
        self.page.evaluate("document.activeElement && document.activeElement.blur()")
        reached = []
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            found = self.page.evaluate(
                """container => {
                    const el = document.activeElement;
                    if (!el || el === document.body) return null;
                    const inside = !!el.closest(container);
                    const style = getComputedStyle(el);
                    const visible = style.boxShadow !== 'none'
                        || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0);
                    const label = el.labels && el.labels.length ? el.labels[0].innerText
                        : (el.getAttribute('aria-label') || el.innerText || el.name || '');
                    return {inside, tag: el.tagName.toLowerCase(), name: el.name || '',
                            label: label.trim(), visible};
                }""", container)
            if found is None:
                break
            if found["inside"]:
                reached.append((found["tag"], found["name"] or found["label"], found["visible"]))
            elif reached:
                break
        return reached

    def controls(self, container="main form"):
        """Every control a keyboard user should reach in `container`: (tag, name or label)."""
        return [tuple(item) for item in self.page.evaluate(
            """container => Array.from(document.querySelectorAll(
                   container + ' :is(input, select, textarea, button, a[href])'))
               .filter(el => el.type !== 'hidden' && !el.disabled && el.offsetParent !== null)
               .map(el => [el.tagName.toLowerCase(), el.name || (el.labels && el.labels.length
                   ? el.labels[0].innerText.trim() : (el.getAttribute('aria-label')
                   || el.innerText || '').trim())])""", container)]

    def close(self):
        self.context.close()


class Site:
    """The served app and the people using it in one test."""

    def __init__(self, app, base, chromium, mode_name, password):
        self.app = app
        self.base = base
        self.chromium = chromium
        self.mode_name = mode_name
        self.mode = MODES[mode_name]
        self.password = password
        self.people = []
        self.visited = set()
        self._axe = None

    @property
    def axe_source(self):
        if self._axe is None:
            self._axe = AXE_PATH.read_text(encoding="utf-8")
        return self._axe

    def person(self):
        person = Person(self)
        self.people.append(person)
        return person

    def run(self, function):
        """function() inside the app, for setting up or reading rows around a journey."""
        with self.app.app_context():
            return function()

    def outbox(self):
        """E-mails sent so far, oldest first."""
        folder = Path(self.app.config["MAIL_OUTBOX"])
        if not folder.exists():
            return []
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                for path in sorted(folder.glob("*.eml"))]

    def link_in_mail(self, to, containing):
        """The first link in the newest e-mail to `to` whose address contains `containing`,
        as a path on this site."""
        for message in reversed(self.outbox()):
            if to.lower() not in str(message["To"]).lower():
                continue
            body = message.get_body(preferencelist=("plain",)).get_content()
            for word in body.split():
                if word.startswith(("http://", "https://")) and containing in word:
                    parts = urlsplit(word)
                    return parts.path + (f"?{parts.query}" if parts.query else "")
        raise AssertionError(f"no e-mail to {to} with a link containing {containing!r}")

    def weigh(self, person, path):
        """{resource url: gzip-compressed bytes} for HTML, CSS and JS loaded by `path`."""
        sizes = {}

        def record(response):
            kind = response.request.resource_type
            if kind in ("document", "stylesheet", "script"):
                with contextlib.suppress(Exception):  # a redirect has no body
                    sizes[response.url] = len(gzip.compress(response.body(), 6))

        person.page.on("response", record)
        person.visit(path)
        person.page.remove_listener("response", record)
        return sizes

    def screenshots(self, folder):
        folder.mkdir(parents=True, exist_ok=True)
        for number, person in enumerate(self.people, 1):
            with contextlib.suppress(Exception):  # the page may be gone with the failure
                person.page.screenshot(path=str(folder / f"person{number}.png"), full_page=True)

    def close(self):
        for person in self.people:
            person.close()
