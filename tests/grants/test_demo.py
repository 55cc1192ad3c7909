"""The grants demo loads on the demo neighbourhood and shows every state it promises."""

from forum import demo
from forum.accounts.models import User
from forum.extensions import db
from forum.grants import demo as grants_demo
from forum.grants import services


def test_the_demo_has_applications_in_every_state_a_live_vote_and_published_results(ctx):
    demo.load(ctx)
    users = {user.username: user for user in db.session.execute(db.select(User)).scalars()}
    funds = grants_demo.load(users)
    states = {item.project.title: item.state for item in services.applications(funds["grants"])}
    assert states == {"Riverside repair café": "funded", "Eastbrook stories": "submitted",
                      "Chess in Hollins Park": "changes"}
    now = services.utcnow()
    assert services.voting_state(funds["vote"], now) == "open"
    assert services.ballot_count(funds["vote"]) == 6
    assert len(services.ballot_applications(funds["vote"])) == 4
    assert services.voting_state(funds["winter"], now) == "published"
    assert [item.votes for item in services.results(funds["winter"])] == [3, 3, 2]
