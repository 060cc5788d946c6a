"""Every write of supervision: groups, meetings and their action items, visits, and 约谈 from
suggestion to follow-up. Keyword-only arguments, the actor as ``by``; each state change
writes one history row (``core.transitions``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import InvalidInput, NotPermitted
from civicloop.core.inputs import clean_text
from civicloop.core.transitions import ModelWorkflow
from civicloop.notifications.services import notify_units
from civicloop.org.choices import RegionLevel, Role
from civicloop.org.models import Unit, User

from . import access, conf
from .choices import (
    ActionItemState,
    GroupLevel,
    ListKind,
    SummonsRule,
    SummonsState,
    VisitKind,
)
from .models import (
    ActionItem,
    ActionItemHistory,
    LeadGroup,
    Meeting,
    Summons,
    SummonsHistory,
    Visit,
    month_start,
    next_month,
    previous_month,
)
from .ranking import Ranking, compute_ranking
from .workflow import ACTION_ITEM_WORKFLOW, SUMMONS_WORKFLOW, SYSTEM


def _acts(user) -> bool:
    """Leaders act; an administrator too."""
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or access.is_leader(user)
    )


def summons_capacities(user, summons: Summons) -> set[str]:
    if not _acts(user):
        return set()
    scope = access.scope_of(user)
    if not scope.covers(summons.unit.region.code):
        return set()
    if conf.escalation_step(summons.step).county_only and not scope.everything:
        return set()
    return {"supervisor"}


def action_item_capacities(user, item: ActionItem) -> set[str]:
    caps = set()
    if not getattr(user, "is_authenticated", False):
        return caps
    if any(post.unit_id == item.owner_unit_id for post in user.cached_posts()):
        caps.add("owner")
    if _acts(user) and access.scope_of(user).covers(item.meeting.group.region.code):
        caps.add("supervisor")
    return caps


ACTION_ITEM_FLOW = ModelWorkflow(
    model=ActionItem,
    history=ActionItemHistory,
    machine=ACTION_ITEM_WORKFLOW,
    capacities=action_item_capacities,
    related=("meeting__group__region", "owner_unit"),
)
SUMMONS_FLOW = ModelWorkflow(
    model=Summons,
    history=SummonsHistory,
    machine=SUMMONS_WORKFLOW,
    capacities=summons_capacities,
    related=("unit__region",),
)


def _require_group_in_scope(group: LeadGroup, by) -> None:
    if not _acts(by) or not access.scope_of(by).covers(group.region.code):
        raise NotPermitted(_("Only a leader supervising this place records for its group."))


# --- groups -----------------------------------------------------------------------------------


@transaction.atomic
def create_group(
    *,
    by: User,
    name: str,
    region,
    party_lead: User,
    government_lead: User,
    members: Iterable[User] = (),
    unit: Unit | None = None,
) -> LeadGroup:
    """A dual-lead group of the county or of a town (the level follows the region)."""
    name = clean_text(name, field="name", max_length=80, required=True)
    if region.level not in (RegionLevel.COUNTY, RegionLevel.TOWN):
        raise InvalidInput(_("A dual-lead group is of the county or of a town."), field="region")
    if not _acts(by) or not access.scope_of(by).covers(region.code):
        raise NotPermitted(_("Only a leader supervising this place records for its group."))
    if party_lead.pk == government_lead.pk:
        raise InvalidInput(
            _("The party committee lead and the government lead are two people (双牵头)."),
            field="government_lead",
        )
    level = GroupLevel.COUNTY if region.level == RegionLevel.COUNTY else GroupLevel.TOWN
    group = LeadGroup.objects.create(
        name=name,
        level=level,
        region=region,
        unit=unit,
        party_lead=party_lead,
        government_lead=government_lead,
    )
    group.members.set(list(members))
    return group


# --- meetings and action items ----------------------------------------------------------------


def _check_due(due_on, *, field: str = "due_on") -> dt.date:
    if due_on is None:
        raise InvalidInput(_("Give the date the decision is due."), field=field)
    return due_on


@transaction.atomic
def record_meeting(
    *,
    by: User,
    group: LeadGroup,
    title: str,
    held_on: dt.date,
    summary: str = "",
    attendees: Iterable[User] = (),
    decisions: Iterable[dict] = (),
) -> Meeting:
    """A special meeting (专题会议) with its decisions (``text``, ``owner_unit``, ``due_on``)."""
    _require_group_in_scope(group, by)
    title = clean_text(title, field="title", max_length=120, required=True)
    if held_on is None:
        raise InvalidInput(_("Give the date of the meeting."), field="held_on")
    if held_on > timezone.localdate():
        raise InvalidInput(_("A meeting is recorded once it is held."), field="held_on")
    meeting = Meeting.objects.create(
        group=group,
        title=title,
        held_on=held_on,
        summary=clean_text(summary, field="summary"),
        created_by=by,
    )
    meeting.attendees.set(list(attendees))
    for decision in decisions:
        add_action_item(meeting, by=by, **decision)
    return meeting


@transaction.atomic
def add_action_item(
    meeting: Meeting, *, by: User, text: str, owner_unit: Unit | None, due_on: dt.date
) -> ActionItem:
    _require_group_in_scope(meeting.group, by)
    text = clean_text(text, field="text", max_length=2000, required=True)
    if owner_unit is None:
        raise InvalidInput(_("Choose the unit that owns the decision."), field="owner_unit")
    due_on = _check_due(due_on)
    if due_on < meeting.held_on:
        raise InvalidInput(_("A decision is due on or after its meeting."), field="due_on")
    item = ActionItem.objects.create(
        meeting=meeting, text=text, owner_unit=owner_unit, due_on=due_on
    )
    ACTION_ITEM_FLOW.record(
        item,
        "create",
        by=by,
        details={"owner_unit": owner_unit.code, "due_on": due_on.isoformat()},
    )
    notify_units(
        [owner_unit],
        verb="action_item",
        message=_("Decision of “%(meeting)s” for your unit, due %(due)s: %(text)s"),
        params={"meeting": meeting.title, "due": due_on.isoformat(), "text": text[:60]},
        link=reverse("supervision:complete-item", args=[item.pk]),
    )
    return item


@transaction.atomic
def complete_action_item(item: ActionItem, *, by: User, result: str) -> ActionItem:
    item = ACTION_ITEM_FLOW.lock(item)
    transition, _r = ACTION_ITEM_FLOW.check(item, "complete", by)
    item.result = clean_text(result, field="result", max_length=2000, required=True)
    item.done_at = timezone.now()
    late = item.state == ActionItemState.OVERDUE or timezone.localdate() > item.due_on
    ACTION_ITEM_FLOW.move(
        item,
        transition.name,
        ActionItemState.DONE,
        by=by,
        reason=item.result,
        fields=["result", "done_at"],
        details={"late": late},
    )
    return item


def mark_overdue_action_items(today: dt.date | None = None) -> int:
    """The worker's sweep: open decisions past their due date become overdue."""
    today = today or timezone.localdate()
    moved = 0
    for item in ActionItem.objects.filter(state=ActionItemState.OPEN, due_on__lt=today):
        with transaction.atomic():
            item = ACTION_ITEM_FLOW.lock(item)
            if item.state != ActionItemState.OPEN:
                continue
            transition, _r = ACTION_ITEM_FLOW.check(item, "fall_overdue", None, caps=SYSTEM)
            ACTION_ITEM_FLOW.move(
                item,
                transition.name,
                ActionItemState.OVERDUE,
                by=None,
                details={"due_on": item.due_on.isoformat()},
            )
            moved += 1
    return moved


