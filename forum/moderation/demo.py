"""Demo moderation work for `flask seed-demo`: watched words and a few cases in the queue."""

from forum.boards import services as boards
from forum.boards.models import Topic
from forum.extensions import db
from forum.moderation import services
from forum.moderation.services import NeedsReconsideration

WATCHED = (
    ("invaders", "hold", "", "Used about refugees and migrants in recent leafleting."),
    ("cheap viagra", "block", "", "Spam wave, March."),
    ("bloody", "replace", "flipping", "Youth voice board asked to keep it mild."),
)


def _post_anyway(author, topic, text):
    try:
        return boards.reply_to_topic(author, topic, text)
    except NeedsReconsideration as prompt:
        return boards.reply_to_topic(author, topic, text, nudge_id=prompt.nudge.id)


def load(people):
    """A held post, a flagged one and a decided case with an appeal, so the queue is real."""
    moderator = people["ravi"]
    for pattern, action, replacement, note in WATCHED:
        services.add_watched_word(moderator, pattern, action, replacement, note)
    consultation = db.session.execute(
        db.select(Topic).where(Topic.title.like("Consultation:%"))).scalar_one()
    _post_anyway(people["mark.t"], consultation,
                 "Fine, but keep the market for locals. Those Romanians on Mill Lane are vermin "
                 "and should be sent back.")
    rude = boards.reply_to_topic(people["david"], consultation,
                                 "Nobody reads these consultations anyway. Waste of money.")
    services.flag_content(people["grace"], "post", rude.id, "harassment",
                          "Feels like a dig at the staff who run it.")
    cafe = db.session.execute(
        db.select(Topic).where(Topic.title.like("Saturday café%"))).scalar_one()
    spam = boards.reply_to_topic(people["fatima"], cafe,
                                 "Visit my shop for 50% off phone cases, link in my profile!")
    case, _ = services.flag_content(people["grace"], "post", spam.id, "spam")
    decision = services.decide(people["helen"], case, "remove", "spam",
                               "Advertising isn't allowed on the boards.")
    services.make_appeal(people["fatima"], decision,
                         "It was a genuine offer for neighbours, not spam. I'm local.")
