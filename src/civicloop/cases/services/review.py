"""法制审核: legal review by one or several reviewers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text as _text
from civicloop.notifications.services import notify_users
from civicloop.org.models import User

from .. import review as rv
from ..choices import (
    APPROVING_OPINIONS,
    Opinion,
    ReturnTo,
    ReviewMode,
    ReviewState,
)
from ..models import (
    Case,
    LegalReview,
    ReviewSeat,
)
from ..workflow import CASE_WORKFLOW
from .base import CASE_FLOW, SYSTEM, S, _link, _notify_handlers, _stay
from .investigation import _open_review


def _pending_review(case: Case) -> LegalReview:
    review = (
        case.legal_reviews.filter(state=ReviewState.PENDING)
        .order_by("-requested_at", "-id")
        .first()
    )
    if review is None:
        raise InvalidInput(_("The case has no open legal review."))
    return review


@transaction.atomic
def assign_reviewers(
    case: Case,
    *,
    by: User,
    reviewers: Sequence[User],
    mode: str,
    place: str = "",
    meeting_at: dt.datetime | None = None,
) -> LegalReview:
    """Give the legal review to one reviewer, or several for a joint review online (云上联审)
    or on site (现场联审). Reviewers come from the roster (``review.py``) and never from the
    case's handlers."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "assign_reviewers", by)
    review = _pending_review(case)
    if review.seats.exclude(opinion="").exists():
        raise InvalidInput(
            _("Opinions have been recorded; the reviewers can no longer be changed.")
        )
    if mode not in ReviewMode.values:
        raise InvalidInput(_("Choose how the case is reviewed."), field="mode")
    people = list(dict.fromkeys(reviewers))
    if mode == ReviewMode.SINGLE and len(people) != 1:
        raise InvalidInput(
            _("A review by one reviewer names exactly one reviewer."), field="reviewers"
        )
    if mode != ReviewMode.SINGLE and len(people) < 2:
        raise InvalidInput(_("A joint review needs at least two reviewers."), field="reviewers")
    place = _text(place, field="place", max_length=200)
    if meeting_at is not None and timezone.is_naive(meeting_at):
        meeting_at = timezone.make_aware(meeting_at)
    if mode == ReviewMode.JOINT_ON_SITE and (not place or meeting_at is None):
        raise InvalidInput(_("An on-site joint review needs its place and time."), field="place")
    handler_ids = set(case.handlers.values_list("user_id", flat=True))
    today = timezone.localdate()
    seats = []
    for user in people:
        if user.pk in handler_ids:
            raise InvalidInput(
                _("%(name)s handles this case and cannot review it.") % {"name": user},
                field="reviewers",
            )
        standing = rv.standing(user, today)
        if not standing.on_roster or not user.is_active:
            raise InvalidInput(
                _("%(name)s is not a legal reviewer or squad lawyer.") % {"name": user},
                field="reviewers",
            )
        seats.append((user, standing))
    review.seats.all().delete()
    for user, standing in seats:
        ReviewSeat.objects.create(
            review=review, reviewer=user, unit=standing.post.unit, role=standing.post.role
        )
    review.mode, review.place, review.meeting_at, review.rule = (
        mode,
        place,
        meeting_at,
        rv.joint_rule(),
    )
    review.save(update_fields=["mode", "place", "meeting_at", "rule"])
    _stay(
        case,
        transition.name,
        by=by,
        details={
            "review": review.pk,
            "mode": mode,
            "reviewers": [u.pk for u, _s in seats],
            "rule": review.rule,
            "place": place,
            "meeting_at": meeting_at.isoformat() if meeting_at else None,
        },
    )
    notify_users(
        [u for u, _s in seats],
        verb="legal_review",
        message=_("Legal review of case %(number)s is assigned to you"),
        params={"number": case.number},
        link=_link(case),
    )
    return review


