"""Pages of the work log and the points: thin, each write through one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicloop.core.downloads import XLSX
from civicloop.core.errors import DomainError, InvalidInput
from civicloop.core.idempotency import once_per_submission
from civicloop.core.views import bind_form, forbidden, service_form_view
from civicloop.org.choices import RegionLevel
from civicloop.org.models import Region

from . import access, services
from .choices import AppealState
from .exporting import annual_workbook
from .forms import ActivityForm, AppealForm, DecisionForm, OutcomeForm, VisitForm
from .models import Activity, Appeal, Outcome, PatrolVisit, PointEntry
from .standings import ScorePeriod, earned_totals, standings
from .tracing import trace
from .workflow import APPEAL_WORKFLOW


def _period(request) -> ScorePeriod:
    text = request.GET.get("period", "")
    if not text:
        return ScorePeriod.quarter_of(timezone.localdate())
    try:
        return ScorePeriod.parse(text)
    except InvalidInput:
        return ScorePeriod.quarter_of(timezone.localdate())


def _location(data) -> dict:
    return {"latitude": data.get("latitude"), "longitude": data.get("longitude"), "datum": "wgs84"}


@login_required
def home(request):
    """A grid worker's phone home: log a visit, report a problem, my tasks, my points."""
    period = ScorePeriod.quarter_of(timezone.localdate())
    earned = earned_totals(period.span, [request.user.pk]).get(request.user.pk, 0)
    return render(
        request,
        "scoring/home.html",
        {"period": period, "earned": earned, "is_grid_worker": access.is_grid_worker(request.user)},
    )


@login_required
@once_per_submission
def visit_new(request):
    form = bind_form(request, VisitForm, user=request.user)

    def perform(data):
        return services.log_visit(
            by=request.user,
            region=data["region"],
            visited_at=data.get("visited_at"),
            note=data.get("note", ""),
            photos=request.FILES.getlist("photos"),
            client_key=data.get("client_key", ""),
            **_location(data),
        )

    def done(visit):
        messages.success(request, _("Patrol visit recorded."))
        return redirect("scoring:visit", visit.pk)

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=done,
        context={"title": _("Log a patrol visit"), "kind": "visit"},
        template="scoring/worklog_form.html",
    )


@login_required
@once_per_submission
def activity_new(request):
    form = bind_form(request, ActivityForm, user=request.user)

    def perform(data):
        return services.log_activity(
            by=request.user,
            kind=data["kind"],
            region=data["region"],
            topic=data["topic"],
            held_at=data.get("held_at"),
            participant_count=data.get("participant_count") or 0,
            participant_names=data.get("participant_names", ""),
            note=data.get("note", ""),
            photos=request.FILES.getlist("photos"),
            client_key=data.get("client_key", ""),
            **_location(data),
        )

    def done(activity):
        messages.success(request, _("Activity recorded."))
        return redirect("scoring:activity", activity.pk)

    return service_form_view(
        request,
        form=form,
        perform_with=perform,
        done=done,
        context={"title": _("Log an activity"), "kind": "activity"},
        template="scoring/worklog_form.html",
    )


@login_required
def worklog(request):
    visits = PatrolVisit.objects.visible_to(request.user).select_related("region", "recorded_by")
    activities = Activity.objects.visible_to(request.user).select_related("region", "recorded_by")
    if request.GET.get("mine", "1") == "1":
        visits = visits.filter(recorded_by=request.user)
        activities = activities.filter(recorded_by=request.user)
    return render(
        request,
        "scoring/worklog.html",
        {"visits": visits[:50], "activities": activities[:50]},
    )


@login_required
def visit_detail(request, pk):
    visit = get_object_or_404(
        PatrolVisit.objects.visible_to(request.user).select_related("region", "recorded_by"),
        pk=pk,
    )
    return render(request, "scoring/record_detail.html", {"record": visit, "kind": "visit"})


@login_required
def activity_detail(request, pk):
    activity = get_object_or_404(
        Activity.objects.visible_to(request.user).select_related("region", "recorded_by"),
        pk=pk,
    )
    return render(request, "scoring/record_detail.html", {"record": activity, "kind": "activity"})


@login_required
def my_points(request):
    """My points in a period, each entry with the record that earned it."""
    period = _period(request)
    person = request.user
    rows = {s.person.pk: s for s in standings(period)}
    mine = rows.get(person.pk)
    start, end = period.span.moments()
    entries = (
        PointEntry.objects.filter(person=person)
        .between(start, end)
        .select_related("rule_version", "source_type")
        .prefetch_related("appeals")
    )
    traced = [(entry, trace(entry)) for entry in entries]
    return render(
        request,
        "scoring/my_points.html",
        {
            "period": period,
            "standing": mine,
            "earned": sum((e.points for e, _t in traced), 0),
            "entries": traced,
            "quarters": [ScorePeriod(period.year, q) for q in (1, 2, 3, 4)],
        },
    )


