"""The console's front page, and the audit trail every staff action leaves."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import MentorCheck
from forum.core.audit import AuditEntry
from forum.events import services as events
from forum.extensions import db
from forum.moderation.models import Case
from forum.news import services as news
from forum.skills import cohorts
from tests.events.factories import create_event, create_series
from tests.factories import Page, sql_statements, user_named
from tests.staff.test_views import audit_rows


@pytest.fixture
def staff(make_user, login):
    user = make_user("jo.staff", roles=["staff"])
    login(user)
    return user


def add_case(run, author, needs_staff=True, state="open", labels=("threat",)):
    def add():
        case = Case(content_kind="user", content_id=author.id, author_id=author.id,
                    source="flags", labels=list(labels), reasons=[], needs_staff=needs_staff,
                    state=state)
        db.session.add(case)
        db.session.commit()
        return case.id

    return run(add)


def add_check(run, username, expires_in, revoked=False):
    def add():
        db.session.add(MentorCheck(
            user_id=user_named(username).id, reference=f"00{expires_in:010d}",
            checked_on=date.today() - timedelta(days=1000),
            expires_on=date.today() + timedelta(days=expires_in),
            revoked_at=db.func.now() if revoked else None))
        db.session.commit()

    run(add)


def test_the_console_lists_cases_escalated_to_staff_oldest_first(client, staff, make_user, run):
    ravi = make_user("ravi")
    first = add_case(run, ravi, labels=("threat",))
    second = add_case(run, ravi, labels=("illegal",))
    add_case(run, ravi, needs_staff=False)            # the volunteers' queue
    add_case(run, ravi, state="decided")              # already dealt with
    page = Page(client.get("/staff/"))
    assert "2 cases are waiting for staff" in page.main_text
    links = [row.find("a") for row in page.find("table", id="escalated-cases")
             .find("tbody").find_all("tr")]
    assert [link.attrs["href"] for link in links] == [f"/moderation/cases/{first}",
                                                      f"/moderation/cases/{second}"]
    assert links[0].text == f"Case {first}: a user by ravi"
    assert client.get(links[0].attrs["href"]).status_code == 200


def test_the_console_says_when_nothing_waits(client, staff):
    page = Page(client.get("/staff/"))
    assert "No cases are waiting for staff." in page.main_text
    assert page.find("table", id="escalated-cases") is None
    assert "No verified mentor's check runs out in the next 30 days." in page.main_text


def test_the_console_lists_mentor_checks_running_out_soon(client, staff, make_user, run):
    for username in ("amina", "tomasz", "helen", "ravi"):
        make_user(username)
    add_check(run, "amina", 10)
    add_check(run, "tomasz", 5)
    add_check(run, "helen", 10)
    add_check(run, "helen", 900)        # renewed: nothing to chase
    add_check(run, "ravi", 90)          # not yet
    add_check(run, "ravi", 3, revoked=True)
    items = Page(client.get("/staff/")).find("ul", id="expiring-checks").find_all("li")
    assert [item.find("a").attrs["href"] for item in items] == [
        "/staff/users/tomasz", "/staff/users/amina"]


def test_the_console_lists_upcoming_official_events(client, staff, run):
    def publish():
        create_event(user_named("jo.staff"), official=True, title="Budget consultation")
        create_event(user_named("jo.staff"), title="Staff five-a-side")

    run(publish)
    page = Page(client.get("/staff/"))
    titles = [item.find("a").text for item in page.find("ul", id="official-events")
              .find_all("li")]
    assert titles == ["Budget consultation"]
    assert page.find("a", href="/events/new") is not None


def test_the_console_links_to_the_news_desk_with_what_is_waiting(app, client, staff):
    with app.app_context():
        editor = user_named(staff.username)
        for title in ("Christmas bin collections", "Warm spaces are open"):
            news.save_article(editor, title=title, summary="What changes, and when.",
                              body="The details of what changes over the holidays.",
                              category="bins")
    page = Page(client.get("/staff/"))
    section = page.find("h2", id="news-heading").parent
    assert section.find("a", href="/staff/news/") is not None
    assert "0 published, 0 scheduled, 2 drafts." in " ".join(section.text.split())


def test_the_console_shows_how_big_each_part_is(client, staff, make_user, make_ward):
    make_ward("Eastbrook")
    make_user("ravi", state="suspended", state_reason="Abuse.")
    page = Page(client.get("/staff/"))
    assert "2 accounts, 1 suspended" in page.main_text
    assert page.find("a", href="/staff/users?state=suspended") is not None
    assert "2 wards." in page.main_text


def test_the_console_runs_the_same_queries_however_much_is_waiting(app, client, staff,
                                                                    make_user, run):
    add_case(run, make_user("zed"))
    make_user("ravi")
    add_check(run, "ravi", 10)
    client.post("/staff/wards", data={"name": "Eastbrook"})
    few = len(sql_statements(app, client, "/staff/"))
    for number in range(4):
        add_case(run, make_user(f"author{number}"))
        make_user(f"mentor{number}")
        add_check(run, f"mentor{number}", 5)
        client.post("/staff/wards", data={"name": f"Ward {number}"})
    assert len(sql_statements(app, client, "/staff/")) == few


# --- every staff action is audited ------------------------------------------------------------


def test_suspending_reinstating_and_merging_appear_in_the_audit_log(client, staff, make_user):
    make_user("ravi")
    client.post("/staff/wards", data={"name": "Eastbrook"})
    client.post("/staff/wards", data={"name": "Millfield"})
    client.post("/staff/users/ravi/suspend", data={"reason": "Abusive messages.", "days": "3"})
    client.post("/staff/users/ravi/reinstate", data={"reinstate-reason": "Appeal upheld."})
    client.post("/staff/wards/eastbrook/merge", data={"into": "millfield"})
    rows = audit_rows(client)
    assert [row[2] for row in rows] == ["ward.merge", "user.reinstate", "user.suspend",
                                        "ward.create", "ward.create"]
    assert {row[1] for row in rows} == {"jo.staff"}
    page = Page(client.get("/staff/"))
    assert [item.find("code").text for item in page.find("ul", id="recent-audit")
            .find_all("li")] == ["ward.merge", "user.reinstate", "user.suspend", "ward.create",
                                 "ward.create"]


def actions(*where):
    return db.session.execute(select(AuditEntry.action).where(*where)
                              .order_by(AuditEntry.id)).scalars().all()


def test_cohort_membership_changes_are_audited(ctx, make_user):
    staff = make_user("jo", roles=["staff"])
    make_user("tia", age_band="16_17")
    cohort = cohorts.create_cohort(staff, "Spring mentoring")
    cohorts.add_member(staff, cohort, "tia", "young")
    member = cohort.members[0]
    cohorts.remove_member(staff, cohort, member.id)
    assert actions() == ["cohort.created", "cohort.member_added", "cohort.member_removed"]


def test_staff_changes_to_a_residents_event_and_to_official_ones_are_audited(ctx, make_user):
    staff = make_user("jo", roles=["staff"])
    organiser = make_user("olu")
    series = create_series(organiser)
    first, second = (occurrence.original_start
                     for occurrence in events.next_occurrences(series, limit=2))
    events.skip_occurrence(staff, series, first, note="Hall booked for the election.")
    events.skip_occurrence(organiser, series, second)  # the organiser's own: not audited
    official = create_event(staff, official=True, title="Budget consultation")
    events.cancel_event(staff, official, "The consultation moved online.")
    assert actions() == ["event.skip_date", "event.official_published", "event.cancel"]
