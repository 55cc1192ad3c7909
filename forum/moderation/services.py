"""Moderation use-cases: screening at posting time (nudge, hold), flags, the review queue,
decisions with statements of reasons, sanctions that remember, and appeals.

Every decision writes an audit entry and tells the people concerned; the calling view never
commits. Content is handled through the registry in core/content.py, so every kind that
registers itself can be flagged, held, removed, redacted and restored here.
"""

from datetime import timedelta

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, utcnow
from forum.core import audit, content, signals
from forum.core.policy import can, require
from forum.errors import DomainError, Invalid, NotAllowed, NotFound
from forum.extensions import db
from forum.moderation import community_rules, detector
from forum.moderation.models import (
    ADVERSE,
    DECISIONS,
    FLAG_REASONS,
    STAFF_REASONS,
    Appeal,
    Case,
    Decision,
    Flag,
    ModeratorScope,
    Nudge,
    Sanction,
    WatchedWord,
)
from forum.moderation.watchlist import WatchEntry, WatchList
from forum.notifications.mail import send_email
from forum.notifications.services import notify_person

CLAIM_MINUTES = 30


class NeedsReconsideration(DomainError):
    """The text seems hurtful: show it back to the author with a calm prompt, once."""

    def __init__(self, nudge, verdict):
        super().__init__("Before you post: this may hurt people.")
        self.nudge = nudge
        self.verdict = verdict


# --- screening, at posting time --------------------------------------------------------------


_watchlist_cache = {"stamp": None, "list": None}


def current_watchlist():
    """The moderators' watched words, compiled once per change (not per post)."""
    stamp = tuple(db.session.execute(
        select(func.count(WatchedWord.id), func.max(WatchedWord.id),
               func.max(WatchedWord.created_at))
    ).one())
    if _watchlist_cache["stamp"] != stamp:
        words = db.session.execute(select(WatchedWord)).scalars().all()
        _watchlist_cache["list"] = WatchList(
            (word.pattern, word.action, word.replacement) for word in words)
        _watchlist_cache["stamp"] = stamp
    return _watchlist_cache["list"]


def assess(text, context):
    """The detector, with the moderators' watched words and the configured thresholds."""
    thresholds = current_app.config.get("MODERATION_THRESHOLDS") or None
    return detector.assess(text, {**context, "watchlist": current_watchlist(),
                                  "thresholds": thresholds})


def hold_threshold():
    thresholds = {**detector.DEFAULT_THRESHOLDS,
                  **(current_app.config.get("MODERATION_THRESHOLDS") or {})}
    return thresholds["hold"]


def screen(actor, verdict, kind, nudge_id=None):
    """Decide what happens to text the author is posting, before it is saved.

    Returns "published" or "held", or raises NeedsReconsideration (first time a text seems
    hurtful) or Invalid (blocked outright). A nudge is asked once: when the author sends
    the text again with the nudge's id, their choice stands and is recorded; if the text
    still scores above the hold threshold it goes to the review queue.
    """
    if verdict.action == "block":
        raise Invalid("body", "This can't be posted: " + " ".join(verdict.reasons)
                      + " Please read the community rules and change it.")
    nudge = _pending_nudge(actor, nudge_id)
    if verdict.action not in ("nudge", "hold"):
        if nudge is not None:
            _resolve_nudge(nudge, "edited")
        return "published"
    if nudge is None:
        nudge = Nudge(author_id=actor.id, kind=kind, score=verdict.score,
                      labels=list(verdict.labels))
        db.session.add(nudge)
        db.session.commit()
        raise NeedsReconsideration(nudge, verdict)
    _resolve_nudge(nudge, "posted")
    return "held" if verdict.score >= hold_threshold() else "published"


def _pending_nudge(actor, nudge_id):
    if not nudge_id:
        return None
    nudge = db.session.get(Nudge, nudge_id)
    if nudge is None or nudge.author_id != actor.id or nudge.outcome != "pending":
        return None
    return nudge


def _resolve_nudge(nudge, outcome):
    nudge.outcome = outcome
    nudge.resolved_at = utcnow()


