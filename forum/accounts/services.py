"""Account use-cases: sign up, verify, sign in, recover, edit, delete, export; wards and roles.

Each function is one transaction: it validates, writes, commits, then sends its e-mail.
"""

import re
import secrets
import unicodedata
from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import func, update
from sqlalchemy.orm import selectinload

from forum.accounts import tokens
from forum.accounts.models import (
    ROLES,
    Block,
    MentorCheck,
    RoleGrant,
    User,
    Ward,
    WardAlias,
    age_on,
    utcnow,
)
from forum.accounts.passwords import hash_password, password_problem, verify_password
from forum.accounts.sessions import (
    close_all_sessions,
    close_session,
    list_sessions,
    open_session,
)
from forum.core import audit, content, signals
from forum.core.policy import require
from forum.core.templating import local_time
from forum.errors import DomainError, Invalid, NotFound
from forum.extensions import db
from forum.moderation import services as moderation
from forum.notifications.mail import send_email

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")
# Names that would let someone pass as the council or the site itself.
RESERVED_USERNAMES = frozenset({
    "admin", "administrator", "council", "staff", "moderator", "moderators", "mod", "support",
    "system", "root", "commonground", "common-ground", "help", "official", "deleted",
    "anonymous", "everyone", "here",
})
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LANGUAGES = 12

SIGNIN_FAILED = "That username or e-mail and password don't match an account. Check both and " \
                "try again."


# --- reading --------------------------------------------------------------------------------


def get_user_by_username(username):
    return db.session.execute(
        db.select(User).where(User.username_key == (username or "").lower())
    ).scalar_one_or_none()


def get_user_by_email(email):
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def get_profile(username):
    """The user behind a profile address, or NotFound (deleted accounts have no profile)."""
    user = get_user_by_username(username)
    if user is None or user.state == "deleted":
        raise NotFound("There's no one here by that name.")
    return user


def list_wards():
    return db.session.execute(db.select(Ward).order_by(Ward.name)).scalars().all()


def resolve_ward(slug):
    """(the ward at this address, whether the address is an old one of a merged ward).

    A ward's own slug wins over an alias, so a new ward may take a merged ward's old name.
    :raises NotFound: no ward has ever had this address.
    """
    ward = db.session.execute(db.select(Ward).where(Ward.slug == slug)).scalar_one_or_none()
    if ward is not None:
        return ward, False
    ward = merged_into(slug)
    if ward is None:
        raise NotFound("There's no ward by that name.")
    return ward, True


def merged_into(slug):
    """The ward that a merged ward's old address now leads to, or None."""
    return db.session.execute(
        db.select(Ward).join(WardAlias, WardAlias.ward_id == Ward.id).where(WardAlias.slug == slug)
    ).scalar_one_or_none()


def get_ward(slug):
    """The ward at this address, following a merged ward's old address to where it went."""
    return resolve_ward(slug)[0]


def find_ward(slug):
    """Like get_ward, but None when there is no such ward."""
    try:
        return get_ward(slug)
    except NotFound:
        return None


def search_users(text="", role=None, page=1, per_page=30, state=None):
    query = (db.select(User).where(User.state != "deleted")
             .options(selectinload(User.mentor_checks)).order_by(User.username_key))
    if text:
        like = f"%{text.lower()}%"
        query = query.where(
            User.username_key.like(like) | User.email.like(like)
            | func.lower(User.display_name).like(like)
        )
    if role:
        query = query.where(User.role_grants.any(RoleGrant.role == role))
    if state:
        query = query.where(User.state == state)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# --- validation helpers -----------------------------------------------------------------------


def normalise_email(email):
    return (email or "").strip().lower()


