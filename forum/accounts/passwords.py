"""Password hashing and the rules a new password must meet."""

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

# Passwords that appear at the top of every breach list. NCSC advice is length and not
# these, rather than composition rules ("one capital, one symbol") that push people to Password1!.
COMMON_PASSWORDS = frozenset("""
123456789012 1234567890 0123456789 1q2w3e4r5t 1qaz2wsx3edc abcdefghij abc1234567
password123 password1234 passw0rd123 qwertyuiop qwerty1234 qwerty12345 iloveyou123
letmein123 welcome123 football123 sunshine123 princess123 trustno1234 monkey1234
liverpool1 liverpool123 arsenal123 chelsea123 manchester passwordpassword
administrator changeme123 commonground common-ground
""".split())

# A hash of nothing in particular, checked when no account matches, so that a wrong username
# takes as long as a wrong password and timing does not reveal which accounts exist.
_DUMMY_HASH = None


def hash_password(password):
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash, password):
    global _DUMMY_HASH
    if not password_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-real-password")
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


def password_problem(password, username="", email=""):
    """Say what is wrong with a proposed password, or return None if it will do."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters. Three random words work well."
    if len(password) > 200:
        return "Use at most 200 characters."
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return "That password is too easy to guess. Try three random words."
    for personal in (username, (email or "").split("@")[0]):
        if personal and len(personal) >= 3 and personal.lower() in lowered:
            return "Don't include your username or e-mail address in your password."
    return None
