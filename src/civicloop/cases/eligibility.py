"""简案快办 — who may take the fast track. Every rule is here, once.

A case may conclude on the fast track (investigation and case review in one step,
notice and written waiver together, decision and service on the spot) when:

1. ``facts_clear`` — the handlers record that the facts are clear (事实清楚);
2. ``party_admits`` — the party admits the violation (认错认罚);
3. ``written_consent`` — the party agreed to the fast track in writing (the time is recorded);
4. ``evidence_complete`` — the handlers record that the evidence is complete, and at
   least one item of evidence is on the case;
5. ``fine_ceiling`` — the proposed fine is at most ``CIVICLOOP_CASE_FAST_TRACK_FINE_CEILING``
   yuan (default 5 000), with no confiscation;
6. ``no_hearing_right`` — the proposal gives no right to a hearing (Art. 63);
7. ``no_collective_deliberation`` — the case does not need the responsible persons'
   collective deliberation (Art. 57 ¶2: complex circumstances or a serious violation);
8. ``procedure`` — the case was filed for the fast track.

Each rule answers passed / failed / not known yet, with the reason, so the officer
sees what holds the case back (page, API ``GET /api/cases/{id}/eligibility/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import Outcome, Procedure
from .rules import Penalty, hearing_grounds


@dataclass(frozen=True)
class RuleResult:
    code: str
    label: Promise | str
    passed: bool | None  # None: not known yet (e.g. no proposal before the investigation ends)
    reason: str


@dataclass(frozen=True)
class Eligibility:
    rules: tuple[RuleResult, ...]

    @property
    def eligible(self) -> bool:
        return all(r.passed for r in self.rules)

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.rules if r.passed is False]

    @property
    def unknown(self) -> list[RuleResult]:
        return [r for r in self.rules if r.passed is None]

    def explain(self) -> str:
        """The rules that do not pass, one per line, for a refusal message."""
        return "；".join(f"{r.label}：{r.reason}" for r in [*self.failed, *self.unknown])


def ceiling() -> Decimal:
    return Decimal(settings.CIVICLOOP_CASE_FAST_TRACK_FINE_CEILING)


def fast_track_eligibility(
    case, *, penalty: Penalty | None = None, parties=None, evidence_count: int | None = None
) -> Eligibility:
    """The eligibility of ``case`` with ``penalty`` (default: the case's proposal)."""
    if penalty is None and case.proposed_outcome:
        penalty = Penalty(
            case.proposed_outcome,
            case.proposed_fine,
            case.proposed_confiscation,
            tuple(case.proposed_penalties or ()),
        )
    if parties is None:
        parties = case.principal_parties() if case.pk else []
    if evidence_count is None:
        evidence_count = case.evidence.count() if case.pk else 0

    def yes_no(code, label, passed, yes, no):
        return RuleResult(code, label, passed, str(yes if passed else no))

    rules = [
        yes_no(
            "procedure",
            _("filed for the fast track"),
            case.procedure == Procedure.FAST_TRACK,
            _("The case was filed for the fast track."),
            _("The case follows another procedure."),
        ),
        yes_no(
            "facts_clear",
            _("facts are clear"),
            case.facts_clear,
            _("The handlers record that the facts are clear."),
            _("The handlers have not recorded that the facts are clear."),
        ),
        yes_no(
            "party_admits",
            _("the party admits the violation"),
            case.party_admits,
            _("The party admits the violation."),
            _("The party does not admit the violation (or it is not recorded)."),
        ),
        yes_no(
            "written_consent",
            _("written consent to the fast track"),
            case.fast_track_consent_at is not None,
            _("The party agreed in writing."),
            _("No written consent of the party is recorded."),
        ),
        yes_no(
            "evidence_complete",
            _("evidence is complete"),
            case.evidence_complete and evidence_count > 0,
            _("The evidence is complete (%(n)d items).") % {"n": evidence_count},
            _("The evidence is not recorded as complete, or no evidence is on the case."),
        ),
    ]
    limit = ceiling()
    if penalty is None:
        rules.append(
            RuleResult(
                "fine_ceiling",
                _("fine within the fast-track ceiling"),
                None,
                str(_("Known when the investigation proposes a penalty.")),
            )
        )
        rules.append(
            RuleResult(
                "no_hearing_right",
                _("no right to a hearing"),
                None,
                str(_("Known when the investigation proposes a penalty.")),
            )
        )
    else:
        within = penalty.fine_or_zero <= limit and penalty.confiscation_or_zero == 0
        rules.append(
            yes_no(
                "fine_ceiling",
                _("fine within the fast-track ceiling"),
                within,
                _("The proposed fine is at most %(limit)s yuan.") % {"limit": limit},
                _("The proposed fine is above %(limit)s yuan, or property is confiscated.")
                % {"limit": limit},
            )
        )
        grounds = (
            hearing_grounds(penalty, parties, other_ground=case.other_hearing_ground)
            if penalty.outcome != Outcome.NO_PENALTY
            else []
        )
        rules.append(
            RuleResult(
                "no_hearing_right",
                _("no right to a hearing"),
                not grounds,
                str(_("The proposal gives no right to a hearing."))
                if not grounds
                else str(
                    _("The party may ask for a hearing: %(grounds)s.")
                    % {"grounds": "、".join(grounds)}
                ),
            )
        )
    rules.append(
        yes_no(
            "no_collective_deliberation",
            _("no collective deliberation needed"),
            not case.needs_collective_deliberation,
            _("The case does not need collective deliberation."),
            _("The case needs the responsible persons' collective deliberation (Art. 57 ¶2)."),
        )
    )
    return Eligibility(tuple(rules))