# --- visits -----------------------------------------------------------------------------------


@transaction.atomic
def record_visit(
    *,
    by: User,
    kind: str,
    group: LeadGroup,
    leader: User,
    visited_on: dt.date,
    place: str,
    purpose: str,
    findings: str = "",
    companions: Iterable[User] = (),
    region=None,
    unit: Unit | None = None,
) -> Visit:
    """A study visit (学习考察) or a field visit (实地督导) of a leader of the group."""
    _require_group_in_scope(group, by)
    if kind not in VisitKind.values:
        raise InvalidInput(_("Choose a field visit or a study visit."), field="kind")
    if visited_on is None:
        raise InvalidInput(_("Give the date of the visit."), field="visited_on")
    if visited_on > timezone.localdate():
        raise InvalidInput(_("A visit is recorded once it is made."), field="visited_on")
    if not leader.has_role(Role.LEADER):
        raise InvalidInput(_("The visit's leader holds a leader's post."), field="leader")
    if kind == VisitKind.FIELD and region is not None and not group.region.contains(region):
        raise InvalidInput(_("A field visit is made within the group's area."), field="region")
    visit = Visit.objects.create(
        kind=kind,
        group=group,
        leader=leader,
        visited_on=visited_on,
        place=clean_text(place, field="place", max_length=120, required=True),
        purpose=clean_text(purpose, field="purpose", max_length=200, required=True),
        findings=clean_text(findings, field="findings"),
        region=region,
        unit=unit,
        created_by=by,
    )
    visit.companions.set([c for c in companions if c.pk != leader.pk])
    return visit