def withdraw_after_nudge(actor, nudge_id):
    """The author chose not to post after the prompt."""
    nudge = _pending_nudge(actor, nudge_id)
    if nudge is not None:
        _resolve_nudge(nudge, "withdrawn")
        db.session.commit()


def record_screening(obj, verdict):
    """After the content is flushed: open a review case when it is held or watched."""
    watched_flag = any(label == "watched:flag" for label in verdict.labels)
    if obj.status != "held" and not watched_flag:
        return None
    return _open_case(obj, source="detector", automated=True,
                      severity=int(round(verdict.score * 100)) if obj.status == "held" else 20,
                      labels=list(verdict.labels), reasons=list(verdict.reasons),
                      needs_staff=any(label.startswith("threat") for label in verdict.labels))


def hold_for_staff(obj, labels, reasons):
    """Hold content for council staff alone (safeguarding): a case volunteers never see.

    The caller has saved `obj` with status "held" and commits.
    """
    return _open_case(obj, source="safeguarding", automated=True, severity=80,
                      labels=labels, reasons=reasons, needs_staff=True)


def _where(obj):
    """The board and ward a piece of content belongs to, for moderators' scopes."""
    topic = getattr(obj, "topic", obj)
    board = getattr(topic, "board", None)
    if board is None:
        return None, getattr(obj, "ward_id", None)
    return board.id, board.ward_id


def _open_case(obj, source, automated=False, severity=0, labels=(), reasons=(),
               needs_staff=False):
    kind = content.kind_of(obj)
    case = db.session.execute(
        select(Case).where(Case.content_kind == kind.name, Case.content_id == obj.id,
                           Case.state == "open")
    ).scalar_one_or_none()
    if case is None:
        board_id, ward_id = _where(obj)
        case = Case(content_kind=kind.name, content_id=obj.id,
                    author_id=getattr(obj, "author_id", None), board_id=board_id,
                    ward_id=ward_id, source=source, automated=automated, severity=severity,
                    labels=list(labels), reasons=list(reasons), needs_staff=needs_staff,
                    flag_weight=0.0)
        db.session.add(case)
    else:
        case.severity = max(case.severity, severity)
        case.labels = list(dict.fromkeys([*case.labels, *labels]))
        case.reasons = list(dict.fromkeys([*case.reasons, *reasons]))
        case.needs_staff = case.needs_staff or needs_staff
    db.session.flush()
    return case


# --- flags -------------------------------------------------------------------------------------


def reporter_weight(reporter):
    """How much a reporter's flag counts: 1 for newcomers, up to 2 for accurate reporters,
    down towards 0 for people whose reports are usually rejected."""
    if reporter is None:
        return 1.0
    upheld, decided = db.session.execute(
        select(func.count(Flag.id).filter(Flag.outcome == "upheld"),
               func.count(Flag.id).filter(Flag.outcome != ""))
        .where(Flag.reporter_id == reporter.id)
    ).one()
    return round(2 * (upheld + 1) / (decided + 2), 3)


def get_reportable(kind_name, content_id, viewer):
    """The object behind a report form, if the viewer may see it."""
    if kind_name == "user":
        user = db.session.get(User, content_id)
        if user is None or not can(viewer, "profile.view", user):
            raise NotFound()
        return user
    kind = content.KINDS.get(kind_name)
    # Private conversations have their own route to staff ("report a concern"); council news
    # is staff's own words (its comments are reported one by one).
    reportable = kind is not None and not kind.private and issubclass(kind.model,
                                                                     content.Moderated)
    obj = db.session.get(kind.model, content_id) if reportable else None
    if obj is None or not content.visible(obj, viewer) \
            or not kind.container_visible(obj, viewer):
        raise NotFound("There's nothing to report here: it may have been removed already.")
    return obj


