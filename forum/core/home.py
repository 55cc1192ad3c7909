"""What the home page shows: "what matters now" for the person looking, or for a visitor.

`home_for(user)` gathers it with a fixed number of queries, however much there is: council
announcements and news, the next events, the liveliest topics and new skill offers, the
person's own ward first or marked. Only what everyone may see is gathered (DESIGN §3): no
held or removed content, even the person's own or for a moderator (their own pages show that),
and skill offers only as the safeguarding rules allow (DESIGN §5).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.core.policy import signed_in
from forum.events import recurrence
from forum.events import services as events
from forum.news import services as news
from forum.skills import services as skills

NEWS_SHOWN = 5
EVENTS_SHOWN = 5
EVENT_DAYS = 14
TOPICS_SHOWN = 6
# Of the topics shown, at most this many are picked because they are on the person's ward
# board; the rest are simply the most recently active anywhere.
WARD_TOPICS = 3
OFFERS_SHOWN = 4


@dataclass(frozen=True)
class UpcomingEvent:
    occurrence: object          # events.recurrence.Occurrence
    in_ward: bool               # in the viewer's ward
    on: str | None              # the date parameter of a series' occurrence page
    starts_local: object        # aware, in the council's time zone
    when: str                   # "Tuesday 1 December, 18:00" or "…, all day"

    @property
    def event(self):
        return self.occurrence.event


@dataclass(frozen=True)
class ActiveTopic:
    topic: object
    in_ward: bool               # on the viewer's ward board


@dataclass(frozen=True)
class Offer:
    listing: object
    nearness: str               # "ward", "near" or ""


@dataclass
class Home:
    signed_in: bool
    ward: object = None         # the viewer's ward, if they have one
    ward_board: object = None
    pinned: list = field(default_factory=list)
    news: list = field(default_factory=list)
    events: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    offers: list = field(default_factory=list)


def home_for(user):
    """Everything the home page shows to `user` (maybe anonymous)."""
    member = signed_in(user)
    ward = user.ward if member else None
    ward_board = boards.get_ward_board(ward.id) if ward is not None else None
    return Home(
        signed_in=member,
        ward=ward,
        ward_board=ward_board,
        pinned=news.list_pinned(ward),
        news=news.list_news(ward, per_page=NEWS_SHOWN, unpinned=True).items,
        events=_upcoming_events(ward, young=member and user.is_minor),
        topics=_active_topics(ward_board),
        offers=[Offer(listing, nearness)
                for listing, nearness in skills.list_offers_near(user, OFFERS_SHOWN)],
    )


def _upcoming_events(ward, young=False):
    """The next few occurrences, those in `ward` picked first, shown in time order."""
    now = utcnow()
    # A young person is shown what they may go to: adults-only events are left out.
    found = events.list_public_occurrences(now, now + timedelta(days=EVENT_DAYS),
                                           events.Filters(under_18=young))

    def in_ward(occurrence):
        return ward is not None and occurrence.event.ward_id == ward.id

    picked = sorted(found, key=lambda occurrence: not in_ward(occurrence))[:EVENTS_SHOWN]
    picked.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.event.id))
    return [_upcoming(occurrence, in_ward(occurrence)) for occurrence in picked]


def _upcoming(occurrence, in_ward):
    starts = recurrence.to_local(occurrence.starts_at, events.zone())
    day = f"{starts:%A} {starts.day} {starts:%B}"
    return UpcomingEvent(
        occurrence, in_ward,
        on=events.occurrence_param(occurrence.original_start)
        if occurrence.event.is_recurring else None,
        starts_local=starts,
        when=f"{day}, all day" if occurrence.event.all_day else f"{day}, {starts:%H:%M}",
    )


def _active_topics(ward_board):
    """The most recently active topics, a few from the ward board among them, newest first."""
    local = boards.list_active_topics(WARD_TOPICS, board=ward_board) \
        if ward_board is not None else []
    anywhere = boards.list_active_topics(TOPICS_SHOWN)
    picked = {topic.id: topic for topic in local}
    for topic in anywhere:
        if len(picked) >= TOPICS_SHOWN:
            break
        picked.setdefault(topic.id, topic)
    ordered = sorted(picked.values(), key=lambda topic: (topic.last_activity_at, topic.id),
                     reverse=True)
    return [ActiveTopic(topic, ward_board is not None and topic.board_id == ward_board.id)
            for topic in ordered]
