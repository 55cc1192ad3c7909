"""The demo's survey answers draw every chart, with some wards too small to report."""

from forum.cohesion import demo, services, stats
from forum.cohesion.models import SurveyResponse
from forum.extensions import db
from tests.factories import Page, create_user, create_ward

WARDS = ("Riverside", "Northgate", "St Anne's", "Millfield", "Eastbrook", "Hollins Park")


def test_demo_answers_cover_four_quarters_and_show_suppression(app, client, login, make_user):
    with app.app_context():
        wards = [create_ward(name) for name in WARDS]
        people = {f"p{n}": create_user(f"p{n}", ward=ward) for n, ward in enumerate(wards)}
        demo.load(people)
        quarter = services.current_quarter()
        quarters = db.session.execute(
            db.select(SurveyResponse.quarter).distinct()).scalars().all()
        assert sorted(quarters) == sorted(services.shift_quarter(quarter, -back)
                                          for back in range(4))
        # The named residents answered last quarter, so this quarter's survey is open to them.
        assert not services.has_answered(people["p0"], quarter)
        assert services.has_answered(people["p0"], services.shift_quarter(quarter, -1))
        counts = stats.survey_counts([quarter])
        shares = stats.breakdown(counts, quarter, stats.ward_groups(counts, quarter, wards),
                                 "ward")["belong"]
        assert {share.label for share in shares if share.suppressed} == {
            "St Anne's", "Hollins Park"}
    login(make_user(roles=["staff"], ward="Riverside"))
    page = Page(client.get(f"/staff/cohesion?quarter={quarter}"))
    assert "too few to report" in page.main_text