def flag_content(reporter, kind_name, content_id, reason, note="", reporter_email=""):
    """Report content (or a profile). Enough weighted flags hide it pending review."""
    if reason not in FLAG_REASONS:
        raise Invalid("reason", "Choose the reason that fits best.")
    if reporter is None and reason != "illegal":
        raise NotAllowed("Please sign in to report this. Anyone can report illegal content "
                         "without an account.")
    obj = get_reportable(kind_name, content_id, reporter)
    author_id = obj.id if kind_name == "user" else getattr(obj, "author_id", None)
    if reporter is not None and author_id == reporter.id:
        raise Invalid("reason", "You can't report your own posts. Edit or delete it instead.")
    if reporter is not None and db.session.execute(
        select(Flag.id).where(Flag.content_kind == kind_name, Flag.content_id == content_id,
                              Flag.reporter_id == reporter.id)
    ).first():
        raise Invalid("reason", "You've already reported this. Thank you: moderators will "
                                "look at it, and we'll tell you what they decide.")
    note = (note or "").strip()[:2000]
    weight = reporter_weight(reporter)
    case = _case_for_report(obj, kind_name)
    case.flag_weight += weight
    case.severity = max(case.severity, 90 if reason in STAFF_REASONS else 40)
    # Any report about a young person goes straight to staff as well (DESIGN §5).
    about_minor = author_id is not None and _is_minor(author_id)
    case.needs_staff = case.needs_staff or reason in STAFF_REASONS or about_minor
    db.session.add(Flag(case=case, content_kind=kind_name, content_id=content_id,
                        reporter_id=reporter.id if reporter else None,
                        reporter_email=(reporter_email or "").strip()[:254],
                        reason=reason, note=note, weight=weight))
    hidden = False
    if (kind_name != "user" and obj.status == "published"
            and case.flag_weight >= current_app.config["FLAG_HIDE_WEIGHT"]):
        obj.status = "held"
        db.session.flush()
        content.kind_of(obj).after_status_change(obj)
        hidden = True
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid("reason", "You've already reported this.") from None
    return case, hidden


def _is_minor(user_id):
    user = db.session.get(User, user_id)
    return user is not None and user.is_minor


def _case_for_report(obj, kind_name):
    if kind_name != "user":
        return _open_case(obj, source="flags")
    case = db.session.execute(
        select(Case).where(Case.content_kind == "user", Case.content_id == obj.id,
                           Case.state == "open")
    ).scalar_one_or_none()
    if case is None:
        case = Case(content_kind="user", content_id=obj.id, author_id=obj.id, source="flags",
                    ward_id=obj.ward_id, flag_weight=0.0, labels=[], reasons=[])
        db.session.add(case)
        db.session.flush()
    return case


# --- the queue ---------------------------------------------------------------------------------


def _scoped(query, moderator):
    """Limit a case query to a volunteer's boards and wards (staff see everything); private
    conversations are never shown to volunteers."""
    from forum.core.policy import is_staff

    if is_staff(moderator):
        return query
    private = [name for name, kind in content.KINDS.items() if kind.private]
    if private:
        query = query.where(Case.content_kind.not_in(private))
    scopes = db.session.execute(
        select(ModeratorScope).where(ModeratorScope.user_id == moderator.id)).scalars().all()
    if not scopes:
        return query
    boards = [scope.board_id for scope in scopes if scope.board_id]
    wards = [scope.ward_id for scope in scopes if scope.ward_id]
    return query.where(Case.board_id.in_(boards) | Case.ward_id.in_(wards))


def open_cases_query(moderator, only=None):
    query = select(Case).where(Case.state == "open")
    if only == "mine":
        query = query.where(Case.claimed_by_id == moderator.id)
    elif only == "staff":
        query = query.where(Case.needs_staff.is_(True))
    return _scoped(query, moderator)


def queue_count(moderator):
    return db.session.execute(
        open_cases_query(moderator).with_only_columns(func.count(Case.id))
    ).scalar_one()


def list_queue(moderator, only=None, page=1, per_page=25):
    """Open cases, most severe first, then by flag weight, then oldest first."""
    require(moderator, "moderation.queue")
    query = (open_cases_query(moderator, only)
             .options(selectinload(Case.author), selectinload(Case.claimed_by),
                      selectinload(Case.flags))
             .order_by(Case.severity.desc(), Case.flag_weight.desc(), Case.opened_at))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def subjects_of(cases):
    """{(kind, id): object} for a page of cases, one query per kind."""
    wanted = {}
    for case in cases:
        wanted.setdefault(case.content_kind, set()).add(case.content_id)
    found = {}
    for kind_name, ids in wanted.items():
        model = User if kind_name == "user" else content.KINDS[kind_name].model
        for obj in db.session.execute(select(model).where(model.id.in_(ids))).scalars():
            found[(kind_name, obj.id)] = obj
    return found


