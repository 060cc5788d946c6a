"""One input layer per workflow: from an action's input to the one service call of that action.

A web form's cleaned data and an API serializer's validated data use the same keys, so the
page, the API and the command line all call :meth:`Actions.perform` and each transition is
wired to its service function once. What an input *means* (e.g. which event a typed number
names) is decided here too, so both doors refuse the same bad input with the same message;
whether the action is allowed, by whom and when stays with the service function.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import NotFound

# handler(target, by, data) -> whatever the service returns
Handler = Callable[[Any, Any, dict], Any]


class UnknownAction(NotFound):
    """No action of this name: a URL naming no action, so pages and API answer 404."""


class Actions:
    """The actions on one kind of object (a case, an event, a sub-task…), by name."""

    def __init__(self, noun: str):
        self.noun = noun
        self._handlers: dict[str, Handler] = {}

    def add(self, name: str, handler: Handler) -> None:
        if name in self._handlers:
            raise ValueError(f"{self.noun} action {name!r} is registered twice")
        self._handlers[name] = handler

    def register(self, *names: str) -> Callable[[Handler], Handler]:
        """Decorator: ``handler`` performs the actions ``names``."""

        def decorate(handler: Handler) -> Handler:
            for name in names:
                self.add(name, handler)
            return handler

        return decorate

    def __contains__(self, name: object) -> bool:
        return name in self._handlers

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def perform(self, name: str, target, *, by, data: dict | None = None):
        """Call the service function of action ``name`` on ``target`` for ``by`` with ``data``."""
        try:
            handler = self._handlers[name]
        except KeyError:
            raise UnknownAction(_("There is no such action.")) from None
        return handler(target, by, data or {})


def without_input(service) -> Handler:
    """The handler of an action that needs nothing but the click: ``service(target, by=…)``."""
    return lambda target, by, data: service(target, by=by)


def with_reason(service, *, keyword: str = "reason") -> Handler:
    """The handler of an action whose only input is its reason (or note), passed to the
    service as ``keyword``; whether one is required is the service's (the workflow's) rule."""
    return lambda target, by, data: service(target, by=by, **{keyword: data.get("reason", "")})
