"""Plain helpers for tests: rows (they need an app context and commit) and pages to read."""

from datetime import date, timedelta
from html.parser import HTMLParser

from forum.accounts.models import MentorCheck, RoleGrant, User, Ward, utcnow
from forum.accounts.passwords import hash_password
from forum.accounts.services import slugify, update_profile
from forum.extensions import db

PASSWORD = "correct horse battery"

AGES = {"under_16": 14, "16_17": 17, "adult": 35}

_counter = {"n": 0}


def _next():
    _counter["n"] += 1
    return _counter["n"]


def date_of_birth_for(age, today=None):
    today = today or date.today()
    recent = today - timedelta(days=30)
    try:
        return recent.replace(year=recent.year - age)
    except ValueError:
        return recent.replace(year=recent.year - age, day=28)


def user_named(username):
    """The person with this username (inside an application context)."""
    return db.session.execute(
        db.select(User).where(User.username_key == username.lower())).scalar_one()


def create_ward(name=None):
    name = name or f"Ward {_next()}"
    ward = Ward(name=name, slug=slugify(name))
    db.session.add(ward)
    db.session.commit()
    return ward


def get_or_create_ward(name="Riverside"):
    ward = db.session.execute(db.select(Ward).where(Ward.name == name)).scalar_one_or_none()
    return ward or create_ward(name)


def create_user(username=None, age_band="adult", roles=(), verified=True, mentor=False,
                password=PASSWORD, ward=None, display_name="", email=None, state="active",
                state_reason="", state_until=None, bio="", languages=(), date_of_birth=None):
    username = username or f"user{_next()}"
    if ward is None or isinstance(ward, str):
        ward = get_or_create_ward(ward or "Riverside")
    user = User(
        username=username,
        username_key=username.lower(),
        email=email or f"{username.lower()}@example.org",
        password_hash=hash_password(password),
        date_of_birth=date_of_birth or date_of_birth_for(AGES[age_band]),
        ward=ward,
        display_name=display_name,
        bio="",
        languages=list(languages),
        email_verified_at=utcnow() if verified else None,
        state=state,
        state_reason=state_reason,
        state_until=state_until,
    )
    user.role_grants = [RoleGrant(role=role) for role in roles]
    if mentor:
        user.mentor_checks = [MentorCheck(
            reference="001234567890", checked_on=date.today() - timedelta(days=10),
            expires_on=date.today() + timedelta(days=1000),
        )]
    db.session.add(user)
    db.session.commit()
    if bio:
        # Through the service, so the bio is stored (and rendered) as a person's own edit would.
        update_profile(user, display_name, bio, ward.slug, ", ".join(languages))
    return user


# --- reading pages ----------------------------------------------------------------------------
# Tests assert on what a person sees, so they read the HTML the way a browser would: as a tree of
# elements, not as bytes.

VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr"})


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def text(self):
        parts = [child if isinstance(child, str) else child.text for child in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, **attrs):
        """Elements with this tag and these attributes (class_ matches one of the classes)."""
        found = []
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if all(_attr_matches(element, name, value) for name, value in attrs.items()):
                found.append(element)
        return found

    def find(self, tag=None, **attrs):
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


def _attr_matches(element, name, value):
    if name == "class_":
        return value in (element.attrs.get("class") or "").split()
    return element.attrs.get(name.rstrip("_").replace("_", "-")) == value


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_ELEMENTS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


class Page(Element):
    """A response's HTML as a tree, with the questions tests ask of a page."""

    def __init__(self, response_or_html):
        html = getattr(response_or_html, "text", response_or_html)
        builder = _TreeBuilder()
        builder.feed(html)
        builder.close()
        super().__init__("#document", {})
        self.children = builder.root.children

    @property
    def main_text(self):
        main = self.find("main")
        return main.text if main is not None else self.text

    @property
    def title(self):
        title = self.find("title")
        return title.text if title is not None else ""

    @property
    def heading(self):
        h1 = self.find("h1")
        return h1.text if h1 is not None else ""

    def error_for(self, field_id):
        """The error shown beside a form field ('' when there is none)."""
        error = self.find("p", class_="error-message", id=f"{field_id}-error")
        return error.text.removeprefix("Error:").strip() if error is not None else ""

    def field_errors(self):
        """{field id: error} for every field showing an error."""
        return {element.attrs["id"].removesuffix("-error"):
                element.text.removeprefix("Error:").strip()
                for element in self.find_all("p", class_="error-message")}

    @property
    def summary_errors(self):
        summary = self.find("div", class_="error-summary")
        return [item.text for item in summary.find_all("li")] if summary is not None else []

    @property
    def flashes(self):
        return [element.text for element in self.find_all("p", class_="flash")]

    def value(self, name):
        """What a form field named `name` holds, as the browser would submit it."""
        for element in self.find_all(name=name):
            if element.tag == "textarea":
                return element.text
            if element.tag == "select":
                chosen = [option for option in element.find_all("option")
                          if "selected" in option.attrs]
                return chosen[0].attrs.get("value") if chosen else None
            if element.tag == "input":
                if element.attrs.get("type") == "checkbox":
                    return "checked" in element.attrs
                return element.attrs.get("value", "")
        raise LookupError(f"No field named {name!r} on the page")

    def csrf_token(self):
        return self.value("csrf_token")


# --- counting queries ----------------------------------------------------------------------------


def sql_statements(app, client, url):
    """The SQL statements one GET of `url` runs (it must answer 200)."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    statements = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200, url
    return statements


def visits(app, client, url):
    """Statement counts of a first visit (which may write a read mark, fill a cache or make a
    feed row) and a second one."""
    return len(sql_statements(app, client, url)), len(sql_statements(app, client, url))
