"""The survey page, and the staff dashboard and its CSV downloads."""

import csv
import io
from datetime import timedelta

import pytest

from forum.accounts.models import utcnow
from forum.boards.models import Board, Post, Topic
from forum.cohesion import services
from forum.cohesion.stats import MIN_REPORTABLE
from forum.events.models import Event
from forum.extensions import db
from tests.factories import Page, create_user, create_ward, sql_statements

FIGURES = ("survey-overall", "survey-by-ward", "survey-by-age", "activity", "tension")
STAFF_URLS = ["/staff/cohesion", *(f"/staff/cohesion/{name}.csv" for name in FIGURES)]


def _quarter(app):
    with app.app_context():
        return services.current_quarter()


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.text)))


# --- the survey -----------------------------------------------------------------------------


def test_survey_asks_four_questions_in_fieldsets(client, make_user, login):
    login(make_user())
    page = Page(client.get("/survey"))
    legends = [legend.text for legend in page.find_all("legend")]
    assert len(legends) == 4 and legends[1] == "I feel I belong to my neighbourhood."
    assert page.find("input", type="radio", name="get_on", value="4") is not None
    assert page.find("label", for_="get_on-0").text == "Definitely agree"


def test_answering_then_coming_back_says_when_it_opens_again(app, client, make_user, login):
    login(make_user())
    response = client.post("/survey", data={"get_on": "4", "belong": "", "influence": "0",
                                            "volunteered": "yes"})
    assert response.status_code == 302
    page = Page(client.get("/survey"))
    assert "Thanks — you can answer again from" in page.main_text
    assert page.find("form", action="/survey") is None
    again = client.post("/survey", data={"get_on": "1"}, follow_redirects=True)
    assert "You've already answered this quarter." in Page(again).flashes
    with app.app_context():
        assert db.session.execute(db.text("select count(*) from survey_responses")).scalar() == 1


def test_an_answer_off_the_scale_is_shown_beside_the_question(client, make_user, login):
    login(make_user())
    response = client.post("/survey", data={"get_on": "9"})
    assert response.status_code == 400
    assert Page(response).error_for("get_on") == "Not a valid choice."


def test_sending_nothing_asks_for_one_answer(client, make_user, login):
    login(make_user())
    response = client.post("/survey", data={"get_on": ""})
    assert response.status_code == 400
    assert Page(response).summary_errors == [
        "Answer at least one question, or come back another time."]


def test_visitors_are_asked_to_sign_in(client):
    response = client.get("/survey")
    assert response.status_code == 302 and "/account/signin" in response.headers["Location"]


def test_the_account_page_links_to_the_survey(client, make_user, login):
    login(make_user())
    assert Page(client.get("/account/")).find("a", href="/survey") is not None


# --- who may see the dashboard -----------------------------------------------------------------


@pytest.mark.parametrize("url", STAFF_URLS)
def test_dashboard_and_downloads_are_for_staff_only(app, new_client, make_user, url):
    assert new_client().get(url).headers["Location"].startswith("/account/signin?next=")
    for roles, status in (([], 403), (["moderator"], 403), (["staff"], 200)):
        browser = new_client()
        person = make_user(roles=roles)
        browser.post("/account/signin", data={"login": person.username,
                                               "password": "correct horse battery"})
        assert browser.get(url).status_code == status, roles


# --- the dashboard -----------------------------------------------------------------------------


@pytest.fixture
def staff(client, make_user, login):
    login(make_user(roles=["staff"]))
    return client


def test_nine_answers_are_too_few_and_ten_are_shown(app, staff, make_ward, add_answers):
    quarter = _quarter(app)
    nine, ten, three = make_ward("Nine"), make_ward("Ten"), make_ward("Three")
    add_answers(MIN_REPORTABLE - 1, quarter, nine, belong=4)
    add_answers(MIN_REPORTABLE, quarter, ten, belong=4)
    add_answers(3, quarter, three, belong=4)
    page = Page(staff.get(f"/staff/cohesion?quarter={quarter}"))
    table = next(table for table in page.find_all("table")
                 if table.find("caption").text.startswith("Feel they belong to their "
                                                          "neighbourhood, by ward"))
    rows = {row.find("th").text: row.text for row in table.find("tbody").find_all("tr")}
    assert "too few to report" in rows["Nine"]
    assert "too few to report" in rows["Three"]
    assert rows["Ten"] == "Ten 100% 72% to 100% 10"

    by_ward = {row["group"]: row for row in _csv(staff.get(
        f"/staff/cohesion/survey-by-ward.csv?quarter={quarter}")) if row["indicator"] == "belong"}
    assert by_ward["Nine"]["share_percent"] == "" and by_ward["Nine"]["answered"] == ""
    assert by_ward["Nine"]["note"] == "suppressed: too few to report"
    assert by_ward["Ten"]["answered"] == "10" and by_ward["Ten"]["share_percent"] == "100.0"


