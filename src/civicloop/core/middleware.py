"""One input layer in front of every view: text no field may hold is refused with 400 before any
form, serializer or lookup sees it.

A NUL character (from ``%00`` in a URL or form, or ``\\u0000`` in JSON) and a lone UTF-16
surrogate (``\\ud800`` in JSON) cannot be stored by PostgreSQL; reaching a lookup they used to
end in a 500. Request bodies of files are not text and are not looked at; the size of a body is
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and each field's length its form's or serializer's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import problem_response

logger = logging.getLogger(__name__)
UNUSABLE = re.compile("[\x00\ud800-\udfff]")
API_PREFIXES = ("/api/", "/open311/")


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def unusable_text(request) -> bool:
    """Whether the path, the query, the form fields or a JSON body hold an unusable character."""
    texts = [request.path_info]
    for data in (request.GET, request.POST if request.method == "POST" else None):
        if data:
            for key, values in data.lists():
                texts.append(key)
                texts.extend(values)
    if any(UNUSABLE.search(text) for text in texts):
        return True
    if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return False  # the parser answers a malformed body itself
        return any(UNUSABLE.search(text) for text in _strings(body))
    return False


class RefuseUnusableText:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if unusable_text(request):
            message = _(
                "The request holds a character no field may contain (a NUL character or half of "
                "a surrogate pair). Remove it and send again."
            )
            if request.path_info.startswith(API_PREFIXES):
                return problem_response(400, message, "invalid_text")
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


class DatabaseUnavailable:
    """A lost database connection (a restart, a failover) answers 503 with ``Retry-After``:
    the client may try again, which a 500 does not say."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception)
        return unavailable_response(request)


def unavailable_message() -> str:
    return _("The database is not reachable for a moment. Try again in a few seconds.")


def unavailable_response(request):
    """503 with ``Retry-After``: JSON problem details under the API, a page (that needs no
    database) elsewhere."""
    message = unavailable_message()
    if request.path_info.startswith(API_PREFIXES):
        response = problem_response(503, message, "unavailable")
    else:
        response = render(request, "503.html", {"message": message}, status=503)
    response["Retry-After"] = str(DatabaseUnavailable.RETRY_AFTER_SECONDS)
    return response
