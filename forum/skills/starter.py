"""A starter skills list for a new site (`flask skills starter-list`, and the demo).

Staff extend and edit it from the console; synonyms are the other words residents use.
"""

from sqlalchemy import select

from forum.accounts.services import slugify
from forum.extensions import db
from forum.skills.models import Skill, SkillCategory

STARTER = {
    "Languages": {
        "English (ESOL)": "esol, english conversation, english as a second language",
        "Polish": "polish language, polski",
        "Urdu": "urdu language",
        "Arabic": "arabic language",
        "Spanish": "spanish language, espanol",
        "British Sign Language": "bsl, sign language, signing",
    },
    "Music and arts": {
        "Guitar": "guitar lessons, acoustic guitar, electric guitar",
        "Piano": "keyboard, piano lessons",
        "Singing": "choir, vocals",
        "Drawing and painting": "art, sketching, painting, drawing",
        "Photography": "camera, photos",
    },
    "Digital skills": {
        "Smartphones and apps": "phone skills, smartphone, iphone, android, apps",
        "Computers for beginners": "laptop skills, computer basics, email, online banking",
        "Coding": "programming, python, web development, scratch, javascript",
        "Spreadsheets": "excel, google sheets, spreadsheet",
        "Video editing": "editing videos, youtube, tiktok videos",
    },
    "Trades": {
        "Electrics": "electrician, electrical work, wiring",
        "Plumbing and heating": "plumbing, plumber, heating engineer, gas engineer",
        "Carpentry": "joinery, woodwork, carpenter",
        "Bike repair": "cycle repair, bicycle maintenance, fixing bikes",
        "Decorating": "painting and decorating, wallpapering",
    },
    "Careers and study": {
        "Nursing and healthcare": "nursing, nurse, healthcare, nhs careers, midwifery",
        "CV writing and interviews": "cv, resume, interview practice, job applications",
        "Accountancy and money": "accountancy, bookkeeping, budgeting, tax, money management",
        "Teaching": "teacher training, becoming a teacher",
        "Starting a business": "small business, self-employment, enterprise",
        "Maths tutoring": "maths, math, gcse maths, homework help",
    },
    "Home and garden": {
        "Cooking": "baking, cookery, recipes, home cooking",
        "Gardening": "allotment, growing vegetables, gardening tips",
        "Sewing and repairs": "sewing, mending, alterations, knitting",
    },
    "Sport and games": {
        "Football coaching": "football, soccer coaching",
        "Chess": "chess club, chess lessons",
        "Running": "jogging, couch to 5k",
    },
}


def load_starter_list():
    """Add the starter categories and skills that are not there yet; return how many skills."""
    categories = {category.name: category for category in db.session.execute(
        select(SkillCategory)).scalars()}
    existing = set(db.session.execute(select(Skill.name)).scalars())
    added = 0
    for category_name, skills in STARTER.items():
        category = categories.get(category_name)
        if category is None:
            category = SkillCategory(name=category_name, slug=slugify(category_name))
            db.session.add(category)
        for name, synonyms in skills.items():
            if name in existing:
                continue
            db.session.add(Skill(name=name, slug=slugify(name), category=category,
                                 synonyms=[word.strip() for word in synonyms.split(",")]))
            added += 1
    db.session.commit()
    return added
