"""My notifications (待办提醒): list them, mark one read."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from civicloop.core.api import error_responses
from civicloop.notifications import services
from civicloop.notifications.models import Notification

from .filtersets import NotificationFilterSet
from .serializers import MarkedSerializer, NotificationSerializer


@extend_schema_view(
    list=extend_schema(
        operation_id="notifications_list",
        summary=_("My notifications, newest first"),
        responses={200: NotificationSerializer(many=True), **error_responses(400, 401)},
    ),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return Notification.objects.filter(recipient_id=self.request.user.pk)

    @extend_schema(
        operation_id="notifications_read",
        summary=_("Mark a notification read"),
        request=None,
        responses={200: NotificationSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.mark_read(notification, by=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        operation_id="notifications_read_all",
        summary=_("Mark all my notifications read"),
        request=None,
        responses={200: MarkedSerializer, **error_responses(401)},
    )
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(by=request.user)})