def parse_languages(text):
    """'Polish, english;  Urdu' -> ['Polish', 'English', 'Urdu'] (no duplicates, in order)."""
    seen, result = set(), []
    for part in re.split(r"[,;\n]", text or ""):
        name = " ".join(part.split())[:40]
        if name and name.lower() not in seen:
            seen.add(name.lower())
            result.append(name[0].upper() + name[1:])
    if len(result) > MAX_LANGUAGES:
        raise Invalid("languages", f"List at most {MAX_LANGUAGES} languages.")
    return result


def _check_username(username):
    if not USERNAME_PATTERN.match(username or ""):
        raise Invalid("username", "Use 3 to 30 letters, numbers, dots, dashes or underscores.")
    if username.lower() in RESERVED_USERNAMES:
        raise Invalid("username", "That username is reserved. Please choose another.")
    if get_user_by_username(username) is not None:
        raise Invalid("username", "That username is taken. Please choose another.")


def _check_email_free(email, field="email"):
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        raise Invalid(field, "Enter an e-mail address like name@example.com.")
    if get_user_by_email(email) is not None:
        # Saying so does reveal that the address has an account; sign-up cannot avoid that
        # without a confirm-by-email-first flow, and the rate limit caps how fast anyone can ask.
        raise Invalid(field, "An account already uses that e-mail address. Sign in, or reset "
                             "your password if you've forgotten it.")


def _check_password(password, username="", email="", field="password"):
    problem = password_problem(password, username, email)
    if problem:
        raise Invalid(field, problem)


def _check_date_of_birth(date_of_birth, today):
    if date_of_birth is None:
        raise Invalid("date_of_birth", "Enter your date of birth, for example 2004-03-27.")
    if date_of_birth > today:
        raise Invalid("date_of_birth", "Your date of birth can't be in the future.")
    if date_of_birth.year < 1900:
        raise Invalid("date_of_birth", "Check the year of your date of birth.")
    minimum = current_app.config["MINIMUM_AGE"]
    if age_on(date_of_birth, today) < minimum:
        raise Invalid(
            "date_of_birth",
            f"Thanks for wanting to join! Common Ground is for people aged {minimum} and over, "
            "so we can't make an account for you yet. A parent or carer can join and share "
            "what's on with you, and we'd love to see you when you turn "
            f"{minimum}.",
        )


def _ward_or_invalid(slug, field="ward"):
    # A merged ward's old address still counts: it may be in a form or link made before.
    ward = find_ward(slug)
    if ward is None:
        raise Invalid(field, "Choose your ward from the list.")
    return ward


# --- signing up and in ------------------------------------------------------------------------


def sign_up(username, email, password, date_of_birth, ward_slug, today=None):
    """Create an account and send the verification e-mail. Returns the new User."""
    today = today or date.today()
    username = (username or "").strip()
    email = normalise_email(email)
    _check_date_of_birth(date_of_birth, today)
    _check_username(username)
    _check_email_free(email)
    _check_password(password, username, email)
    ward = _ward_or_invalid(ward_slug)
    user = User(
        username=username,
        username_key=username.lower(),
        email=email,
        password_hash=hash_password(password),
        date_of_birth=date_of_birth,
        ward=ward,
        display_name="",
        bio="",
        languages=[],
    )
    db.session.add(user)
    db.session.commit()
    send_verification_email(user)
    signals.user_signed_up.send(user)
    return user


def send_verification_email(user):
    if user.is_verified or not user.email:
        return
    token = tokens.make_token(tokens.VERIFY_EMAIL, {"u": user.id, "e": user.email})
    send_email(
        user.email, "Confirm your e-mail address for Common Ground", "verify_email",
        user=user, link=url_for("accounts.verify_email", token=token, _external=True),
    )


def verify_email(token):
    payload = tokens.read_token(tokens.VERIFY_EMAIL, token)
    user = db.session.get(User, payload["u"])
    if user is None or user.email != payload["e"]:
        raise DomainError("That link is for an address no longer on any account.")
    if not user.is_verified:
        user.email_verified_at = utcnow()
        db.session.commit()
    return user


