"""Recording reconsiderations and lawsuits (行政复议 / 行政诉讼) against penalty decisions.

Rules, stated once here (pages, tests and any future API call these functions):

* **Who** (:func:`may_record`) — the staff of the case's handling unit (any active post in it),
  the case's handlers, and the county legal office (a legal reviewer posted in a county-level
  unit: 法制科 answers the reconsideration bodies and courts for every unit).
* **When** — only against a decided case, filed on or after the day of the decision; accepted
  on or after filing; decided on or after acceptance (or filing); no date in the future.
* **Outcome** — ``pending`` has no decision date; every other outcome needs one.
* **Applicant** — when given, one of the case's parties.

Every change writes a :class:`LegalChallengeHistory` row (``create``, ``update``, ``outcome``)
with who and when; a refusal raises ``InvalidInput`` naming the field and stores nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.permissions import is_unit_officer
from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text, not_future
from civicloop.org.choices import RegionLevel, Role

from .models import ChallengeKind, ChallengeOutcome, LegalChallenge, LegalChallengeHistory

# The fields ``update_challenge`` may change (the outcome has its own service).
EDITABLE = ("kind", "applicant", "body", "filed_on", "accepted_on", "document_number", "note")


# --- who -------------------------------------------------------------------------------------


def is_county_legal_office(user) -> bool:
    """A legal reviewer (法制审核员) posted in a county-level unit."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(
        post.role == Role.LEGAL_REVIEWER and post.unit.region.level == RegionLevel.COUNTY
        for post in user.cached_posts()
    )


