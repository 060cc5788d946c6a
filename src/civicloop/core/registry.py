"""Registries: how an app contributes to the site-wide commands and to the apps below it,
registered from its ``AppConfig.ready()`` — one mechanism for both.

Extension points: an app low in the layering (docs/architecture.md) declares a
:class:`Registry` in a module named for what it extends (``events/panels.py``,
``cases/hooks.py``, ``parties/links.py``); an app above registers into it. The imports go
one way only (checked by ``lint-imports``), and removing an app removes its contributions.

Site-wide commands:
``core`` imports no app, and the ``site`` app (``civicloop demo``, ``worker``, ``kpi``,
``workflow_docs``) only iterates these registries, so adding an app touches no other app:
its ``apps.py`` says which demo steps it plays, which background sweeps the worker runs,
which figures (KPIs) it reports and which workflow documents it renders.

Callables may be given as dotted paths (``"civicloop.<app>.demo_steps.<step>"``); they are
imported when first used, so registering at start-up imports no heavy module.

A name can be registered once. Registering the very same entry again is accepted, because
Django may run ``ready()`` twice when tests re-populate the installed apps; a *different*
entry under a taken name is refused, so two apps cannot silently replace each other's piece.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string


def resolve(target: Callable | str) -> Callable:
    """The callable itself, or the object a dotted path names."""
    return import_string(target) if isinstance(target, str) else target


class Named(Protocol):
    name: str
    order: int


EntryT = TypeVar("EntryT")


def _same_entry(existing: object, entry: object) -> bool:
    """Whether registering ``entry`` again under a taken name only repeats ``existing``:
    equal, or — for plain objects without their own equality — a fresh instance of the same
    class (what a second ``ready()`` makes)."""
    if existing == entry:
        return True
    return type(existing) is type(entry) and type(entry).__eq__ is object.__eq__


class Registry(Generic[EntryT]):
    """Entries of one kind, unique by name, registered by the apps above the one that reads them.

    Two ways in: ``add(entry)`` for entries that carry their own ``name`` (or ``key(entry)``)
    and ``order`` (demo steps, sweeps, figures, documents), and ``register(name, entry)`` for
    extension points whose entries are plain callables or objects (event panels, decision hooks,
    party links). Iteration is by ``order`` where entries have one, then in registration order
    (the order of INSTALLED_APPS). The app that reads a registry works when nothing is in it.
    """

    def __init__(self, kind: str, key: Callable[[EntryT], str] = lambda entry: entry.name):
        self.kind = kind
        self.key = key
        self._entries: dict[str, EntryT] = {}

    def add(self, entry: EntryT) -> EntryT:
        return self.register(self.key(entry), entry)

    def register(self, name: str, entry: EntryT) -> EntryT:
        existing = self._entries.get(name)
        if existing is not None and not _same_entry(existing, entry):
            raise ImproperlyConfigured(
                f"The {self.kind} {name!r} is registered twice "
                f"({existing!r} and {entry!r}); choose another name."
            )
        self._entries[name] = entry
        return entry

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)

    def get(self, name: str) -> EntryT:
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(f"No {self.kind} named {name!r} is registered.") from None

    def find(self, name: str) -> EntryT | None:
        """The entry named ``name``, or None when no app registered one."""
        return self._entries.get(name)

    def items(self) -> list[tuple[str, EntryT]]:
        return sorted(self._entries.items(), key=lambda item: getattr(item[1], "order", 0))

    def __iter__(self) -> Iterator[EntryT]:
        return iter(entry for _name, entry in self.items())

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry of {self.kind}: {', '.join(self._entries) or 'empty'}>"


# --- demo steps (``civicloop demo``) -----------------------------------------------------


@dataclass
class DemoContext:
    """What the demo's steps share while one ``civicloop demo`` runs.

    A step reports with ``say`` (a result, repeated in the closing summary when the step
    counts toward it), ``detail`` (progress or a table, printed under the step only),
    ``warn`` (a highlighted line) and ``skip`` (a piece a service refused, printed as
    "Demo step skipped: …" on stderr).
    ``logins`` collects the demo accounts printed at the end, ``password`` is theirs.
    ``stories`` is set by the step that generates events when it made a fresh demo large
    enough for the scripted stories added on top of it. ``shared`` carries anything else one
    step leaves for a later one, under a key ``"<app>.<what>"`` named by the app that reads it.
    """

    events: int
    seed: int
    say: Callable[[str], None]
    skip: Callable[[str], None]
    warn: Callable[[str], None]
    detail: Callable[[str], None]
    serving: bool = False
    logins: list = field(default_factory=list)
    password: str = ""
    stories: bool = False
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """One step of ``civicloop demo``: ``run(context)`` loads data and ``context.say``s what.

    ``title`` is printed when the step starts, its duration when it ends. The lines of a step
    with ``summary`` are printed again in the closing summary, above the logins. A step
    ``serving_only`` runs only with ``--serve`` (it warms what the first page would wait for).
    """

    name: str
    order: int
    title: str | Promise
    run: Callable[[DemoContext], None] | str
    summary: bool = False
    serving_only: bool = False


demo_steps: Registry[DemoStep] = Registry("demo step")


def register_demo_step(
    name: str,
    *,
    order: int,
    title: str | Promise,
    run: Callable[[DemoContext], None] | str,
    summary: bool = False,
    serving_only: bool = False,
) -> DemoStep:
    """Add a step to ``civicloop demo``; steps run by ascending ``order`` (leave gaps of 10)."""
    return demo_steps.add(
        DemoStep(
            name=name,
            order=order,
            title=title,
            run=run,
            summary=summary,
            serving_only=serving_only,
        )
    )


# --- background work (``civicloop worker``) ----------------------------------------------


@dataclass(frozen=True)
class DeadlineSweep:
    """A function taking no argument and returning how many items it escalated or warned
    about. The worker's one deadline task runs every sweep, so sweeps never pile up."""

    name: str
    function: Callable[[], int] | str
    order: int = 0


