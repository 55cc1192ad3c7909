"""Spot contact details in a message: phone numbers, e-mail addresses, social handles, links.

In a match with a young person, contact stays on Common Ground (DESIGN §5): a message that
carries any of these is held for safeguarding staff, and the sender is told which was found.
A pure function, generous on purpose: a false alarm costs a short wait, a miss costs more.
"""

import re

_PHONE = re.compile(r"(?<![\w/])(?:\+|00)?\d(?:[\s().-]{0,2}\d){9,13}(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.I)
# Spelt out to dodge filters: "sam at gmail dot com", "sam (at) outlook", "sam [at] x [dot] uk".
_AT = r"(?:\s*\(at\)\s*|\s*\[at\]\s*|\s+at\s+)"
_DOT = r"(?:\s*\(dot\)\s*|\s*\[dot\]\s*|\s+dot\s+)"
_MAIL_PROVIDERS = (r"(?:gmail|googlemail|hotmail|yahoo|outlook|icloud|live|aol|btinternet|"
                   r"proton(?:mail)?)")
_SPELT_EMAIL = re.compile(rf"\b[\w.+-]+{_AT}(?:{_MAIL_PROVIDERS}\b|[\w-]+{_DOT}[a-z]{{2,}}\b)",
                          re.I)
_LINK = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|co\.uk|uk|org|net|io|me|ly|gg|"
                   r"app|link|page|site|info)\b(?:/\S*)?", re.I)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}")
_SOCIAL = re.compile(r"\b(?:whats\s*app|snap(?:chat)?|insta(?:gram)?|tik\s*tok|telegram|"
                     r"discord|kik|facebook|fb|messenger|twitter|x\.com|"
                     r"wechat|viber)\b", re.I)
_SPELT_DIGITS = re.compile(r"\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
                           r"[\s,.-]*){7,}", re.I)


def contact_details(text):
    """What kinds of contact details `text` seems to carry, in plain words (empty if none)."""
    text = text or ""
    found = []
    if _PHONE.search(text) or _SPELT_DIGITS.search(text):
        found.append("a phone number")
    if _EMAIL.search(text) or _SPELT_EMAIL.search(text):
        found.append("an e-mail address")
    without_emails = _EMAIL.sub(" ", text)
    if _HANDLE.search(without_emails) or _SOCIAL.search(text):
        found.append("a social media name or app")
    if _LINK.search(without_emails):
        found.append("a link")
    return found