def authenticate(login, password):
    """The user with this username or e-mail and password, or DomainError.

    One message for every failure, so that nobody can learn which accounts exist.
    """
    login = (login or "").strip()
    user = get_user_by_email(login) if "@" in login else get_user_by_username(login)
    if user is None or user.state == "deleted":
        verify_password(None, password or "")
        raise DomainError(SIGNIN_FAILED)
    if not verify_password(user.password_hash, password or ""):
        raise DomainError(SIGNIN_FAILED)
    _refuse_if_barred(user)
    return user


def _refuse_if_barred(user):
    """Tell a suspended or banned person why they cannot sign in (only once they proved who
    they are, so this reveals nothing to anyone else)."""
    if user.state == "suspended" and user.state_until and user.state_until <= utcnow():
        user.state, user.state_reason, user.state_until = "active", "", None
        db.session.commit()
    if user.state == "suspended":
        until = (f" until {local_time(user.state_until):%-d %B %Y at %H:%M}"
                 if user.state_until else "")
        raise DomainError(f"Your account is suspended{until}. Reason: {user.state_reason}")
    if user.state == "banned":
        raise DomainError(f"Your account has been banned. Reason: {user.state_reason}")


def start_session(user, user_agent=""):
    """Open a server-side session for `user`; the caller hands the user to Flask-Login."""
    open_session(user, user_agent)
    db.session.commit()


def sign_out(user):
    """End this browser's session; a copy of its cookie no longer works anywhere."""
    close_session(user.session_token)
    db.session.commit()


def sign_out_everywhere(user):
    close_all_sessions(user)
    db.session.commit()


def request_password_reset(email):
    """E-mail a reset link if the address has an account. Says nothing either way."""
    user = get_user_by_email(email)
    if user is None or user.state == "deleted":
        return
    token = tokens.make_token(
        tokens.RESET_PASSWORD,
        {"u": user.id, "p": tokens.password_fingerprint(user.password_hash)},
    )
    send_email(
        user.email, "Reset your Common Ground password", "reset_password",
        user=user, link=url_for("accounts.reset_password", token=token, _external=True),
    )


def user_for_reset_token(token):
    payload = tokens.read_token(tokens.RESET_PASSWORD, token)
    user = db.session.get(User, payload["u"])
    if user is None or payload["p"] != tokens.password_fingerprint(user.password_hash):
        raise DomainError("That reset link has already been used. Ask for a new one below.")
    return user


def reset_password(token, new_password):
    """Set a new password from an e-mailed link; every existing session is signed out."""
    user = user_for_reset_token(token)
    _check_password(new_password, user.username, user.email)
    user.password_hash = hash_password(new_password)
    # Following the e-mailed link proves the address, too.
    user.email_verified_at = user.email_verified_at or utcnow()
    close_all_sessions(user)
    db.session.commit()
    return user


# --- managing one's own account ---------------------------------------------------------------


def _require_password(user, password, field="current_password"):
    if not verify_password(user.password_hash, password or ""):
        raise Invalid(field, "That isn't your current password.")


def change_password(actor, current_password, new_password, user_agent=""):
    """Change the password and sign out every other copy of every session.

    The browser making the change gets a fresh session, so it stays signed in.
    """
    require(actor, "account.manage")
    _require_password(actor, current_password)
    _check_password(new_password, actor.username, actor.email, field="new_password")
    actor.password_hash = hash_password(new_password)
    close_all_sessions(actor)
    open_session(actor, user_agent)
    db.session.commit()
    send_email(actor.email, "Your Common Ground password was changed", "password_changed",
               user=actor)


