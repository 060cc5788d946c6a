"""What apps above events add to the events API, without events importing them
(core/registry.py explains the mechanism); registered from the apps' ``AppConfig.ready()``.

* :data:`detail_fields` — name → factory of a read-only field of the event detail (the router
  app adds ``routing_suggestion``);
* :data:`event_routes` — path segment → (view, URL name) of an endpoint under
  ``/api/events/{id}/`` (the router app adds ``routing-suggestion/``).
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import serializers

from civicloop.core.registry import Registry

detail_fields: Registry[Callable[[], serializers.Field]] = Registry("fields of the event detail")
event_routes: Registry[tuple[Callable, str]] = Registry("endpoints under /api/events/{id}/")
