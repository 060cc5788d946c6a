"""Deadline warnings: the history row and notices before and after a deadline expires."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from civicloop.notifications.services import notify_units, notify_users

from ..choices import CaseState, DeadlineKind
from ..models import (
    Case,
    CaseDeadline,
)
from ..rules import AUTHORITY_DEADLINES
from ..workflow import CASE_WORKFLOW
from .base import CASE_FLOW, SYSTEM, _command_room, _handler_users, _link, responsible_users


def notify_deadline(deadline: CaseDeadline, *, overdue: bool, at: dt.datetime) -> None:
    """One warning (before expiry) or overdue notice for a deadline: a history row and notices to
    the handlers, the handling squad's town command room and the responsible leaders."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_unit__region")
        .get(pk=deadline.case_id)
    )
    CASE_WORKFLOW.check("deadline_warning", state=case.state, capacities=SYSTEM)
    if overdue:
        deadline.overdue_notified_at = at
        deadline.warned_at = deadline.warned_at or at
        message = _("Case %(number)s: the %(kind)s deadline passed on %(date)s")
    else:
        deadline.warned_at = at
        message = _("Case %(number)s: the %(kind)s deadline ends on %(date)s")
    deadline.save(update_fields=["warned_at", "overdue_notified_at"])
    CASE_FLOW.record(
        case,
        "deadline_warning",
        by=None,
        from_state=case.state,
        to_state=case.state,
        details={
            "deadline": deadline.pk,
            "kind": deadline.kind,
            "due_at": deadline.due_at.isoformat(),
            "overdue": overdue,
        },
    )
    params = {
        "number": case.number,
        "kind": DeadlineKind(deadline.kind).label,
        "date": timezone.localtime(deadline.due_at).date().isoformat(),
    }
    notify_users(
        list(_handler_users(case)) + responsible_users(case.handling_unit),
        verb="case_deadline",
        message=message,
        params=params,
        link=_link(case),
    )
    room = _command_room(case)
    if room is not None:
        notify_units([room], verb="case_deadline", message=message, params=params, link=_link(case))


def _warning_window() -> dt.timedelta:
    return dt.timedelta(days=settings.CIVICLOOP_CASE_DEADLINE_WARNING_DAYS)


def sweep_case_deadlines(*, at: dt.datetime | None = None) -> int:
    """Warn once before each deadline of the authority expires, and once when it has
    passed: the handlers, the town command room of the handling unit (for a squad) and
    the responsible leaders. Each warning is a history row. Returns how many were sent."""
    at = at or timezone.now()
    due = (
        CaseDeadline.objects.filter(
            kind__in=AUTHORITY_DEADLINES,
            is_active=True,
            met_at__isnull=True,
            due_at__lte=at + _warning_window(),
        )
        .exclude(case__state__in=[CaseState.CLOSED, CaseState.WITHDRAWN])
        .filter(overdue_notified_at__isnull=True)
    )
    count = 0
    for deadline in due.select_related("case").order_by("due_at", "id"):
        overdue = deadline.due_at < at
        if not overdue and deadline.warned_at is not None:
            continue
        with transaction.atomic():
            fresh = CaseDeadline.objects.select_for_update().get(pk=deadline.pk)
            if not fresh.is_active or fresh.met_at is not None:
                continue
            if overdue and fresh.overdue_notified_at is not None:
                continue
            if not overdue and fresh.warned_at is not None:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                notify_deadline(fresh, overdue=overdue, at=at)
            count += 1
    return count
