"""Leadership supervision (C10): the dual-lead groups (双牵头), their meetings (专题会议) with
decisions tracked as action items, study and field visits, and 约谈 (summons) with their
follow-up check. The monthly unit ranking is not stored: ``ranking.py`` computes it from the
event records whenever it is read.

Every change of an action item or a 约谈 goes through ``services.py`` and writes a history row.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.history import HistoryEntry

from . import access
from .choices import ActionItemState, GroupLevel, SummonsState, VisitKind

USER = settings.AUTH_USER_MODEL


class LeadGroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> LeadGroupQuerySet:
        return access.restrict(self, user, "region__code")


class LeadGroup(models.Model):
    """A dual-lead group (党委政府双牵头): the party committee's and the government's leaders of
    the county or of a town, and its members (people of ``org``)."""

    name = models.CharField(_("name"), max_length=80)
    level = models.CharField(_("level"), max_length=10, choices=GroupLevel.choices)
    region = models.ForeignKey(
        "org.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("leadership unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_groups",
    )
    party_lead = models.ForeignKey(
        USER, verbose_name=_("party committee lead"), on_delete=models.PROTECT, related_name="+"
    )
    government_lead = models.ForeignKey(
        USER, verbose_name=_("government lead"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        USER, verbose_name=_("members"), blank=True, related_name="lead_groups"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = LeadGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("dual-lead group")
        verbose_name_plural = _("dual-lead groups")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name

    def leaders(self) -> list:
        """The two leads and the members, each once."""
        people = {
            self.party_lead_id: self.party_lead,
            self.government_lead_id: self.government_lead,
        }
        for member in self.members.all():
            people.setdefault(member.pk, member)
        return list(people.values())


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> MeetingQuerySet:
        return access.restrict(self, user, "group__region__code")


class Meeting(models.Model):
    """A special meeting (专题会议) of a group; its decisions are :class:`ActionItem` rows."""

    group = models.ForeignKey(
        LeadGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(_("topic"), max_length=120)
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(USER, verbose_name=_("attendees"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("special meeting")
        verbose_name_plural = _("special meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActionItemQuerySet:
        """A leader sees the decisions of the meetings in their scope; a unit's people see the
        decisions their unit owns."""
        scope = access.scope_of(user)
        q = scope.q("meeting__group__region__code")
        if q is None:
            return self
        units = [post.unit_id for post in user.cached_posts()] if user.is_authenticated else []
        return self.filter(q | models.Q(owner_unit__in=units))

    def unfinished(self) -> ActionItemQuerySet:
        return self.exclude(state=ActionItemState.DONE)


class ActionItem(models.Model):
    """A decision of a meeting (会议议定事项), owned by a unit, due on a date."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="action_items"
    )
    text = models.TextField(_("decision"))
    owner_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ActionItemState.choices,
        default=ActionItemState.OPEN,
        db_index=True,
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ActionItemHistory(HistoryEntry):
    item = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("action item history entry")
        verbose_name_plural = _("action item history")


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> VisitQuerySet:
        return access.restrict(self, user, "group__region__code")

    def field(self) -> VisitQuerySet:
        return self.filter(kind=VisitKind.FIELD)

    def in_month(self, month: dt.date) -> VisitQuerySet:
        start, end = month_bounds(month)
        return self.filter(visited_on__gte=start, visited_on__lt=end)


class Visit(models.Model):
    """A study visit (学习考察, elsewhere) or a field visit (实地督导, to a place of the
    county). ``leader`` is the leader whose visit it is (a field visit counts for them and
    for the ``companions`` who are leaders too)."""

    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    group = models.ForeignKey(
        LeadGroup, verbose_name=_("group"), on_delete=models.PROTECT, related_name="visits"
    )
    leader = models.ForeignKey(
        USER, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    companions = models.ManyToManyField(
        USER, verbose_name=_("companions"), blank=True, related_name="+"
    )
    visited_on = models.DateField(_("visited on"))
    place = models.CharField(_("place"), max_length=120)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region visited"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit visited"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.place}"


class SummonsQuerySet(models.QuerySet):
    def visible_to(self, user) -> SummonsQuerySet:
        return access.restrict(self, user, "unit__region__code")


class Summons(models.Model):
    """A 约谈 of a unit: suggested from the monthly ranking (``reasons``: the rules met, with
    their figures) or recorded by a leader, then scheduled, held (who, when, the commitments
    made) and followed up (improved or not, with the later month's ranking as evidence).

    ``step`` is the escalation step (``conf.escalation_step``) and ``body`` who holds it."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="summonses"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the ranked month."))
    reasons = models.JSONField(_("reasons"), default=list)
    step = models.PositiveSmallIntegerField(_("escalation step"), default=1)
    body = models.CharField(_("held by (body)"), max_length=120)
    state = models.CharField(
        _("state"),
        max_length=15,
        choices=SummonsState.choices,
        default=SummonsState.SUGGESTED,
        db_index=True,
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    conducted_by = models.ForeignKey(
        USER,
        verbose_name=_("conducted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    attendees = models.TextField(_("attendees of the unit"), blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    notes = models.TextField(_("record"), blank=True)
    follow_up_due_on = models.DateField(_("follow-up due on"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    follow_up_notes = models.TextField(_("follow-up result"), blank=True)
    follow_up_evidence = models.JSONField(_("follow-up evidence"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = SummonsQuerySet.as_manager()

    class Meta:
        verbose_name = _("summons (约谈)")
        verbose_name_plural = _("summonses (约谈)")
        ordering = ["-month", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"], name="supervision_summons_once_a_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}"


class SummonsHistory(HistoryEntry):
    summons = models.ForeignKey(
        Summons, verbose_name=_("summons"), on_delete=models.PROTECT, related_name="history"
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = _("summons history entry")
        verbose_name_plural = _("summons history")


# --- months ----------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of the month and the first day of the next (exclusive)."""
    start = month_start(month)
    return start, next_month(start)
