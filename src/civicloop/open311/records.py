"""Service requests as GeoReport v2 records (GET requests, GET requests/{id}).

What a record carries is public: the event number, category, description as the client
sent it, place, times, status and the responsible unit. It never carries the tracking code
(it authorises rating), the reporter's name, phone, email, device or account, staff names
or the reasons staff wrote.
"""

from __future__ import annotations

from civicloop.events.models import Event

from .formats import Many
from .models import ServiceProfile
from .status import DEFAULT_SERVICE_NOTICE, Agencies, public_language, status_of, wgs84_point


def _address(event: Event) -> str:
    return event.address or event.region.full_name()


def request_record(event: Event, *, agencies: Agencies, notices: dict[str, str]) -> dict:
    status = status_of(event, agencies)
    lat, lng = wgs84_point(event)
    link = getattr(event, "open311", None)
    code = event.category.code if event.category else ""
    return {
        "service_request_id": event.number,
        "status": str(status.status),
        "status_notes": status.notes,
        "service_name": event.category.name if event.category else None,
        "service_code": code or None,
        "description": event.description,
        "agency_responsible": status.agency,
        "service_notice": notices.get(code) or str(DEFAULT_SERVICE_NOTICE),
        "requested_datetime": event.reported_at,
        "updated_datetime": status.updated,
        "expected_datetime": status.expected,
        "address": _address(event),
        "address_id": event.region.code,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": (link.media_url if link else "") or None,
    }


def service_notices() -> dict[str, str]:
    return {
        p.service_code: p.service_notice.strip()
        for p in ServiceProfile.objects.exclude(service_notice="")
    }


def request_records(events) -> Many:
    """The ``<service_requests>`` body for ``events`` (prefetched with ``with_status_data``)."""
    with public_language():
        agencies = Agencies.load()
        notices = service_notices()
        return Many(
            "request", [request_record(e, agencies=agencies, notices=notices) for e in events]
        )
