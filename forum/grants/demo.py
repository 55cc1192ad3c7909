"""Demo funds for `flask seed-demo`: a staff-decided small grants fund with applications in
several states, a residents' vote in progress, and last winter's vote with its results.

It proposes its own small projects (through the projects service), so it needs only the demo's
people. Time passing is simulated by setting a fund's dates directly, as the clock would.
"""

from datetime import date, timedelta

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.grants import services
from forum.projects import services as projects

ACHIEVES = {
    "repair": "Neighbours of every age and background meet monthly to fix things together, "
              "so less goes to landfill and people who live alone get out and talk.",
    "archive": "Traveller families and their settled neighbours record each other's stories "
               "of Eastbrook, shown at the library and the school.",
    "chess": "Older and younger residents play chess in the park every week in summer, with "
             "free lessons for beginners.",
    "homework": "A quiet place with volunteer tutors after school for children whose homes are "
                "crowded, and a chance for parents to meet.",
    "coding": "Young people in Northgate learn to build websites and games with volunteer "
              "mentors from local firms.",
    "garden": "Turn the empty lot behind the mosque and the church into a shared garden, grown "
              "by both congregations and the street.",
    "bikes": "A bike kitchen where people fix their own bikes with help, and refugees get a "
             "refurbished bike to get to work and college.",
    "warm": "A warm room with soup and company on winter afternoons, for anyone who needs it.",
    "lunch": "A weekly lunch club where older residents cook the food of their childhood "
             "with young volunteers.",
}


def _project(lead, title, body):
    return projects.propose(lead, title, body, lead.ward_id, ["neighbours"])


def _apply(lead, project, fund, lines, achieves):
    return services.apply(lead, project, fund, sum(pence for _, pence in lines), lines,
                          ACHIEVES[achieves])


