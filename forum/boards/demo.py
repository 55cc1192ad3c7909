"""Demo boards and conversations for `flask seed-demo`."""

from datetime import timedelta

from forum.accounts.models import utcnow
from forum.boards import services
from forum.boards.models import Board, Post, Topic
from forum.extensions import db

TOPIC_BOARDS = (
    ("Community café", "What's on at the Saturday café and other places to meet.", False, 10),
    ("Ask the council", "Questions for council staff; answers marked as official.", True, 20),
    ("Lost and found", "Lost a cat, found a bike? Post it here.", False, 30),
    ("Youth voice", "For and by young people: ideas, events, what you'd change.", False, 40),
)

# (board, author, title, opening post, [(author, reply), …])
CONVERSATIONS = (
    ("community-cafe", "grace", "Saturday café is back from the 6th!",
     "We're reopening the **community café** at St Mark's hall from the 6th, 10am–1pm.\n\n"
     "- Free tea and coffee, cakes by donation\n- Kids' corner with board games\n"
     "- This month: a repair table for small electricals\n\nEveryone welcome. Bring a friend!",
     [("tomasz", "Brilliant. I can run the repair table on the first Saturday if you like."),
      ("david", "Count me in for the chess corner. @grace shall I bring the big set?"),
      ("grace", "@david yes please! And thanks @tomasz, I'll put you down for the 6th."),
      ("fatima", "Is there step-free access? My nan uses a wheelchair."),
      ("grace", "Yes: ramp at the side door on Mill Lane and an accessible toilet.")]),
    ("community-cafe", "amina", "Iftar open evening: all neighbours welcome",
     "The mosque on Station Road is hosting an open iftar on Friday at sunset. "
     "It's a chance to meet neighbours and share food; no need to fast or book.",
     [("bridget", "Went last year with the kids and loved it. Thank you for having us."),
      ("david", "Our synagogue group would love to come along. Shall we bring dessert?"),
      ("amina", "That would be wonderful, David. See you Friday.")]),
    ("ask-the-council", "david", "When will the Hollins Park streetlights be fixed?",
     "Three lights on the path by the tennis courts have been out for a fortnight. "
     "It's very dark walking home. Has anyone reported it?",
     [("helen", "I reported it on the council website last week, reference 10443."),
      ("jo.staff", "Thanks both. Highways have the job (ref. 10443) and a crew is booked for "
                   "Thursday. I'll post here when it's done.")]),
    ("ask-the-council", "fatima", "Are the library's free laptop sessions still running?",
     "I'd like to help my dad learn online banking. Are the sessions still on?",
     [("jo.staff", "Yes: Tuesdays 2–4pm at Northgate Library, no booking needed. Staff can "
                   "help with online banking and staying safe from scams.")]),
    ("lost-and-found", "bridget", "Found: child's blue scooter by the Eastbrook shops",
     "Found a small blue scooter outside the Co-op on Eastbrook Road this morning. "
     "It's at mine; message me with what's written on the handle.", []),
    ("lost-and-found", "ravi", "Lost: ginger cat, answers to Biscuit",
     "Biscuit hasn't come home since Sunday. Ginger, white paws, blue collar. "
     "Riverside area near the allotments. Please check sheds!",
     [("grace", "Shared it in the café group. Fingers crossed."),
      ("ravi", "He's home! Found him in a neighbour's greenhouse. Thank you all.")]),
    ("youth-voice", "leah", "Ideas for the youth club's summer project?",
     "We've got a small budget for a summer project. So far: a mural, a film club, "
     "or a phone-skills afternoon for older people. What would you go to?",
     [("ayaan", "Film club! Could we make our own short film about the area?"),
      ("leah", "Love that @ayaan. Let's put both on the list for the vote.")]),
    ("riverside", "grace", "Litter pick along the river, Sunday 10am",
     "Meet at the footbridge. Gloves and bags provided by the council. "
     "Tea at the café afterwards.",
     [("ravi", "I'll be there with the grabbers from the allotment shed."),
      ("ayaan", "Can under-16s come with a parent?"),
      ("grace", "Absolutely, with a parent or carer. See you there.")]),
    ("millfield", "tomasz", "Polish lessons for guitar lessons, anyone?",
     "I'd like to learn guitar and can teach Polish, beginners welcome. Evenings suit me.",
     [("leah", "My brother teaches guitar! I'll ask him to get in touch through Skills.")]),
    ("st-annes", "amina", "New bus timetable on route 12",
     "From Monday the 12 runs every 15 minutes in the daytime, but the last bus is now "
     "22:40 instead of 23:15. Worth knowing if you work late shifts like me.",
     [("fatima", "Thanks for the heads-up, that affects my Thursday class.")]),
    ("eastbrook", "bridget", "Eastbrook Primary fun day needs volunteers",
     "We need help on the cake stall and the bouncy castle rota on Saturday 14th. "
     "Even an hour helps!",
     [("helen", "I can do 11 till 12 on cakes.")]),
    ("northgate", "jo.staff", "Consultation: the future of Northgate market square",
     "The council is asking residents how the market square should change: more seating, "
     "trees, a weekly market? Come to the drop-in at the library, or reply here with ideas.",
     [("david", "More benches and shade please. It's a sun trap in summer."),
      ("fatima", "A weekly street-food market would bring people together.")]),
)


def load(people):
    """Create the topic boards and conversations; `people` maps usernames to Users."""
    for name, description, official, position in TOPIC_BOARDS:
        db.session.add(Board(name=name, slug=_slug(name), description=description,
                             official_answers=official, position=position))
    db.session.commit()
    boards = {board.slug: board for board in db.session.execute(db.select(Board)).scalars()}
    start = utcnow() - timedelta(days=len(CONVERSATIONS) + 2)
    for index, (slug, author, title, body, replies) in enumerate(CONVERSATIONS):
        topic = services.start_topic(people[author], boards[slug], title, body)
        for reply_author, reply in replies:
            services.reply_to_topic(people[reply_author], topic, reply)
        _backdate(topic, start + timedelta(days=index, hours=9))
        if slug == "ask-the-council":
            staff_reply = next((post for post in _posts(topic) if post.author.username
                                == "jo.staff"), None)
            if staff_reply is not None:
                services.mark_official_answer(people["jo.staff"], staff_reply)
    services.set_pinned(people["jo.staff"], db.session.execute(
        db.select(Topic).where(Topic.title.like("Consultation:%"))).scalar_one(), True)


def _slug(name):
    from forum.accounts.services import slugify

    return slugify(name)


def _posts(topic):
    return db.session.execute(
        db.select(Post).where(Post.topic_id == topic.id).order_by(Post.number)).scalars().all()


def _backdate(topic, when):
    """Spread a conversation over a day, ending `when` plus a few hours, for a lived-in feel."""
    posts = _posts(topic)
    topic.created_at = when
    for number, post in enumerate(posts):
        post.created_at = when + timedelta(minutes=number * 47)
    db.session.flush()
    services.recount_topic(topic)
    db.session.commit()