def describe(kind_name, obj):
    """Title, text and link of a case's subject, for the queue and statements."""
    if obj is None:
        return {"title": "(no longer exists)", "text": "", "url": None}
    if kind_name == "user":
        return {"title": f"Profile of {obj.username}", "text": obj.bio,
                "url": url_for("accounts.profile", username=obj.username)}
    kind = content.KINDS[kind_name]
    return {"title": kind.title(obj), "text": kind.text(obj), "url": kind.url(obj)}


def get_case(moderator, case_id):
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("There's no such case.")
    require(moderator, "moderation.decide", case)
    return case


def author_history(user_id, exclude_case=None):
    """Past decisions against an author and their sanctions, newest first."""
    if user_id is None:
        return [], []
    decisions = db.session.execute(
        select(Decision).where(Decision.subject_id == user_id, Decision.action != "keep",
                               Decision.case_id != (exclude_case.id if exclude_case else -1))
        .options(selectinload(Decision.moderator)).order_by(Decision.created_at.desc())
    ).scalars().all()
    sanctions = db.session.execute(
        select(Sanction).where(Sanction.user_id == user_id).order_by(Sanction.starts_at.desc())
    ).scalars().all()
    return decisions, sanctions


def thread_context(obj, before=2):
    """The posts just before a reply, so the moderator reads it in its conversation."""
    topic = getattr(obj, "topic", None)
    if topic is None:
        return []
    post_model = type(obj)
    return list(reversed(db.session.execute(
        select(post_model).where(post_model.topic_id == topic.id,
                                 post_model.number < obj.number,
                                 post_model.status == "published")
        .order_by(post_model.number.desc()).limit(before)
    ).scalars().all()))


def claim_case(moderator, case):
    """Take a case so that two moderators do not work on it at once (for 30 minutes)."""
    require(moderator, "moderation.decide", case)
    _refuse_if_claimed_by_another(moderator, case)
    case.claimed_by_id = moderator.id
    case.claimed_at = utcnow()
    db.session.commit()


def _refuse_if_claimed_by_another(moderator, case):
    taken = (case.claimed_by_id not in (None, moderator.id) and case.claimed_at
             and utcnow() - case.claimed_at < timedelta(minutes=CLAIM_MINUTES))
    if taken:
        raise DomainError(f"{case.claimed_by.username} is working on this case. Pick another, "
                          "or wait until their claim lapses.")


# --- decisions ---------------------------------------------------------------------------------

LADDER_WINDOW_DAYS = 180


def effective_sanction(user, action, days):
    """Apply the configured ladder: repeated warnings and mutes escalate.

    Returns (action, days, note). Moderators' explicit suspensions and bans stand as chosen.
    """
    if action not in ("warn", "mute"):
        return action, days, ""
    since = utcnow() - timedelta(days=LADDER_WINDOW_DAYS)
    earlier = db.session.execute(
        select(func.count(Sanction.id)).where(Sanction.user_id == user.id,
                                              Sanction.starts_at >= since,
                                              Sanction.lifted_at.is_(None),
                                              Sanction.kind.in_(("warn", "mute")))
    ).scalar_one()
    ladder = current_app.config["SANCTION_LADDER"]
    rung = ladder[min(earlier, len(ladder) - 1)]
    rung_action, _, rung_days = rung.partition(":")
    order = ["warn", "mute", "suspend", "ban"]
    if order.index(rung_action) > order.index(action) or (
            rung_action == action == "mute" and int(rung_days or 0) > (days or 0)):
        note = (f"Because of {earlier} earlier warning{'s' if earlier != 1 else ''} or "
                f"mute{'s' if earlier != 1 else ''} in the last six months, this is a "
                f"{rung_action}" + (f" for {rung_days} days" if rung_days else "") + ".")
        return rung_action, int(rung_days) if rung_days else None, note
    return action, days, ""