@transaction.atomic
def record_opinion(
    case: Case, *, by: User, opinion: str, changes: str = "", reasons: str = "", return_to: str = ""
) -> ReviewSeat:
    """A reviewer's opinion: approve, approve with changes, or return with reasons. Only a
    reviewer who may approve (``review.standing``) approves, never a handler of the case.
    When the last opinion is in, the outcome rule decides and the case moves on."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_opinion", by)
    review = _pending_review(case)
    seat = review.seats.select_for_update().filter(reviewer=by).first()
    if seat is None:
        raise NotPermitted(_("You are not a reviewer of this case."))
    if seat.opinion:
        raise InvalidInput(_("You have already recorded your opinion."))
    if opinion not in Opinion.values:
        raise InvalidInput(_("Choose approve, approve with changes, or return."), field="opinion")
    if case.handlers.filter(user=by).exists():
        raise NotPermitted(_("A handler of the case cannot review it."))
    today = timezone.localdate()
    standing = rv.standing(by, today)
    if opinion in APPROVING_OPINIONS and not standing.may_approve:
        raise NotPermitted(
            _(
                "Only a reviewer holding the legal professional qualification approves a "
                "legal review (Art. 58 ¶2); you may return the case with reasons."
            )
        )
    seat.changes = _text(
        changes, field="changes", max_length=2000, required=opinion == Opinion.APPROVE_WITH_CHANGES
    )
    seat.reasons = _text(
        reasons, field="reasons", max_length=2000, required=opinion == Opinion.RETURN
    )
    if opinion == Opinion.RETURN:
        if return_to not in ReturnTo.values:
            raise InvalidInput(_("Say where the case goes back to."), field="return_to")
        seat.return_to = return_to
    seat.opinion = opinion
    seat.recorded_at = timezone.now()
    seat.qualified = standing.qualified
    seat.qualification_number = standing.qualification_number
    seat.save()
    _stay(
        case,
        transition.name,
        by=by,
        reason=seat.reasons,
        details={
            "review": review.pk,
            "seat": seat.pk,
            "opinion": opinion,
            "qualified": seat.qualified,
            "qualification_number": seat.qualification_number,
            "changes": seat.changes,
        },
    )
    result = rv.joint_outcome(
        list(review.seats.select_related("reviewer")), rule=review.rule or None
    )
    if result.state != ReviewState.PENDING:
        _conclude_review(case, review, result)
    return seat


def _conclude_review(case: Case, review: LegalReview, result: rv.Outcome) -> None:
    review.state, review.concluded_at = result.state, timezone.now()
    review.return_to, review.summary = result.return_to, result.summary
    review.save(update_fields=["state", "concluded_at", "return_to", "summary"])
    details = {
        "review": review.pk,
        "mode": review.mode,
        "rule": review.rule,
        "summary": result.summary,
    }
    if result.state == ReviewState.APPROVED:
        target = review.return_state
        CASE_WORKFLOW.check("review_approved", state=case.state, capacities=SYSTEM)
        CASE_FLOW.move(case, "review_approved", target, by=None, details=details)
        _notify_handlers(
            case, verb="legal_review", message=_("Legal review of %(number)s approved")
        )
    else:
        target = S.INVESTIGATING if result.return_to == ReturnTo.INVESTIGATING else S.CASE_REVIEW
        CASE_WORKFLOW.check("review_returned", state=case.state, capacities=SYSTEM)
        case.current_notice = None
        CASE_FLOW.move(
            case,
            "review_returned",
            target,
            by=None,
            reason=result.summary,
            details=details,
            fields=["current_notice"],
        )
        _notify_handlers(
            case,
            verb="legal_review",
            message=_("Legal review of %(number)s returned: %(reason)s"),
            params={"reason": result.summary[:200]},
        )


@transaction.atomic
def refer_to_legal_review(case: Case, *, by: User, reason: str) -> LegalReview:
    """Send a notified case to legal review (e.g. after a hearing, Art. 58 (2)); it comes back
    to the stage it left."""
    case = CASE_FLOW.lock(case)
    from_state = case.state
    transition, reason = CASE_FLOW.check(case, "refer_to_legal_review", by, reason=reason)
    CASE_FLOW.move(case, transition.name, S.LEGAL_REVIEW, by=by, reason=reason)
    return _open_review(case, by=by, return_state=from_state)