# --- 约谈 --------------------------------------------------------------------------------------


def _consecutive_months_summoned(unit_id: int, month: dt.date) -> int:
    """Months running before ``month`` in which the unit had a 约谈 (not dismissed)."""
    held = set(
        Summons.objects.filter(unit_id=unit_id, month__lt=month)
        .exclude(state=SummonsState.DISMISSED)
        .values_list("month", flat=True)
    )
    count, cursor = 0, previous_month(month)
    while cursor in held:
        count += 1
        cursor = previous_month(cursor)
    return count


def summons_reasons(month: dt.date, *, rankings: dict[dt.date, Ranking]) -> dict[int, list[dict]]:
    """For each unit the rules it meets in ``month`` (``conf.py``), with the figures: on the
    black list the configured number of months running, an event returned repeatedly, an
    overdue rate at or above the threshold."""
    current = rankings[month]
    running = conf.get("black_list_months")
    overdue_rate, min_due = conf.get("overdue_rate"), conf.get("overdue_rate_min_due")
    reasons: dict[int, list[dict]] = {}
    for result in current.results:
        found = []
        if result.list == ListKind.BLACK:
            months, cursor, ranks = 1, month, [f"{month:%Y-%m}: {result.rank}"]
            while months < running:
                cursor = previous_month(cursor)
                earlier = rankings[cursor].of(result.unit)
                if earlier is None or earlier.list != ListKind.BLACK:
                    break
                months += 1
                ranks.insert(0, f"{cursor:%Y-%m}: {earlier.rank}")
            if months >= running:
                found.append(
                    {
                        "rule": SummonsRule.BLACK_LIST_RUNNING,
                        "text": _g("On the black list %(n)s months running (rank %(ranks)s)")
                        % {"n": months, "ranks": "; ".join(ranks)},
                    }
                )
        if result.repeated_events:
            found.append(
                {
                    "rule": SummonsRule.REPEATED_RETURNS,
                    "text": _g("Returned the same event %(n)s times or more: %(events)s")
                    % {
                        "n": conf.get("repeated_returns"),
                        "events": "、".join(result.repeated_events),
                    },
                }
            )
        if (
            overdue_rate is not None
            and result.due >= min_due
            and result.overdue_rate is not None
            and result.overdue_rate >= overdue_rate
        ):
            found.append(
                {
                    "rule": SummonsRule.OVERDUE_RATE,
                    "text": _g("Overdue rate %(rate)s (%(late)s of %(due)s due) ≥ %(limit)s")
                    % {
                        "rate": f"{result.overdue_rate * 100:.0f}%",
                        "late": result.overdue,
                        "due": result.due,
                        "limit": f"{overdue_rate * 100:.0f}%",
                    },
                }
            )
        if found:
            reasons[result.unit.pk] = found
    return reasons


