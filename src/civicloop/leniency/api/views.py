"""Flexible enforcement over REST: the "一免一减" list, a case's evaluation and circumstances,
commitments and credit repairs (one POST endpoint per manual transition of their tables),
butler services and the enterprise's history.

Every lookup goes through the scoped querysets: outside the scope is a 404, seen but not
yours to act on is a 403 (from the service), a wrong state a 409. Each action validates its
input's shape and calls exactly one service function (``leniency.actions``).
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from civicloop.cases.models import Case
from civicloop.core.api import (
    ACTION_ERRORS,
    ActionViewSetMixin,
    error_responses,
    transition_endpoint,
)
from civicloop.leniency import services
from civicloop.leniency.actions import COMMITMENT_ACTIONS, REPAIR_ACTIONS
from civicloop.leniency.enterprise import enterprise_history, find_enterprise
from civicloop.leniency.evaluation import evaluation_for_decision
from civicloop.leniency.filtersets import (
    ButlerServiceFilterSet,
    CommitmentFilterSet,
    ItemFilterSet,
    RepairFilterSet,
)
from civicloop.leniency.models import (
    AppliedItem,
    ButlerService,
    CaseCircumstances,
    Commitment,
    CreditRepair,
    LeniencyItem,
)
from civicloop.leniency.timeline import commitment_timeline, repair_timeline
from civicloop.leniency.workflow import COMMITMENT_WORKFLOW, REPAIR_WORKFLOW
from civicloop.parties.choices import PartyKind
from civicloop.parties.models import Party
from civicloop.parties.services import PartyData

from .serializers import (
    ApplicationInputSerializer,
    ButlerServiceInputSerializer,
    ButlerServiceSerializer,
    CaseLeniencySerializer,
    CheckInputSerializer,
    CircumstancesInputSerializer,
    CircumstancesSerializer,
    CommitmentCreateSerializer,
    CommitmentSerializer,
    ContactInputSerializer,
    CreditRepairSerializer,
    EnterpriseSerializer,
    LeniencyHistorySerializer,
    LeniencyItemSerializer,
    NoteInputSerializer,
    OptionalNoteSerializer,
    ReasonSerializer,
    RecordCommitmentSerializer,
)

COMMITMENT_INPUTS = {
    "record_commitment": RecordCommitmentSerializer,
    "record_refusal": ReasonSerializer,
    "record_check": CheckInputSerializer,
}
REPAIR_INPUTS = {
    "record_contact": ContactInputSerializer,
    "record_application": ApplicationInputSerializer,
    "check_materials": NoteInputSerializer,
    "approve_repair": OptionalNoteSerializer,
    "refuse_repair": ReasonSerializer,
}


def _validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(
        operation_id="leniency_items_list",
        summary=_("The exemption and reduction list"),
        responses={200: LeniencyItemSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="leniency_items_retrieve",
        summary=_("One item with its versions"),
        responses={200: LeniencyItemSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["flexible enforcement"])
class LeniencyItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LeniencyItemSerializer
    filterset_class = ItemFilterSet
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"

    def get_queryset(self):
        return (
            LeniencyItem.objects.visible_to(self.request.user)
            .select_related("matter")
            .prefetch_related("versions")
            .order_by("matter__code", "kind", "code")
        )


def _case(request, case_id: int) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user), pk=case_id)


def _case_leniency(case: Case) -> dict:
    return {
        "case": case.pk,
        "number": case.number,
        "evaluation": [e.as_dict() for e in evaluation_for_decision(case)],
        "applied": list(
            AppliedItem.objects.filter(case=case).select_related(
                "item", "version", "case", "applied_by"
            )
        ),
        "circumstances": CaseCircumstances.objects.filter(case=case)
        .select_related("updated_by")
        .first(),
    }


class CaseLeniencyView(APIView):
    @extend_schema(
        operation_id="case_leniency",
        tags=["flexible enforcement"],
        summary=_("Which 一免一减 items apply to this case, and why"),
        description=_(
            "Before the decision: each item of the case's matters, each condition met / not "
            "met / not known with the evidence from the records. After: the items applied."
        ),
        responses={200: CaseLeniencySerializer, **error_responses(401, 404)},
    )
    def get(self, request, case_id):
        return Response(CaseLeniencySerializer(_case_leniency(_case(request, case_id))).data)


class CaseCircumstancesView(APIView):
    @extend_schema(
        operation_id="case_circumstances_record",
        tags=["flexible enforcement"],
        summary=_("Record the circumstances of a case"),
        description=_(
            "By the case's handlers, before the decision: harm, correction, amount involved."
        ),
        request=CircumstancesInputSerializer,
        responses={200: CircumstancesSerializer, **ACTION_ERRORS},
    )
    def post(self, request, case_id):
        case = _case(request, case_id)
        data = _validated(CircumstancesInputSerializer, request)
        circumstances = services.record_circumstances(
            case, by=request.user, data=services.CircumstancesData(**data)
        )
        return Response(CircumstancesSerializer(circumstances).data)


def _transition_endpoint(workflow, name: str, inputs: dict, actions, response_serializer, prefix):
    return transition_endpoint(
        workflow,
        name,
        actions=actions,
        request=inputs[name],
        response=response_serializer,
        answer=lambda view, record: Response(
            response_serializer(view.get_queryset().get(pk=record.pk)).data
        ),
        operation_id=f"{prefix}_{name}",
        tag="flexible enforcement",
        url_path=name.replace("_", "-"),
        method_name=name,
    )


@extend_schema_view(
    list=extend_schema(
        operation_id="commitments_list",
        summary=_("Notices and commitments I may see"),
        responses={200: CommitmentSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="commitments_retrieve",
        summary=_("One notice and commitment"),
        responses={200: CommitmentSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="commitments_create",
        summary=_("Serve a notice of a minor violation"),
        request=CommitmentCreateSerializer,
        responses={201: CommitmentSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
@extend_schema(tags=["flexible enforcement"])
class CommitmentViewSet(
    ActionViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet

    def get_queryset(self):
        return (
            Commitment.objects.visible_to(self.request.user)
            .select_related("case", "party", "matter", "handling_unit", "reopened_event")
            .order_by("follow_up_due_on", "-id")
        )

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def create(self, request):
        data = _validated(CommitmentCreateSerializer, request)
        case = _case(request, data["case"])
        party = None
        if data["party"] is not None:
            party = Party.objects.filter(pk=data["party"], case_links__case=case).first()
            if party is None:
                raise exceptions.ValidationError({"party": [_("Not a party of this case.")]})
        matter = None
        if data["matter"]:
            link = (
                case.matter_links.filter(matter__code=data["matter"].upper())
                .select_related("matter")
                .first()
            )
            if link is None:
                raise exceptions.ValidationError({"matter": [_("Not a matter of this case.")]})
            matter = link.matter
        commitment = services.serve_commitment_notice(
            case,
            by=request.user,
            party=party,
            matter=matter,
            notice_text=data["notice_text"],
            served_at=data["served_at"],
        )
        return Response(
            CommitmentSerializer(self.get_queryset().get(pk=commitment.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="commitments_history",
        summary=_("The commitment's history"),
        responses={200: LeniencyHistorySerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        return Response(
            LeniencyHistorySerializer(commitment_timeline(self.get_object()), many=True).data
        )

    @extend_schema(
        operation_id="commitments_scan",
        summary=_("The signed commitment"),
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **error_responses(401, 404),
        },
    )
    @action(detail=True, methods=["get"])
    def scan(self, request, pk=None):
        commitment = self.get_object()
        if not commitment.scan:
            raise Http404
        response = FileResponse(
            commitment.scan.open("rb"),
            content_type=commitment.scan_content_type,
            as_attachment=True,
            filename=commitment.scan_name,
        )
        patch_cache_control(response, private=True)
        return response

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=self.action == "scan" or force)


for _transition in COMMITMENT_WORKFLOW:
    if _transition.manual:
        setattr(
            CommitmentViewSet,
            _transition.name,
            _transition_endpoint(
                COMMITMENT_WORKFLOW,
                _transition.name,
                COMMITMENT_INPUTS,
                COMMITMENT_ACTIONS,
                CommitmentSerializer,
                "commitments",
            ),
        )


@extend_schema_view(
    list=extend_schema(
        operation_id="credit_repairs_list",
        summary=_("Credit repairs I may see"),
        responses={200: CreditRepairSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="credit_repairs_retrieve",
        summary=_("One credit repair"),
        responses={200: CreditRepairSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["flexible enforcement"])
class CreditRepairViewSet(
    ActionViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CreditRepairSerializer
    filterset_class = RepairFilterSet

    def get_queryset(self):
        return (
            CreditRepair.objects.visible_to(self.request.user)
            .select_related("case", "party", "handling_unit")
            .order_by("-notified_at", "-id")
        )

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        operation_id="credit_repairs_history",
        summary=_("The repair's history"),
        responses={200: LeniencyHistorySerializer(many=True), **error_responses(401, 404)},
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        return Response(
            LeniencyHistorySerializer(repair_timeline(self.get_object()), many=True).data
        )


for _transition in REPAIR_WORKFLOW:
    if _transition.manual:
        setattr(
            CreditRepairViewSet,
            _transition.name,
            _transition_endpoint(
                REPAIR_WORKFLOW,
                _transition.name,
                REPAIR_INPUTS,
                REPAIR_ACTIONS,
                CreditRepairSerializer,
                "credit_repairs",
            ),
        )


@extend_schema_view(
    list=extend_schema(
        operation_id="butler_services_list",
        summary=_("Butler services I may see"),
        responses={200: ButlerServiceSerializer(many=True), **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        operation_id="butler_services_retrieve",
        summary=_("One butler service"),
        responses={200: ButlerServiceSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        operation_id="butler_services_create",
        summary=_("Record a butler service"),
        request=ButlerServiceInputSerializer,
        responses={201: ButlerServiceSerializer, **error_responses(400, 401, 403)},
    ),
)
@extend_schema(tags=["flexible enforcement"])
class ButlerServiceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ButlerServiceSerializer
    filterset_class = ButlerServiceFilterSet

    def get_queryset(self):
        return (
            ButlerService.objects.visible_to(self.request.user)
            .select_related("party", "unit")
            .prefetch_related("staff")
            .order_by("-held_on", "-id")
        )

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def create(self, request):
        d = _validated(ButlerServiceInputSerializer, request)
        service = services.record_butler_service(
            by=request.user,
            party=PartyData(
                kind=PartyKind.ORGANISATION, name=d["enterprise_name"], credit_code=d["credit_code"]
            ),
            data=services.ButlerServiceData(
                kind=d["kind"],
                held_on=d["held_on"],
                unit=d["unit"],
                staff=d["staff"],
                topics=d["topics"],
                findings=d["findings"],
                follow_up=d["follow_up"],
                follow_up_due_on=d["follow_up_due_on"],
            ),
        )
        return Response(
            ButlerServiceSerializer(ButlerService.objects.get(pk=service.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class EnterpriseView(APIView):
    @extend_schema(
        operation_id="enterprise_history",
        tags=["flexible enforcement"],
        summary=_("An enterprise's history"),
        description=_(
            "By unified social credit code: cases (stage, decision, amount), exemptions and "
            "reductions applied, no-penalty decisions, commitments, credit repairs and butler "
            "services — what the viewer's scope covers; the county sees all."
        ),
        responses={200: EnterpriseSerializer, **error_responses(401, 404)},
    )
    def get(self, request, credit_code):
        party = find_enterprise(request.user, credit_code)
        if party is None:
            raise Http404
        history = enterprise_history(party, request.user)
        return Response(
            EnterpriseSerializer(
                {
                    "party": party,
                    "complete": history.complete,
                    "counts": history.counts,
                    "cases": history.cases,
                    "applied": history.applied,
                    "no_penalty": history.no_penalty,
                    "commitments": history.commitments,
                    "repairs": history.repairs,
                    "services": history.services,
                }
            ).data
        )
