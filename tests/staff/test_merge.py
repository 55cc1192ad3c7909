"""Merging wards: everything in the old ward moves, and its old addresses lead on."""

import pytest
from sqlalchemy import func, select

from forum.accounts import services as accounts
from forum.accounts.models import User, Ward, WardAlias
from forum.boards import services as boards
from forum.boards.models import Board, BoardFollow, Topic
from forum.events.models import Event
from forum.extensions import db
from forum.moderation.models import Case, ModeratorScope
from tests.boards.factories import create_topic
from tests.events.factories import create_event
from tests.factories import Page, user_named
from tests.skills.factories import create_listing
from tests.staff.test_views import audit_rows


@pytest.fixture
def staff(make_user, login, client):
    user = make_user("jo.staff", roles=["staff"])
    login(user)
    for name in ("Eastbrook", "Millfield"):  # through the console, so each gets its board
        client.post("/staff/wards", data={"name": name})
    return user


def ward(slug):
    return db.session.execute(select(Ward).where(Ward.slug == slug)).scalar_one_or_none()


@pytest.fixture
def eastbrook(staff, make_user, run):
    """Eastbrook with two residents, a topic on its board, an event, a case waiting for staff,
    moderators scoped to it, and followers of its board (one follows Millfield's too)."""
    amina = make_user("amina", ward="Eastbrook")
    make_user("ravi", ward="Eastbrook")
    helen = make_user("helen", roles=["moderator"])
    tomasz = make_user("tomasz", roles=["moderator"])

    def build():
        east, mill = ward("eastbrook"), ward("millfield")
        east_board, mill_board = boards.get_ward_board(east.id), boards.get_ward_board(mill.id)
        topic = create_topic(user_named("amina"), east_board, title="Bins missed on Oak Road")
        create_event(user_named("amina"), ward_slug="eastbrook", title="Oak Road litter pick")
        create_listing(user_named("amina"), title="Bike repairs near Oak Road",
                       body="Bring your bike round and we'll fix it together.")
        db.session.add_all([
            Case(content_kind="topic", content_id=topic.id, author_id=amina.id,
                 board_id=east_board.id, ward_id=east.id, source="flags", labels=["threat"],
                 reasons=[], needs_staff=True),
            ModeratorScope(user_id=helen.id, ward_id=east.id),
            ModeratorScope(user_id=tomasz.id, ward_id=east.id),
            ModeratorScope(user_id=tomasz.id, ward_id=mill.id),
            BoardFollow(user_id=helen.id, board_id=east_board.id),
            BoardFollow(user_id=tomasz.id, board_id=east_board.id),
            BoardFollow(user_id=tomasz.id, board_id=mill_board.id),
        ])
        db.session.commit()

    run(build)


def merge(client, slug="eastbrook", into="millfield"):
    return client.post(f"/staff/wards/{slug}/merge", data={"into": into})


def test_the_merge_page_says_what_will_move(client, eastbrook):
    page = Page(client.get("/staff/wards/eastbrook/merge"))
    assert page.heading == "Merge Eastbrook into another ward"
    assert page.find("p", id="what-moves").text.startswith(
        "Merging moves 2 residents, 1 topic on its board, 1 event, 1 moderation case and 2 "
        "moderators' scopes from Eastbrook to the ward you choose.")
    options = [option.attrs["value"] for option in page.find("select", name="into")
               .find_all("option")]
    assert options == ["", "millfield", "riverside"]  # every other ward


def test_merging_moves_residents_topics_events_cases_scopes_and_followers(client, eastbrook,
                                                                          run):
    response = merge(client)
    assert response.headers["Location"] == "/staff/wards"
    page = Page(client.get("/staff/wards"))
    assert "Eastbrook merged into Millfield. Links to Eastbrook now lead there." in page.flashes
    assert "Eastbrook" not in page.find("table").text

    def check():
        mill = ward("millfield")
        assert ward("eastbrook") is None
        mill_board = boards.get_ward_board(mill.id)
        assert db.session.execute(select(func.count(Board.id)).where(
            Board.slug == "eastbrook")).scalar_one() == 0
        assert {user_named(name).ward_id for name in ("amina", "ravi")} == {mill.id}
        topic = db.session.execute(select(Topic)).scalar_one()
        assert topic.board_id == mill_board.id
        assert (mill_board.topic_count, mill_board.post_count) == (1, 1)
        assert db.session.execute(select(Event.ward_id)).scalar_one() == mill.id
        assert db.session.execute(select(Case.ward_id, Case.board_id)).one() == (
            mill.id, mill_board.id)
        scopes = db.session.execute(
            select(User.username, ModeratorScope.ward_id)
            .join(User, User.id == ModeratorScope.user_id).order_by(User.username)).all()
        assert scopes == [("helen", mill.id), ("tomasz", mill.id)]
        follows = db.session.execute(
            select(User.username, BoardFollow.board_id)
            .join(User, User.id == BoardFollow.user_id).order_by(User.username)).all()
        assert follows == [("helen", mill_board.id), ("tomasz", mill_board.id)]
        assert db.session.execute(select(WardAlias.slug, WardAlias.ward_id)).all() == [
            ("eastbrook", mill.id)]

    run(check)
    # The search index heard of the moves: the topic, the event and the skill listing (found
    # by its author's ward) are found in Millfield.
    for kind in ("topic", "event", "listing"):
        page = Page(client.get("/search", query_string={"q": "Oak Road", "ward": "millfield",
                                                        "kind": kind}))
        assert "1 result for “Oak Road”" in page.main_text, kind
    _, who, action, on, details = audit_rows(client)[0]
    assert (who, action) == ("jo.staff", "ward.merge")
    assert "Eastbrook merged into Millfield" in details
    assert '"residents": 2' in details and '"topics": 1' in details
    assert '"events": 1' in details and '"cases": 1' in details


