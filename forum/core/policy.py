"""Who may do what: the one place that answers "may this user do this to that?".

Views call `can()` (or `require()`, which raises NotAllowed) and hand templates booleans;
services call `require()` before they write. Each rule is a small function of
(user, obj) registered under an action name, so the whole matrix can be read top to bottom here
and walked by tests (tests/core/test_policy_matrix.py).
"""

from forum.errors import NotAllowed

RULES = {}


def rule(action):
    def register(function):
        RULES[action] = function
        return function

    return register


def can(user, action, obj=None):
    """True when `user` (maybe anonymous) may perform `action` on `obj`."""
    try:
        check = RULES[action]
    except KeyError:
        raise KeyError(f"No policy rule for {action!r}") from None
    return bool(check(user, obj))


def require(user, action, obj=None, message=None):
    if not can(user, action, obj):
        raise NotAllowed(message) if message else NotAllowed()


# --- who someone is ---------------------------------------------------------------------------


def signed_in(user):
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_staff(user):
    return signed_in(user) and bool(user.roles & {"staff", "admin"})


def is_admin(user):
    return signed_in(user) and "admin" in user.roles


def is_moderator(user):
    return signed_in(user) and bool(user.roles & {"moderator", "staff", "admin"})


def is_self(user, other):
    return signed_in(user) and other is not None and user.id == other.id


# --- accounts and profiles --------------------------------------------------------------------


@rule("account.manage")
def _manage_own_account(user, obj):
    return signed_in(user)


@rule("profile.view")
def _view_profile(user, profile):
    """Adults' profiles are public; a young person's is seen only by signed-in people."""
    if profile is None or profile.state == "deleted":
        return False
    if not profile.is_minor:
        return True
    return signed_in(user)


@rule("profile.view_full")
def _view_full_profile(user, profile):
    """A young person's bio, languages and the like: themselves and staff only (DESIGN §5)."""
    if not _view_profile(user, profile):
        return False
    return not profile.is_minor or is_self(user, profile) or is_staff(user)


@rule("profile.edit")
def _edit_profile(user, profile):
    return is_self(user, profile)


# --- running the platform ---------------------------------------------------------------------


@rule("staff.console")
def _use_console(user, obj):
    return is_staff(user)


@rule("ward.manage")
def _manage_wards(user, obj):
    return is_staff(user)


@rule("user.view_private")
def _view_private_details(user, other):
    """E-mail address, date of birth, roles, sessions: the person and staff."""
    return is_self(user, other) or is_staff(user)


@rule("role.grant")
def _grant_role(user, role):
    """Admins give any role; staff appoint moderators (DESIGN §2)."""
    if is_admin(user):
        return True
    return is_staff(user) and role == "moderator"


@rule("mentor.record_check")
def _record_mentor_check(user, subject):
    """Staff record DBS checks, for adults only, and never for themselves."""
    if not is_staff(user) or subject is None:
        return False
    return not subject.is_minor and not is_self(user, subject)


@rule("user.suspend")
def _suspend_user(user, subject):
    """Staff suspend (and reinstate) residents and moderators; only admins suspend staff;
    nobody suspends an admin or themselves."""
    if not is_staff(user) or subject is None or is_self(user, subject):
        return False
    if "admin" in subject.roles:
        return False
    return "staff" not in subject.roles or is_admin(user)


@rule("audit.read")
def _read_audit(user, obj):
    return is_staff(user)


# --- boards ----------------------------------------------------------------------------------


def can_write(user):
    """Signed in, e-mail confirmed, and not muted."""
    return signed_in(user) and user.is_verified and not user.is_muted


@rule("follow")
def _follow(user, obj):
    return signed_in(user)


@rule("topic.create")
def _start_topic(user, board):
    return can_write(user)


@rule("post.reply")
def _reply(user, topic):
    if not can_write(user) or topic is None or topic.status != "published":
        return False
    return not topic.is_locked or is_moderator(user)


@rule("post.edit")
def _edit_post(user, post):
    if post is None or post.status in ("deleted", "removed"):
        return False
    return (is_self(user, post.author) and can_write(user)) or is_moderator(user)


@rule("post.delete")
def _delete_post(user, post):
    if post is None or post.status == "deleted":
        return False
    return is_self(user, post.author) or is_moderator(user)


@rule("post.thank")
def _thank(user, post):
    return signed_in(user) and post is not None and post.status == "published" \
        and post.author_id != user.id


