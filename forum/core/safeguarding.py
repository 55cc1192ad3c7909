"""The safeguarding rules of DESIGN §5 for any two people, as one pure function.

Policy (`core/policy.py`) asks it before every match action, and the matchmaker
(`skills/matching.py`) asks it before ranking anyone, so that a suggestion, a request, an
answer, a message and a session all obey the same rule. It knows nothing of Flask or the
database: callers describe each person as a `Party`.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Party:
    """What the rules need to know about one person, today."""

    id: int
    age_band: str = "adult"                 # under_16 | 16_17 | adult
    verified_mentor: bool = False           # an adult with a current, unrevoked DBS check
    open_to_matches: bool = False           # may the matchmaker suggest them to others?
    guardian_consent: bool = False          # under-16s: a guardian has agreed, by e-mail
    active: bool = True                     # account in good standing, e-mail confirmed
    blocked: frozenset = field(default_factory=frozenset)  # ids this person has blocked

    @property
    def is_minor(self):
        return self.age_band != "adult"


def pair_refusal(actor, other, suggesting=False, reaching_out=False):
    """Why `actor` may not be matched with `other`, or None when they may.

    :param suggesting: the matchmaker is about to suggest `other` to `actor`; people who have
        not switched on "open to matches" (young people start with it off) are not suggested.
    :param reaching_out: `actor` is asking `other` for a new match; an adult may ask a young
        person only if the young person has switched on "open to matches". Inside a match
        that already exists, or when the young person asked, the switch does not matter.
    """
    if actor.id == other.id:
        return "You can't be matched with yourself."
    if not (actor.active and other.active):
        return "This person can't take part in matches at the moment."
    if other.id in actor.blocked or actor.id in other.blocked:
        return "One of you has blocked the other."
    if suggesting and not other.open_to_matches:
        return "This person isn't looking for matches."
    if reaching_out and other.is_minor and not other.open_to_matches:
        # Being found is something a young person switches on (DESIGN §5).
        return "This young person isn't looking for matches."
    if actor.is_minor and other.is_minor:
        return "Young people are matched with verified adult mentors, not with each other."
    young, adult = (actor, other) if actor.is_minor else (other, actor)
    if young.is_minor:
        if not adult.verified_mentor:
            return ("Only verified mentors (adults whose safeguarding check the council has "
                    "recorded) can be matched with people under 18.")
        if young.age_band == "under_16" and not young.guardian_consent:
            return ("A parent or carer needs to agree by e-mail before anyone under 16 is "
                    "matched.")
    return None
