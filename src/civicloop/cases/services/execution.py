"""执行与结案: payment, late-payment surcharge and closing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput
from civicloop.core.inputs import clean_text as _text
from civicloop.org.models import User

from .. import deadlines as dl
from ..choices import (
    DeadlineKind,
)
from ..models import (
    Case,
    Payment,
)
from ..rules import (
    money,
    payment_due_on,
    surcharge,
)
from .base import CASE_FLOW, S


def fine_paid_on(case: Case) -> dt.date | None:
    """The day the fine itself (payments less their surcharge parts) was paid in full."""
    principal = Decimal("0")
    for amount, surcharge_part, paid_on in case.payments.order_by("paid_on", "id").values_list(
        "amount", "surcharge", "paid_on"
    ):
        principal += amount - surcharge_part
        if principal >= case.fine_amount:
            return paid_on
    return None


def amount_owed(case: Case, *, on: dt.date) -> tuple[Decimal, Decimal]:
    """(still owed, surcharge due) on ``on``: the fine plus the Art. 72 surcharge, less payments.
    The surcharge runs only while the fine is unpaid (到期不缴纳罚款的): it stops on the day the
    fine itself was paid in full."""
    if not case.fine_amount or case.served_at is None:
        return Decimal("0"), Decimal("0")
    due_on = payment_due_on(timezone.localtime(case.served_at).date())
    paid_on = fine_paid_on(case)
    extra = surcharge(case.fine_amount, due_on=due_on, on=min(on, paid_on) if paid_on else on)
    return case.fine_amount + extra - case.paid_total(), extra


@transaction.atomic
def record_payment(
    case: Case,
    *,
    by: User,
    amount: Decimal,
    paid_on: dt.date | None = None,
    receipt_number: str = "",
) -> Payment:
    """执行: a payment of the fine; after the 15 days of Art. 67 a surcharge of 3 % of the fine a
    day is due, at most the fine (Art. 72 (1)). The case is performed when all is paid."""
    case = CASE_FLOW.lock(case)
    transition, _r = CASE_FLOW.check(case, "record_payment", by)
    if not case.fine_amount:
        raise InvalidInput(_("This decision has no fine to pay."))
    if case.performed_at is not None:
        raise InvalidInput(_("The fine has been paid in full."))
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today or paid_on < timezone.localtime(case.served_at).date():
        raise InvalidInput(
            _("A payment is made between the service of the decision and today."), field="paid_on"
        )
    amount = money(amount)
    if amount is None or amount <= 0:
        raise InvalidInput(_("Give the amount paid."), field="amount")
    owed, extra = amount_owed(case, on=paid_on)
    if amount > owed:
        raise InvalidInput(
            _(
                "The amount is more than what is owed (%(owed)s yuan, of which %(extra)s yuan "
                "surcharge)."
            )
            % {"owed": owed, "extra": extra},
            field="amount",
        )
    paid = case.payments.aggregate(
        total=Sum("amount", default=Decimal("0")), surcharges=Sum("surcharge", default=Decimal("0"))
    )
    fine_left = max(case.fine_amount - (paid["total"] - paid["surcharges"]), Decimal("0"))
    surcharge_part = max(amount - fine_left, Decimal("0"))
    payment = Payment.objects.create(
        case=case,
        amount=amount,
        surcharge=surcharge_part,
        paid_on=paid_on,
        receipt_number=_text(receipt_number, field="receipt_number", max_length=60),
        recorded_by=by,
    )
    fields = []
    if amount == owed:
        case.performed_at = timezone.now()
        fields.append("performed_at")
        dl.meet_deadlines(case, DeadlineKind.PAYMENT)
    CASE_FLOW.move(
        case,
        transition.name,
        S.EXECUTING,
        by=by,
        fields=fields,
        details={
            "payment": payment.pk,
            "amount": str(amount),
            "surcharge": str(surcharge_part),
            "surcharge_due": str(extra),
            "paid_on": paid_on.isoformat(),
            "performed": amount == owed,
        },
    )
    return payment


@transaction.atomic
def close_case(
    case: Case, *, by: User, reason: str = "", court_enforcement_on: dt.date | None = None
) -> Case:
    """结案 by the responsible person: the decision is performed (nothing to pay, or paid in
    full), or — when the party does not pay — compulsory enforcement was applied for at the
    people's court (Art. 72 (4)), with the reason."""
    case = CASE_FLOW.lock(case)
    transition, reason = CASE_FLOW.check(case, "close", by, reason=reason)
    fields = []
    if case.fine_amount and case.performed_at is None:
        if court_enforcement_on is None or not reason:
            owed, _extra = amount_owed(case, on=timezone.localdate())
            raise InvalidInput(
                _(
                    "%(owed)s yuan is still owed; close only after payment, or with the date "
                    "compulsory enforcement was applied for and the reason (Art. 72)."
                )
                % {"owed": owed},
                field="court_enforcement_on",
            )
        case.court_enforcement_on = court_enforcement_on
        fields.append("court_enforcement_on")
    case.closed_at = timezone.now()
    fields.append("closed_at")
    dl.end_deadlines(case)
    CASE_FLOW.move(
        case,
        transition.name,
        S.CLOSED,
        by=by,
        reason=reason,
        fields=fields,
        details={
            "performed": case.performed_at is not None,
            "court_enforcement_on": court_enforcement_on.isoformat()
            if court_enforcement_on
            else None,
        },
    )
    return case
