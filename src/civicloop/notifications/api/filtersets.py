from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from civicloop.notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        label=_("unread only"), field_name="read_at", lookup_expr="isnull"
    )

    class Meta:
        model = Notification
        fields = ["unread"]