def request_email_change(actor, current_password, new_email):
    """Send a confirmation link to the new address; nothing changes until it is followed."""
    require(actor, "account.manage")
    _require_password(actor, current_password)
    new_email = normalise_email(new_email)
    if new_email == actor.email:
        raise Invalid("email", "That's already your e-mail address.")
    _check_email_free(new_email)
    token = tokens.make_token(tokens.CHANGE_EMAIL, {"u": actor.id, "e": new_email})
    send_email(
        new_email, "Confirm your new e-mail address for Common Ground", "change_email",
        user=actor, link=url_for("accounts.confirm_email_change", token=token, _external=True),
    )


def confirm_email_change(token):
    payload = tokens.read_token(tokens.CHANGE_EMAIL, token)
    user = db.session.get(User, payload["u"])
    if user is None or user.state == "deleted":
        raise DomainError("That link is for an account that no longer exists.")
    new_email = payload["e"]
    if user.email == new_email:
        return user
    _check_email_free(new_email)
    old_email = user.email
    user.email = new_email
    user.email_verified_at = utcnow()
    db.session.commit()
    send_email(old_email, "Your Common Ground e-mail address was changed", "email_changed",
               user=user, new_email=new_email)
    return user


def update_profile(actor, display_name, bio, ward_slug, languages_text):
    require(actor, "profile.edit", actor)
    display_name = " ".join((display_name or "").split())
    if len(display_name) > 60:
        raise Invalid("display_name", "Use at most 60 characters.")
    bio = (bio or "").strip()
    if len(bio) > 2000:
        raise Invalid("bio", "Keep your bio to 2,000 characters or fewer.")
    actor.languages = parse_languages(languages_text)
    actor.ward = _ward_or_invalid(ward_slug)
    actor.display_name = display_name
    prepared = content.prepare(bio, {"kind": "bio", "author_id": actor.id})
    if prepared.verdict.action in ("hold", "block"):
        raise Invalid("bio", "Your bio can't be published as it is: it seems to break the "
                             "community rules. Please change it.")
    actor.bio = bio
    actor.bio_html = prepared.html
    db.session.commit()


def delete_account(actor, password):
    """Erase the person's details and sign them out everywhere.

    The row stays, renamed, so that what they wrote in public threads keeps its place under
    "a former member" instead of leaving holes in conversations.
    """
    require(actor, "account.manage")
    _require_password(actor, password, field="password")
    email = actor.email
    user_id = actor.id
    close_all_sessions(actor)
    actor.username = f"former-member-{actor.id}"
    actor.username_key = actor.username
    actor.email = None
    actor.email_verified_at = None
    actor.password_hash = None
    actor.date_of_birth = None
    actor.display_name = "A former member"
    actor.bio = ""
    actor.bio_html = ""
    actor.languages = []
    actor.ward = None
    actor.state = "deleted"
    actor.deleted_at = utcnow()
    actor.role_grants.clear()
    db.session.commit()
    send_email(email, "Your Common Ground account has been deleted", "account_deleted")
    signals.account_deleted.send(user_id)


def export_personal_data(user):
    """Everything we hold about `user`, as a JSON-ready dict (the right of access)."""
    data = {
        "account": {
            "username": user.username,
            "email": user.email,
            "email_verified_at": _iso(user.email_verified_at),
            "date_of_birth": _iso(user.date_of_birth),
            "age_band": user.age_band(),
            "ward": user.ward.name if user.ward else None,
            "display_name": user.display_name,
            "bio": user.bio,
            "languages": user.languages,
            "roles": sorted(user.roles),
            "created_at": _iso(user.created_at),
        },
        "mentor_checks": [
            {"reference": check.reference, "checked_on": _iso(check.checked_on),
             "expires_on": _iso(check.expires_on), "revoked_at": _iso(check.revoked_at)}
            for check in user.mentor_checks
        ],
        "sessions": [
            {"created_at": _iso(row.created_at), "last_seen_at": _iso(row.last_seen_at),
             "browser": row.user_agent}
            for row in list_sessions(user)
        ],
    }
    for _receiver, (section, section_data) in signals.personal_data_requested.send(user):
        data[section] = section_data
    return data


