"""Demo skills swap for `flask seed-demo`: a skills list, offers and requests, matches in every
state, time credits, a held message and a concern for staff, and a cohort ready to match."""

import contextlib
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from forum.accounts.models import MentorCheck, utcnow
from forum.extensions import db
from forum.skills import cohorts, matches, safeguarding, services
from forum.skills.models import GuardianConsent, Skill
from forum.skills.starter import load_starter_list

# username: (free times, ways of meeting, mentoring places, open to matches)
PROFILES = {
    "amina": (["tue-evening", "thu-evening", "sat-morning"], ["mentoring", "job_visit"], 3),
    "tomasz": (["mon-evening", "wed-evening", "sat-morning"], ["swap", "job_visit"], 2),
    "owen": (["mon-evening", "wed-evening", "sun-afternoon"], ["swap", "class"], 0),
    "sean": (["tue-morning", "wed-morning", "thu-afternoon"], ["job_visit", "mentoring"], 3),
    "priya": (["tue-evening", "sat-morning", "sat-afternoon"], ["mentoring", "class"], 3),
    "grace": (["sat-morning"], ["class"], 0),
    "david": (["thu-evening", "sun-afternoon"], ["class", "swap"], 0),
    "fatima": (["thu-evening", "sat-afternoon"], ["swap", "mentoring"], 1),
    "gordon": (["wed-afternoon"], ["job_visit"], 2),
    "mark.t": (["sat-morning"], ["class"], 0),
    "leah": (["tue-evening", "thu-evening", "sat-morning"], ["mentoring", "class"], 0),
    "ayaan": (["wed-evening", "sat-afternoon"], ["mentoring"], 0),
    "zara": (["tue-evening", "sat-morning"], ["mentoring", "swap"], 0),
    "mia": (["tue-morning", "thu-afternoon", "sat-morning"], ["job_visit", "mentoring"], 0),
    "ella": (["tue-evening", "thu-evening"], ["mentoring"], 0),
    "kofi": (["mon-evening", "sat-morning", "sat-afternoon"], ["mentoring", "class"], 0),
    "jamal": (["wed-evening", "sat-afternoon"], ["mentoring", "swap"], 0),
    "noah": (["tue-evening", "sun-afternoon"], ["mentoring"], 0),
}
# Young people who have switched on "open to matches"; Ayaan keeps the private default.
YOUNG_AND_OPEN = {"leah", "zara", "mia", "ella"}

