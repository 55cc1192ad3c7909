"""The community rules that moderators cite in decisions and the detector's prompts name."""

RULES = {
    "hate": ("No hate",
             "Don't attack, demean or stereotype people for their religion, race, ethnicity, "
             "nationality, migration status, Gypsy, Roma or Traveller identity, sexuality, "
             "gender identity, disability or sex."),
    "threats": ("No threats or violence",
                "Don't threaten anyone, call for violence, or celebrate it."),
    "harassment": ("No harassment",
                   "Don't target, pile on, or keep contacting someone who doesn't want it."),
    "privacy": ("Respect privacy",
                "Don't share anyone's address, phone number, photos or private details."),
    "spam": ("No spam", "No advertising, scams or repeated off-topic posts."),
    "misinformation": ("No harmful misinformation",
                       "Don't spread false claims that could hurt people, such as fake "
                       "health advice or invented crimes about a group."),
    "illegal": ("Nothing illegal", "Nothing that breaks the law."),
    "civility": ("Be civil", "Disagree with ideas, not people. No personal insults."),
}

# Which rule a flag reason or a detector label most likely touches, as the form's default.
RULE_FOR_FLAG = {"hate": "hate", "threat": "threats", "harassment": "harassment",
                 "spam": "spam", "misinformation": "misinformation", "illegal": "illegal",
                 "other": "civility"}


def rule_for_labels(labels):
    """'threat:jews' → 'threats'; any other targeted-hate label → 'hate'."""
    for label in labels or ():
        if label.startswith("threat"):
            return "threats"
    return "hate" if labels else "civility"


def title(code):
    return RULES.get(code, ("", ""))[0]