def _iso(value):
    return value.isoformat() if value is not None else None


# --- wards (staff) ----------------------------------------------------------------------------


def slugify(text):
    """'St Anne's Café' -> 'st-annes-cafe': stable, readable addresses."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def create_ward(actor, name):
    require(actor, "ward.manage")
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 80:
        raise Invalid("name", "Give the ward a name of 2 to 80 characters.")
    slug = slugify(name)
    exists = db.session.execute(
        db.select(Ward).where((func.lower(Ward.name) == name.lower()) | (Ward.slug == slug))
    ).first()
    if exists:
        raise Invalid("name", "There is already a ward with that name.")
    ward = Ward(name=name, slug=slug)
    db.session.add(ward)
    db.session.flush()
    audit.record(actor, "ward.create", ward, after={"name": name})
    signals.ward_saved.send(ward)
    db.session.commit()
    return ward


def rename_ward(actor, ward, new_name):
    require(actor, "ward.manage")
    new_name = " ".join((new_name or "").split())
    if not 2 <= len(new_name) <= 80:
        raise Invalid("name", "Give the ward a name of 2 to 80 characters.")
    clash = db.session.execute(
        db.select(Ward).where(func.lower(Ward.name) == new_name.lower(), Ward.id != ward.id)
    ).first()
    if clash:
        raise Invalid("name", "There is already a ward with that name.")
    before = {"name": ward.name}
    ward.name = new_name
    audit.record(actor, "ward.rename", ward, before=before, after={"name": new_name})
    signals.ward_saved.send(ward)
    db.session.commit()
    return ward


def set_ward_centre(actor, ward, latitude, longitude):
    """Where the ward's centre is, so the matchmaker can say how far apart people live."""
    require(actor, "ward.manage")
    if (latitude is None) != (longitude is None):
        raise Invalid("latitude", "Give both the latitude and the longitude, or neither.")
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Invalid("latitude", "Latitude runs from -90 to 90 and longitude from -180 to 180 "
                                  "(for example 53.4794 and -2.2453).")
    before = {"latitude": ward.latitude, "longitude": ward.longitude}
    ward.latitude, ward.longitude = latitude, longitude
    audit.record(actor, "ward.centre", ward, before=before,
                 after={"latitude": latitude, "longitude": longitude})
    db.session.commit()


def merge_wards(actor, ward, into):
    """Merge `ward` into `into`: everything in it moves, its old address leads to `into`, and
    `ward` is deleted. Returns {what: how many moved}.

    Each domain moves its own rows on the `wards_merging` signal; this moves the residents.
    """
    require(actor, "ward.manage")
    if into is None:
        raise Invalid("into", "Choose the ward to merge into.")
    if into.id == ward.id:
        raise Invalid("into", f"Choose another ward: {ward.name} can't be merged into itself.")
    moved = {}
    for _receiver, counts in signals.wards_merging.send(ward, into=into):
        moved.update(counts or {})
    moved["residents"] = db.session.execute(
        update(User).where(User.ward_id == ward.id).values(ward_id=into.id)
    ).rowcount
    # Addresses the old ward already inherited from earlier merges follow it too.
    db.session.execute(update(WardAlias).where(WardAlias.ward_id == ward.id)
                       .values(ward_id=into.id))
    alias = db.session.execute(
        db.select(WardAlias).where(WardAlias.slug == ward.slug)).scalar_one_or_none()
    if alias is None:
        db.session.add(WardAlias(slug=ward.slug, ward_id=into.id))
    else:  # a ward made later with a merged ward's old name, now merged in turn
        alias.ward_id = into.id
    db.session.flush()
    residents_after = db.session.execute(
        db.select(func.count(User.id)).where(User.ward_id == into.id, User.state != "deleted")
    ).scalar_one()
    old_addresses = db.session.execute(
        db.select(WardAlias.slug).where(WardAlias.ward_id == into.id).order_by(WardAlias.slug)
    ).scalars().all()
    audit.record(actor, "ward.merge", into, reason=f"{ward.name} merged into {into.name}",
                 before={"ward": ward.name, "slug": ward.slug, **moved},
                 after={"ward": into.name, "slug": into.slug, "residents": residents_after,
                        "old_addresses": old_addresses})
    db.session.delete(ward)
    db.session.commit()
    return moved