def test_at_a_glance_shows_the_ward_and_its_trend(app, staff, make_ward, add_answers):
    quarter = _quarter(app)
    before = services.shift_quarter(quarter, -1)
    ward = make_ward("Eastbrook")
    add_answers(20, before, ward, get_on=4)
    add_answers(20, before, ward, get_on=1)
    add_answers(30, quarter, ward, get_on=4)
    add_answers(10, quarter, ward, get_on=1)
    page = Page(staff.get(f"/staff/cohesion?quarter={quarter}&ward=eastbrook"))
    assert page.find("h2", id="glance-heading").text == f"At a glance: Eastbrook, {quarter}"
    first = page.find("table", id="glance").find("tbody").find("tr")
    assert "75%" in first.text and "Up 25 percentage points" in first.text


def test_a_quarter_that_is_not_offered_is_an_error_beside_the_field(staff):
    response = staff.get("/staff/cohesion?quarter=1999-Q9")
    assert response.status_code == 400
    assert Page(response).error_for("quarter") == "Not a valid choice."
    assert staff.get("/staff/cohesion/survey-by-ward.csv?quarter=nope").status_code == 400


def test_unknown_figure_is_not_found(staff):
    assert staff.get("/staff/cohesion/secrets.csv").status_code == 404


def test_csv_download_names_itself_and_escapes_formulas(app, staff, make_ward, add_answers):
    quarter = _quarter(app)
    formula, minus = make_ward("=HYPERLINK(\"http://evil\")"), make_ward("-2+3")
    add_answers(12, quarter, formula, get_on=4)
    add_answers(12, quarter, minus, get_on=3)
    response = staff.get(f"/staff/cohesion/survey-by-ward.csv?quarter={quarter}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cohesion-survey-by-ward-{quarter}.csv"')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["quarter", "group", "indicator"]
    groups = {row[1] for row in rows[1:]}
    assert "'=HYPERLINK(\"http://evil\")" in groups and "'-2+3" in groups
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_every_chart_is_a_described_image_and_escapes_ward_names(app, staff, make_ward,
                                                                  add_answers):
    quarter = _quarter(app)
    ward = make_ward("<script>alert(1)</script>")
    add_answers(12, quarter, ward, get_on=4)
    response = staff.get(f"/staff/cohesion?quarter={quarter}")
    assert "<script>alert(1)</script>" not in response.text
    page = Page(response)
    charts = page.find_all("svg")
    assert len(charts) == 1 + 4 + 4 + 1 + 1  # overall, by ward, by age, activity, tension
    for chart in charts:
        assert chart.attrs["role"] == "img"
        title_id, desc_id = chart.attrs["aria-labelledby"].split()
        assert chart.find("title", id=title_id).text and chart.find("desc", id=desc_id).text
    assert "<script>alert(1)</script>" in page.main_text  # shown as text, in tables and charts
    for table in page.find("main").find_all("table"):
        assert table.find("caption") is not None
        assert all("scope" in th.attrs for th in table.find_all("th"))
    assert len(page.find_all("h1")) == 1


def _busy_wards(app, count, quarter, add_answers):
    """`count` more wards, each with a member, a post, an event held and survey answers."""
    with app.app_context():
        for _ in range(count):
            ward = create_ward()
            person = create_user(ward=ward)
            board = Board(slug=f"b-{ward.slug}", name=ward.name, ward_id=ward.id)
            db.session.add(board)
            db.session.flush()
            topic = Topic(board_id=board.id, author_id=person.id, title="Hello")
            db.session.add(topic)
            db.session.flush()
            db.session.add(Post(topic_id=topic.id, author_id=person.id, number=1,
                                body_source="x", body_html="x", body_text="x"))
            start = utcnow() - timedelta(hours=3)
            db.session.add(Event(uid=f"e-{ward.slug}", title="Fair", starts_at=start,
                                 ends_at=start + timedelta(hours=1), ward_id=ward.id))
            db.session.commit()
            add_answers(11, quarter, ward.id, get_on=4)


def test_dashboard_queries_do_not_grow_with_wards(app, staff, add_answers):
    quarter = _quarter(app)
    url = f"/staff/cohesion?quarter={quarter}"
    _busy_wards(app, 2, quarter, add_answers)
    few = len(sql_statements(app, staff, url))
    _busy_wards(app, 5, quarter, add_answers)
    many = len(sql_statements(app, staff, url))
    assert many == few
    csv_few = len(sql_statements(app, staff, "/staff/cohesion/activity.csv"))
    _busy_wards(app, 3, quarter, add_answers)
    assert len(sql_statements(app, staff, "/staff/cohesion/activity.csv")) == csv_few