def test_old_ward_addresses_redirect_for_good(client, eastbrook, new_client):
    merge(client)
    for old, new in [("/staff/wards/eastbrook", "/staff/wards/millfield"),
                     ("/staff/wards/eastbrook/merge", "/staff/wards/millfield/merge"),
                     ("/boards/eastbrook", "/boards/millfield"),
                     ("/boards/eastbrook?page=2", "/boards/millfield?page=2"),
                     ("/events/ward/eastbrook.ics", "/events/ward/millfield.ics")]:
        response = client.get(old)
        assert (response.status_code, response.headers["Location"]) == (301, new), old
    visitor = new_client()
    response = visitor.get("/boards/eastbrook", follow_redirects=True)
    assert "Bins missed on Oak Road" in Page(response).main_text
    assert client.get("/boards/nowhere").status_code == 404
    assert client.get("/staff/wards/nowhere").status_code == 404


def test_the_merged_ward_is_no_longer_offered_but_its_old_address_still_counts(
        client, eastbrook, run):
    merge(client)
    client.post("/account/signout")
    options = [option.attrs["value"] for option in
               Page(client.get("/account/signup")).find("select", name="ward").find_all("option")]
    assert "eastbrook" not in options and "millfield" in options

    def check():
        found, is_alias = accounts.resolve_ward("eastbrook")
        assert (found.slug, is_alias) == ("millfield", True)
        assert accounts.get_ward("millfield") is found
        assert accounts.resolve_ward("millfield") == (found, False)

    run(check)


def test_merging_into_itself_is_a_form_error(client, eastbrook, run):
    response = merge(client, into="eastbrook")
    assert response.status_code == 400
    page = Page(response)
    assert page.error_for("into") == "Choose another ward: Eastbrook can't be merged into itself."
    assert page.find("p", id="what-moves") is not None
    assert run(lambda: ward("eastbrook")) is not None
    assert [row[2] for row in audit_rows(client)] == ["ward.create", "ward.create"]


@pytest.mark.parametrize("into", ["", "atlantis"])
def test_merging_needs_a_ward_that_exists(client, staff, into, run):
    response = merge(client, into=into)
    assert response.status_code == 400
    assert Page(response).error_for("into") == "Choose the ward to merge into."
    assert run(lambda: ward("eastbrook")) is not None


def test_merges_chain_and_a_new_ward_may_take_an_old_name(client, staff, run):
    client.post("/staff/wards", data={"name": "Northgate"})
    merge(client, "eastbrook", "millfield")
    merge(client, "millfield", "northgate")
    response = client.get("/staff/wards/eastbrook")
    assert response.headers["Location"] == "/staff/wards/northgate"
    assert client.get("/boards/eastbrook").headers["Location"] == "/boards/northgate"
    # A ward made again under an old name takes its address back...
    client.post("/staff/wards", data={"name": "Eastbrook"})
    assert client.get("/staff/wards/eastbrook").status_code == 200
    # ...and can be merged away again.
    assert merge(client, "eastbrook", "northgate").status_code == 302
    assert run(lambda: sorted(db.session.execute(select(WardAlias.slug)).scalars())) == [
        "eastbrook", "millfield"]


def test_merging_a_ward_into_one_without_a_board_hands_it_the_board(client, staff, make_ward,
                                                                     run):
    make_ward("Hollins Park")  # made without the console, so it has no board
    merge(client, "eastbrook", "hollins-park")

    def check():
        board = boards.get_ward_board(ward("hollins-park").id)
        assert (board.slug, board.name) == ("eastbrook", "Hollins Park")

    run(check)


def test_residents_cannot_merge_wards(client, make_user, login, make_ward, run):
    make_ward("Eastbrook")
    make_ward("Millfield")
    login(make_user("amina"))
    assert merge(client).status_code == 403
    assert run(lambda: ward("eastbrook")) is not None