def decide(moderator, case, action, rule="", reason="", days=None, redacted_text=None):
    """Record a decision on a case and carry it out. Returns the Decision."""
    require(moderator, "moderation.decide", case)
    if case.state != "open":
        raise DomainError("This case has already been decided.")
    _refuse_if_claimed_by_another(moderator, case)
    if action not in DECISIONS:
        raise Invalid("action", "Choose what to do.")
    if action == "escalate":
        return _escalate(moderator, case, reason)
    if case.needs_staff and not can(moderator, "moderation.decide_escalated", case):
        raise NotAllowed("This case needs council staff: threats, illegal content and "
                         "escalations are decided by staff.")
    reason = (reason or "").strip()
    if action in ADVERSE:
        if rule not in community_rules.RULES:
            raise Invalid("rule", "Choose the community rule that was broken.")
        if len(reason) < 10:
            raise Invalid("reason", "Explain the decision in a sentence the author will "
                                    "read (at least 10 characters).")
    subjects = subjects_of([case])
    obj = subjects.get((case.content_kind, case.content_id))
    author = db.session.get(User, case.author_id) if case.author_id else None
    note = ""
    if action in ("warn", "mute", "suspend", "ban") and author is not None:
        action, days, note = effective_sanction(author, action, days)
    if action in ("mute", "suspend") and not days:
        raise Invalid("days", "Say for how many days.")
    before = {"status": getattr(obj, "status", None)}
    decision = Decision(case=case, moderator_id=moderator.id, subject_id=case.author_id,
                        action=action, rule=rule if action != "keep" else "",
                        reason=" ".join(part for part in (reason, note) if part),
                        automated=case.automated, days=days)
    db.session.add(decision)
    db.session.flush()
    if action == "keep":
        _set_status(obj, "published", case)
    elif action == "redact":
        _redact(obj, case, redacted_text)
    elif action == "remove" and case.content_kind == "user" and obj is not None:
        # A profile is not removed, its words are: the bio is what others read.
        before["bio"] = obj.bio
        obj.bio, obj.bio_html = "", ""
    elif action in ADVERSE and case.content_kind != "user":
        _set_status(obj, "removed", case)
    if action in ("warn", "mute", "suspend", "ban") and author is not None:
        _sanction(author, decision)
    case.state = "decided"
    case.decided_at = utcnow()
    for flag in case.flags:
        flag.outcome = "rejected" if action == "keep" else "upheld"
    audit.record(moderator, f"moderation.{action}", obj if obj is not None else case,
                 reason=decision.reason, before=before,
                 after={"status": getattr(obj, "status", None), "rule": decision.rule,
                        "days": days, "case": case.id})
    db.session.commit()
    _tell_people(decision, case, obj)
    if action == "keep" and before["status"] == "held" and obj is not None:
        # Held content never notified anyone; now that it is published, it does.
        content.kind_of(obj).announce(obj)
    return decision


def _escalate(moderator, case, reason):
    case.needs_staff = True
    case.claimed_by_id = None
    audit.record(moderator, "moderation.escalate", case, reason=(reason or "").strip())
    db.session.commit()
    return None


def _set_status(obj, status, case):
    if obj is None or case.content_kind == "user" or obj.status == status:
        return
    obj.status = status
    db.session.flush()
    content.kind_of(obj).after_status_change(obj)


def _redact(obj, case, redacted_text):
    kind = content.KINDS.get(case.content_kind)
    if obj is None or kind is None or kind.redact is None:
        raise Invalid("action", "This kind of content can't be redacted; remove it instead.")
    redacted_text = (redacted_text or "").strip()
    if not redacted_text or redacted_text == kind.text(obj):
        raise Invalid("redacted_text", "Edit the text to take out the part that breaks the "
                                       "rules.")
    kind.redact(obj, redacted_text)
    _set_status(obj, "published", case)


def _sanction(user, decision):
    now = utcnow()
    ends = now + timedelta(days=decision.days) if decision.days else None
    if decision.action in ("suspend", "ban"):
        keep_out(user, decision.action,
                 f"{community_rules.title(decision.rule)}: {decision.reason}", ends,
                 decision_id=decision.id)
        return
    db.session.add(Sanction(user_id=user.id, decision_id=decision.id, kind=decision.action,
                            starts_at=now, ends_at=ends))
    if decision.action == "mute":
        user.muted_until = max(filter(None, [user.muted_until, ends]))