def may_record(user, case) -> bool:
    """Whether ``user`` may record or change the reconsiderations and lawsuits of ``case``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_county_legal_office(user) or is_unit_officer(user, case.handling_unit):
        return True
    if any(post.unit_id == case.handling_unit_id for post in user.cached_posts()):
        return True
    return case.handlers.filter(user=user).exists()


def _require(user, case) -> None:
    if not may_record(user, case):
        raise NotPermitted(
            _(
                "Only the staff of the handling unit and the county legal office may record "
                "reconsiderations and lawsuits of this case."
            )
        )


# --- checks ----------------------------------------------------------------------------------


def decision_day(case) -> dt.date | None:
    return timezone.localdate(case.decided_at) if case.decided_at else None


def _check(case, values: dict) -> None:
    """Refuse values that break a rule above, naming the field."""
    if values["kind"] not in ChallengeKind.values:
        raise InvalidInput(_("Choose reconsideration, first instance or appeal."), field="kind")
    if values["outcome"] not in ChallengeOutcome.values:
        raise InvalidInput(_("Choose one of the listed outcomes."), field="outcome")
    decided = decision_day(case)
    if decided is None:
        raise InvalidInput(
            _(
                "The case has no decision yet: a reconsideration or lawsuit can only be "
                "recorded against a decided case."
            ),
            field="case",
        )
    filed_on, accepted_on, decided_on = (
        values["filed_on"],
        values["accepted_on"],
        values["decided_on"],
    )
    if filed_on is None:
        raise InvalidInput(_("Give the day it was filed."), field="filed_on")
    for name in ("filed_on", "accepted_on", "decided_on"):
        not_future(values[name], field=name)
    if filed_on < decided:
        raise InvalidInput(
            _("It cannot be filed before the decision it challenges (%(date)s).")
            % {"date": decided.isoformat()},
            field="filed_on",
        )
    if accepted_on is not None and accepted_on < filed_on:
        raise InvalidInput(_("It cannot be accepted before it was filed."), field="accepted_on")
    if decided_on is not None and decided_on < (accepted_on or filed_on):
        raise InvalidInput(
            _("It cannot be decided before it was filed and accepted."), field="decided_on"
        )
    if values["outcome"] == ChallengeOutcome.PENDING and decided_on is not None:
        raise InvalidInput(
            _("A pending case has no decision date: choose its outcome or leave the date empty."),
            field="decided_on",
        )
    if values["outcome"] != ChallengeOutcome.PENDING and decided_on is None:
        raise InvalidInput(
            _("Give the date of the decision or judgment for this outcome."), field="decided_on"
        )
    applicant = values["applicant"]
    if applicant is not None and not case.party_links.filter(party=applicant).exists():
        raise InvalidInput(_("The applicant must be one of the case's parties."), field="applicant")


def _texts(values: dict) -> dict:
    values["body"] = clean_text(values.get("body"), field="body", max_length=120, required=True)
    values["document_number"] = clean_text(
        values.get("document_number"), field="document_number", max_length=80
    )
    values["note"] = clean_text(values.get("note"), field="note")
    return values


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


# --- services --------------------------------------------------------------------------------


def record_challenge(
    case,
    *,
    by,
    kind: str,
    body: str,
    filed_on: dt.date | None,
    accepted_on: dt.date | None = None,
    applicant=None,
    document_number: str = "",
    note: str = "",
    outcome: str = ChallengeOutcome.PENDING,
    decided_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> LegalChallenge:
    """Record a reconsideration or lawsuit; an old one may be recorded with its outcome at once
    (then an ``outcome`` history row follows the ``create`` row)."""
    _require(by, case)
    values = _texts(
        {
            "kind": kind,
            "body": body,
            "filed_on": filed_on,
            "accepted_on": accepted_on,
            "applicant": applicant,
            "document_number": document_number,
            "note": note,
            "outcome": outcome,
            "decided_on": decided_on,
        }
    )
    _check(case, values)
    at = at or timezone.now()
    with transaction.atomic():
        challenge = LegalChallenge.objects.create(
            case=case,
            recorded_by=by,
            recorded_at=at,
            **{**values, "outcome": ChallengeOutcome.PENDING, "decided_on": None},
        )
        LegalChallengeHistory.objects.create(
            challenge=challenge,
            actor=by,
            action="create",
            to_state=ChallengeOutcome.PENDING,
            at=at,
            details={name: _plain(values[name]) for name in EDITABLE},
        )
        if outcome != ChallengeOutcome.PENDING:
            _write_outcome(challenge, by=by, outcome=outcome, decided_on=decided_on, at=at)
    return challenge


def update_challenge(challenge: LegalChallenge, *, by, at=None, **changes) -> LegalChallenge:
    """Correct the particulars (kind, applicant, body, dates, number, note); the history row
    keeps each changed field's old and new value."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"update_challenge() cannot change {', '.join(sorted(unknown))}")
    with transaction.atomic():
        challenge = LegalChallenge.objects.select_for_update().get(pk=challenge.pk)
        _require(by, challenge.case)
        current = {name: getattr(challenge, name) for name in EDITABLE}
        current.update(outcome=challenge.outcome, decided_on=challenge.decided_on)
        values = _texts({**current, **changes})
        _check(challenge.case, values)
        changed = {
            name: [_plain(current[name]), _plain(values[name])]
            for name in EDITABLE
            if values[name] != current[name]
        }
        if not changed:
            return challenge
        for name in changed:
            setattr(challenge, name, values[name])
        challenge.save()
        LegalChallengeHistory.objects.create(
            challenge=challenge,
            actor=by,
            action="update",
            from_state=challenge.outcome,
            to_state=challenge.outcome,
            at=at or timezone.now(),
            details=changed,
        )
    return challenge


def set_outcome(
    challenge: LegalChallenge,
    *,
    by,
    outcome: str,
    decided_on: dt.date | None,
    document_number: str | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> LegalChallenge:
    """Record how it ended (or set it back to pending, e.g. after a retrial is ordered); the
    history row keeps the previous outcome and ``note`` as its reason."""
    with transaction.atomic():
        challenge = LegalChallenge.objects.select_for_update().get(pk=challenge.pk)
        _require(by, challenge.case)
        values = {name: getattr(challenge, name) for name in EDITABLE}
        values.update(outcome=outcome, decided_on=decided_on)
        if document_number is not None:
            values["document_number"] = document_number
        values = _texts(values)
        _check(challenge.case, values)
        challenge.document_number = values["document_number"]
        reason = clean_text(note, field="note")
        _write_outcome(
            challenge,
            by=by,
            outcome=outcome,
            decided_on=decided_on,
            at=at or timezone.now(),
            reason=reason,
        )
    return challenge


def _write_outcome(challenge, *, by, outcome, decided_on, at, reason: str = "") -> None:
    previous = challenge.outcome
    challenge.outcome = outcome
    challenge.decided_on = decided_on
    challenge.save()
    LegalChallengeHistory.objects.create(
        challenge=challenge,
        actor=by,
        action="outcome",
        from_state=previous,
        to_state=outcome,
        at=at,
        reason=reason,
        details={
            "decided_on": _plain(decided_on),
            "document_number": challenge.document_number,
        },
    )