# (author, kind, title, skill, level, formats, suitable for, description)
LISTINGS = (
    ("amina", "offer", "Nursing careers mentoring", "Nursing and healthcare", "expert",
     ["mentoring", "job_visit"], "everyone",
     "Staff nurse at the General for 12 years. I can talk through nursing degrees, "
     "apprenticeships and what a shift is really like, and arrange a ward visit."),
    ("tomasz", "offer", "Polish lessons", "Polish", "expert", ["swap", "class"], "everyone",
     "Native speaker. Conversation practice over coffee, or a small group on Saturdays."),
    ("tomasz", "offer", "A day with an electrician", "Electrics", "expert", ["job_visit"],
     "everyone", "Come along on a domestic rewire and see what the job involves."),
    ("tomasz", "request", "Guitar", "Guitar", "beginner", ["swap"], "everyone",
     "I'd swap Polish lessons for guitar lessons: complete beginner."),
    ("owen", "offer", "Guitar for beginners", "Guitar", "expert", ["swap", "class"],
     "everyone", "Patient teacher, acoustic or electric, chords to first songs."),
    ("owen", "request", "Polish conversation", "Polish", "beginner", ["swap"], "everyone",
     "My partner's family is from Gdańsk. I'd love to chat with them at Christmas."),
    ("sean", "offer", "Job visits: a day on the tools", "Electrics", "expert",
     ["job_visit", "mentoring"], "young_people",
     "Forty years as an electrician. Young people thinking about the trades are welcome to "
     "shadow me on a job with my old firm."),
    ("sean", "offer", "CVs and interviews for the trades", "CV writing and interviews",
     "advanced", ["mentoring"], "everyone", "What employers look for, and mock interviews."),
    ("priya", "offer", "Learn to code with Python", "Coding", "expert",
     ["mentoring", "class"], "young_people",
     "From first program to small games. Laptops available at Northgate Library."),
    ("grace", "offer", "Cooking on a budget", "Cooking", "advanced", ["class"], "everyone",
     "Monthly class at the café kitchen: three meals for under £10."),
    ("david", "offer", "Chess for all ages", "Chess", "expert", ["class", "swap"], "everyone",
     "Thursday chess club at the library, beginners very welcome."),
    ("david", "request", "Spreadsheets for our allotment society", "Spreadsheets",
     "beginner", ["swap"], "everyone", "Our plot list lives on paper. Help!"),
    ("fatima", "offer", "Spreadsheets made simple", "Spreadsheets", "advanced",
     ["swap", "mentoring"], "everyone", "Formulas, budgets and charts, at your pace."),
    ("fatima", "request", "Chess", "Chess", "beginner", ["swap"], "everyone",
     "I'd like to beat my little brother at least once."),
    ("gordon", "offer", "Plumbing basics", "Plumbing and heating", "expert", ["job_visit"],
     "young_people", "Fixing taps, bleeding radiators, and what a plumbing course covers."),
    ("mark.t", "offer", "Bike repair", "Bike repair", "intermediate", ["class"], "everyone",
     "Punctures, brakes and gears. Bring your bike to the café on Saturdays."),
    ("leah", "offer", "Phone and laptop skills for older neighbours", "Smartphones and apps",
     "advanced", ["class", "swap"], "everyone",
     "Video calls, photos, online shopping safely: I help my nan every week."),
    ("leah", "request", "A nursing mentor", "Nursing and healthcare", "beginner",
     ["mentoring", "job_visit"], "young_people",
     "I want to apply for nursing next year and don't know anyone who does it."),
    ("ayaan", "request", "Coding games", "Coding", "beginner", ["mentoring"], "young_people",
     "I've done a bit of Scratch and want to make real games."),
    ("zara", "request", "Learn to code games", "Coding", "beginner", ["mentoring"],
     "young_people", "I draw characters and want to make them move."),
    ("zara", "offer", "Drawing characters", "Drawing and painting", "intermediate",
     ["swap"], "young_people", "I can show you how I draw comic characters."),
    ("mia", "request", "Becoming an electrician", "Electrics", "beginner",
     ["job_visit", "mentoring"], "young_people",
     "I'm at college and want to know what an apprenticeship is like."),
    ("ella", "request", "Careers in accountancy", "Accountancy and money", "beginner",
     ["mentoring"], "young_people", "Thinking about an accountancy apprenticeship."),
    ("kofi", "offer", "Video editing for small businesses", "Video editing", "advanced",
     ["class", "swap"], "everyone", "Short videos for your shop or club, on a phone."),
    ("kofi", "request", "Interview practice", "CV writing and interviews", "beginner",
     ["mentoring"], "young_people", "Applying for apprenticeships; interviews scare me."),
    ("jamal", "offer", "Arabic for beginners", "Arabic", "advanced", ["class", "swap"],
     "everyone", "Reading, writing and everyday conversation."),
    ("jamal", "request", "Starting a small business", "Starting a business", "beginner",
     ["mentoring"], "young_people", "I want to start a catering business with my cousins."),
    ("noah", "request", "Maths for my joinery course", "Maths tutoring", "beginner",
     ["mentoring"], "young_people", "Angles and measurements for my level 2."),
)

COHORT_YOUNG = ("zara", "mia", "ella", "kofi", "jamal", "noah", "ayaan")
COHORT_MENTORS = (("amina", 2), ("priya", 2), ("sean", 2), ("tomasz", 1))


def load(people):
    """Fill the skills swap; `people` maps usernames to the demo's Users."""
    load_starter_list()
    skills = {skill.name: skill for skill in db.session.execute(select(Skill)).scalars()}
    today = date.today()
    _checks_and_consent(people, today)
    for username, (slots, formats, capacity) in PROFILES.items():
        person = people[username]
        services.save_match_profile(person, slots, formats, capacity,
                                    open_to_matches=not person.is_minor
                                    or username in YOUNG_AND_OPEN)
    listings = {}
    for author, kind, title, skill, level, formats, suitable, body in LISTINGS:
        listing = services.create_listing(people[author], kind, title, skills[skill].id, level,
                                          formats, suitable, body)
        listings[(author, title)] = listing
    _matches(people, listings, today)
    _cohort(people)


def _checks_and_consent(people, today):
    # Gordon's check lapsed: he can offer to adults, but no young person can reach him.
    people["gordon"].mentor_checks.append(MentorCheck(
        reference="001199887766", checked_on=today - timedelta(days=1200),
        expires_on=today - timedelta(days=30)))
    # Zara's mum agreed by e-mail; Ayaan's dad hasn't answered yet.
    db.session.add_all([
        GuardianConsent(young_person_id=people["zara"].id, guardian_name="Nadia Ahmed",
                        guardian_email="nadia.ahmed@example.org",
                        requested_at=utcnow() - timedelta(days=9),
                        given_at=utcnow() - timedelta(days=8)),
        GuardianConsent(young_person_id=people["ayaan"].id, guardian_name="Imran Khan",
                        guardian_email="imran.khan@example.org",
                        requested_at=utcnow() - timedelta(days=2)),
    ])
    db.session.commit()


