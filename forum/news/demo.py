"""Demo council news for `flask seed-demo`: what a borough's communications team publishes in
a winter fortnight, pinned announcements, one scheduled, one draft, one taken down; residents'
comments; and every demo resident following their home ward's news."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.news import services
from forum.news.models import NewsArticle, WardFollow

BINS = """Collections move over Christmas and New Year because of the bank holidays. Your
bins are emptied on these days instead:

- **Collections due Thursday 25 December** move to Saturday 27 December.
- **Collections due Friday 26 December** move to Monday 29 December.
- **Collections due Thursday 1 January** move to Saturday 3 January.

Every other collection is on its usual day. Put your bins out by 7am.

## Christmas trees

We collect real trees on your first garden-waste collection in January. Take off the
decorations and the pot, and cut trees taller than two metres in half. You can also take them
to the recycling centre on Canal Street for free.

## Extra recycling

Flatten boxes and put extra cardboard beside your blue bin in a box or bag: we'll take it."""

PARK = """We are planning improvements to Hollins Park and want to hear what you think before
anything is decided. There is money from the Community Infrastructure Levy for:

- a new play area for children under eight, by the Park Road gate;
- repairs to the bandstand and new lighting on the main paths;
- a wildflower meadow where the old bowling green was.

## How to have your say

Comment below, fill in the survey at the library, or come to the drop-in at the bandstand café
on Saturday morning, 10am to 1pm. Officers from the parks team will be there with the plans.

The consultation closes at the end of January. We'll publish what people told us, and what we
decided because of it."""

WARM = """When it is cold, nobody should have to sit at home without heating. These warm
spaces are open to everyone, free, with no need to book and no questions asked:

- **Northgate Library**: Monday to Saturday, 9am to 7pm. Hot drinks, wi-fi and phone charging.
- **St Mark's church hall, Riverside**: Tuesday and Saturday, 10am to 3pm, with a hot lunch.
- **Eastbrook Community Centre**: every weekday, 10am to 4pm. Children's corner.
- **Millfield Community Centre**: Wednesday and Friday, 11am to 4pm.

If you are worried about paying for heating, call the council's Cost of Living helpline on
0161 496 0000 (Monday to Friday, 9am to 5pm): we can help with the Household Support Fund,
energy grants and benefits checks.

If you know someone who lives alone, knock on their door."""

ROADWORKS = """Mill Lane is closed between Canal Street and Riverside Road from Monday for
about three weeks while United Utilities replace a water main.

- Buses 42 and 43 are diverted along Riverside Road; the Mill Lane stops are not served.
- People walking can use the path on the south side at all times.
- Residents of Mill Lane can reach their homes from the Canal Street end.
- St Mark's church hall stays open; use the side entrance.

Questions about the works: United Utilities on 0345 672 3723, quoting job RV-2291."""

COHESION = """Riverside, Northgate, St Anne's, Millfield, Eastbrook and Hollins Park are home to
people from more than 80 countries, of every faith and none. What we share is bigger than what
divides us.

This winter the council, the police, faith groups and residents' associations are signing a
pledge:

1. We will not stay silent about hate. Report it on Common Ground, to the police on 101, or
   in an emergency on 999.
2. We will get to know our neighbours: every ward will hold a meeting open to everyone.
3. We will support people targeted because of who they are.

## Ward meetings

Each ward holds an open meeting in the new year, with tea and cake. Dates will be on the events
calendar."""

JABS = """Free flu vaccinations for everyone aged 65 and over, people with long-term health
conditions, pregnant women and carers. Drop in to Northgate Library any Thursday in December,
10am to 4pm; no appointment needed. Bring your NHS number if you have it."""

YOUTH = """We are looking for young people aged 13 to 17 to join the steering group for next
summer's youth programme: choosing the activities, planning the trips and spending part of the
budget. Meetings are once a month after school, with food and travel paid."""

MARKET = """From the new year Millfield market opens on Saturdays as well as Wednesdays and
Fridays, 9am to 4pm, with new food stalls and a craft market on the first Saturday of each
month."""