def keep_out(user, kind, reason, until=None, decision_id=None):
    """Suspend (until a time, or until lifted) or ban an account: recorded as a sanction, the
    reason shown when they try to sign in, signed out everywhere. The caller commits.

    A moderator's decision gives `decision_id`; staff suspending from the console don't.
    """
    from forum.accounts.sessions import close_all_sessions

    db.session.add(Sanction(user_id=user.id, decision_id=decision_id, kind=kind,
                            starts_at=utcnow(), ends_at=until))
    user.state = "suspended" if kind == "suspend" else "banned"
    user.state_reason, user.state_until = reason, until
    close_all_sessions(user)


def lift_suspensions(user, now=None):
    """End every running suspension of an account (the caller sets its state and commits)."""
    now = now or utcnow()
    db.session.execute(
        update(Sanction).where(Sanction.user_id == user.id, Sanction.kind == "suspend",
                               Sanction.lifted_at.is_(None),
                               Sanction.ends_at.is_(None) | (Sanction.ends_at > now))
        .values(lifted_at=now))


# --- telling people ----------------------------------------------------------------------------


ACTION_WORDS = {
    "remove": "removed your post", "redact": "edited out part of your post",
    "warn": "warned you", "mute": "muted you", "suspend": "suspended your account",
    "ban": "banned your account", "keep": "kept the content",
}


def _tell_people(decision, case, obj):
    """The author gets a statement of reasons; reporters hear the outcome."""
    described = describe(case.content_kind, obj)
    statement_url = url_for("moderation.decision", decision_id=decision.id)
    author = decision.subject
    if decision.action in ADVERSE and author is not None and author.state != "deleted":
        what = ("removed your profile's bio" if case.content_kind == "user"
                and decision.action == "remove" else ACTION_WORDS[decision.action])
        notify_person(author.id, "moderation",
                      f"A moderator {what}: read why and how to appeal", statement_url)
        if author.email:
            # Suspended and banned people cannot sign in, so their link works without it.
            send_email(author.email, "A moderation decision about your account",
                       "statement_of_reasons", decision=decision, described=described,
                       rule=community_rules.RULES.get(decision.rule),
                       link=appeal_link(decision) if decision.action in ("suspend", "ban")
                       else url_for("moderation.decision", decision_id=decision.id,
                                    _external=True))
    outcome = ("removed or acted on" if decision.action != "keep"
               else "reviewed and kept: moderators found no rule broken")
    for flag in case.flags:
        if flag.reporter_id:
            notify_person(flag.reporter_id, "report_outcome",
                          f"Your report about “{described['title'][:120]}” was {outcome}.",
                          url_for("moderation.my_reports"))
        elif flag.reporter_email:
            send_email(flag.reporter_email, "The outcome of your report", "report_outcome",
                       outcome=outcome, described=described)
    db.session.commit()


# --- appeals -----------------------------------------------------------------------------------


APPEAL_LINK_DAYS = 30


def appeal_link(decision, external=True):
    """A link that lets the decision's subject read it and appeal without signing in."""
    token = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="appeal").dumps(
        {"d": decision.id, "u": decision.subject_id})
    return url_for("moderation.appeal_by_link", decision_id=decision.id, token=token,
                   _external=external)


def decision_for_appeal_link(decision_id, token):
    try:
        payload = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="appeal").loads(
            token, max_age=APPEAL_LINK_DAYS * 86400)
    except SignatureExpired:
        raise DomainError(f"This link has expired: appeals must be made within "
                          f"{APPEAL_LINK_DAYS} days of the decision.") from None
    except BadSignature:
        raise NotFound("That link isn't valid.") from None
    decision = db.session.get(Decision, decision_id)
    if decision is None or payload != {"d": decision.id, "u": decision.subject_id}:
        raise NotFound("That link isn't valid.")
    return decision, db.session.get(User, decision.subject_id)


def get_decision(viewer, decision_id):
    decision = db.session.get(Decision, decision_id)
    if decision is None or not can(viewer, "moderation.view_decision", decision):
        raise NotFound("There's no such decision.")
    return decision