@dataclass(frozen=True)
class PeriodicTask:
    """A task (``django_tasks``) the worker enqueues every ``every()`` seconds (0: never),
    never while one is still waiting or running. ``option`` (e.g. ``"--scan-every"``) adds a
    worker option that overrides the interval."""

    name: str
    task: Any
    every: Callable[[], int] | str
    option: str = ""
    help: str | Promise = ""
    order: int = 0

    @property
    def dest(self) -> str:
        """The worker option's keyword (``--scan-every`` → ``scan_every``)."""
        return self.option.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class WorkerStart:
    """A function the long-running worker calls once when it starts (e.g. to queue the first
    run of a task that re-queues itself)."""

    name: str
    function: Callable[[], object] | str
    order: int = 0


deadline_sweeps: Registry[DeadlineSweep] = Registry("deadline sweep")
periodic_tasks: Registry[PeriodicTask] = Registry("periodic task")
worker_starts: Registry[WorkerStart] = Registry("worker start-up function")


def register_deadline_sweep(
    name: str, function: Callable[[], int] | str, *, order: int = 0
) -> DeadlineSweep:
    return deadline_sweeps.add(DeadlineSweep(name=name, function=function, order=order))


def register_periodic_task(
    name: str,
    task: Any,
    *,
    every: Callable[[], int] | str,
    option: str = "",
    help: str | Promise = "",
    order: int = 0,
) -> PeriodicTask:
    return periodic_tasks.add(
        PeriodicTask(name=name, task=task, every=every, option=option, help=help, order=order)
    )


def register_worker_start(
    name: str, function: Callable[[], object] | str, *, order: int = 0
) -> WorkerStart:
    return worker_starts.add(WorkerStart(name=name, function=function, order=order))


# --- landing pages (where ``/`` sends a signed-in person) -----------------------------------


@dataclass(frozen=True)
class LandingPage:
    """A page some people land on after signing in: ``applies(user)`` says who. The first
    that applies (by ``order``) wins; everyone else lands on the event work queue."""

    name: str
    url_name: str
    applies: Callable[[Any], bool] | str
    order: int = 0


landing_pages: Registry[LandingPage] = Registry("landing page")


def register_landing_page(
    name: str, *, url_name: str, applies: Callable[[Any], bool] | str, order: int = 0
) -> LandingPage:
    return landing_pages.add(
        LandingPage(name=name, url_name=url_name, applies=applies, order=order)
    )


def landing_page_for(user, default: str) -> str:
    """The URL name ``user`` lands on."""
    for page in landing_pages:
        if resolve(page.applies)(user):
            return page.url_name
    return default


# --- home panels (what a person sees first on the page they land on) ------------------------


@dataclass(frozen=True)
class HomePanel:
    """A panel shown at the top of a landing page (a leader's duties of the month on the
    cockpit): ``applies(user)`` says who sees it, ``render(request)`` returns its HTML. The
    page that reads the registry (the cockpit) works unchanged when nothing is registered."""

    name: str
    applies: Callable[[Any], bool] | str
    render: Callable[[Any], str] | str
    order: int = 0


home_panels: Registry[HomePanel] = Registry("home panel")


def register_home_panel(
    name: str,
    *,
    applies: Callable[[Any], bool] | str,
    render: Callable[[Any], str] | str,
    order: int = 0,
) -> HomePanel:
    return home_panels.add(HomePanel(name=name, applies=applies, render=render, order=order))


def home_panels_for(request) -> list[str]:
    """The HTML of the panels that apply to the request's user, in order."""
    return [
        resolve(panel.render)(request)
        for panel in home_panels
        if resolve(panel.applies)(request.user)
    ]


# --- workflow documents (``civicloop workflow_docs``) ------------------------------------


@dataclass(frozen=True)
class WorkflowDocument:
    """A generated document: ``render()`` returns the Markdown written to ``path`` (relative
    to the project root), from the same state-machine table the app's services run."""

    path: str
    render: Callable[[], str] | str
    order: int = 0

    @property
    def name(self) -> str:
        return self.path


workflow_documents: Registry[WorkflowDocument] = Registry("workflow document")


def register_workflow_document(
    path: str, render: Callable[[], str] | str, *, order: int = 0
) -> WorkflowDocument:
    return workflow_documents.add(WorkflowDocument(path=path, render=render, order=order))
