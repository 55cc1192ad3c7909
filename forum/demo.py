"""A living demo neighbourhood for `flask seed-demo`: wards, people of every age and role.

Later domains add their own demo content through `load`'s steps.
"""

from datetime import date, timedelta

from forum.accounts.models import MentorCheck, RoleGrant, User, Ward, utcnow
from forum.accounts.passwords import hash_password
from forum.accounts.services import slugify
from forum.core.content import render
from forum.extensions import db

DEMO_PASSWORD = "demo-neighbour-2026"

WARDS = ("Riverside", "Northgate", "St Anne's", "Millfield", "Eastbrook", "Hollins Park")

# username, display name, ward, age in years, roles, verified mentor, languages, bio
PEOPLE = (
    ("council", "Council Admin", "Northgate", 45, ["admin", "staff"], False, ["English"],
     "Runs Common Ground for the council's communities team."),
    ("jo.staff", "Jo Adeyemi", "Northgate", 38, ["staff"], False, ["English", "Yoruba"],
     "Community cohesion officer. Ask me about grants and events."),
    ("ravi", "Ravi Mehta", "Riverside", 52, ["moderator"], False, ["English", "Gujarati"],
     "Volunteer moderator. Retired teacher and allotment holder."),
    ("helen", "Helen Murphy", "Eastbrook", 61, ["moderator"], False, ["English", "Irish"],
     "Volunteer moderator and library volunteer."),
    ("amina", "Amina Hussain", "St Anne's", 34, [], True, ["English", "Urdu", "Punjabi"],
     "Nurse at the General. Happy to mentor anyone thinking about nursing."),
    ("tomasz", "Tomasz Kowalski", "Millfield", 41, [], True, ["Polish", "English"],
     "Electrician. I offer job visits and swap Polish lessons for guitar."),
    ("grace", "Grace Okafor", "Riverside", 29, [], False, ["English", "Igbo"],
     "Runs the Saturday community café at St Mark's hall."),
    ("david", "David Cohen", "Hollins Park", 67, [], False, ["English", "Hebrew"],
     "Retired accountant, keen gardener, chess club on Thursdays."),
    ("bridget", "Bridget Doherty", "Eastbrook", 47, [], False, ["English"],
     "Irish Traveller, mum of four, parent governor at Eastbrook Primary."),
    ("fatima", "Fatima Begum", "St Anne's", 23, [], False, ["English", "Bengali"],
     "Studying accountancy; I can help with spreadsheets."),
    ("leah", "Leah Brown", "Millfield", 17, [], False, ["English"],
     "Sixth-former. Want to study nursing. I can teach phone and laptop skills."),
    ("ayaan", "Ayaan Khan", "Riverside", 15, [], False, ["English", "Urdu"],
     "Year 10. Into football and coding."),
    ("mark.t", "Mark Turner", "Hollins Park", 44, [], False, ["English"],
     "Lived here all my life. Worried about the market."),
    ("newbie", "", "Northgate", 30, [], False, [],
     ""),
    # The skills swap and the spring mentoring cohort.
    ("priya", "Priya Sharma", "Northgate", 39, [], True, ["English", "Hindi", "Punjabi"],
     "Software engineer. Happy to help young people get into coding."),
    ("sean", "Sean Gallagher", "Eastbrook", 66, [], True, ["English"],
     "Retired electrician. I offer job visits and help with CVs for the trades."),
    ("owen", "Owen Price", "Riverside", 31, [], False, ["English", "Welsh"],
     "Guitar teacher by day. Trying to learn Polish for my partner's family."),
    ("gordon", "Gordon Reid", "Millfield", 55, [], False, ["English"],
     "Plumber. Used to mentor at the youth club."),
    ("zara", "Zara Ahmed", "St Anne's", 14, [], False, ["English", "Urdu"],
     "Year 9. I love drawing and want to learn to code games."),
    ("mia", "Mia Novak", "Millfield", 16, [], False, ["English", "Polish"],
     "College student, thinking about becoming an electrician."),
    ("ella", "Ella Wright", "Hollins Park", 17, [], False, ["English"],
     "Sixth-former, interested in accountancy and money."),
    ("kofi", "Kofi Mensah", "Northgate", 19, [], False, ["English", "Twi"],
     "Looking for an apprenticeship; good with phones and video editing."),
    ("jamal", "Jamal Osman", "Eastbrook", 22, [], False, ["English", "Somali", "Arabic"],
     "Graduate, want to start a small business. Can teach Arabic."),
    ("noah", "Noah Evans", "Riverside", 20, [], False, ["English", "Welsh"],
     "Apprentice joiner. Want help with maths for my course."),
)

# Ward centres (latitude, longitude), so the matchmaker can say how far apart people live.
WARD_CENTRES = {
    "Riverside": (53.4794, -2.2453), "Northgate": (53.4938, -2.2391),
    "St Anne's": (53.4821, -2.2195), "Millfield": (53.4662, -2.2312),
    "Eastbrook": (53.4750, -2.1957), "Hollins Park": (53.4590, -2.2089),
}


def already_loaded():
    return db.session.execute(db.select(Ward.id).limit(1)).first() is not None


def _date_of_birth(age, today):
    """A birthday 100 days ago, so everyone keeps their stated age for most of a year."""
    recent = today - timedelta(days=100)
    try:
        return recent.replace(year=recent.year - age)
    except ValueError:  # 29 February
        return recent.replace(year=recent.year - age, day=28)


def load(app):
    """Load the demo; return [(username, description)] for the command to print."""
    from forum.boards import demo as boards_demo
    from forum.boards.services import ensure_ward_board
    from forum.cohesion import demo as cohesion_demo
    from forum.events import demo as events_demo
    from forum.grants import demo as grants_demo
    from forum.moderation import demo as moderation_demo
    from forum.news.demo import seed_news
    from forum.projects import demo as projects_demo
    from forum.skills import demo as skills_demo

    today = date.today()
    wards = {name: Ward(name=name, slug=slugify(name), latitude=WARD_CENTRES[name][0],
                        longitude=WARD_CENTRES[name][1]) for name in WARDS}
    db.session.add_all(wards.values())
    db.session.flush()
    for ward in wards.values():
        ensure_ward_board(ward)
    password_hash = hash_password(DEMO_PASSWORD)
    people, users = [], {}
    for number, (username, name, ward, age, roles, mentor, languages, bio) in enumerate(PEOPLE):
        user = User(
            username=username, username_key=username.lower(),
            email=f"{username}@example.org", password_hash=password_hash,
            date_of_birth=_date_of_birth(age, today),
            ward=wards[ward], display_name=name, bio=bio, bio_html=render(bio) if bio else "",
            languages=languages,
            email_verified_at=utcnow() if username != "newbie" else None,
        )
        user.role_grants = [RoleGrant(role=role) for role in roles]
        if mentor:
            user.mentor_checks = [MentorCheck(
                reference=f"0011{number:08d}",
                checked_on=today - timedelta(days=200),
                expires_on=today + timedelta(days=900),
            )]
        db.session.add(user)
        users[username] = user
        description = ", ".join(roles) if roles else "resident"
        if mentor:
            description += ", verified mentor"
        if age < 18:
            description += f", aged {age}"
        if username == "newbie":
            description += ", e-mail not confirmed"
        people.append((username, description))
    db.session.commit()
    boards_demo.load(users)
    moderation_demo.load(users)
    skills_demo.load(users)
    events_demo.load(users)
    seed_news(users)
    projects_demo.load(users)
    grants_demo.load(users)
    cohesion_demo.load(users)
    return people