# key, author, title, summary, body, category, wards (None: borough-wide), published days ago
ARTICLES = (
    ("bins", "jo.staff", "Bin collections over Christmas and New Year",
     "Some collections move by a day or two over the bank holidays; real Christmas trees are "
     "collected in January.", BINS, "bins", None, 4),
    ("park", "jo.staff", "Have your say: the future of Hollins Park",
     "A new play area, bandstand repairs and a wildflower meadow: tell us what you think "
     "before the end of January.", PARK, "consultations", ["hollins-park", "eastbrook"], 6),
    ("warm", "council", "Cold weather: warm spaces open across the borough",
     "Free, warm places to spend the day, with hot drinks and no need to book, and help if you "
     "are worried about heating bills.", WARM, "announcement", None, 1),
    ("roadworks", "jo.staff", "Mill Lane closed for three weeks for water main works",
     "Mill Lane is closed between Canal Street and Riverside Road; buses 42 and 43 are "
     "diverted.", ROADWORKS, "roads", ["riverside"], 2),
    ("cohesion", "jo.staff", "Standing together: our community pledge",
     "The council, police, faith groups and residents' associations sign a pledge against "
     "hate, with an open meeting in every ward.", COHESION, "cohesion", None, 9),
    ("jabs", "jo.staff", "Free flu jabs at Northgate Library",
     "Drop in any Thursday in December for a free flu vaccination; no appointment needed.",
     JABS, "health", ["northgate"], None),
    ("youth", "jo.staff", "Join the youth programme steering group",
     "Young people aged 13 to 17 can help plan next summer's youth programme and spend part of "
     "its budget.", YOUTH, "young_people", None, None),
    ("market", "council", "Millfield market opens on Saturdays",
     "From the new year the market opens three days a week, with a craft market once a "
     "month.", MARKET, "culture", ["millfield"], 3),
)

COMMENTS = (
    ("bins", "grace", "Thank you for putting the dates up early. Will the recycling centre be "
                      "open on Boxing Day?"),
    ("bins", "david", "Tree collection is a great idea; ours was blocking the hall every year."),
    ("park", "mark.t", "Please keep the bandstand café: it's the only place to sit down with a "
                       "pushchair."),
    ("park", "bridget", "Lighting on the main path would make a real difference in winter. My "
                        "kids walk home that way from Eastbrook Primary."),
    ("park", "david", "The wildflower meadow gets my vote, as long as there are still benches."),
    ("warm", "helen", "Eastbrook Library volunteers will have board games out on Thursdays too."),
)


def _zone():
    return ZoneInfo(current_app.config["TIMEZONE"])


def _local(days_from_today, hour):
    """A London day and hour, as naive UTC."""
    today = utcnow().replace(tzinfo=UTC).astimezone(_zone()).date()
    moment = datetime.combine(today + timedelta(days=days_from_today), time(hour),
                              tzinfo=_zone())
    return moment.astimezone(UTC).replace(tzinfo=None)


def follow_home_wards(people):
    """Everyone in `people` follows their home ward's news (as signing up does); idempotent."""
    following = {tuple(row) for row in db.session.execute(
        select(WardFollow.user_id, WardFollow.ward_id))}
    for user in people.values():
        if user.ward_id is not None and (user.id, user.ward_id) not in following:
            db.session.add(WardFollow(user_id=user.id, ward_id=user.ward_id))
    db.session.commit()


def seed_news(people):
    """Add the demo news; `people` maps usernames to the demo's Users. Adds nothing twice."""
    follow_home_wards(people)
    if db.session.execute(select(NewsArticle.id).limit(1)).first() is not None:
        return
    from forum.accounts.services import get_ward

    made = {}
    for key, author, title, summary, body, category, wards, days_ago in ARTICLES:
        made[key] = article = services.save_article(
            people[author], title=title, summary=summary, body=body, category=category,
            borough_wide=wards is None, wards=[get_ward(slug) for slug in wards or ()])
        if days_ago is not None:
            # Published at 9am London time that day (followers were told then).
            services.publish(people[author], article, now=_local(-days_ago, 9))
    staff, council = people["jo.staff"], people["council"]
    services.publish(staff, made["jabs"], publish_at=_local(7, 9))  # next week
    services.unpublish(council, made["market"], "The traders' association hasn't agreed the "
                                                "Saturday dates yet.")
    services.set_pinned(council, made["warm"], True, until=_local(29, 0))
    services.set_pinned(staff, made["roadworks"], True, until=_local(22, 0))
    services.save_article(
        staff, made["cohesion"], title=made["cohesion"].title,
        summary=made["cohesion"].summary,
        body=COHESION.replace("Dates will be on the events\ncalendar.",
                              "Dates are on the events calendar, and every ward's board."),
        category="cohesion", update_note="Ward meetings are now on the events calendar.")
    for key, username, text in COMMENTS:
        services.add_comment(people[username], made[key], text)
