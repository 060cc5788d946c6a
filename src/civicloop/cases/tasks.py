"""Background work of penalty cases. ``civicloop worker`` runs the deadline sweep through
``site.tasks.sweep_deadlines``; this task runs it alone (e.g. enqueued by hand)."""

from __future__ import annotations

from django_tasks import task

from .services import sweep_case_deadlines as sweep


@task()
def sweep_case_deadlines() -> int:
    """Warn before each deadline of the authority expires, and once when it has passed."""

    return sweep()
