"""Penalty cases over REST: list and detail, filing, history, fast-track eligibility, and
one POST endpoint per manual transition of the case workflow.

Every lookup goes through ``Case.objects.visible_to(user)``: a case outside the user's
scope is a 404, one they see but may not act on is a 403 (from the service), a wrong
stage is a 409. Each action validates its input's shape with its own serializer and
calls exactly one service function (``cases.actions.CASE_ACTIONS``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from civicloop.cases import kpis, services
from civicloop.cases import review as rv
from civicloop.cases.actions import CASE_ACTIONS
from civicloop.cases.eligibility import fast_track_eligibility
from civicloop.cases.filtersets import CaseFilterSet
from civicloop.cases.models import (
    Case,
    CaseHandler,
    CaseMatter,
    CaseParty,
    Evidence,
    Hearing,
    LegalReview,
    ReviewSeat,
)
from civicloop.cases.workflow import CASE_WORKFLOW
from civicloop.core.api import ActionViewSetMixin, error_responses, transition_endpoint
from civicloop.core.inputs import date_in_range
from civicloop.events.models import Event
from civicloop.matters.models import Matter
from civicloop.org.models import User
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData

from .requests import ACTION_SERIALIZERS, FileCaseSerializer
from .serializers import (
    CaseDetailSerializer,
    CaseHistorySerializer,
    CaseListSerializer,
    EligibilitySerializer,
    FiguresSerializer,
    ReviewerSerializer,
)


def detail_queryset(user):
    return (
        Case.objects.visible_to(user)
        .select_related("handling_unit__region", "event", "current_notice")
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
            Prefetch("hearings", queryset=Hearing.objects.select_related("host")),
            "evidence",
            "notices",
            "statements",
            "approvals__requested_by",
            "approvals__decided_by",
            "deadlines",
            "payments",
        )
    )


@extend_schema_view(
    list=extend_schema(
        operation_id="cases_list",
        summary=_("Cases I may see"),
        parameters=[
            OpenApiParameter(
                "queue",
                str,
                enum=["mine"],
                description=_(
                    "“mine”: only cases waiting for me (handler, responsible person, reviewer)."
                ),
            )
        ],
        responses={200: CaseListSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="cases_retrieve",
        summary=_("One case with its procedure records"),
        responses={200: CaseDetailSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="cases_create",
        summary=_("File a case"),
        request=FileCaseSerializer,
        responses={201: CaseDetailSerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["cases"])
class CaseViewSet(
    ActionViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    filterset_class = CaseFilterSet

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return detail_queryset(user)
        queryset = (
            Case.objects.visible_to(user)
            .select_related("handling_unit")
            .prefetch_related(
                Prefetch("party_links", queryset=CaseParty.objects.select_related("party"))
            )
        )
        queue = self.request.query_params.get("queue")
        if queue == "mine":
            queryset = queryset.needing_action_by(user)
        elif queue:
            raise exceptions.ValidationError({"queue": [_("The only queue is “mine”.")]})
        return queryset

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def case_response(self, case: Case, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = detail_queryset(self.request.user).filter(pk=case.pk).first()
        if fresh is None:
            return Response(
                {"id": case.pk, "number": case.number, "state": case.state}, status=status_code
            )
        return Response(
            CaseDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request):

        d = self.validated(FileCaseSerializer)
        matters = list(Matter.objects.filter(code__in=d["matters"]))
        unknown = sorted(set(d["matters"]) - {m.code for m in matters})
        if unknown or not d["matters"]:
            raise exceptions.ValidationError(
                {
                    "matters": [
                        _("Unknown matter code(s): %(codes)s.")
                        % {"codes": ", ".join(unknown) or "—"}
                    ]
                }
            )
        handlers = list(User.objects.filter(username__in=d["handlers"]))
        if len(handlers) != len(set(d["handlers"])):
            raise exceptions.ValidationError(
                {"handlers": [_("Unknown username among the handlers.")]}
            )
        lead = next((u for u in handlers if u.username == d["lead_handler"]), None)
        links = []
        if d["party"]:
            links.append(services.PartyLink(PartyData(**d["party"])))
        visible_parties = Party.objects.visible_to(request.user)
        for item in d["parties"]:
            party = visible_parties.filter(pk=item["party"]).first()
            if party is None:
                raise exceptions.ValidationError(
                    {
                        "parties": [
                            _("No party with id %(id)s is visible to you.") % {"id": item["party"]}
                        ]
                    }
                )
            links.append(services.PartyLink(party, item["role"]))
        event = None
        if d["event"] is not None:
            event = Event.objects.visible_to(request.user).filter(pk=d["event"]).first()
            if event is None:
                raise exceptions.ValidationError(
                    {"event": [_("No event with this id is visible to you.")]}
                )
        case = services.file_case(
            by=request.user,
            handling_unit=d["handling_unit"],
            procedure=d["procedure"],
            source=d["source"],
            title=d["title"],
            facts=d["facts"],
            violation_date=d["violation_date"],
            violation_ended_on=d["violation_ended_on"],
            limitation_five_years=d["limitation_five_years"],
            parties=links,
            matters=matters,
            handlers=handlers,
            lead_handler=lead,
            event=event,
            inspection_reference=d["inspection_reference"],
            address=d["address"],
            party_admits=d["party_admits"],
            fast_track_consent_at=d["fast_track_consent_at"],
        )
        return self.case_response(case, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="cases_history",
        summary=_("The case's complete history"),
        responses={200: CaseHistorySerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        rows = self.get_object().history.select_related("actor")
        return Response(CaseHistorySerializer(rows, many=True).data)

    @extend_schema(
        operation_id="cases_eligibility",
        summary=_("Fast-track eligibility"),
        description=_("Each rule of 简案快办 with passed / failed / not known yet and why."),
        responses={200: EligibilitySerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        result = fast_track_eligibility(self.get_object())
        return Response(
            EligibilitySerializer(
                {
                    "eligible": result.eligible,
                    "rules": [
                        {
                            "code": r.code,
                            "label": str(r.label),
                            "passed": r.passed,
                            "reason": r.reason,
                        }
                        for r in result.rules
                    ],
                }
            ).data
        )


# One POST endpoint per manual transition of the table.
for _transition in CASE_WORKFLOW:
    if _transition.manual:
        setattr(
            CaseViewSet,
            _transition.name,
            transition_endpoint(
                CASE_WORKFLOW,
                _transition.name,
                actions=CASE_ACTIONS,
                request=ACTION_SERIALIZERS[_transition.name],
                response=CaseDetailSerializer,
                answer=lambda view, case: view.case_response(case),
                operation_id=f"cases_{_transition.name}",
                tag="case actions",
                url_path=_transition.name.replace("_", "-"),
                method_name=_transition.name,
            ),
        )


class EvidenceDownloadView(generics.GenericAPIView):
    """An evidence file, only when its case is visible to the user."""

    def get_queryset(self):
        return Evidence.objects.filter(case__in=Case.objects.visible_to(self.request.user)).exclude(
            file=""
        )

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="case_evidence_download",
        tags=["cases"],
        summary=_("Download an evidence file"),
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error_responses(401, 404),
        },
    )
    def get(self, request, pk):
        item = self.get_object()
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
        patch_cache_control(response, private=True)
        return response


class ReviewerRosterView(APIView):
    @extend_schema(
        operation_id="legal_reviewers_list",
        tags=["cases"],
        summary=_("Legal reviewers"),
        description=_(
            "Legal reviewers and squad lawyers with their qualification and whether they "
            "may approve a legal review today (Art. 58 ¶2)."
        ),
        responses={200: ReviewerSerializer(many=True), **error_responses(401)},
    )
    def get(self, request):
        rows = []
        for user in rv.reviewer_roster():
            standing = rv.standing(user)
            rows.append(
                {
                    "user": user,
                    "posts": [
                        {"role": p.role, "unit": p.unit.code, "started_on": p.started_on}
                        for p in user.cached_posts()
                        if p.role in rv.REVIEWER_ROLES
                    ],
                    "qualified": standing.qualified,
                    "qualification_number": standing.qualification_number,
                    "qualification_issued_on": standing.qualification_issued_on,
                    "serving_before_rule": standing.serving_before_rule,
                    "may_approve": standing.may_approve,
                }
            )
        return Response(ReviewerSerializer(rows, many=True).data)


class FiguresView(APIView):
    @extend_schema(
        operation_id="case_figures",
        tags=["cases"],
        summary=_("Case figures"),
        description=_(
            "Average days from filing to closing by procedure, the share of empowered-town "
            "cases approved by a qualified reviewer, no-penalty decisions… (docs/kpis.md)."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses={200: FiguresSerializer, **error_responses(400, 401)},
    )
    def get(self, request):
        import datetime as dt

        dates = {}
        for name in ("from", "to"):
            raw = request.query_params.get(name)
            try:
                dates[name] = dt.date.fromisoformat(raw) if raw else None
            except ValueError as exc:
                raise exceptions.ValidationError(
                    {name: [_("Give a date like 2026-01-31.")]}
                ) from exc
            try:
                date_in_range(dates[name])  # year 9999 overflowed in the period's bounds
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({name: exc.messages}) from exc
        return Response(kpis.report(kpis.Period(dates["from"], dates["to"])))
