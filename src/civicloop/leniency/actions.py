"""From an action's input (a web form's cleaned data or an API serializer's validated data,
which use the same keys) to the one service call of that action. Pages and the API both
call :func:`perform_commitment` / :func:`perform_repair`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import NotFound

from . import services
from .choices import CommitmentState


def perform_commitment(name: str, commitment, by, data: dict):
    match name:
        case "record_commitment":
            return services.record_commitment(
                commitment,
                by=by,
                text=data.get("commitment_text", ""),
                signed_on=data.get("signed_on"),
                scan=data.get("scan"),
            )
        case "record_refusal":
            return services.record_refusal(commitment, by=by, reason=data.get("reason", ""))
        case "record_check":
            return services.record_check(
                commitment,
                by=by,
                kept=data.get("result") == CommitmentState.KEPT,
                note=data.get("note", ""),
                checked_at=data.get("checked_at"),
                region=data.get("region"),
            )
    raise NotFound(_("There is no such action."))


def perform_repair(name: str, repair, by, data: dict):
    match name:
        case "record_contact":
            return services.record_contact(
                repair, by=by, note=data.get("note", ""), contacted_at=data.get("contacted_at")
            )
        case "record_application":
            return services.record_application(
                repair, by=by, applied_on=data.get("applied_on"), note=data.get("note", "")
            )
        case "check_materials":
            return services.check_materials(repair, by=by, note=data.get("note", ""))
        case "approve_repair":
            return services.approve_repair(repair, by=by, note=data.get("note", ""))
        case "refuse_repair":
            return services.refuse_repair(repair, by=by, reason=data.get("reason", ""))
    raise NotFound(_("There is no such action."))
