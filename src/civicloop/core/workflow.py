"""Explicit state machines: each workflow declares its transitions in one table.

The same table drives the service functions (is this action allowed now, by
whom?), the buttons a user sees, the API's action list and the generated
documentation/flowchart, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput, InvalidTransition, NotPermitted


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any of ``sources`` to one of ``targets``, by one of ``actors``.

    ``targets`` has more than one entry when a rule picks the outcome (e.g. a
    dissatisfied rating sends the event back to rework). An empty ``targets``
    means the state does not change (e.g. escalation is recorded, not a move).
    """

    name: str
    label: Promise | str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    actors: frozenset[str]
    reason_required: bool = False
    description: Promise | str = ""
    # Shown as a button to users; internal moves made by the system are not.
    manual: bool = True

    @property
    def target(self) -> str | None:
        return self.targets[0] if self.targets else None

    def clean_reason(self, reason: str | None) -> str:
        """The stripped reason; refused on the ``reason`` field when this step requires one."""
        reason = (reason or "").strip()
        if self.reason_required and not reason:
            raise InvalidInput(_("Please give a reason."), field="reason")
        return reason


@dataclass
class StateMachine:
    """A workflow's states (a TextChoices class) and its transition table."""

    states: type[models.TextChoices]
    transitions: list[Transition]
    initial: str
    # Display name of each actor capacity, for docs and error messages.
    actor_labels: dict[str, Promise | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = set(self.states.values)
        self._by_name: dict[str, Transition] = {}
        for transition in self.transitions:
            if transition.name in self._by_name:
                raise ValueError(f"duplicate transition {transition.name}")
            unknown = (set(transition.sources) | set(transition.targets)) - known
            if unknown:
                raise ValueError(f"transition {transition.name} names unknown states {unknown}")
            unknown_actors = transition.actors - set(self.actor_labels)
            if self.actor_labels and unknown_actors:
                raise ValueError(
                    f"transition {transition.name} names unknown actors {unknown_actors}"
                )
            self._by_name[transition.name] = transition

    def __getitem__(self, name: str) -> Transition:
        return self._by_name[name]

    def __iter__(self):
        return iter(self.transitions)

    def from_state(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    def terminal_states(self) -> list[str]:
        with_exit = {s for t in self.transitions for s in t.sources if t.targets}
        return [s for s in self.states.values if s not in with_exit]

    def check(self, name: str, *, state: str, capacities: Iterable[str]) -> Transition:
        """Return the transition if ``state`` and ``capacities`` allow it; raise otherwise.

        State is checked first: when two people race, the loser learns that the
        object moved on, which is the useful message.
        """
        transition = self._by_name[name]
        if state not in transition.sources:
            raise InvalidTransition(
                _("“%(action)s” is not possible while the item is “%(state)s”.")
                % {"action": transition.label, "state": self.states(state).label},
                code="invalid_state",
            )
        if not transition.actors.intersection(capacities):
            raise NotPermitted(
                _("You may not “%(action)s” here: it is for %(actors)s.")
                % {
                    "action": transition.label,
                    "actors": "、".join(
                        str(self.actor_labels.get(a, a)) for a in sorted(transition.actors)
                    ),
                },
            )
        return transition

    def allowed(self, *, state: str, capacities: Iterable[str]) -> list[Transition]:
        caps = set(capacities)
        return [t for t in self.transitions if state in t.sources and t.actors & caps and t.manual]

    # --- documentation -------------------------------------------------------

    def as_rows(self) -> list[dict[str, str]]:
        rows = []
        for t in self.transitions:
            rows.append(
                {
                    "name": t.name,
                    "label": str(t.label),
                    "from": ", ".join(str(self.states(s).label) for s in t.sources),
                    "to": ", ".join(str(self.states(s).label) for s in t.targets) or "—",
                    "by": ", ".join(str(self.actor_labels.get(a, a)) for a in sorted(t.actors)),
                    "reason": "✓" if t.reason_required else "",
                }
            )
        return rows

    def mermaid(self) -> str:
        """A Mermaid state diagram of the table (used in docs and the 处置流程图)."""
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for t in self.transitions:
            for source in t.sources:
                for target in t.targets:
                    lines.append(f"    {source} --> {target}: {t.label}")
        for state in self.terminal_states():
            lines.append(f"    {state} --> [*]")
        for value, label in self.states.choices:
            lines.append(f"    {value}: {label}")
        return "\n".join(lines)