def make_appeal(appellant, decision, statement):
    """Appeal a decision, once; another moderator or staff member decides."""
    require(appellant, "moderation.appeal", decision,
            message="Only the person a decision was about can appeal it.")
    if decision.appeal is not None:
        raise DomainError("You've already appealed this decision; each decision can be "
                          "appealed once.")
    statement = (statement or "").strip()
    if len(statement) < 10:
        raise Invalid("statement", "Tell the moderators why the decision was wrong, in a "
                                   "sentence or two.")
    appeal = Appeal(decision=decision, appellant_id=appellant.id, statement=statement[:4000])
    db.session.add(appeal)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("You've already appealed this decision.") from None
    return appeal


def list_open_appeals(moderator):
    require(moderator, "moderation.queue")
    appeals = db.session.execute(
        select(Appeal).where(Appeal.decided_at.is_(None))
        .options(selectinload(Appeal.decision).selectinload(Decision.moderator),
                 selectinload(Appeal.appellant))
        .order_by(Appeal.created_at)
    ).scalars().all()
    return [appeal for appeal in appeals if can(moderator, "moderation.decide_appeal", appeal)]


def decide_appeal(moderator, appeal, outcome, reason):
    """Uphold or overturn; an overturned removal is restored and its sanction lifted."""
    require(moderator, "moderation.decide_appeal", appeal,
            message="A different moderator from the one who decided must hear the appeal.")
    if appeal.decided_at is not None:
        raise DomainError("This appeal has already been decided.")
    if outcome not in ("upheld", "overturned"):
        raise Invalid("outcome", "Choose whether the decision stands or is overturned.")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise Invalid("reason", "Give the reasons the appellant will read (at least 10 "
                                "characters).")
    decision = appeal.decision
    appeal.outcome = outcome
    appeal.outcome_reason = reason
    appeal.decided_by_id = moderator.id
    appeal.decided_at = utcnow()
    if outcome == "overturned":
        _undo(decision)
    audit.record(moderator, f"moderation.appeal_{outcome}", decision, reason=reason,
                 after={"appeal": appeal.id})
    notify_person(appeal.appellant_id, "moderation",
                  "Your appeal was decided: " + ("the decision was overturned."
                                                 if outcome == "overturned"
                                                 else "the decision stands."),
                  url_for("moderation.decision", decision_id=decision.id))
    db.session.commit()
    if appeal.appellant.email:
        send_email(appeal.appellant.email, "Your appeal has been decided", "appeal_outcome",
                   appeal=appeal, decision=decision,
                   link=url_for("moderation.decision", decision_id=decision.id,
                                _external=True))
    return appeal


def _undo(decision):
    case = decision.case
    if case is not None and case.content_kind != "user":
        obj = subjects_of([case]).get((case.content_kind, case.content_id))
        if obj is not None and obj.status == "removed":
            _set_status(obj, "published", case)
    for sanction in db.session.execute(
            select(Sanction).where(Sanction.decision_id == decision.id)).scalars():
        sanction.lifted_at = utcnow()
        user = db.session.get(User, sanction.user_id)
        if sanction.kind == "mute":
            db.session.flush()
            # Another mute may still be running: the latest end of those not lifted stands.
            user.muted_until = db.session.execute(
                select(func.max(Sanction.ends_at)).where(
                    Sanction.user_id == user.id, Sanction.kind == "mute",
                    Sanction.lifted_at.is_(None), Sanction.ends_at > utcnow())
            ).scalar_one()
        elif sanction.kind in ("suspend", "ban") and user.state in ("suspended", "banned"):
            user.state, user.state_reason, user.state_until = "active", "", None


# --- reporters and watched words ---------------------------------------------------------------


def list_my_reports(reporter):
    return db.session.execute(
        select(Flag).where(Flag.reporter_id == reporter.id)
        .options(selectinload(Flag.case)).order_by(Flag.created_at.desc()).limit(100)
    ).scalars().all()


def list_watched_words(moderator):
    require(moderator, "moderation.watched_words")
    return db.session.execute(select(WatchedWord).order_by(WatchedWord.pattern)).scalars().all()


