"""Legal review (法制审核, Art. 58): which cases need it, who may review and approve,
and how the opinions of a joint review make its outcome. Stated once, here.

**Which cases** (:func:`review_reasons`) — before the decision, when the case

1. involves a major public interest (Art. 58 (1));
2. directly concerns major rights and went through a hearing (Art. 58 (2));
3. is difficult or complex, with several legal relations (Art. 58 (3));
4. another law or regulation requires it (Art. 58 (4));
5. local rule: is decided by a town squad under delegated powers (``is_empowered``),
   unless it is decided on the spot under the simple procedure (Art. 51 leaves no
   time for a review; such decisions are reported to the authority, Art. 52 ¶3).
   Setting ``CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES`` turns the rule off;
6. a reason another app registers in ``hooks.review_reasons`` (e.g. the discretion app:
   the fine lies outside the benchmark's recommended band).

**Who reviews** (:func:`reviewer_roster`) — staff holding an active post as legal
reviewer (法制审核员) or squad lawyer (驻队律师), in any unit: joint reviews draw
reviewers across departments and towns. Never a handler of the case.

**Who approves** (:func:`standing`) — a rostered reviewer who holds the legal
professional qualification (法律职业资格) on the day, or who was already reviewing
before Art. 58 ¶2 took effect (post started before ``CIVICLOOP_REVIEW_SERVING_BEFORE``,
2021-07-15: the qualification is required of those who *first* take up the work).
Anyone else may return a case with reasons but not approve it.

**Joint review outcome** (:func:`joint_outcome`) — once every reviewer has recorded an
opinion: ``unanimous`` (default) approves when every opinion approves; ``majority``
when more than half do. Either way at least one approving reviewer must hold the
qualification, else the review is returned. The changes asked for by "approve with
changes" opinions are collected in the review's summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.org.choices import QualificationKind, Role
from civicloop.org.models import Post, Qualification, User

from . import hooks
from .choices import (
    APPROVING_OPINIONS,
    HearingOutcome,
    JointReviewRule,
    Opinion,
    Procedure,
    ReturnTo,
    ReviewReason,
    ReviewState,
)

REVIEWER_ROLES = (Role.LEGAL_REVIEWER, Role.LAWYER)


# --- which cases ---------------------------------------------------------------------------


def review_reasons(case, *, hearing_held: bool | None = None) -> list[str]:
    """Why ``case`` must be reviewed before its decision (empty: no review needed)."""

    reasons = []
    if case.major_public_interest:
        reasons.append(ReviewReason.MAJOR_PUBLIC_INTEREST)
    if hearing_held is None:
        hearing_held = (
            case.hearings.filter(outcome=HearingOutcome.HELD).exists() if case.pk else False
        )
    if hearing_held:
        reasons.append(ReviewReason.HEARING_HELD)
    if case.is_complex:
        reasons.append(ReviewReason.COMPLEX)
    if case.other_law_review_basis:
        reasons.append(ReviewReason.OTHER_LAW)
    if (
        settings.CIVICLOOP_REVIEW_ALL_EMPOWERED_CASES
        and case.is_empowered
        and case.procedure != Procedure.SIMPLE
    ):
        reasons.append(ReviewReason.EMPOWERED_TOWN)
    reasons.extend(rule.code for rule in hooks.review_reasons if case.pk and rule.applies(case))
    return reasons


def reason_label(code: str):
    """The label of a review reason: one of ``ReviewReason``, else a registered rule's."""
    if code in ReviewReason.values:
        return ReviewReason(code).label
    rule = hooks.review_reasons.find(code)
    return rule.label if rule is not None else code


def needs_review(case) -> bool:
    return bool(review_reasons(case))


def approved_review_covers_decision(case) -> bool:
    """Whether the latest legal review is approved and — when a hearing was held — was
    concluded after the hearing (the decision follows the hearing record, Art. 65)."""

    review = (
        case.legal_reviews.filter(state__in=[ReviewState.APPROVED, ReviewState.RETURNED])
        .order_by("-concluded_at", "-id")
        .first()
    )
    if review is None or review.state != ReviewState.APPROVED:
        return False
    held = case.hearings.filter(outcome=HearingOutcome.HELD).order_by("-held_at").first()
    return held is None or (held.held_at is not None and review.concluded_at >= held.held_at)


