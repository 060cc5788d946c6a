"""Pages of inspections: thin views over ``services``; lookups go through ``visible_to``."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicloop.core.errors import DomainError, NotPermitted
from civicloop.core.views import bind_form, forbidden, form_error, service_form_view
from civicloop.org.maps import PlaceMapMode, in_basemap_datum, place_map
from civicloop.org.models import Unit

from . import services
from .choices import PlanState, RiskGrade, TaskState
from .forms import (
    CaseFromRecordForm,
    DrawForm,
    EventFromRecordForm,
    ImportForm,
    ItemForm,
    MergeForm,
    PlanForm,
    PoolForm,
    ReasonForm,
    RecordForm,
    RecusalForm,
    StratumForm,
    SubjectForm,
)
from .importing import import_subjects
from .models import Draw, InspectionPlan, InspectionRecord, Subject, Task, Visit
from .permissions import officer_units, plan_capacities
from .workflow import PLAN_WORKFLOW


def _page(request, queryset, size=50):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@login_required
def home(request):
    visits = Visit.objects.visible_to(request.user)
    context = {
        "subjects": Subject.objects.visible_to(request.user).count(),
        "plans": InspectionPlan.objects.visible_to(request.user).count(),
        "open_tasks": Task.objects.visible_to(request.user).open().count(),
        "visits": visits.count(),
        "warnings": len(services.repeated_visits(visits)),
    }
    return render(request, "inspections/home.html", context)


# --- subjects ----------------------------------------------------------------------------


@login_required
def subjects(request):
    rows = Subject.objects.visible_to(request.user).select_related("party", "region")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(party__name__icontains=q) | Q(party__credit_code=q.upper()))
    grade = request.GET.get("risk_grade", "")
    if grade in RiskGrade.values:
        rows = rows.filter(risk_grade=grade)
    return render(
        request,
        "inspections/subjects.html",
        {"page_obj": _page(request, rows), "q": q, "grades": RiskGrade.choices, "grade": grade},
    )


@login_required
def subject_detail(request, pk):
    subject = get_object_or_404(
        Subject.objects.visible_to(request.user).select_related("party", "region"), pk=pk
    )
    visits = subject.visits.prefetch_related("units").select_related("lead_unit")
    warnings = services.repeated_pairs(visits)
    return render(
        request,
        "inspections/subject_detail.html",
        {
            "subject": subject,
            "visits": visits,
            "warnings": warnings,
            "recusals": subject.recusals.select_related("inspector"),
            "recusal_form": RecusalForm(),
            "may_register": bool(officer_units(request.user)) or request.user.is_superuser,
            "place_map": place_map(
                mode=PlaceMapMode.SHOW,
                region=subject.region,
                point=in_basemap_datum(subject.longitude, subject.latitude),
                element_id="subject-map",
            ),
        },
    )


@login_required
@require_POST
def subject_recusal(request, pk):
    """回避 recorded on the subject's page (``services.add_recusal``, one history row)."""
    subject = get_object_or_404(Subject.objects.visible_to(request.user), pk=pk)
    form = RecusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("inspections:subject", subject.pk)
    try:
        services.add_recusal(by=request.user, subject=subject, **form.cleaned_data)
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Recusal recorded."))
    return redirect("inspections:subject", subject.pk)


@login_required
def subject_new(request):
    form = bind_form(request, SubjectForm)

    def perform(data):
        subject, _created = services.register_subject(
            by=request.user, data=services.SubjectData(**data)
        )
        return subject

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=lambda s: redirect("inspections:subject", s.pk),
        context={"title": _("Register a market subject")},
        template="inspections/form.html",
    )


@login_required
def subject_import(request):
    form = bind_form(request, ImportForm)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_subjects(upload.read(), upload.name, by=request.user)
        except NotPermitted as exc:
            return forbidden(request, exc.message)
        except DomainError as exc:
            status = form_error(form, exc)
        else:
            status = 400 if result.errors else 200
    return render(
        request, "inspections/import.html", {"form": form, "result": result}, status=status
    )


