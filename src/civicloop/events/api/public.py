"""Endpoints for members of the public: report, follow by tracking code, rate.

No sign-in; throttled per client address. What they return is public-safe: no
staff names, no reasons written by staff, no personal data.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from civicloop.core.api import PublicRateThrottle, error_responses
from civicloop.events import services
from civicloop.events.actions import report_publicly
from civicloop.events.choices import EventState
from civicloop.events.models import Event
from civicloop.events.timeline import public_timeline

from .requests import PublicRateSerializer, PublicReportSerializer
from .serializers import PublicReceiptSerializer, PublicTrackSerializer


class PublicAPIView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def tracked_event(code: str) -> Event:
    return get_object_or_404(
        Event.objects.select_related("region", "category", "merged_into"),
        tracking_code=code.strip().upper(),
    )


def track_data(event: Event) -> dict:
    latest = event.latest_rating()
    original = event.merged_into
    return {
        "number": event.number,
        "category": event.category.name if event.category else None,
        "place": event.region.full_name(),
        "reported_at": event.reported_at,
        "state": event.state,
        "state_label": event.get_state_display(),
        "closed_at": event.closed_at,
        "may_rate": event.state == EventState.CHECKED,
        "rating": latest.rating if latest else None,
        "original": {
            "number": original.number,
            "state": original.state,
            "state_label": original.get_state_display(),
        }
        if original
        else None,
        "timeline": public_timeline(event),
    }


class PublicReportView(PublicAPIView):
    @extend_schema(
        operation_id="public_reports_create",
        tags=["public"],
        summary=_("Report a problem"),
        description=_(
            "For members of the public; no account needed. Keep the tracking code "
            "to follow the report and rate it when it is done."
        ),
        request=PublicReportSerializer,
        responses={201: PublicReceiptSerializer, **error_responses(400, 429)},
    )
    def post(self, request):
        event = report_publicly(self.validated(PublicReportSerializer))
        receipt = {
            "number": event.number,
            "tracking_code": event.tracking_code,
            "state": event.state,
            "state_label": event.get_state_display(),
        }
        return Response(PublicReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class TrackView(PublicAPIView):
    @extend_schema(
        operation_id="public_track_retrieve",
        tags=["public"],
        summary=_("Follow a report"),
        responses={200: PublicTrackSerializer, **error_responses(404, 429)},
    )
    def get(self, request, code):
        return Response(PublicTrackSerializer(track_data(tracked_event(code))).data)


class TrackRateView(PublicAPIView):
    @extend_schema(
        operation_id="public_track_rate",
        tags=["public"],
        summary=_("Rate a finished report"),
        description=_(
            "Possible once the handling has been checked. “Dissatisfied” sends the event "
            "back for rework."
        ),
        request=PublicRateSerializer,
        responses={200: PublicTrackSerializer, **error_responses(400, 404, 409, 429)},
    )
    def post(self, request, code):
        event = tracked_event(code)
        d = self.validated(PublicRateSerializer)
        services.rate_event(
            event, rating=d["rating"], comment=d["comment"], tracking_code=event.tracking_code
        )
        event.refresh_from_db()
        return Response(PublicTrackSerializer(track_data(event)).data)