def suggest_summonses(month: dt.date, *, now: dt.datetime | None = None) -> list[Summons]:
    """The system: a 约谈 suggested for each unit meeting a rule in ``month`` (one per unit and
    month; running it again adds nothing), at the escalation step that follows from the months
    running the unit was summoned before."""
    month = month_start(month)
    rankings: dict[dt.date, Ranking] = {}
    cursor = month
    for _i in range(max(1, conf.get("black_list_months"))):
        rankings[cursor] = compute_ranking(cursor, now=now)
        cursor = previous_month(cursor)
    made = []
    for unit_id, reasons in summons_reasons(month, rankings=rankings).items():
        with transaction.atomic():
            if Summons.objects.filter(unit_id=unit_id, month=month).exists():
                continue
            step = _consecutive_months_summoned(unit_id, month) + 1
            escalation = conf.escalation_step(step)
            result = rankings[month].of(unit_id)
            summons = Summons.objects.create(
                unit_id=unit_id,
                month=month,
                reasons=reasons,
                step=min(step, len(conf.escalation_steps())),
                body=str(escalation.body),
            )
            SUMMONS_FLOW.record(
                summons,
                "suggest",
                by=None,
                details={
                    "rules": [r["rule"] for r in reasons],
                    "step": summons.step,
                    "rank": result.rank,
                    "score": result.score,
                },
            )
            made.append(summons)
    return made


@transaction.atomic
def record_summons(*, by: User, unit: Unit, month: dt.date, reason: str) -> Summons:
    """A 约谈 a leader decides on without a rule (the first step), in the suggested state."""
    month = month_start(month)
    reason = clean_text(reason, field="reason", max_length=2000, required=True)
    if not _acts(by) or not access.scope_of(by).covers(unit.region.code):
        raise NotPermitted(_("Only a leader supervising this unit summons it."))
    if Summons.objects.filter(unit=unit, month=month).exists():
        raise InvalidInput(_("This unit already has a summons for that month."), field="unit")
    step = min(_consecutive_months_summoned(unit.pk, month) + 1, len(conf.escalation_steps()))
    summons = Summons.objects.create(
        unit=unit,
        month=month,
        reasons=[{"rule": SummonsRule.RECORDED, "text": reason}],
        step=step,
        body=str(conf.escalation_step(step).body),
    )
    SUMMONS_FLOW.record(summons, "record", by=by, reason=reason, details={"step": step})
    return summons


@transaction.atomic
def schedule_summons(
    summons: Summons,
    *,
    by: User,
    scheduled_for: dt.datetime,
    place: str,
    conducted_by: User | None = None,
) -> Summons:
    summons = SUMMONS_FLOW.lock(summons)
    transition, _r = SUMMONS_FLOW.check(summons, "schedule", by)
    if scheduled_for is None:
        raise InvalidInput(_("Give the date and time of the summons."), field="scheduled_for")
    conducted_by = conducted_by or by
    if not access.is_leader(conducted_by) and not conducted_by.is_superuser:
        raise InvalidInput(_("A leader conducts the summons."), field="conducted_by")
    summons.scheduled_for = scheduled_for
    summons.place = clean_text(place, field="place", max_length=120, required=True)
    summons.conducted_by = conducted_by
    SUMMONS_FLOW.move(
        summons,
        transition.name,
        SummonsState.SCHEDULED,
        by=by,
        fields=["scheduled_for", "place", "conducted_by"],
        details={
            "scheduled_for": scheduled_for.isoformat(),
            "conducted_by": conducted_by.pk,
        },
    )
    notify_units(
        [summons.unit],
        verb="summons",
        message=_("Your unit is summoned (约谈) on %(when)s at %(place)s by %(body)s"),
        params={
            "when": timezone.localtime(scheduled_for).strftime("%Y-%m-%d %H:%M"),
            "place": summons.place,
            "body": summons.body,
        },
    )
    return summons


