"""Signed, time-limited tokens for links sent by e-mail."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.errors import DomainError

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
CHANGE_EMAIL = "change-email"
GUARDIAN_CONSENT = "guardian-consent"
GUARDIAN_WITHDRAW = "guardian-withdraw"

MAX_AGE_SETTINGS = {
    VERIFY_EMAIL: "EMAIL_VERIFY_MAX_AGE",
    RESET_PASSWORD: "PASSWORD_RESET_MAX_AGE",
    CHANGE_EMAIL: "EMAIL_VERIFY_MAX_AGE",
    GUARDIAN_CONSENT: "GUARDIAN_CONSENT_MAX_AGE",
    GUARDIAN_WITHDRAW: "GUARDIAN_WITHDRAW_MAX_AGE",
}

EXPIRED_MESSAGES = {
    VERIFY_EMAIL: "That verification link has expired. Sign in and we'll send you a fresh one.",
    RESET_PASSWORD: "That reset link has expired. Links last an hour; ask for a new one below.",
    CHANGE_EMAIL: "That confirmation link has expired. Change your e-mail address again to get "
                  "a new one.",
    GUARDIAN_CONSENT: "That consent link has expired. Ask your young person to send a new one "
                      "from their Skills page.",
    GUARDIAN_WITHDRAW: "That link has expired. Contact the council and we'll withdraw your "
                       "consent for you.",
}


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def password_fingerprint(password_hash):
    """A short digest of the current password hash: a reset link stops working once used."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def make_token(purpose, payload):
    return _serializer(purpose).dumps(payload)


def read_token(purpose, token):
    """Return the payload, or raise DomainError saying plainly why the link does not work."""
    max_age = current_app.config[MAX_AGE_SETTINGS[purpose]].total_seconds()
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(EXPIRED_MESSAGES[purpose]) from None
    except BadSignature:
        raise DomainError("That link isn't valid. Check you copied the whole link from the "
                          "e-mail.") from None