def load(users, now=None):
    """Add the demo funds; `users` maps usernames to the demo's Users (staff: jo.staff)."""
    now = now or utcnow()
    today = date.today()
    jo = users["jo.staff"]

    # 1. Small grants, decided by staff, taking applications now.
    grants = services.save_fund(
        jo, None, "Neighbourhood small grants 2026",
        "Up to £2,500 for residents' projects that bring different parts of the community "
        "together.",
        "Groups must be led by a resident.\n\nWe don't pay for alcohol, salaries or things a "
        "statutory service should provide.",
        1_000_000, 250_000, [], today - timedelta(days=20), today + timedelta(days=40), "staff")
    repair = _project(users["grace"], "Riverside repair café",
                      "A monthly repair café at St Mark's hall: bring something broken, fix it "
                      "with a volunteer, have a cup of tea.")
    funded = _apply(users["grace"], repair, grants, [("Tools and spare parts", 90_000),
                                                     ("Hall hire for a year", 60_000),
                                                     ("Tea, coffee and biscuits", 30_000)],
                    "repair")
    services.assess(jo, funded, 4, "Clear budget; the café already brings people in.")
    services.decide(jo, funded, "fund")
    archive = _project(users["bridget"], "Eastbrook stories",
                       "Recording the stories of Traveller families and their neighbours in "
                       "Eastbrook, for an exhibition at the library.")
    _apply(users["bridget"], archive, grants, [("Recorders and microphones", 45_000),
                                               ("Printing for the exhibition", 75_000)],
           "archive")
    chess = _project(users["david"], "Chess in Hollins Park",
                     "Outdoor chess tables and weekly games in Hollins Park, with lessons for "
                     "beginners of any age.")
    sent_back = _apply(users["david"], chess, grants, [("Two outdoor chess tables", 160_000),
                                                       ("Chess sets and clocks", 40_000)],
                       "chess")
    services.assess(jo, sent_back, 3, "Good idea; the tables' cost needs a quote.")
    services.decide(jo, sent_back, "changes", "Please add a supplier's quote for the tables "
                                              "and say who will look after them.")

    # 2. A residents' vote in progress: projects applied, then voting opened two days ago.
    vote = services.save_fund(
        jo, None, "Our borough decides 2026",
        "Residents choose which projects share £6,000.",
        "Anyone aged 16 or over who lives in the borough may vote, once, for as many projects "
        "as fit in the budget.",
        600_000, 250_000, [], today - timedelta(days=30), today + timedelta(days=20), "vote",
        now + timedelta(days=30), now + timedelta(days=37), 16)
    on_ballot = [
        _apply(users["amina"], _project(users["amina"], "St Anne's homework club",
                                        "A homework club in St Anne's community room, "
                                        "three afternoons a week."),
               vote, [("Tutors' expenses", 120_000), ("Books and laptops", 80_000)],
               "homework"),
        _apply(users["priya"], _project(users["priya"], "Northgate code club",
                                        "A weekly code club for 11 to 18 year olds."),
               vote, [("Laptops", 110_000), ("Room hire", 40_000)], "coding"),
        _apply(users["jamal"], _project(users["jamal"], "Eastbrook shared garden",
                                        "A garden on the lot between the mosque and "
                                        "St Luke's, for everyone on the street."),
               vote, [("Raised beds and soil", 180_000), ("Tools and water butts", 70_000)],
               "garden"),
        _apply(users["tomasz"], _project(users["tomasz"], "Millfield bike kitchen",
                                         "Fix your own bike with help, every Saturday."),
               vote, [("Workshop tools", 70_000), ("Parts for donated bikes", 50_000)],
               "bikes"),
    ]
    vote = _move_window(vote, now - timedelta(days=2), now + timedelta(days=5))
    homework, code, garden, bikes = (application.id for application in on_ballot)
    for username, choices in (("ravi", [homework, garden]), ("helen", [garden, bikes]),
                              ("grace", [homework, code, bikes]), ("fatima", [homework]),
                              ("owen", [code, bikes]), ("leah", [code, homework])):
        services.cast_ballot(users[username], vote, choices, now=now)

    # 3. Last winter's vote, counted and published.
    winter = services.save_fund(
        jo, None, "Winter warmth fund",
        "Residents chose projects that kept people warm and together last winter.", "",
        300_000, 150_000, [], today - timedelta(days=1), today + timedelta(days=1), "vote",
        now + timedelta(days=30), now + timedelta(days=37), 16)
    warm = _apply(users["bridget"], _project(users["bridget"], "Eastbrook warm room",
                                             "Soup and company on winter afternoons."),
                  winter, [("Heating and hall hire", 80_000), ("Food", 70_000)], "warm")
    lunch = _apply(users["david"], _project(users["david"], "Hollins Park lunch club",
                                            "Older residents cook with young volunteers."),
                   winter, [("Ingredients", 90_000), ("Kitchen hire", 30_000)], "lunch")
    extra = _apply(users["amina"], _project(users["amina"], "St Anne's winter coats",
                                            "A coat swap before the cold sets in."),
                   winter, [("Rails, hangers and cleaning", 100_000)], "warm")
    closed = now - timedelta(days=120)
    winter = _move_window(winter, closed - timedelta(days=14), closed)
    for username, choices in (("ravi", [warm.id, lunch.id]), ("helen", [warm.id]),
                              ("grace", [warm.id, extra.id]), ("david", [lunch.id]),
                              ("noah", [extra.id, lunch.id])):
        services.cast_ballot(users[username], winter, choices, now=closed - timedelta(days=3))
    services.publish_results(jo, winter, now=closed + timedelta(days=2))
    winter.opens_on, winter.closes_on = (closed - timedelta(days=60)).date(), \
        (closed - timedelta(days=20)).date()
    db.session.commit()
    return {"grants": grants, "vote": vote, "winter": winter}


def _move_window(fund, opens, closes):
    """Set a vote's window as time passing would (the service keeps applications out of a
    window that has opened, so the demo opens it after the projects have applied)."""
    fund.vote_opens_at, fund.vote_closes_at = opens, closes
    db.session.commit()
    return fund
