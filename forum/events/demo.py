"""Demo calendar for `flask seed-demo`: a month of events across the wards, weekly and monthly
series, official council events, one full with a waiting list, one cancelled."""

from datetime import time, timedelta

from forum.events import recurrence, rsvps, services
from forum.events.services import EventFields


def _next(weekday, today, weeks=0):
    """The next `weekday` (0 = Monday) on or after tomorrow, plus `weeks`."""
    days = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=days + 7 * weeks)


# (organiser, title, description, first day, start, end, venue, address, ward, category,
#  repeat, capacity, cost, accessibility, suitable for, official)
def _events(today):
    saturday, tuesday, thursday = _next(5, today), _next(1, today), _next(3, today)
    return [
        ("grace", "Saturday community café", "Tea, coffee and cake by donation; a kids' "
         "corner with board games; everyone welcome, no need to book.", saturday, time(10),
         time(13), "St Mark's church hall", "Mill Lane", "riverside", "community", "weekly",
         None, "Free (donations welcome)", "Step-free access by the side door; accessible "
         "toilet.", "everyone", False),
        ("jo.staff", "Youth club", "Games, music, homework help and a hot snack. For 13 to "
         "17 year olds; youth workers on hand.", tuesday, time(18), time(20),
         "Northgate Youth Centre", "12 Church Street", "northgate", "youth", "weekly", 30,
         "Free", "Lift to the first floor.", "under_18", True),
        ("jo.staff", "Consultation evening: the future of Millfield market",
         "Come and tell us what you want from the market: stalls, opening hours, parking. "
         "Council officers and the market traders' association will be there.",
         today + timedelta(days=10), time(18, 30), time(20, 30), "Millfield Community Centre",
         "Market Street", "millfield", "council", "", 60, "Free", "Hearing loop; BSL "
         "interpreter on request (ask by the Friday before).", "everyone", True),
        ("tomasz", "Repair café", "Bring broken lamps, toasters, bikes and clothes; "
         "volunteers fix them with you.", _next(5, today, 1), time(10), time(13),
         "Eastbrook Library", "Eastbrook Road", "eastbrook", "environment", "monthly_weekday",
         None, "Free", "Ground floor.", "everyone", False),
        ("david", "Chess club", "All levels; sets provided. Young players welcome with a "
         "parent or carer.", thursday, time(19), time(21), "Hollins Park Library",
         "Park Road", "hollins-park", "learning", "weekly", None, "Free", "Ground floor.",
         "everyone", False),
        ("amina", "Open iftar evening", "The mosque on Station Road opens its doors: share "
         "food with neighbours at sunset. No need to fast or book.",
         today + timedelta(days=6), time(16, 30), time(19), "Station Road Mosque",
         "Station Road", "st-annes", "faith", "", None, "Free", "Women's entrance and "
         "ramp at the side.", "everyone", False),
        ("jo.staff", "Family fun day in Hollins Park", "Bouncy castle, face painting, "
         "stalls from local groups and the fire engine.", _next(5, today, 2), None, None,
         "Hollins Park bandstand", "Hollins Park", "hollins-park", "families", "", None,
         "Free", "Accessible paths and toilets.", "everyone", True),
        ("grace", "Cooking on a budget", "Three meals for under £10, cooked together. "
         "Ingredients provided.", today + timedelta(days=4), time(18), time(20),
         "St Mark's hall kitchen", "Mill Lane", "riverside", "learning", "", 8, "£2",
         "Step-free; seating available.", "everyone", False),
        ("bridget", "Litter pick on the canal towpath", "Gloves, pickers and bags provided. "
         "Tea afterwards.", _next(6, today), time(10), time(12), "Canal basin",
         "Lock Lane", "eastbrook", "environment", "fortnightly", None, "Free",
         "Uneven path in places.", "everyone", False),
        ("priya", "Coding club for young people", "Make games in Python; laptops provided. "
         "Ages 13 to 17.", saturday, time(11), time(12, 30), "Northgate Library",
         "Library Square", "northgate", "youth", "weekly", 12, "Free", "Lift.", "under_18",
         False),
        ("jo.staff", "Jobs and apprenticeships fair", "Local employers, colleges and the "
         "council's apprenticeship team. Bring your CV.", today + timedelta(days=15),
         time(10), time(15), "Town hall", "Civic Square", "northgate", "learning", "", None,
         "Free", "Step-free; quiet room available.", "everyone", True),
        ("sean", "Walking football", "Gentle football for over-50s; no running allowed.",
         _next(2, today), time(10), time(11), "Eastbrook leisure centre", "Brook Street",
         "eastbrook", "sport", "weekly", 20, "£1", "Changing rooms on the ground floor.",
         "adults", False),
        ("mark.t", "Quiz night", "Teams of up to six; prizes from local shops.",
         today + timedelta(days=8), time(19, 30), time(22), "The Crown", "High Street",
         "hollins-park", "community", "", None, "£2 a head", "Step-free bar area.", "adults",
         False),
    ]


def load(people):
    """Add the demo calendar; `people` maps usernames to the demo's Users."""
    today = services.local_today()
    made = {}
    for (organiser, title, description, day, starts, ends, venue, address, ward, category,
         repeat, capacity, cost, access, suitable, official) in _events(today):
        fields = EventFields(
            title=title, description=description, start_day=day, start_time=starts,
            end_day=day, end_time=ends, all_day=starts is None, venue=venue, address=address,
            ward_slug=ward, category=category, capacity=capacity, cost=cost,
            accessibility=access, suitable_for=suitable, official=official,
            organiser_name="" if official else people[organiser].name, repeat=repeat,
            repeat_until=today + timedelta(days=120) if repeat else None)
        made[title] = services.create_event(people[organiser], fields)
    _answers(people, made)
    _changes(people, made)


def _first(event):
    return services.get_occurrence(event).original_start


def _answers(people, made):
    cooking = made["Cooking on a budget"]
    for username in ("fatima", "bridget", "david", "amina", "owen", "mark.t", "kofi", "jamal",
                     "noah", "helen"):
        rsvps.rsvp(people[username], cooking, _first(cooking), True)  # 8 places: 2 wait
    for username, title in (("leah", "Youth club"), ("ayaan", "Youth club"),
                            ("zara", "Coding club for young people"),
                            ("ayaan", "Coding club for young people"),
                            ("grace", "Consultation evening: the future of Millfield market"),
                            ("mark.t", "Consultation evening: the future of Millfield market"),
                            ("tomasz", "Saturday community café"),
                            ("fatima", "Jobs and apprenticeships fair"),
                            ("kofi", "Jobs and apprenticeships fair")):
        event = made[title]
        rsvps.rsvp(people[username], event, _first(event), True)


def _changes(people, made):
    chess = made["Chess club"]
    dates = services.next_occurrences(chess, 3)
    # The library is closed one Thursday: chess moves to the Wednesday.
    moved = recurrence.to_local(dates[1].starts_at, services.zone())
    services.move_occurrence(people["david"], chess, dates[1].original_start,
                             moved.date() - timedelta(days=1), time(19), time(21),
                             "Library closed on Thursday.")
    cafe = made["Saturday community café"]
    services.skip_occurrence(people["grace"], cafe, services.next_occurrences(cafe, 3)[2]
                             .original_start, "Hall booked for a wedding.")
    services.cancel_event(people["mark.t"], made["Quiz night"],
                          "The Crown's cellar flooded; we'll set a new date soon.")