# --- roles and safeguarding checks (staff, admin) ---------------------------------------------


def grant_role(actor, user, role):
    if role not in ROLES:
        raise Invalid("role", f"Choose one of: {', '.join(ROLES)}.")
    require(actor, "role.grant", role)
    if user.state == "deleted":
        raise DomainError("That account has been deleted.")
    if role in user.roles:
        return
    if role in ("staff", "admin") and user.is_minor:
        raise Invalid("role", "Staff and admin roles are for adults only.")
    user.role_grants.append(RoleGrant(role=role, granted_by_id=actor.id if actor else None))
    audit.record(actor, "role.grant", user, after={"role": role})
    db.session.commit()


def revoke_role(actor, user, role):
    require(actor, "role.grant", role)
    grant = next((grant for grant in user.role_grants if grant.role == role), None)
    if grant is None:
        return
    user.role_grants.remove(grant)
    audit.record(actor, "role.revoke", user, before={"role": role})
    db.session.commit()


def record_mentor_check(actor, user, reference, checked_on, expires_on, today=None):
    """Record the DBS check that makes an adult a verified mentor (DESIGN §2)."""
    require(actor, "mentor.record_check", user,
            message="Only staff can record checks, and only for adults other than themselves.")
    today = today or date.today()
    reference = (reference or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9 /-]{6,40}", reference):
        raise Invalid("reference", "Enter the certificate reference as printed (6 to 40 "
                                   "letters and numbers).")
    if checked_on is None or checked_on > today:
        raise Invalid("checked_on", "Enter the date on the certificate; it can't be in the "
                                    "future.")
    if expires_on is None or expires_on <= checked_on:
        raise Invalid("expires_on", "The expiry date must come after the check date.")
    if expires_on < today:
        raise Invalid("expires_on", "That check has already expired; ask for a renewed one.")
    check = MentorCheck(user=user, reference=reference, checked_on=checked_on,
                        expires_on=expires_on, recorded_by_id=actor.id)
    db.session.add(check)
    db.session.flush()
    audit.record(actor, "mentor.check_recorded", user,
                 after={"reference": reference, "checked_on": checked_on.isoformat(),
                        "expires_on": expires_on.isoformat()})
    db.session.commit()
    return check


def revoke_mentor_check(actor, check, reason):
    require(actor, "mentor.record_check", check.user)
    if not (reason or "").strip():
        raise Invalid("reason", "Say why the check is being withdrawn.")
    check.revoked_at = utcnow()
    audit.record(actor, "mentor.check_revoked", check.user, reason=reason.strip(),
                 before={"reference": check.reference})
    db.session.commit()


# --- suspending accounts (staff, admin) ---------------------------------------------------------

MAX_SUSPENSION_DAYS = 3650


def suspend_user(actor, user, reason, days=None):
    """Keep someone out: sign them out everywhere, and tell them why when they try to sign in.

    :param days: how long; None suspends them until someone reinstates them. Suspending a
        suspended person replaces the earlier suspension.
    """
    require(actor, "user.suspend", user,
            message="Staff may suspend residents and moderators, and admins staff too; nobody "
                    "suspends an admin or themselves.")
    if user.state == "deleted":
        raise DomainError("That account has been deleted.")
    if user.state == "banned":
        raise DomainError(f"{user.username} is banned, which already keeps them out: a ban is "
                          "lifted only on appeal.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason", "Say why. They will read this when they try to sign in.")
    if len(reason) > 1000:
        raise Invalid("reason", "Keep the reason to 1,000 characters or fewer.")
    if days is not None and not 1 <= days <= MAX_SUSPENSION_DAYS:
        raise Invalid("days", f"Give a number of days from 1 to {MAX_SUSPENSION_DAYS:,}, or "
                              "leave it empty to suspend until reinstated.")
    now = utcnow()
    until = now + timedelta(days=days) if days else None
    before = _state_of(user)
    moderation.lift_suspensions(user, now)  # this one replaces any running
    moderation.keep_out(user, "suspend", reason, until)
    audit.record(actor, "user.suspend", user, reason=reason, before=before,
                 after=_state_of(user))
    db.session.commit()