def add_watched_word(moderator, pattern, action, replacement="", note=""):
    require(moderator, "moderation.watched_words")
    pattern = " ".join((pattern or "").lower().split())
    if not 2 <= len(pattern) <= 120:
        raise Invalid("pattern", "Enter a word or phrase of 2 to 120 characters; * matches "
                                 "any letters.")
    if action not in ("block", "hold", "flag", "replace"):
        raise Invalid("action", "Choose what happens when the word is used.")
    if action == "replace" and not (replacement or "").strip():
        raise Invalid("replacement", "Say what to replace it with.")
    try:
        WatchEntry(pattern, action, (replacement or "").strip())
    except ValueError as error:
        raise Invalid("pattern", str(error)) from None
    if db.session.execute(select(WatchedWord.id).where(WatchedWord.pattern == pattern)).first():
        raise Invalid("pattern", "That word is already watched.")
    word = WatchedWord(pattern=pattern, action=action, replacement=(replacement or "").strip(),
                       note=(note or "").strip(), created_by_id=moderator.id)
    db.session.add(word)
    db.session.flush()
    audit.record(moderator, "moderation.watch_word", word,
                 after={"pattern": pattern, "action": action})
    db.session.commit()
    return word


def remove_watched_word(moderator, word_id):
    require(moderator, "moderation.watched_words")
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        raise NotFound()
    audit.record(moderator, "moderation.unwatch_word", word,
                 before={"pattern": word.pattern, "action": word.action})
    db.session.delete(word)
    db.session.commit()


# --- moderators' scopes ------------------------------------------------------------------------


def list_scopes(user):
    return db.session.execute(
        select(ModeratorScope).where(ModeratorScope.user_id == user.id)
    ).scalars().all()


def add_scope(actor, moderator, board=None, ward=None):
    """Limit a volunteer moderator to a board or a ward (several scopes add up)."""
    require(actor, "role.grant", "moderator")
    if "moderator" not in moderator.roles:
        raise Invalid("scope", "Make them a moderator first.")
    if (board is None) == (ward is None):
        raise Invalid("scope", "Choose one board or one ward.")
    scope = ModeratorScope(user_id=moderator.id, board_id=board.id if board else None,
                           ward_id=ward.id if ward else None)
    db.session.add(scope)
    audit.record(actor, "moderation.scope_add", moderator,
                 after={"board": board.slug if board else None,
                        "ward": ward.slug if ward else None})
    db.session.commit()


def remove_scope(actor, scope_id):
    require(actor, "role.grant", "moderator")
    scope = db.session.get(ModeratorScope, scope_id)
    if scope is None:
        raise NotFound()
    moderator = db.session.get(User, scope.user_id)
    audit.record(actor, "moderation.scope_remove", moderator,
                 before={"board_id": scope.board_id, "ward_id": scope.ward_id})
    db.session.delete(scope)
    db.session.commit()
    return moderator


def _move_scopes(column, old_id, new_id):
    """Point scopes on one board or ward at another; a moderator already scoped there keeps
    the one they had. Returns how many moved."""
    already = select(ModeratorScope.user_id).where(column == new_id)
    db.session.execute(delete(ModeratorScope).where(column == old_id,
                                                    ModeratorScope.user_id.in_(already)))
    return db.session.execute(
        update(ModeratorScope).where(column == old_id).values({column.key: new_id})
    ).rowcount


def move_board(old, new):
    """A board is merged into another (its ward was merged): its cases and moderators' scopes
    follow. The caller commits. Returns {what: how many moved}."""
    db.session.execute(update(Case).where(Case.board_id == old.id).values(board_id=new.id))
    return {"board_scopes": _move_scopes(ModeratorScope.board_id, old.id, new.id)}


@signals.wards_merging.connect
def _merge_ward_cases(ward, into, **extra):
    """Cases and moderators' scopes in a merged ward move to the ward that remains."""
    cases = db.session.execute(
        update(Case).where(Case.ward_id == ward.id).values(ward_id=into.id)).rowcount
    return {"cases": cases, "ward_scopes": _move_scopes(ModeratorScope.ward_id, ward.id, into.id)}
