"""Web pages of penalty cases: list and Excel export, filing (also from an event), the
detail with everything the case holds and the actions allowed to me, one small form
per action, the reviewer roster and the figures.

Views stay thin: every case comes from ``Case.objects.visible_to(user)``, every write
is one call into ``services.py`` (through ``actions.CASE_ACTIONS``), and the buttons shown
are the workflow table's answer for this user and this case (``permissions.case_actions``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms import CheckboxSelectMultiple
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.inputs import date_in_range
from civicloop.core.listing import FilteredListView
from civicloop.core.views import bind_form, forbidden
from civicloop.core.views import service_form_view as _form_view
from civicloop.events.models import Event
from civicloop.parties.services import PartyData

from . import forms, kpis, services
from . import review as rv
from .actions import CASE_ACTIONS
from .choices import CaseSource, DeadlineKind, Procedure
from .eligibility import fast_track_eligibility
from .exporting import write_cases_workbook
from .filtersets import CaseFilterSet
from .models import Case, CaseHandler, CaseMatter, CaseParty, LegalReview, ReviewSeat
from .permissions import CONTACT_CAPACITIES, capacities, case_actions, officer_units
from .rules import Penalty, hearing_grounds
from .timeline import case_timeline
from .workflow import CASE_WORKFLOW

PAGE_SIZE = 25
LIST_RELATED = ("handling_unit",)


def scoped_cases(user):
    """The one door to cases for signed-in pages."""
    return Case.objects.visible_to(user).select_related(*LIST_RELATED)


# --- list, export ---------------------------------------------------------------------


class CaseListView(FilteredListView):
    filterset_class = CaseFilterSet
    paginate_by = PAGE_SIZE
    template_name = "cases/case_list.html"
    context_object_name = "cases"

    def get_queryset(self):
        return scoped_cases(self.request.user).prefetch_related(
            Prefetch("party_links", queryset=CaseParty.objects.select_related("party"))
        )

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for name in ("state", "procedure"):
            field = filterset.form.fields[name]
            field.widget = CheckboxSelectMultiple(choices=field.choices)
        for name in (
            "filed_after",
            "filed_before",
            "decided_after",
            "decided_before",
            "closed_after",
            "closed_before",
        ):
            filterset.form.fields[name].widget.input_type = "date"
        filterset.form.fields["q"].widget.attrs.setdefault("type", "search")
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # query, filtered (FilteredListView)
        context["may_file"] = bool(officer_units(self.request.user))
        context["waiting"] = list(
            scoped_cases(self.request.user)
            .needing_action_by(self.request.user)
            .order_by("filed_at")[:20]
        )
        context["now"] = timezone.now()
        return context


class CaseExportView(CaseListView):
    """The filtered list as an Excel file: the rows the list shows, unpaginated."""

    def get_queryset(self):
        return scoped_cases(self.request.user)  # exporting.py loads what its columns need

    def get(self, request, *args, **kwargs):
        cases = self.filtered_rows()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = attachment_response(f"cases-{stamp}.xlsx", XLSX)
        write_cases_workbook(cases, response)
        return response


# --- filing ---------------------------------------------------------------------------


def _event_for(request):

    raw = request.GET.get("event") or request.POST.get("event")
    if not raw:
        return None
    try:
        return get_object_or_404(Event.objects.visible_to(request.user), pk=int(raw))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


@login_required
def case_create(request):
    """立案: file a case, from an event (``?event=ID``), an inspection, or directly."""
    user = request.user
    if not officer_units(user):
        return forbidden(
            request, _("Only enforcement officers of a squad or department file cases.")
        )
    event = _event_for(request)

    def file(data):
        party = PartyData(
            kind=data["party_kind"],
            name=data["party_name"],
            id_number=data["party_id_number"],
            credit_code=data["party_credit_code"],
            legal_representative=data["party_legal_representative"],
            phone=data["party_phone"],
            address=data["party_address"],
        )
        source = data["source"]
        return services.file_case(
            by=user,
            handling_unit=data["handling_unit"],
            procedure=data["procedure"],
            source=source,
            title=data["title"],
            facts=data["facts"],
            violation_date=data["violation_date"],
            violation_ended_on=data["violation_ended_on"],
            limitation_five_years=data["limitation_five_years"],
            parties=[services.PartyLink(party)],
            matters=list(data["matters"]),
            handlers=list(data["handlers"]),
            event=event if source == CaseSource.EVENT else None,
            inspection_reference=data["inspection_reference"],
            address=data["address"],
            party_admits=data["party_admits"],
            fast_track_consent_at=timezone.now() if data["fast_track_consent"] else None,
        )

    def done(case):
        messages.success(request, _("Case %(number)s filed.") % {"number": case.number})
        return redirect("cases:detail", pk=case.pk)

    return _form_view(
        request,
        form=bind_form(request, forms.FileCaseForm, user=user, event=event),
        perform_with=file,
        done=done,
        context={"event": event},
        template="cases/case_form.html",
    )


# --- detail ---------------------------------------------------------------------------


def detail_queryset(user):
    return (
        scoped_cases(user)
        .select_related(
            "handling_unit__region", "event", "region", "filed_by", "decided_by", "current_notice"
        )
        .prefetch_related(
            Prefetch("party_links", queryset=CaseParty.objects.select_related("party")),
            Prefetch(
                "matter_links",
                queryset=CaseMatter.objects.select_related("matter", "version").prefetch_related(
                    "version__statutory_ranges"
                ),
            ),
            Prefetch("handlers", queryset=CaseHandler.objects.select_related("user")),
            Prefetch(
                "legal_reviews",
                queryset=LegalReview.objects.prefetch_related(
                    Prefetch(
                        "seats", queryset=ReviewSeat.objects.select_related("reviewer", "unit")
                    )
                ),
            ),
        )
    )


def detail_context(request, case: Case) -> dict:
    user = request.user
    caps = capacities(user, case)
    now = timezone.now()
    proposal = (
        Penalty(
            case.proposed_outcome,
            case.proposed_fine,
            case.proposed_confiscation,
            tuple(case.proposed_penalties or ()),
        )
        if case.proposed_outcome
        else None
    )
    owed = services.amount_owed(case, on=timezone.localdate()) if case.fine_amount else None
    return {
        "case": case,
        "capacities": caps,
        "actions": case_actions(user, case, caps),
        "may_reveal": bool(caps & CONTACT_CAPACITIES),
        "parties": list(case.party_links.all()),
        "matters": list(case.matter_links.all()),
        "handlers": list(case.handlers.all()),
        "evidence": list(case.evidence.select_related("added_by")),
        "notices": list(case.notices.all()),
        "statements": list(case.statements.select_related("recorded_by")),
        "hearings": list(case.hearings.select_related("host")),
        "reviews": list(case.legal_reviews.all()),
        "review_reasons": [rv.reason_label(r) for r in rv.review_reasons(case)],
        "approvals": list(case.approvals.select_related("requested_by", "decided_by")),
        "deadlines": list(case.deadlines.order_by("-is_active", "due_at", "id")),
        "payments": list(case.payments.select_related("recorded_by")),
        "owed": owed,
        "proposal": proposal,
        "hearing_grounds": hearing_grounds(
            proposal, case.principal_parties(), other_ground=case.other_hearing_ground
        )
        if proposal
        else [],
        "eligibility": fast_track_eligibility(case)
        if case.procedure == Procedure.FAST_TRACK
        else None,
        "timeline": case_timeline(case),
        "now": now,
        "DeadlineKind": DeadlineKind,
    }


@login_required
def case_detail(request, pk):
    case = get_object_or_404(detail_queryset(request.user), pk=pk)
    return render(request, "cases/case_detail.html", detail_context(request, case))


@login_required
def evidence_file(request, pk, evidence_pk):
    """An evidence file, only to those who may see the case."""
    case = get_object_or_404(scoped_cases(request.user), pk=pk)
    item = get_object_or_404(case.evidence.exclude(file=""), pk=evidence_pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not item.is_image,
        filename=item.original_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- actions --------------------------------------------------------------------------


@login_required
def case_action(request, pk, name):
    """One small form per action of the case workflow (GET shows it, POST does it)."""
    if name not in forms.ACTION_FORMS:
        raise Http404
    case = get_object_or_404(detail_queryset(request.user), pk=pk)
    transition = CASE_WORKFLOW[name]
    caps = capacities(request.user, case)
    if name not in {t.name for t in case_actions(request.user, case, caps)}:
        if transition.actors & caps and case.state not in transition.sources:
            message = _("“%(action)s” is not possible while the case is “%(state)s”.") % {
                "action": transition.label,
                "state": case.get_state_display(),
            }
            return render(
                request,
                "cases/unavailable.html",
                {"case": case, "transition": transition, "message": message},
                status=409,
            )
        return forbidden(
            request, _("You may not “%(action)s” here.") % {"action": transition.label}
        )

    def done(_result):
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect("cases:detail", pk=case.pk)

    context = {
        "case": case,
        "transition": transition,
        "action_url": reverse("cases:action", args=[case.pk, name]),
    }
    if name == "conclude_fast_track":
        context["eligibility"] = fast_track_eligibility(case)
    return _form_view(
        request,
        form=bind_form(
            request, forms.ACTION_FORMS[name], case=case, user=request.user, transition=transition
        ),
        perform_with=lambda data: CASE_ACTIONS.perform(name, case, by=request.user, data=data),
        done=done,
        context=context,
        template="cases/action_form.html",
    )


# --- reviewers, figures -------------------------------------------------------------------


@login_required
def reviewers(request):
    """The roster of legal reviewers and squad lawyers with their qualification."""
    today = timezone.localdate()
    rows = []
    for user in rv.reviewer_roster().prefetch_related("qualifications"):
        standing = rv.standing(user, today)
        rows.append(
            {
                "user": user,
                "standing": standing,
                "posts": [p for p in user.cached_posts() if p.role in rv.REVIEWER_ROLES],
            }
        )
    return render(
        request, "cases/reviewers.html", {"rows": rows, "today": today, "rule": rv.joint_rule()}
    )


def _date_param(request, name: str) -> dt.date | None:
    raw = request.GET.get(name) or ""
    try:
        day = dt.date.fromisoformat(raw) if raw else None
        date_in_range(day)  # year 9999 overflowed in the period's bounds (a 500)
    except (ValueError, ValidationError):
        return None
    return day


@login_required
def figures(request):
    """Average days from filing to closing by procedure (the 90 → 10 figure) and the other
    case figures, for a period (docs/kpis.md)."""
    period = kpis.Period(_date_param(request, "from"), _date_param(request, "to"))
    data = kpis.report(period)
    rows = [
        {
            "procedure": Procedure(p).label,
            "days": data["avg_closing_days"][p],
            "count": data["closed_cases"][p],
            "code": p,
        }
        for p in Procedure.values
    ]
    closed_total = sum(data["closed_cases"].values())
    return render(
        request,
        "cases/figures.html",
        {"data": data, "rows": rows, "period": period, "closed_total": closed_total},
    )