def reinstate_user(actor, user, reason):
    """End a suspension now, whoever made it; the person can sign in again."""
    require(actor, "user.suspend", user)
    if user.state != "suspended":
        raise DomainError(f"{user.username} isn't suspended.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason", "Say why the suspension is being lifted.")
    before = _state_of(user)
    moderation.lift_suspensions(user)
    user.state, user.state_reason, user.state_until = "active", "", None
    audit.record(actor, "user.reinstate", user, reason=reason, before=before,
                 after=_state_of(user))
    db.session.commit()


def _state_of(user):
    return {"state": user.state, "reason": user.state_reason or None,
            "until": user.state_until.isoformat(timespec="minutes") if user.state_until
            else None}


# --- blocking -----------------------------------------------------------------------------------


def blocked_ids(user):
    """Ids of the people `user` has blocked."""
    return set(db.session.execute(
        db.select(Block.blocked_id).where(Block.blocker_id == user.id)).scalars())


def has_blocked(user, other):
    return db.session.execute(
        db.select(Block.id).where(Block.blocker_id == user.id, Block.blocked_id == other.id)
    ).first() is not None


def block_user(actor, other):
    """Stop `other` reaching `actor` through the matchmaker; open matches between them end."""
    require(actor, "user.block", other)
    if has_blocked(actor, other):
        return
    db.session.add(Block(blocker_id=actor.id, blocked_id=other.id))
    signals.user_blocked.send(actor, blocked=other)
    db.session.commit()


def unblock_user(actor, other):
    require(actor, "user.block", other)
    db.session.execute(db.delete(Block).where(Block.blocker_id == actor.id,
                                              Block.blocked_id == other.id))
    db.session.commit()


# --- command-line helpers (no acting user: the operator at the server is trusted) -------------


def create_admin(username, email, password, ward_slug=None):
    """Create a verified admin account for the operator (`flask users create-admin`)."""
    username = username.strip()
    email = normalise_email(email)
    _check_username(username)
    _check_email_free(email)
    _check_password(password, username, email)
    ward = _ward_or_invalid(ward_slug) if ward_slug else None
    user = User(username=username, username_key=username.lower(), email=email,
                password_hash=hash_password(password), email_verified_at=utcnow(),
                ward=ward, display_name="", bio="", languages=[])
    user.role_grants.append(RoleGrant(role="admin"))
    db.session.add(user)
    db.session.flush()
    audit.record(None, "role.grant", user, reason="created from the command line",
                 after={"role": "admin"})
    db.session.commit()
    return user


def grant_role_from_cli(username, role):
    user = get_user_by_username(username)
    if user is None or user.state == "deleted":
        raise NotFound(f"No user called {username}.")
    if role not in ROLES:
        raise Invalid("role", f"Choose one of: {', '.join(ROLES)}.")
    if role in user.roles:
        return user
    if role in ("staff", "admin") and user.is_minor:
        raise Invalid("role", "Staff and admin roles are for adults only.")
    user.role_grants.append(RoleGrant(role=role))
    audit.record(None, "role.grant", user, reason="granted from the command line",
                 after={"role": role})
    db.session.commit()
    return user


def random_password():
    return secrets.token_urlsafe(12)