# --- who reviews, who approves ----------------------------------------------------------


def reviewer_posts(on: dt.date | None = None):
    return (
        Post.objects.active()
        .filter(role__in=REVIEWER_ROLES, user__is_active=True)
        .select_related("user", "unit", "unit__region")
    )


def reviewer_roster():
    """Every active reviewer (法制审核员 and 驻队律师) with their posts, for the roster page."""
    return (
        User.objects.filter(posts__in=reviewer_posts()).distinct().order_by("full_name", "username")
    )


def _serving_before() -> dt.date | None:
    raw = (settings.CIVICLOOP_REVIEW_SERVING_BEFORE or "").strip()
    return dt.date.fromisoformat(raw) if raw else None


@dataclass(frozen=True)
class Standing:
    """What a person may do as a legal reviewer on a given day."""

    on_roster: bool
    qualified: bool  # holds the legal professional qualification that day
    qualification_number: str
    qualification_issued_on: dt.date | None
    serving_before_rule: bool  # reviewing since before Art. 58 ¶2 took effect
    post: Post | None

    @property
    def may_approve(self) -> bool:
        return self.on_roster and (self.qualified or self.serving_before_rule)


def qualification(user: User, on: dt.date) -> Qualification | None:
    return (
        user.qualifications.filter(kind=QualificationKind.LEGAL_PROFESSIONAL, issued_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .order_by("issued_on")
        .first()
    )


def standing(user: User, on: dt.date | None = None) -> Standing:
    on = on or timezone.localdate()
    posts = [p for p in user.cached_posts() if p.role in REVIEWER_ROLES] if user.pk else []
    cert = qualification(user, on) if user.pk else None
    cutoff = _serving_before()
    serving = bool(cutoff) and any(
        p.role == Role.LEGAL_REVIEWER and p.started_on and p.started_on < cutoff for p in posts
    )
    return Standing(
        on_roster=bool(posts),
        qualified=cert is not None,
        qualification_number=cert.number if cert else "",
        qualification_issued_on=cert.issued_on if cert else None,
        serving_before_rule=serving,
        post=posts[0] if posts else None,
    )


# --- joint review outcome ------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    state: str  # ReviewState.APPROVED / RETURNED, or PENDING while opinions are missing
    return_to: str = ""
    summary: str = ""


def joint_rule() -> str:
    return settings.CIVICLOOP_JOINT_REVIEW_RULE


def joint_outcome(seats: Sequence, *, rule: str | None = None) -> Outcome:
    """The outcome of a review from its seats' opinions (one seat: that opinion)."""
    rule = rule or joint_rule()
    if not seats or any(not s.opinion for s in seats):
        return Outcome(ReviewState.PENDING)
    approving = [s for s in seats if s.opinion in APPROVING_OPINIONS]
    returning = [s for s in seats if s.opinion == Opinion.RETURN]
    if len(seats) == 1:
        approved = bool(approving)
    elif rule == JointReviewRule.MAJORITY:
        approved = len(approving) * 2 > len(seats) and any(s.qualified for s in approving)
    else:
        approved = not returning and any(s.qualified for s in approving)
    if approved:
        changes = [
            f"{s.reviewer}: {s.changes}"
            for s in approving
            if s.opinion == Opinion.APPROVE_WITH_CHANGES
        ]
        return Outcome(ReviewState.APPROVED, summary="\n".join(changes))
    back = (
        ReturnTo.INVESTIGATING
        if any(s.return_to == ReturnTo.INVESTIGATING for s in returning)
        else ReturnTo.CASE_REVIEW
    )
    reasons = [f"{s.reviewer}: {s.reasons}" for s in returning]
    if not reasons:
        reasons = [str(_("No approving reviewer holds the legal professional qualification."))]
    return Outcome(ReviewState.RETURNED, return_to=back, summary="\n".join(reasons))