@rule("post.mark_official")
def _mark_official(user, post):
    """Staff mark a staff reply in an "Ask the council" board as the official answer."""
    return (is_staff(user) and post is not None and post.topic.board.official_answers
            and not post.is_opening and is_staff(post.author))


@rule("post.view_history")
def _view_history(user, post):
    return is_moderator(user)


@rule("topic.moderate")
def _moderate_topic(user, topic):
    return is_moderator(user)


@rule("board.manage")
def _manage_boards(user, obj):
    return is_staff(user)


# --- moderation ------------------------------------------------------------------------------


def _in_scope(user, case):
    """Volunteers may be limited to some boards or wards; staff see every case."""
    if is_staff(user):
        return True
    from forum.extensions import db
    from forum.moderation.models import ModeratorScope

    scopes = db.session.execute(
        db.select(ModeratorScope).where(ModeratorScope.user_id == user.id)).scalars().all()
    if not scopes:
        return True
    return any((scope.board_id and scope.board_id == case.board_id)
               or (scope.ward_id and scope.ward_id == case.ward_id) for scope in scopes)


@rule("moderation.queue")
def _see_queue(user, obj):
    return is_moderator(user)


def _private(case):
    from forum.core.content import KINDS

    kind = KINDS.get(case.content_kind)
    return kind is not None and kind.private


@rule("moderation.decide")
def _decide_case(user, case):
    """Private conversations (match messages) are for council staff alone."""
    if not is_moderator(user) or case is None:
        return False
    return is_staff(user) if _private(case) else _in_scope(user, case)


@rule("moderation.decide_escalated")
def _decide_escalated(user, case):
    """Threats, illegal content and escalations are decided by council staff."""
    return is_staff(user)


@rule("moderation.view_decision")
def _view_decision(user, decision):
    return decision is not None and (is_moderator(user) or (
        signed_in(user) and decision.subject_id == user.id))


@rule("moderation.appeal")
def _appeal(user, decision):
    from forum.moderation.models import ADVERSE

    # Not "signed in": a suspended or banned person appeals through the e-mailed link, which
    # proves who they are (moderation.views.appeal_by_link).
    return (decision is not None and getattr(user, "id", None) is not None
            and decision.subject_id == user.id and decision.action in ADVERSE)


@rule("moderation.decide_appeal")
def _decide_appeal(user, appeal):
    """Someone other than the moderator who decided, and not the appellant; staff, when only
    staff could decide the case (threats, illegal content, escalations)."""
    if not (is_moderator(user) and appeal is not None
            and appeal.decision.moderator_id != user.id and appeal.appellant_id != user.id):
        return False
    case = appeal.decision.case
    return case is None or not case.needs_staff or is_staff(user)


@rule("moderation.watched_words")
def _manage_watched_words(user, obj):
    return is_moderator(user)


@rule("moderation.tension")
def _see_tension(user, obj):
    return is_staff(user)


@rule("content.report")
def _report(user, obj):
    """Anyone may report, visitors included (illegal content only, checked by the service);
    nobody reports their own posts."""
    from forum.accounts.models import User

    author_id = obj.id if isinstance(obj, User) else getattr(obj, "author_id", None)
    return not (signed_in(user) and author_id == user.id)


# --- skills swap and mentoring (DESIGN §5) ------------------------------------------------------
# Every match action asks the safeguarding pair rule again, so an expired check, a block or a
# withdrawn consent stops a match at once, whatever the page showed a minute ago.


def _pair_allowed(user, other, reaching_out=False):
    from forum.core.safeguarding import pair_refusal
    from forum.skills.services import party_of

    return pair_refusal(party_of(user), party_of(other), reaching_out=reaching_out) is None


@rule("user.block")
def _block(user, other):
    return signed_in(user) and other is not None and not is_self(user, other) \
        and not is_staff(other)


@rule("skills.take_part")
def _take_part(user, obj):
    return can_write(user)


@rule("skills.ask_guardian")
def _ask_guardian(user, obj):
    return signed_in(user) and user.age_band() == "under_16"


@rule("listing.view")
def _view_listing(user, listing):
    """Adults' published listings are public; young people's are seen only by verified
    mentors and staff, and only while the young person is open to matches."""
    from forum.core.content import visible

    if listing is None or not visible(listing, user):
        return False
    author = listing.author
    if is_self(user, author) or is_staff(user):
        return True
    if author.state != "active":
        return False
    if not author.is_minor:
        return True
    from forum.skills.services import get_match_profile

    return signed_in(user) and user.is_verified_mentor \
        and get_match_profile(author).open_to_matches


