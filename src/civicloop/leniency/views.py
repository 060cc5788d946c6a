"""Pages of flexible enforcement: the "一免一减" list (with Excel import and export), a case's
circumstances, notices and commitments, credit repairs, butler services, and an enterprise's
history on one page.

Views stay thin: every record comes from its scoped queryset (``visible_to``), every write is
one call into ``services.py`` (through ``actions.py`` for the workflow actions), and the
buttons shown are the workflow tables' answer for this user and this record.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicloop.cases.models import Case
from civicloop.core.downloads import XLSX, attachment_response
from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.spreadsheets import SpreadsheetError
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData

from . import forms, services
from .actions import COMMITMENT_ACTIONS, REPAIR_ACTIONS
from .enterprise import enterprise_history, find_enterprise
from .exporting import export_items, write_list_workbook
from .filtersets import (
    AppliedItemFilterSet,
    ButlerServiceFilterSet,
    CommitmentFilterSet,
    ItemFilterSet,
    RepairFilterSet,
)
from .importing import Action, import_list, read_list
from .models import (
    AppliedItem,
    ButlerService,
    CaseCircumstances,
    Commitment,
    CreditRepair,
    LeniencyItem,
)
from .permissions import (
    butler_units,
    commitment_capacities,
    may_maintain_list,
    may_record_circumstances,
    may_serve_commitment_notice,
    repair_capacities,
)
from .timeline import commitment_timeline, repair_timeline, timeline
from .workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW

PAGE_SIZE = 25
# Every form of flexible enforcement renders in one page template.
_form_view = partial(service_form_view, template="leniency/form_page.html")


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


# --- the 一免一减 list ------------------------------------------------------------------------------


@login_required
def item_list(request):
    items = (
        LeniencyItem.objects.visible_to(request.user)
        .select_related("matter")
        .prefetch_related("versions")
    )
    filterset = ItemFilterSet(request.GET or None, queryset=items)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else items
    today = timezone.localdate()
    page, query = _page(request, rows.order_by("matter__code", "kind", "code"))
    for item in page.object_list:
        item.shown_version = item.version_on(today) or item.latest_version()
    return render(
        request,
        "leniency/item_list.html",
        {
            "page_obj": page,
            "items": page.object_list,
            "filterset": filterset,
            "query": query,
            "may_maintain": may_maintain_list(request.user),
            "today": today,
            "total": LeniencyItem.objects.in_force(today).count(),
        },
    )


@login_required
def item_detail(request, code):
    item = get_object_or_404(
        LeniencyItem.objects.visible_to(request.user).select_related("matter"), code=code
    )
    return render(
        request,
        "leniency/item_detail.html",
        {
            "item": item,
            "versions": item.versions.order_by("-effective_from"),
            "current": item.current_version(),
            "history": timeline(item.history.select_related("actor")),
            "applications": item.applications.select_related("case").order_by("-applied_at")[:20],
            "may_maintain": may_maintain_list(request.user),
        },
    )


@login_required
def item_create(request):
    if not may_maintain_list(request.user):
        return forbidden(request, _("The county maintains the exemption and reduction list."))

    def create(data):
        return services.create_item(
            by=request.user,
            code=data["code"],
            matter=data["matter"],
            kind=data["kind"],
            effective_from=data["effective_from"],
            content=_version_data(data),
        )

    def done(item):
        messages.success(request, _("Item %(code)s added to the list.") % {"code": item.code})
        return redirect("leniency:item", code=item.code)

    return _form_view(
        request,
        form=bind_form(request, forms.ItemForm),
        perform_with=create,
        done=done,
        context={
            "title": _("New item of the exemption and reduction list"),
            "back": reverse("leniency:items"),
        },
    )


def _version_data(data) -> services.VersionData:
    return services.VersionData(
        title=data["title"],
        conditions=data["conditions"],
        legal_basis=data["legal_basis"],
        basis_text=data.get("basis_text", ""),
        document_number=data.get("document_number", ""),
        note=data.get("note", ""),
    )


@login_required
def item_new_version(request, code):
    item = get_object_or_404(LeniencyItem.objects.visible_to(request.user), code=code)
    if not may_maintain_list(request.user):
        return forbidden(request, _("The county maintains the exemption and reduction list."))

    def add(data):
        return services.add_version(
            item,
            by=request.user,
            content=_version_data(data),
            effective_from=data["effective_from"],
            reason=data.get("reason", ""),
        )

    def done(version):
        messages.success(
            request,
            _("Version %(n)d of %(code)s recorded.") % {"n": version.number, "code": item.code},
        )
        return redirect("leniency:item", code=item.code)

    return _form_view(
        request,
        form=bind_form(request, forms.NewVersionForm, item=item),
        perform_with=add,
        done=done,
        context={
            "title": _("New version of %(code)s") % {"code": item.code},
            "back": reverse("leniency:item", args=[item.code]),
        },
    )


@login_required
def item_withdraw(request, code):
    item = get_object_or_404(LeniencyItem.objects.visible_to(request.user), code=code)
    if not may_maintain_list(request.user):
        return forbidden(request, _("The county maintains the exemption and reduction list."))

    def withdraw(data):
        return services.withdraw_item(
            item, by=request.user, last_day=data["last_day"], reason=data["reason"]
        )

    def done(_item):
        messages.success(request, _("%(code)s was taken off the list.") % {"code": item.code})
        return redirect("leniency:item", code=item.code)

    return _form_view(
        request,
        form=bind_form(request, forms.WithdrawItemForm),
        perform_with=withdraw,
        done=done,
        context={
            "title": _("Take %(code)s off the list") % {"code": item.code},
            "back": reverse("leniency:item", args=[item.code]),
        },
    )


@login_required
def item_export(request):
    response = attachment_response(f"leniency-items-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
    write_list_workbook(export_items(), response)
    return response


@login_required
def item_import(request):
    if not may_maintain_list(request.user):
        return forbidden(request, _("The county maintains the exemption and reduction list."))
    result, problem, status = None, None, 200
    if request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                table = read_list(upload.read(), upload.name)
                result = import_list(
                    table,
                    by=request.user,
                    effective_from=form.cleaned_data["effective_from"] or timezone.localdate(),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except SpreadsheetError as exc:
                form.add_error("file", exc.message)
            except NotPermitted as exc:
                return forbidden(request, exc.message)
            except DomainError as exc:
                problem = str(exc.message)
            else:
                status = 200 if not result.errors else 400
                if result.stored:
                    messages.success(
                        request,
                        _(
                            "Imported: %(created)d new items, %(versions)d new versions, "
                            "%(unchanged)d unchanged."
                        )
                        % {
                            "created": result.count(Action.CREATE),
                            "versions": result.count(Action.NEW_VERSION),
                            "unchanged": result.count(Action.UNCHANGED),
                        },
                    )
                    return redirect("leniency:items")
    else:
        form = forms.ImportForm()
    return render(
        request,
        "leniency/item_import.html",
        {"form": form, "result": result, "problem": problem, "Action": Action},
        status=status,
    )


# --- a case: circumstances, commitments -------------------------------------------------------------


def _case(request, case_pk):
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related("handling_unit__region"), pk=case_pk
    )


@login_required
def case_circumstances(request, case_pk):
    case = _case(request, case_pk)
    if not may_record_circumstances(request.user, case):
        return forbidden(
            request, _("The case's handlers record its circumstances, before the decision.")
        )
    current = CaseCircumstances.objects.filter(case=case).first()
    initial = {}
    if current is not None:
        initial = {f: getattr(current, f) for f in forms.CircumstancesForm.base_fields}

    def record(data):
        return services.record_circumstances(
            case, by=request.user, data=services.CircumstancesData(**data)
        )

    def done(_result):
        messages.success(request, _("Circumstances recorded."))
        return redirect("cases:detail", pk=case.pk)

    return _form_view(
        request,
        form=bind_form(request, forms.CircumstancesForm, initial=initial),
        perform_with=record,
        done=done,
        context={
            "title": _("Circumstances of the case"),
            "subtitle": f"{case.number} {case.title}",
            "back": reverse("cases:detail", args=[case.pk]),
            "help": _(
                "What the records cannot tell: the harmful consequence, the correction "
                "ordered and when it was made, the amount involved. The 一免一减 "
                "conditions read it."
            ),
        },
    )


@login_required
def commitment_new(request, case_pk):
    case = _case(request, case_pk)
    if not may_serve_commitment_notice(request.user, case):
        return forbidden(request, _("The case's handlers serve the notice of a minor violation."))
    parties = {str(p.pk): p for p in case.principal_parties()}
    matters = {
        str(link.matter.pk): link.matter
        for link in case.matter_links.select_related("matter__category")
    }

    def serve(data):
        return services.serve_commitment_notice(
            case,
            by=request.user,
            party=parties.get(data["party"]),
            matter=matters.get(data["matter"]),
            notice_text=data["notice_text"],
            served_at=data.get("served_at"),
        )

    def done(commitment):
        messages.success(
            request, _("Notice served; record the party's commitment when it is signed.")
        )
        return redirect("leniency:commitment", pk=commitment.pk)

    return _form_view(
        request,
        form=bind_form(request, forms.CommitmentNoticeForm, case=case),
        perform_with=serve,
        done=done,
        context={
            "title": _("Notice of a minor violation (告知)"),
            "subtitle": f"{case.number} {case.title}",
            "back": reverse("cases:detail", args=[case.pk]),
        },
    )


@login_required
def applied_list(request):
    """Applications of list items in decisions (the figure ``leniency.items_applied``)."""
    applied = (
        AppliedItem.objects.visible_to(request.user)
        .filter(case__decided_at__isnull=False)
        .select_related("case", "item", "version", "case__handling_unit")
        .order_by("-case__decided_at", "item__code")
    )
    filterset = AppliedItemFilterSet(request.GET or None, queryset=applied)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else applied
    page, query = _page(request, rows)
    return render(
        request,
        "leniency/applied_list.html",
        {"page_obj": page, "applied": page.object_list, "filterset": filterset, "query": query},
    )


@login_required
def commitment_list(request):
    commitments = (
        Commitment.objects.visible_to(request.user)
        .select_related("case", "party", "matter", "handling_unit")
        .order_by("follow_up_due_on", "-id")
    )
    filterset = CommitmentFilterSet(request.GET or None, queryset=commitments)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else commitments
    page, query = _page(request, rows)
    return render(
        request,
        "leniency/commitment_list.html",
        {"page_obj": page, "commitments": page.object_list, "filterset": filterset, "query": query},
    )


def _commitment(request, pk):
    return get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related(
            "case",
            "party",
            "matter",
            "handling_unit",
            "notice_served_by",
            "checked_by",
            "reopened_event",
        ),
        pk=pk,
    )


@login_required
def commitment_detail(request, pk):
    commitment = _commitment(request, pk)
    caps = commitment_capacities(request.user, commitment)
    return render(
        request,
        "leniency/commitment_detail.html",
        {
            "commitment": commitment,
            "actions": COMMITMENT_WORKFLOW.allowed(state=commitment.state, capacities=caps),
            "timeline": commitment_timeline(commitment),
        },
    )


def _transition_page(
    request, record, *, workflow, name, caps, form_class, form_kwargs, actions, url_name, not_now
):
    """One manual step of a commitment or a repair: 403 for those who may not act, 409 when the
    record's state does not allow it (``not_now`` says why), else the step's form."""
    transition = workflow[name]
    back = reverse(url_name, args=[record.pk])
    if not transition.actors & caps:
        return forbidden(
            request, _("You may not “%(action)s” here.") % {"action": transition.label}
        )
    if record.state not in transition.sources:
        return render(
            request,
            "leniency/form_page.html",
            {"title": transition.label, "back": back, "form": None, "help": not_now},
            status=409,
        )

    def done(_result):
        messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
        return redirect(url_name, pk=record.pk)

    return _form_view(
        request,
        form=bind_form(request, form_class, **form_kwargs),
        perform_with=lambda data: actions.perform(name, record, by=request.user, data=data),
        done=done,
        context={
            "title": transition.label,
            "help": transition.description,
            "subtitle": f"{record.case.number} · {record.party.display_name}",
            "back": back,
        },
    )


@login_required
def commitment_action(request, pk, name):
    if name not in forms.COMMITMENT_FORMS:
        raise Http404
    commitment = _commitment(request, pk)
    return _transition_page(
        request,
        commitment,
        workflow=COMMITMENT_WORKFLOW,
        name=name,
        caps=commitment_capacities(request.user, commitment),
        form_class=forms.COMMITMENT_FORMS[name],
        form_kwargs={"commitment": commitment} if name == "record_check" else {},
        actions=COMMITMENT_ACTIONS,
        url_name="leniency:commitment",
        not_now=_("“%(action)s” is not possible while the commitment is “%(state)s”.")
        % {"action": COMMITMENT_WORKFLOW[name].label, "state": commitment.get_state_display()},
    )


@login_required
def commitment_scan(request, pk):
    """The signed commitment, only to those who may see the case."""
    commitment = _commitment(request, pk)
    if not commitment.scan:
        raise Http404
    try:
        handle = commitment.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=commitment.scan_content_type,
        as_attachment=not commitment.is_image,
        filename=commitment.scan_name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- credit repair -------------------------------------------------------------------------------------


@login_required
def repair_list(request):
    repairs = (
        CreditRepair.objects.visible_to(request.user)
        .select_related("case", "party", "handling_unit")
        .order_by("-notified_at", "-id")
    )
    filterset = RepairFilterSet(request.GET or None, queryset=repairs)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else repairs
    page, query = _page(request, rows)
    return render(
        request,
        "leniency/repair_list.html",
        {"page_obj": page, "repairs": page.object_list, "filterset": filterset, "query": query},
    )


def _repair(request, pk):
    return get_object_or_404(
        CreditRepair.objects.visible_to(request.user).select_related(
            "case", "party", "handling_unit__region", "decided_by"
        ),
        pk=pk,
    )


@login_required
def repair_detail(request, pk):
    repair = _repair(request, pk)
    caps = repair_capacities(request.user, repair)
    return render(
        request,
        "leniency/repair_detail.html",
        {
            "repair": repair,
            "actions": REPAIR_WORKFLOW.allowed(state=repair.state, capacities=caps),
            "timeline": repair_timeline(repair),
        },
    )


@login_required
def repair_action(request, pk, name):
    if name not in forms.REPAIR_FORMS:
        raise Http404
    repair = _repair(request, pk)
    return _transition_page(
        request,
        repair,
        workflow=REPAIR_WORKFLOW,
        name=name,
        caps=repair_capacities(request.user, repair),
        form_class=forms.REPAIR_FORMS[name],
        form_kwargs={},
        actions=REPAIR_ACTIONS,
        url_name="leniency:repair",
        not_now=_("“%(action)s” is not possible while the repair is “%(state)s”.")
        % {"action": REPAIR_WORKFLOW[name].label, "state": repair.get_state_display()},
    )


# --- butler services -----------------------------------------------------------------------------------


@login_required
def butler_list(request):
    services_qs = (
        ButlerService.objects.visible_to(request.user)
        .select_related("party", "unit")
        .prefetch_related("staff")
        .order_by("-held_on", "-id")
    )
    filterset = ButlerServiceFilterSet(request.GET or None, queryset=services_qs)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else services_qs
    page, query = _page(request, rows)
    return render(
        request,
        "leniency/butler_list.html",
        {
            "page_obj": page,
            "services": page.object_list,
            "filterset": filterset,
            "query": query,
            "may_record": bool(butler_units(request.user)),
        },
    )


@login_required
def butler_new(request):
    units = butler_units(request.user)
    if not units:
        return forbidden(request, _("Officers of a squad or department record butler services."))
    party = None
    if request.GET.get("party"):
        party = (
            Party.objects.visible_to(request.user)
            .filter(pk=request.GET["party"], kind=PartyKind.ORGANISATION)
            .first()
        )
    units_by_pk = {str(u.pk): u for u in units}

    def record(data):
        enterprise = PartyData(
            kind=PartyKind.ORGANISATION,
            name=data["enterprise_name"],
            credit_code=data["credit_code"],
        )
        return services.record_butler_service(
            by=request.user,
            party=enterprise,
            data=services.ButlerServiceData(
                kind=data["kind"],
                held_on=data["held_on"],
                unit=units_by_pk.get(data["unit"]),
                staff=list(data["staff"]),
                topics=data["topics"],
                findings=data["findings"],
                follow_up=data["follow_up"],
                follow_up_due_on=data["follow_up_due_on"],
            ),
        )

    def done(service):
        messages.success(request, _("Butler service recorded."))
        return redirect("leniency:enterprise", credit_code=service.party.credit_code)

    return _form_view(
        request,
        form=bind_form(request, forms.ButlerServiceForm, units=units, party=party),
        perform_with=record,
        done=done,
        context={
            "title": _("Record a butler service (管家式服务)"),
            "back": reverse("leniency:butler"),
        },
    )


# --- the enterprise ------------------------------------------------------------------------------------


@login_required
def enterprise_search(request):
    q = (request.GET.get("q") or "").strip()
    found = None
    if q:
        found = find_enterprise(request.user, q)
        if found is not None:
            return redirect("leniency:enterprise", credit_code=found.credit_code)
    enterprises = Party.objects.visible_to(request.user).organisations()
    if q:
        enterprises = enterprises.filter(name__icontains=q)
    page, query = _page(request, enterprises.order_by("name", "id"))
    return render(
        request,
        "leniency/enterprise_search.html",
        {"page_obj": page, "enterprises": page.object_list, "q": q, "query": query},
    )


@login_required
def enterprise_detail(request, credit_code):
    party = find_enterprise(request.user, credit_code)
    if party is None:
        raise Http404
    history = enterprise_history(party, request.user)
    return render(
        request,
        "leniency/enterprise_detail.html",
        {
            "party": party,
            "shown": party.masked(),
            "history": history,
            "counts": history.counts,
            "may_record_service": bool(butler_units(request.user)),
        },
    )