# --- plans ---------------------------------------------------------------------------------


@login_required
def plans(request):
    rows = (
        InspectionPlan.objects.visible_to(request.user)
        .select_related("unit")
        .annotate(n_draws=Count("draws", distinct=True))
    )
    return render(
        request,
        "inspections/plans.html",
        {"page_obj": _page(request, rows), "may_create": bool(officer_units(request.user))},
    )


@login_required
def plan_new(request):
    units = list(Unit.objects.filter(pk__in=officer_units(request.user)))
    if not units:
        return forbidden(request, _("Only officers of a department or squad make plans."))
    form = bind_form(request, PlanForm, units=units)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda d: services.create_plan(by=request.user, **d),
        done=lambda plan: redirect("inspections:plan", plan.pk),
        context={"title": _("New inspection plan")},
        template="inspections/form.html",
    )


def _plan(request, pk):
    return get_object_or_404(
        InspectionPlan.objects.visible_to(request.user).select_related("unit"), pk=pk
    )


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    caps = plan_capacities(request.user, plan)
    actions = PLAN_WORKFLOW.allowed(state=plan.state, capacities=caps)
    if plan.is_joint:
        actions = [t for t in actions if t.name != "publish_plan"]
    else:
        actions = [t for t in actions if t.name != "submit_plan"]
    editable = plan.state == PlanState.DRAFT and "plan_officer" in caps
    context = {
        "plan": plan,
        "actions": actions,
        "editable": editable,
        "may_draw": plan.state == PlanState.PUBLISHED and "plan_officer" in caps,
        "items": plan.items.select_related("matter"),
        "strata": plan.strata.all(),
        "pool": plan.pool.select_related("inspector", "unit"),
        "draws": plan.draws.annotate(n=Count("picks")),
        "history": plan.history.select_related("actor"),
        "item_form": ItemForm(prefix="item"),
        "stratum_form": StratumForm(prefix="stratum"),
        "pool_form": PoolForm(prefix="pool", plan=plan),
        "draw_form": DrawForm(prefix="draw"),
        "reason_form": ReasonForm(),
    }
    return render(request, "inspections/plan_detail.html", context)


PLAN_PARTS = {
    "item": (ItemForm, lambda plan, by, d: services.add_plan_item(by=by, plan=plan, **d)),
    "stratum": (StratumForm, lambda plan, by, d: services.set_stratum(by=by, plan=plan, **d)),
    "pool": (PoolForm, lambda plan, by, d: services.add_to_pool(by=by, plan=plan, **d)),
    "draw": (DrawForm, lambda plan, by, d: services.draw_plan(plan, by=by, **d)),
    # No input: the minimum frequencies are the strata's.
    "minimum": (
        django_forms.Form,
        lambda plan, by, d: services.schedule_minimum_visits(plan, by=by),
    ),
}


@login_required
@require_POST
def plan_part(request, pk, part):
    plan = _plan(request, pk)
    if part not in PLAN_PARTS:
        raise Http404
    form_class, perform = PLAN_PARTS[part]
    kwargs = {"plan": plan} if part == "pool" else {}
    form = form_class(request.POST, prefix=part, **kwargs)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("inspections:plan", plan.pk)
    try:
        result = perform(plan, request.user, form.cleaned_data)
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("inspections:plan", plan.pk)
    if part == "draw":
        return redirect("inspections:draw", result.pk)
    if part == "minimum":
        messages.success(
            request, _("Tasks opened for the minimum frequencies: %(n)d.") % {"n": result}
        )
        return redirect("inspections:plan", plan.pk)
    messages.success(request, _("Saved."))
    return redirect("inspections:plan", plan.pk)


