"""The cases' share of the work queue (core/workqueue.py): approvals awaiting the responsible
person (撤案, 延期) and legal reviews (法制审核) awaiting the reviewer's opinion. The deadline
shown is the case's nearest time limit that binds the authority."""

from __future__ import annotations

from django.db.models import Min, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from civicloop.core.workqueue import ITEMS_PER_PROVIDER, WorkItem

from .choices import ApprovalState, ReviewState
from .models import Case, CaseApproval, CaseDeadline, ReviewSeat
from .permissions import responsible_unit_q
from .rules import AUTHORITY_DEADLINES


def _nearest_deadline(case_field: str):
    return Subquery(
        CaseDeadline.objects.filter(
            case=OuterRef(case_field),
            kind__in=AUTHORITY_DEADLINES,
            is_active=True,
            met_at__isnull=True,
        )
        .values("case")
        .annotate(first=Min("due_at"))
        .values("first")[:1]
    )


def approvals_for(user):
    """Pending approvals of cases whose handling unit ``user`` is the responsible leader for."""
    responsible = responsible_unit_q(user)
    if responsible is None:
        return
    cases = Case.objects.visible_to(user).filter(responsible)
    approvals = (
        CaseApproval.objects.filter(state=ApprovalState.PENDING, case__in=cases)
        .select_related("case")
        .annotate(due=_nearest_deadline("case"))
        .order_by("requested_at")[:ITEMS_PER_PROVIDER]
    )
    for approval in approvals:
        yield WorkItem(
            kind="case_approvals",
            title=f"{approval.case.number} {approval.case.title}",
            url=reverse("cases:detail", args=[approval.case_id]),
            deadline=approval.due,
            state=_("%(kind)s awaiting your approval") % {"kind": approval.get_kind_display()},
        )


def reviews_for(user):
    """Legal reviews where ``user`` holds a seat and has not yet given an opinion."""
    seats = (
        ReviewSeat.objects.filter(reviewer=user, opinion="", review__state=ReviewState.PENDING)
        .select_related("review__case")
        .annotate(due=_nearest_deadline("review__case"))
        .order_by("review__requested_at")[:ITEMS_PER_PROVIDER]
    )
    for seat in seats:
        case = seat.review.case
        yield WorkItem(
            kind="legal_reviews",
            title=f"{case.number} {case.title}",
            url=reverse("cases:detail", args=[case.pk]),
            deadline=seat.review.meeting_at or seat.due,
            state=_("legal review: your opinion is awaited"),
        )