@rule("listing.edit")
def _edit_listing(user, listing):
    return listing is not None and listing.status not in ("removed", "deleted") \
        and is_self(user, listing.author) and can_write(user)


@rule("match.request")
def _request_match(user, other):
    return can_write(user) and other is not None and _pair_allowed(user, other,
                                                                   reaching_out=True)


@rule("match.view")
def _view_match(user, match):
    """The two people in it; safeguarding staff too when one of them is a young person (both
    are told so on the match page)."""
    if match is None or not signed_in(user):
        return False
    return match.includes(user) or (match.involves_minor and is_staff(user))


@rule("match.respond")
def _respond_to_match(user, match):
    """The person asked answers; declining is always open to them, accepting also needs the
    pair rule (the service asks it)."""
    return (match is not None and match.state == "requested" and signed_in(user)
            and user.id == match.partner_id)


@rule("match.withdraw")
def _withdraw_request(user, match):
    return match is not None and match.state == "requested" and is_self(user, match.requester)


@rule("match.message")
def _message_in_match(user, match):
    return (match is not None and match.state == "active" and match.includes(user)
            and can_write(user) and _pair_allowed(user, match.other(user)))


@rule("match.session")
def _arrange_session(user, match):
    return _message_in_match(user, match)


def session_refusal(user, session, action, may_arrange=None):
    """Why `user` may not confirm, cancel, rearrange or mark done this session, or None.

    One answer for the buttons a match page shows and for the services that act.

    :param may_arrange: "match.session" for this match, when the caller already asked (a page
        of sessions asks the pair rule once, not once per session).
    """
    from forum.accounts.models import utcnow

    match = session.match
    if not match.includes(user):
        return "Only the two people in a match can change its sessions."
    if may_arrange is None and action in ("confirm", "rearrange"):
        may_arrange = _arrange_session(user, match)
    if action in ("confirm", "rearrange") and not may_arrange:
        return "This match isn't active, so its sessions can't be changed."
    still_to_come = session.state in ("proposed", "confirmed") \
        and session.starts_at > utcnow()
    if action == "confirm":
        if session.state != "proposed":
            return "Only a proposed session can be confirmed."
        if session.proposed_by_id == user.id:
            return "The other person confirms the session you proposed."
        if not still_to_come:
            return "This session's time has passed: propose a new one."
    elif action in ("cancel", "rearrange") and not still_to_come:
        return "Only a session still to come can be cancelled or moved."
    elif action == "done" and (session.state != "confirmed"
                               or session.starts_at > utcnow()):
        return "A session can be marked as done once it was confirmed and has started."
    return None


for _action in ("confirm", "cancel", "rearrange", "done"):
    rule(f"session.{_action}")(
        lambda user, session, action=_action: signed_in(user) and session is not None
        and session_refusal(user, session, action) is None)


@rule("match.end")
def _end_match(user, match):
    return match is not None and match.state == "active" and match.includes(user)


@rule("match.concern")
def _raise_concern(user, match):
    """Either person in a match, whatever its state: a worry may come after it ended."""
    return match is not None and signed_in(user) and match.includes(user)


@rule("skills.manage")
def _manage_skills_list(user, obj):
    return is_staff(user)


@rule("cohort.manage")
def _manage_cohorts(user, obj):
    return is_staff(user)


@rule("safeguarding.review")
def _review_safeguarding(user, obj):
    return is_staff(user)


# --- events --------------------------------------------------------------------------------------


@rule("event.create")
def _create_event(user, obj):
    return can_write(user)


@rule("event.edit")
def _edit_event(user, event):
    """The organiser, or council staff; not once moderators removed it."""
    if event is None or event.status in ("removed", "deleted"):
        return False
    return (is_self(user, event.author) and can_write(user)) or is_staff(user)


@rule("event.rsvp")
def _rsvp(user, event):
    if not (signed_in(user) and user.is_verified) or event is None:
        return False
    if event.status != "published" or event.is_cancelled:
        return False
    return not (event.suitable_for == "adults" and user.is_minor)


@rule("event.attendees")
def _see_attendees(user, event):
    return event is not None and (is_self(user, event.author) or is_staff(user))


@rule("event.publish_official")
def _publish_official(user, obj):
    return is_staff(user)