@login_required
def ranking(request):
    """Totals, ranks and ratings of the staff the reader sees (a town's, or the county's)."""
    if not access.may_supervise(request.user):
        return forbidden(request, _("The points ranking is for command rooms and the county."))
    period = _period(request)
    town = None
    code = request.GET.get("town", "")
    if code:
        town = Region.objects.filter(code=code, level=RegionLevel.TOWN).first()
    rows = standings(period, viewer=request.user, town=town)
    towns = Region.objects.filter(level=RegionLevel.TOWN).order_by("code")
    prefixes = access.supervised_prefixes(request.user)
    if prefixes is not None:
        towns = [t for t in towns if any(t.code.startswith(p[:9]) for p in prefixes)]
    outcomes = (
        Outcome.objects.visible_to(request.user)
        .filter(year=period.year)
        .select_related("person", "recorded_by")
    )
    if period.quarter:
        outcomes = outcomes.filter(quarter=period.quarter) | outcomes.filter(
            quarter__isnull=True, year=period.year
        )
    return render(
        request,
        "scoring/ranking.html",
        {
            "period": period,
            "rows": rows,
            "town": town,
            "towns": towns,
            "outcomes": outcomes[:200],
            "outcome_kinds": OutcomeForm.base_fields["kind"].choices,
        },
    )


@login_required
def outcome_new(request):
    """Record a rating given or a promotion from the ranking (who and when are kept)."""
    if request.method != "POST":
        return redirect("scoring:ranking")
    form = OutcomeForm(request.POST)
    back = request.POST.get("next") or reverse("scoring:ranking")
    if not back.startswith("/"):
        back = reverse("scoring:ranking")
    if not form.is_valid():
        messages.error(request, _("The outcome could not be recorded: check the form."))
        return redirect(back)
    data = form.cleaned_data
    person = access.visible_people(request.user).filter(pk=data["person"]).first()
    if person is None:
        return forbidden(request, _("Supervisors record the outcomes of the staff they oversee."))
    try:
        services.record_outcome(
            by=request.user,
            person=person,
            kind=data["kind"],
            year=data["year"],
            quarter=data.get("quarter"),
            grade=data.get("grade") or "",
            total=data.get("total"),
            note=data.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Outcome recorded."))
    return redirect(back)


@login_required
def export(request):
    if not access.may_supervise(request.user):
        return forbidden(request, _("The points ranking is for command rooms and the county."))
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2999:
        raise Http404
    response = HttpResponse(annual_workbook(year, viewer=request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="points-{year}.xlsx"'
    return response


@login_required
def appeal_new(request, entry_pk):
    entry = get_object_or_404(PointEntry.objects.filter(person=request.user), pk=entry_pk)
    form = bind_form(request, AppealForm)

    def done(appeal):
        messages.success(request, _("Appeal filed."))
        return redirect("scoring:appeal", appeal.pk)

    return service_form_view(
        request,
        form=form,
        perform_with=lambda data: services.file_appeal(
            entry, by=request.user, reason=data["reason"]
        ),
        done=done,
        context={"entry": entry, "trace": trace(entry)},
        template="scoring/appeal_form.html",
    )


@login_required
def appeals(request):
    rows = Appeal.objects.visible_to(request.user).select_related("person", "decided_by")
    state = request.GET.get("state", AppealState.FILED)
    if state in AppealState.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "scoring/appeals.html",
        {"appeals": rows[:100], "state": state, "states": AppealState},
    )


def _action_label(action: str) -> str:
    if action == "file":
        return _("appeal filed")
    try:
        return str(APPEAL_WORKFLOW[action].label)
    except KeyError:
        return action


@login_required
def appeal_detail(request, pk):
    appeal = get_object_or_404(
        Appeal.objects.visible_to(request.user).select_related("person", "entry", "decided_by"),
        pk=pk,
    )
    may_decide = "supervisor" in services.APPEAL_FLOW.capacities(request.user, appeal)
    form = bind_form(request, DecisionForm) if may_decide else None
    context = {
        "appeal": appeal,
        "history": [
            (row, _action_label(row.action)) for row in appeal.history.select_related("actor")
        ],
        "trace": trace(appeal.entry) if appeal.entry else None,
        "may_decide": may_decide and appeal.state == AppealState.FILED,
    }
    if request.method == "POST":
        if form is None:
            return forbidden(request, _("Supervisors of the staff member decide appeals."))

        def done(result):
            messages.success(request, _("Appeal decided."))
            return redirect("scoring:appeal", result.pk)

        return service_form_view(
            request,
            form=form,
            perform_with=lambda data: services.decide_appeal(
                appeal,
                by=request.user,
                upheld=data["upheld"],
                decision=data["decision"],
                points=data.get("points"),
            ),
            done=done,
            context=context,
            template="scoring/appeal_detail.html",
        )
    return render(request, "scoring/appeal_detail.html", {**context, "form": form})


def points_url(period: ScorePeriod) -> str:
    return f"{reverse('scoring:mine')}?period={period}"