@login_required
@require_POST
def plan_action(request, pk, action):
    plan = _plan(request, pk)
    if action not in services.PLAN_ACTIONS:
        raise Http404
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "return_plan":
            services.return_plan(plan, by=request.user, reason=reason)
        elif action == "approve_plan":
            services.approve_plan(plan, by=request.user, note=reason)
        else:
            services.PLAN_ACTIONS[action](plan, by=request.user)
    except NotPermitted as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("inspections:plan", plan.pk)


# --- draws (staff and public) ----------------------------------------------------------------


def _draw_context(draw, request):
    context = {
        "draw": draw,
        "picks": draw.picks.select_related("subject__party", "subject__region").prefetch_related(
            "inspectors"
        ),
        "inputs_json": services.serialise_inputs(draw.inputs),
    }
    if request.GET.get("reproduce"):
        same, inputs_hash, picks = services.reproduce_draw(draw)
        context.update(reproduced=True, same=same, again_hash=inputs_hash, again_count=len(picks))
    return context


@login_required
def draw_detail(request, pk):
    draw = get_object_or_404(Draw.objects.visible_to(request.user).select_related("plan"), pk=pk)
    return render(
        request, "inspections/draw.html", {**_draw_context(draw, request), "public": False}
    )


def public_draws(request):
    """双随机一公开: every published plan's draws and their results, without signing in."""
    draws = Draw.objects.public().select_related("plan", "plan__unit").annotate(n=Count("picks"))
    records = (
        InspectionRecord.objects.filter(visit__tasks__plan__state=PlanState.PUBLISHED)
        .select_related("visit__subject__party", "visit__lead_unit")
        .distinct()[:200]
    )
    return render(request, "inspections/public.html", {"draws": draws, "records": records})


def public_draw(request, pk):
    draw = get_object_or_404(Draw.objects.public().select_related("plan"), pk=pk)
    return render(
        request, "inspections/draw.html", {**_draw_context(draw, request), "public": True}
    )


# --- tasks and visits -------------------------------------------------------------------------


@login_required
def tasks(request):
    rows = (
        Task.objects.visible_to(request.user)
        .select_related("unit", "subject__party", "visit")
        .order_by("state", "earliest", "pk")
    )
    form = bind_form(request, MergeForm)
    if request.method == "POST" and form.is_valid():
        try:
            # 综合查一次: every department's open tasks for the subjects of the visible ones.
            visible_open = rows.filter(state=TaskState.OPEN)
            run = services.plan_joint_visits(
                by=request.user,
                tasks=Task.objects.open().filter(subject__in=visible_open.values("subject")),
                window_days=form.cleaned_data.get("window_days"),
            )
        except NotPermitted as exc:
            return forbidden(request, exc.message)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("%(tasks)d tasks merged into %(visits)d visits (lower bound %(bound)d).")
                % {"tasks": run.tasks, "visits": run.visits, "bound": run.lower_bound},
            )
            return redirect("inspections:visits")
    return render(
        request,
        "inspections/tasks.html",
        {
            "page_obj": _page(request, rows, 100),
            "form": form,
            "open": rows.filter(state=TaskState.OPEN).count(),
        },
    )


@login_required
def visits(request):
    rows = (
        Visit.objects.visible_to(request.user)
        .select_related("subject__party", "lead_unit")
        .prefetch_related("units")
        .order_by("-date", "-pk")
    )
    if request.GET.get("after"):
        rows = rows.filter(date__gte=request.GET["after"])
    if request.GET.get("before"):
        rows = rows.filter(date__lte=request.GET["before"])
    if request.GET.get("region"):
        rows = rows.filter(subject__region__code__startswith=request.GET["region"].rstrip("0")[:9])
    if request.GET.get("joint"):
        rows = rows.filter(department_count__gte=2)
    warnings = services.repeated_visits(rows)
    if request.GET.get("repeated"):
        rows = rows.filter(pk__in=list(warnings))
    return render(
        request,
        "inspections/visits.html",
        {"page_obj": _page(request, rows), "warnings": warnings},
    )