@rule("event.import")
def _import_events(user, obj):
    return is_staff(user)


# --- council news --------------------------------------------------------------------------------


@rule("news.manage")
def _manage_news(user, obj):
    """Write, schedule, publish, pin and take down council news."""
    return is_staff(user)


@rule("news.read")
def _read_news(user, article):
    """Live articles are public; drafts, scheduled and unpublished ones are staff's."""
    return article is not None and (article.is_live() or is_staff(user))


@rule("news.comment")
def _comment_on_news(user, article):
    return (article is not None and article.is_live() and article.comments_open
            and can_write(user))


@rule("news.comment.delete")
def _delete_news_comment(user, comment):
    if comment is None or comment.status == "deleted":
        return False
    return (is_self(user, comment.author) and can_write(user)) or is_moderator(user)


@rule("ward.follow")
def _follow_ward(user, ward):
    return signed_in(user)


# --- community projects, grants and participatory budgeting -----------------------------------


def _is_member(user, project, role=None):
    """Whether `user` is in the project's group (as `role`, when given). One small query."""
    if not signed_in(user) or project is None:
        return False
    membership = project_membership(user, project)
    return membership is not None and (role is None or membership.role == role)


def project_membership(user, project):
    """The user's ProjectMember row in `project`, or None."""
    from forum.extensions import db
    from forum.projects.models import ProjectMember

    return db.session.execute(db.select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == user.id)
    ).scalar_one_or_none()


@rule("project.view")
def _view_project(user, project):
    """Published projects are public; a held or removed one, its proposer and moderators."""
    if project is None or project.status == "deleted":
        return False
    if project.status == "published":
        return True
    return is_self(user, project.author) or is_moderator(user)


@rule("project.propose")
def _propose_project(user, obj):
    return can_write(user)


@rule("project.join")
def _join_project(user, project):
    return (project is not None and project.status == "published"
            and project.state != "completed" and can_write(user))


@rule("project.contribute")
def _contribute_to_project(user, project):
    """Tasks, updates and linking events: the group's members (and staff helping them)."""
    if project is None or project.status != "published":
        return False
    return (can_write(user) and _is_member(user, project)) or is_staff(user)


@rule("project.manage")
def _manage_project(user, project):
    """Edit the proposal, move it on, apply for grants: the group's lead, or staff."""
    if project is None or project.status == "deleted":
        return False
    if is_staff(user):
        return True
    membership = project_membership(user, project) if signed_in(user) else None
    return membership is not None and manages_as_member(user, membership.role)


def manages_as_member(user, role):
    """project.manage for someone in the group with `role`, without a query: for lists of a
    person's own projects, read with their roles in one go."""
    return is_staff(user) or (can_write(user) and role == "lead")


@rule("grants.manage")
def _manage_grants(user, obj):
    """Open and edit funds, assess and decide applications, publish vote results."""
    return is_staff(user)


@rule("cohesion.view")
def _view_cohesion(user, obj):
    return is_staff(user)


@rule("survey.answer")
def _answer_survey(user, obj):
    return signed_in(user)


def ballot_refusal(user, fund, now):
    """Why `user` may not vote in `fund` at `now` (a sentence for them), or None.

    Eligible: a signed-in resident with a confirmed e-mail address, living in one of the
    fund's wards (any ward when it has none), at least the fund's minimum age, while the
    voting window is open.
    """
    from forum.accounts.models import age_on

    if fund is None or not fund.is_vote:
        return "This fund is not decided by a vote."
    if fund.vote_opens_at is None or now < fund.vote_opens_at:
        return "Voting hasn't opened yet."
    if fund.vote_closes_at is None or now >= fund.vote_closes_at:
        return "Voting has closed."
    if not signed_in(user):
        return "Sign in to vote."
    if not user.is_verified:
        return "Confirm your e-mail address to vote: we sent you a link when you joined."
    if not fund.covers(user.ward_id):
        return f"This vote is for residents of {fund.ward_names}."
    # Accounts without a date of birth are adults (as everywhere: see User.age_band).
    if user.date_of_birth is not None \
            and age_on(user.date_of_birth, now.date()) < fund.min_voter_age:
        return f"This vote is for residents aged {fund.min_voter_age} or over."
    return None


@rule("fund.vote")
def _vote(user, fund):
    from forum.accounts.models import utcnow

    return ballot_refusal(user, fund, utcnow()) is None