@transaction.atomic
def dismiss_summons(summons: Summons, *, by: User, reason: str) -> Summons:
    summons = SUMMONS_FLOW.lock(summons)
    transition, reason = SUMMONS_FLOW.check(summons, "dismiss", by, reason=reason)
    SUMMONS_FLOW.move(summons, transition.name, SummonsState.DISMISSED, by=by, reason=reason)
    return summons


@transaction.atomic
def hold_summons(
    summons: Summons,
    *,
    by: User,
    held_at: dt.datetime,
    attendees: str,
    commitments: str,
    notes: str = "",
) -> Summons:
    """The 约谈 record: when it was held, who came for the unit, what was said and what the unit
    committed to; the follow-up check falls due ``follow_up_days`` later."""
    summons = SUMMONS_FLOW.lock(summons)
    transition, _r = SUMMONS_FLOW.check(summons, "hold", by)
    now = timezone.now()
    if held_at is None:
        raise InvalidInput(_("Give the date and time the summons was held."), field="held_at")
    if held_at > now:
        raise InvalidInput(_("A summons is recorded once it is held."), field="held_at")
    summons.attendees = clean_text(attendees, field="attendees", max_length=500, required=True)
    summons.commitments = clean_text(commitments, field="commitments", required=True)
    summons.notes = clean_text(notes, field="notes")
    summons.held_at = held_at
    summons.follow_up_due_on = timezone.localtime(held_at).date() + dt.timedelta(
        days=conf.get("follow_up_days")
    )
    SUMMONS_FLOW.move(
        summons,
        transition.name,
        SummonsState.HELD,
        by=by,
        fields=["attendees", "commitments", "notes", "held_at", "follow_up_due_on"],
        details={
            "held_at": held_at.isoformat(),
            "follow_up_due_on": summons.follow_up_due_on.isoformat(),
        },
    )
    return summons


def follow_up_evidence(summons: Summons, *, now: dt.datetime | None = None) -> dict:
    """The unit's ranking in the month of the summons and in the month after it was held."""
    now = now or timezone.now()
    held_month = month_start(timezone.localtime(summons.held_at).date())
    later = next_month(held_month)
    if later > timezone.localtime(now).date():
        later = held_month
    evidence = {}
    for key, month in (("before", summons.month), ("after", later)):
        result = compute_ranking(month, now=now).of(summons.unit)
        evidence[key] = {
            "month": f"{month:%Y-%m}",
            "rank": result.rank if result else None,
            "score": result.score if result else None,
            "list": result.list if result else "",
        }
    return evidence


@transaction.atomic
def follow_up_summons(summons: Summons, *, by: User, improved: bool, notes: str) -> Summons:
    summons = SUMMONS_FLOW.lock(summons)
    transition, _r = SUMMONS_FLOW.check(summons, "follow_up", by)
    summons.follow_up_notes = clean_text(notes, field="notes", required=True)
    summons.follow_up_evidence = follow_up_evidence(summons)
    summons.followed_up_at = timezone.now()
    target = SummonsState.IMPROVED if improved else SummonsState.NOT_IMPROVED
    SUMMONS_FLOW.move(
        summons,
        transition.name,
        target,
        by=by,
        reason=summons.follow_up_notes,
        fields=["follow_up_notes", "follow_up_evidence", "followed_up_at"],
        details={"improved": improved, "evidence": summons.follow_up_evidence},
    )
    return summons


def suggest_last_month(today: dt.date | None = None) -> int:
    """The worker's sweep: the 约谈 suggestions of the month that ended, once a day (the
    ranking is computed from the records, so the sweep does not repeat it every run)."""
    today = today or timezone.localdate()
    month = previous_month(month_start(today))
    if not cache.add(f"supervision.suggested.{month:%Y-%m}.{today:%Y%m%d}", 1, 60 * 60 * 24):
        return 0
    return len(suggest_summonses(month))
