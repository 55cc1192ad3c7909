"""Demo community projects for `flask seed-demo`: one in every stage across the wards, with
their groups (young people among them), action plans (done, overdue and upcoming tasks), logs,
a linked event and a conversation on one group's board."""

from datetime import timedelta

from sqlalchemy import select

from forum.boards import services as boards
from forum.events import services as events
from forum.events.models import Event
from forum.extensions import db
from forum.projects import services

# name: (lead, title, ward, audiences, in their words, what and why, members)
PROJECTS = {
    "fridge": ("grace", "Riverside community fridge", "Riverside",
               ["neighbours", "families", "cultures"], "The café regulars and the food bank",
               "A fridge in St Mark's hall where shops and neighbours leave food that would "
               "otherwise be thrown away, and anyone can take what they need.\n\n"
               "- No forms, no questions\n- Volunteers check dates every day\n"
               "- Recipes in the languages people speak here",
               ["owen", "noah", "ayaan", "ravi"]),
    "tools": ("bridget", "Eastbrook tool library", "Eastbrook",
              ["neighbours", "older_people", "young_people"], "",
              "Lend drills, ladders, sewing machines and garden tools from the community "
              "centre, and run Saturday sessions where retired trades teach people to use "
              "them. Fewer things bought, more neighbours met.",
              ["sean", "jamal", "helen"]),
    "cookbook": ("amina", "St Anne's kitchen stories: a shared cookbook", "St Anne's",
                 ["faiths", "cultures", "young_people"], "",
                 "Families of every faith share a recipe and the story behind it: iftar, "
                 "Diwali sweets, Christmas dinner, Sunday roast. Young people photograph and "
                 "lay out the book; we launch it at a shared meal.",
                 ["fatima", "zara"]),
    "language_cafe": ("priya", "Northgate language café", "Northgate",
                      ["newcomers", "cultures"], "People learning English and people happy "
                      "to chat",
                      "A weekly hour in the library where newcomers practise English with "
                      "neighbours over tea, and neighbours pick up a few words of Polish, "
                      "Urdu or Twi in return.",
                      ["kofi"]),
    "five_a_side": ("sean", "Eastbrook five-a-side for all ages", "Eastbrook",
                    ["young_people", "older_people"], "Walking footballers and the youth club",
                    "Turn the walking football session into a monthly mixed match: over-50s "
                    "and teenagers on the same teams, with a cup of tea after.",
                    ["jamal", "noah"]),
    "memory_garden": ("david", "Hollins Park memory garden", "Hollins Park",
                      ["older_people", "faiths", "neighbours"], "",
                      "Plant a quiet garden by the bandstand where people of any faith or "
                      "none can remember someone they've lost. Benches, bulbs and a wall "
                      "of hand-painted tiles.",
                      ["mark.t", "ella"]),
    "murals": ("tomasz", "Millfield market murals", "Millfield",
               ["young_people", "neighbours"], "Market traders and young artists",
               "Young people design and paint murals on the shutters of Millfield market, "
               "with the traders choosing the themes.",
               ["mia", "gordon"]),
}


def load(people):
    """Add the demo projects; `people` maps usernames to the demo's Users. Return the projects
    by name (the keys of PROJECTS), for the grants demo."""
    wards = {user.ward.name: user.ward for user in people.values() if user.ward is not None}
    made = {}
    for name, (lead, title, ward, audiences, words, body, members) in PROJECTS.items():
        project = services.propose(people[lead], title, body, wards[ward].id, audiences, words)
        for username in members:
            services.join(people[username], project)
        made[name] = project
    _stages(people, made)
    _plans(people, made)
    _updates(people, made)
    _events(people, made)
    _board(people, made)
    return made


def _stages(people, made):
    for name in ("fridge", "tools", "five_a_side", "memory_garden", "murals"):
        project = made[name]
        lead = people[PROJECTS[name][0]]
        services.set_state(lead, project, "active", "The group has met and has a plan.")
    services.make_lead(people["bridget"], made["tools"], people["sean"].id)
    garden = made["memory_garden"]
    services.mark_funded(garden, people["jo.staff"], "Hollins Park ward grant", 180000)
    db.session.commit()
    services.set_state(people["tomasz"], made["murals"], "completed",
                       "Twelve shutters painted; the traders want more next year.")


def _plans(people, made):
    today = events.local_today()
    # (project, who adds it, title, owner, due in days (negative: overdue), done)
    plan = [
        ("fridge", "grace", "Ask the food hygiene team to inspect the fridge", "grace", -5,
         False),
        ("fridge", "grace", "Make a cleaning rota", "owen", -2, True),
        ("fridge", "grace", "Print signs in English, Urdu and Polish", "ayaan", 6, False),
        ("fridge", "noah", "Ask the bakery on Mill Lane to donate", "noah", 10, False),
        ("tools", "bridget", "List the tools people have offered", "jamal", -3, True),
        ("tools", "bridget", "Find insurance for lending", "bridget", -1, False),
        ("tools", "sean", "First Saturday session: drills", "sean", 14, False),
        ("cookbook", "amina", "Collect the first ten recipes", "fatima", 21, False),
        ("cookbook", "amina", "Borrow a camera from the library", "zara", None, False),
        ("memory_garden", "david", "Order bulbs and benches", "david", 3, False),
        ("memory_garden", "david", "Tile-painting workshop", "ella", 12, False),
        ("murals", "tomasz", "Paint the last shutters", "mia", -20, True),
    ]
    for name, adder, title, owner, due_in, done in plan:
        due = today + timedelta(days=due_in) if due_in is not None else None
        task = services.add_task(people[adder], made[name], title, people[owner].id, due,
                                 today=min(today, due) if due else today)
        if done:
            services.set_task_done(people[owner], task, True)


def _updates(people, made):
    for name, author, text in (
            ("fridge", "grace", "The hall committee said yes: the fridge can go by the "
                                "kitchen door."),
            ("fridge", "owen", "A neighbour gave us a second-hand fridge. It works!"),
            ("tools", "jamal", "Forty tools offered so far, including two lawnmowers."),
            ("cookbook", "zara", "I've drawn a cover idea, bring it to the next meeting."),
            ("memory_garden", "mark.t", "The parks team will dig the beds in March."),
            ("murals", "mia", "Photos of every shutter are on the board.")):
        services.post_update(people[author], made[name], text)


def _events(people, made):
    """The café is where the fridge group meets: link Grace's café to its project."""
    cafe = db.session.execute(select(Event).where(
        Event.author_id == people["grace"].id, Event.title == "Saturday community café")
    ).scalar_one_or_none()
    if cafe is None:  # the events demo didn't run: make the group an event of its own
        today = events.local_today()
        cafe = events.create_event(people["grace"], events.EventFields(
            title="Community fridge open morning", description="Come and see the fridge.",
            start_day=today + timedelta(days=9), start_time=None, end_day=None,
            end_time=None, all_day=True, venue="St Mark's church hall",
            ward_slug="riverside"))
    services.link_event(people["grace"], made["fridge"], cafe.id)


def _board(people, made):
    board = made["fridge"].discussion_board
    topic = boards.start_topic(people["grace"], board, "Who can do Tuesday checks?",
                               "We need someone to check dates on Tuesday mornings. "
                               "Half an hour, before 10am.")
    boards.reply_to_topic(people["owen"], topic, "I can do Tuesdays until Easter.")