def _session_held(match, giver, learner, days_ago, venue, minutes=60):
    """A session that took place: proposed, confirmed, then moved into the past and marked."""
    session = matches.propose_session(giver, match, date.today() + timedelta(days=1),
                                      time(17, 30), minutes, venue, True, giver.id)
    matches.confirm_session(learner, session)
    session.starts_at = datetime.combine(date.today() - timedelta(days=days_ago), time(16, 30))
    db.session.commit()
    matches.mark_session_done(learner, session)
    return session


def _matches(people, listings, today):
    p = people
    # Active mentoring with a young person: sessions held, one to come, a held message.
    nursing = matches.request_match(
        p["leah"], p["amina"], "mentoring",
        "Hi Amina, I'm applying for nursing next year. Could you tell me what it's really "
        "like?", listing=listings[("amina", "Nursing careers mentoring")])
    matches.respond(p["amina"], nursing, accept=True)
    matches.send_message(p["amina"], nursing, "Of course! Let's meet at Millfield Library. "
                                              "Bring any questions about personal statements.")
    _session_held(nursing, p["amina"], p["leah"], 14, "Millfield Library, study room 2", 90)
    _session_held(nursing, p["amina"], p["leah"], 7, "The General Hospital café", 60)
    matches.propose_session(p["amina"], nursing, today + timedelta(days=5), time(17, 0), 60,
                            "Millfield Library, study room 2", True, p["amina"].id)
    matches.send_message(p["leah"], nursing, "Thank you so much, the ward visit was amazing!")
    matches.leave_feedback(p["leah"], nursing, 5, "Amina explained everything and got me a "
                                                  "ward visit.")
    # Held for safeguarding staff, as it should be: it waits in their queue.
    with contextlib.suppress(matches.HeldForSafeguarding):
        matches.send_message(p["amina"], nursing, "If the library's shut, text me on "
                                                  "07700 900456.")
    safeguarding.raise_concern(
        p["amina"], nursing, "Leah mentioned someone at college keeps asking her to meet up "
                             "and move chats to Snapchat. Could someone check in with her?")

    # A two-way swap between adults: Polish for guitar.
    swap = matches.request_match(p["owen"], p["tomasz"], "swap",
                                 "Guitar for Polish? I'm free Monday and Wednesday evenings.",
                                 listing=listings[("tomasz", "Polish lessons")])
    matches.respond(p["tomasz"], swap, accept=True)
    _session_held(swap, p["owen"], p["tomasz"], 10, "Riverside Community Centre", 60)
    _session_held(swap, p["tomasz"], p["owen"], 3, "Riverside Community Centre", 60)
    matches.propose_session(p["owen"], swap, today + timedelta(days=2), time(19, 0), 60,
                            "Riverside Community Centre", False, p["owen"].id)

    # Waiting for an answer: a 16-year-old asks a verified mentor for a job visit.
    matches.request_match(p["mia"], p["sean"], "job_visit",
                          "Hello, I'm at college doing electrical installation level 1. Could "
                          "I shadow you for a day?",
                          listing=listings[("sean", "Job visits: a day on the tools")])
    # Declined, politely.
    declined = matches.request_match(p["kofi"], p["grace"], "class",
                                     "Could I join the cooking class? I'm a student.",
                                     listing=listings[("grace", "Cooking on a budget")])
    matches.respond(p["grace"], declined, accept=False,
                    reason="This month's class is full; try again next month!")
    # Withdrawn before an answer.
    withdrawn = matches.request_match(p["jamal"], p["david"], "class",
                                      "Is the chess club OK for complete beginners?",
                                      listing=listings[("david", "Chess for all ages")])
    matches.withdraw_request(p["jamal"], withdrawn)
    # Ended after a good swap, with feedback from both sides.
    ended = matches.request_match(p["fatima"], p["david"], "swap",
                                  "Spreadsheets for chess lessons?",
                                  listing=listings[("david", "Chess for all ages")])
    matches.respond(p["david"], ended, accept=True)
    _session_held(ended, p["fatima"], p["david"], 30, "Hollins Park Library", 120)
    _session_held(ended, p["david"], p["fatima"], 20, "Hollins Park Library", 60)
    matches.end_match(p["david"], ended, "The allotment spreadsheet is done. Thanks Fatima!")
    matches.leave_feedback(p["david"], ended, 5, "Patient and clear.")
    matches.leave_feedback(p["fatima"], ended, 4, "I won one game!")


def _cohort(people):
    """Staff's spring programme, members enrolled, ready for "Propose placement"."""
    staff = people["jo.staff"]
    cohort = cohorts.create_cohort(staff, "Spring mentoring 2027")
    for username in COHORT_YOUNG:
        cohorts.add_member(staff, cohort, username, "young")
    for username, capacity in COHORT_MENTORS:
        cohorts.add_member(staff, cohort, username, "mentor", capacity)
