"""Who may open which page: every route against every role, checked against the policy module."""

import pytest
from flask_login import AnonymousUserMixin

from forum.accounts.models import User
from forum.core.policy import RULES, can
from forum.extensions import db
from forum.moderation.models import Case
from forum.skills import services as skills
from tests.factories import PASSWORD, Page

ROLES = ("anonymous", "resident", "young", "moderator", "staff", "admin")
SIGN_IN = "sign in"

# What each role gets from each page: 200, SIGN_IN (a redirect to the sign-in page), 403 or 404.
# The policy action is the question the page asks; its answer must agree with the outcome.
# None: a public page that asks no question before it answers (what it shows may still depend
# on one: see SHOWN_WHEN). "account.manage" is the signed-in rule, for pages that only ask that.
# "young" is under 16, with no guardian's consent; {minor} is 17 and not open to matches.
#  path                      action              anonymous resident young moderator staff admin
MATRIX = {
    "/account/":              ("account.manage", SIGN_IN, 200, 200, 200, 200, 200),
    "/account/profile":       ("account.manage", SIGN_IN, 200, 200, 200, 200, 200),
    "/account/password":      ("account.manage", SIGN_IN, 200, 200, 200, 200, 200),
    "/staff/":                ("staff.console",  SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/wards":           ("ward.manage",    SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/wards/{ward}/merge": ("ward.manage", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/users":           ("staff.console",  SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/users/{someone}": ("staff.console",  SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/audit":           ("audit.read",     SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/news/":           ("news.manage",    SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/news/new":        ("news.manage",    SIGN_IN, 403, 403, 403, 200, 200),
    "/u/{adult}":             ("profile.view",   200,     200, 200, 200, 200, 200),
    "/u/{minor}":             ("profile.view",   404,     200, 200, 200, 200, 200),
    "/moderation/":           ("moderation.queue", SIGN_IN, 403, 403, 200, 200, 200),
    "/moderation/cases/{case}": ("moderation.decide", SIGN_IN, 403, 403, 200, 200, 200),
    "/moderation/words":      ("moderation.watched_words", SIGN_IN, 403, 403, 200, 200, 200),
    "/moderation/appeals":    ("moderation.queue", SIGN_IN, 403, 403, 200, 200, 200),
    "/moderation/tension":    ("moderation.tension", SIGN_IN, 403, 403, 403, 200, 200),
    "/skills/":               (None,             200,     200, 200, 200, 200, 200),
    "/skills/profile":        ("account.manage", SIGN_IN, 200, 200, 200, 200, 200),
    "/skills/suggestions":    ("skills.take_part", SIGN_IN, 200, 200, 200, 200, 200),
    "/skills/matches/":       ("account.manage", SIGN_IN, 200, 200, 200, 200, 200),
    "/skills/listings/new":   ("account.manage", SIGN_IN, 200, 200, 200, 200, 200),
    "/skills/listings/{adult_listing}": ("listing.view", 200, 200, 200, 200, 200, 200),
    "/skills/listings/{minor_listing}": ("listing.view", 404, 404, 404, 404, 200, 200),
    # The young column: only verified mentors are matched with under-18s.
    "/skills/request/{adult}": ("match.request", SIGN_IN, 200, 403, 200, 200, 200),
    "/skills/request/{minor}": ("match.request", SIGN_IN, 403, 403, 403, 403, 403),
    "/staff/skills/":         ("skills.manage",  SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/skills/safeguarding": ("safeguarding.review", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/skills/young-matches": ("safeguarding.review", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/skills/cohorts":  ("cohort.manage",  SIGN_IN, 403, 403, 403, 200, 200),
    "/survey":                ("survey.answer",  SIGN_IN, 200, 200, 200, 200, 200),
    "/staff/cohesion":        ("cohesion.view",  SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/cohesion/survey-overall.csv": ("cohesion.view", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/cohesion/survey-by-ward.csv": ("cohesion.view", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/cohesion/survey-by-age.csv": ("cohesion.view", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/cohesion/activity.csv": ("cohesion.view", SIGN_IN, 403, 403, 403, 200, 200),
    "/staff/cohesion/tension.csv": ("cohesion.view", SIGN_IN, 403, 403, 403, 200, 200),
}

# Pages everyone may open whose content answers another question: {path: [(action, does the
# page show what a yes allows?)]}.
SHOWN_WHEN = {
    "/skills/": [
        ("skills.take_part", lambda page: page.find("a", href="/skills/listings/new") is not None),
        ("skills.ask_guardian", lambda page: page.find("section", id="guardian") is not None),
    ],
    "/skills/listings/new": [
        ("skills.take_part", lambda page: page.find("textarea", name="body") is not None),
    ],
}

# Who sees the whole of a profile rather than a young person's first name and ward.
FULL_PROFILE = {
    "/u/{adult}": dict.fromkeys(ROLES, True),
    "/u/{minor}": {"anonymous": False, "resident": False, "young": False, "moderator": False,
                   "staff": True, "admin": True},
}

ROLE_OPTIONS = {
    "resident": {},
    "young": {"age_band": "under_16"},
    "moderator": {"roles": ["moderator"]},
    "staff": {"roles": ["staff"]},
    "admin": {"roles": ["admin"]},
}


@pytest.fixture
def people(app, make_user):
    found = {
        "someone": make_user("someone"),
        "adult": make_user("grace", display_name="Grace Okafor", bio="Adult bio here."),
        "minor": make_user("ayaan", age_band="16_17", display_name="Ayaan Khan",
                           bio="Minor bio here."),
    }
    with app.app_context():
        # A skills listing by each of them (Ayaan keeps the private default: not suggested,
        # listings seen by staff only).
        for key, username in (("adult_listing", "grace"), ("minor_listing", "ayaan")):
            listing = skills.create_listing(
                db.session.execute(db.select(User).where(User.username == username))
                .scalar_one(), "offer", "Guitar for beginners", None, "beginner",
                ["mentoring"], "everyone", "")
            db.session.refresh(listing)
            _ = listing.author.mentor_checks, listing.author.role_grants
            db.session.expunge_all()
            found[key] = listing
    with app.app_context():
        # A report about someone's profile, waiting in the moderators' queue.
        case = Case(content_kind="user", content_id=found["someone"].id,
                    author_id=found["someone"].id, source="flags", labels=[], reasons=[])
        db.session.add(case)
        db.session.commit()
        db.session.refresh(case)
        db.session.expunge(case)
    found["case"] = case
    found["ward"] = found["someone"].ward  # everyone's ward, Riverside (addressed by slug)
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", MATRIX)
def test_route_role_matrix(app, client, make_user, people, path, role):
    action, *outcomes = MATRIX[path]
    expected = dict(zip(ROLES, outcomes, strict=True))[role]
    if role == "anonymous":
        viewer = AnonymousUserMixin()
    else:
        viewer = make_user(**ROLE_OPTIONS[role])
        assert client.post("/account/signin", data={
            "login": viewer.username, "password": PASSWORD}).status_code == 302
    shown_when = SHOWN_WHEN.get(path, ())
    target = None
    if "{" in path:
        key = path.split("{")[1].split("}")[0]
        target = people[key]
        path = path.format(**{key: getattr(target, "username", None)
                              or getattr(target, "slug", None) or target.id})

    response = client.get(path)

    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/account/signin?next=")
    else:
        assert response.status_code == expected
    with app.app_context():  # some rules look things up (a moderator's scope)
        if action is not None:
            assert can(viewer, action, target) is (expected == 200)
        for question, shows in shown_when:
            assert shows(Page(response)) is can(viewer, question, target), question

    if path.startswith("/u/") and expected == 200:
        full = FULL_PROFILE["/u/{" + key + "}"][role]
        assert can(viewer, "profile.view_full", target) is full
        assert ("bio here." in Page(response).main_text) is full


# --- the rules themselves --------------------------------------------------------------------


@pytest.fixture
def someone_of(make_user):
    def make(role):
        return AnonymousUserMixin() if role == "anonymous" else make_user(**ROLE_OPTIONS[role])

    return make


@pytest.mark.parametrize(("role", "may_grant"), [
    ("anonymous", set()),
    ("resident", set()),
    ("young", set()),
    ("moderator", set()),
    ("staff", {"moderator"}),
    ("admin", {"moderator", "staff", "admin"}),
])
def test_who_may_grant_which_role(someone_of, role, may_grant):
    actor = someone_of(role)
    assert {r for r in ("moderator", "staff", "admin") if can(actor, "role.grant", r)} == may_grant


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_nobody_records_a_mentor_check_for_a_minor_or_themselves(make_user, role):
    actor = make_user(roles=[role])
    assert can(actor, "mentor.record_check", make_user())
    assert not can(actor, "mentor.record_check", actor)
    assert not can(actor, "mentor.record_check", make_user(age_band="16_17"))
    assert not can(actor, "mentor.record_check", make_user(age_band="under_16"))
    assert not can(actor, "mentor.record_check", None)


@pytest.mark.parametrize("role", ["anonymous", "resident", "young", "moderator"])
def test_only_staff_record_mentor_checks(someone_of, make_user, role):
    assert not can(someone_of(role), "mentor.record_check", make_user())


def test_suspended_staff_lose_their_powers(make_user):
    suspended = make_user(roles=["staff", "admin"], state="suspended")
    for action, obj in [("staff.console", None), ("ward.manage", None), ("audit.read", None),
                        ("role.grant", "moderator"), ("mentor.record_check", make_user()),
                        ("account.manage", None)]:
        assert not can(suspended, action, obj), action


def test_private_details_are_for_the_person_and_staff(make_user, someone_of):
    person = make_user()
    assert can(person, "user.view_private", person)
    assert can(someone_of("staff"), "user.view_private", person)
    for role in ("anonymous", "resident", "moderator"):
        assert not can(someone_of(role), "user.view_private", person)


def test_only_the_person_edits_their_profile(make_user, someone_of):
    person = make_user()
    assert can(person, "profile.edit", person)
    for role in ("anonymous", "resident", "staff", "admin"):
        assert not can(someone_of(role), "profile.edit", person)


def test_deleted_profiles_are_seen_by_nobody(make_user, someone_of):
    gone = make_user(state="deleted")
    for role in ROLES:
        assert not can(someone_of(role), "profile.view", gone)


def test_unknown_action_is_an_error_not_a_yes():
    with pytest.raises(KeyError):
        can(AnonymousUserMixin(), "account.manages")


def test_matrix_asks_only_real_questions():
    assert {action for action, *_ in MATRIX.values()} - {None} <= set(RULES)
    assert {question for shown in SHOWN_WHEN.values() for question, _ in shown} <= set(RULES)
    assert set(SHOWN_WHEN) <= set(MATRIX)