def _visit(request, pk):
    return get_object_or_404(
        Visit.objects.visible_to(request.user).select_related("subject__party", "lead_unit"), pk=pk
    )


@login_required
def visit_detail(request, pk):
    visit = _visit(request, pk)
    warnings = services.repeated_visits(Visit.objects.filter(pk=visit.pk))
    return render(
        request,
        "inspections/visit_detail.html",
        {
            "visit": visit,
            "tasks": visit.tasks.select_related("unit").prefetch_related("items"),
            "items": services.visit_items(visit),
            "record": InspectionRecord.objects.filter(visit=visit).first(),
            "earlier": warnings.get(visit.pk, []),
            "history": visit.history.select_related("actor"),
        },
    )


@login_required
def visit_record(request, pk):
    """The phone page: the combined check list, result, photos, place and signatures."""
    visit = _visit(request, pk)
    if InspectionRecord.objects.filter(visit=visit).exists():
        return redirect("inspections:visit", visit.pk)
    items = services.visit_items(visit)
    form = bind_form(request, RecordForm, items=items)

    def perform(d):
        results = {
            item.pk: services.ItemResult(d[f"item_{item.pk}"], d.get(f"note_{item.pk}", ""))
            for item in items
        }
        return services.record_inspection(
            visit,
            by=request.user,
            result_code=d["result_code"],
            results=results,
            findings=d["findings"],
            photos=d["photos"],
            inspector_signature=d["inspector_signature"],
            representative_name=d["representative_name"],
            representative_confirmed=d["representative_confirmed"],
            signature_image=d["signature_image"],
            latitude=d["latitude"],
            longitude=d["longitude"],
            datum="wgs84",
        )

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=lambda rec: redirect("inspections:record", rec.pk),
        context={"visit": visit},
        template="inspections/record_form.html",
    )


def _record(request, pk):
    return get_object_or_404(
        InspectionRecord.objects.visible_to(request.user).select_related(
            "visit__subject__party", "visit__lead_unit", "case", "event"
        ),
        pk=pk,
    )


@login_required
def record_detail(request, pk):
    rec = _record(request, pk)
    context = {"record": rec, "items": rec.items.select_related("item"), "photos": rec.photos.all()}
    if rec.found_problem and not rec.case_id:
        context["case_form"] = CaseFromRecordForm(record=rec, user=request.user)
    if rec.found_problem and not rec.event_id:
        context["event_form"] = EventFromRecordForm(initial={"description": rec.findings})
    return render(request, "inspections/record_detail.html", context)


@login_required
def record_open_case(request, pk):
    rec = _record(request, pk)
    form = bind_form(request, CaseFromRecordForm, record=rec, user=request.user)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda d: services.open_case_from_record(
            rec,
            by=request.user,
            matters=[d["matter"]],
            handlers=list(d["handlers"]),
            title=d["title"],
            facts=d["facts"],
            procedure=d["procedure"],
            handling_unit=d["handling_unit"],
        ),
        done=lambda case: redirect("cases:detail", case.pk),
        context={"title": _("Open a penalty case from the finding"), "record": rec},
        template="inspections/form.html",
    )


@login_required
def record_open_event(request, pk):
    rec = _record(request, pk)
    form = bind_form(request, EventFromRecordForm)
    return service_form_view(
        request,
        form=form,
        perform_with=lambda d: services.open_event_from_record(rec, by=request.user, **d),
        done=lambda event: redirect("events:detail", event.pk),
        context={"title": _("Hand the finding to the event loop"), "record": rec},
        template="inspections/form.html",
    )


def case_panel(request, case):
    """The inspection records a case was opened from (on the case page)."""
    records = list(
        InspectionRecord.objects.filter(case=case).select_related("visit__subject__party")
    )
    return {"records": records} if records else None
