"""Refusals in the GeoReport v2 error format.

The spec: 404 for resources that do not exist, 403 for a wrong or missing ``api_key``, 400
for any other request that cannot be fulfilled; the body is a list of errors, each with a
``code`` and a ``description`` meant for the user. We add 429 (rate limit, with
``Retry-After``) and 405 (method) in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse

from civicloop.core.errors import DomainError, NotPermitted

from .formats import Many, render


@dataclass(frozen=True)
class Problem:
    code: int
    description: str


class Open311Error(Exception):
    """One or more problems answered with one HTTP status."""

    def __init__(self, status: int, *descriptions, retry_after: int | None = None):
        super().__init__("; ".join(str(d) for d in descriptions))
        self.status = status
        self.problems = [Problem(status, str(d)) for d in descriptions]
        self.retry_after = retry_after

    @classmethod
    def from_domain(cls, exc: DomainError) -> Open311Error:
        # A service refusing an anonymous intake is a key problem; everything else
        # (invalid input, a state conflict) is a request that cannot be fulfilled.
        return cls(403 if isinstance(exc, NotPermitted) else 400, exc.message)


class Problems:
    """Collects the problems of one request so that all are reported at once."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str]] = []

    def add(self, status: int, description) -> None:
        self.items.append((status, str(description)))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        # The most telling status wins: 403 (key) before 404 (missing resource) before 400.
        status = next(s for s in (403, 404, 400) if any(code == s for code, _d in self.items))
        error = Open311Error(status)
        error.problems = [Problem(code, d) for code, d in self.items]
        raise error


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    body = Many("error", [{"code": p.code, "description": p.description} for p in error.problems])
    response = render(fmt, "errors", body, status=error.status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response
