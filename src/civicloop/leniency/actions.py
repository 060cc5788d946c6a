"""From an action's input (a web form's cleaned data or an API serializer's validated data,
which use the same keys) to the one service call of that action. Pages and the API both
call :data:`COMMITMENT_ACTIONS` / :data:`REPAIR_ACTIONS` (the mechanism is ``core.actions``)."""

from __future__ import annotations

from civicloop.core.actions import Actions

from . import services

COMMITMENT_ACTIONS = Actions("commitment")
REPAIR_ACTIONS = Actions("credit repair")


@COMMITMENT_ACTIONS.register("record_commitment")
def _record_commitment(commitment, by, data):
    return services.record_commitment(
        commitment,
        by=by,
        text=data.get("commitment_text", ""),
        signed_on=data.get("signed_on"),
        scan=data.get("scan"),
    )


@COMMITMENT_ACTIONS.register("record_refusal")
def _record_refusal(commitment, by, data):
    return services.record_refusal(commitment, by=by, reason=data.get("reason", ""))


@COMMITMENT_ACTIONS.register("record_check")
def _record_check(commitment, by, data):
    return services.record_check(
        commitment,
        by=by,
        kept=data.get("result") == "kept",
        note=data.get("note", ""),
        checked_at=data.get("checked_at"),
        region=data.get("region"),
    )


@REPAIR_ACTIONS.register("record_contact")
def _record_contact(repair, by, data):
    return services.record_contact(
        repair, by=by, note=data.get("note", ""), contacted_at=data.get("contacted_at")
    )


@REPAIR_ACTIONS.register("record_application")
def _record_application(repair, by, data):
    return services.record_application(
        repair, by=by, applied_on=data.get("applied_on"), note=data.get("note", "")
    )


@REPAIR_ACTIONS.register("check_materials")
def _check_materials(repair, by, data):
    return services.check_materials(repair, by=by, note=data.get("note", ""))


@REPAIR_ACTIONS.register("approve_repair")
def _approve_repair(repair, by, data):
    return services.approve_repair(repair, by=by, note=data.get("note", ""))


@REPAIR_ACTIONS.register("refuse_repair")
def _refuse_repair(repair, by, data):
    return services.refuse_repair(repair, by=by, reason=data.get("reason", ""))
