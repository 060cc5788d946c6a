"""``civicloop worker [--once]``: run background tasks and sweep deadlines.

Runs the django-tasks database worker (``django_tasks_db``'s ``Worker``, as its
``db_worker`` command does) and, beside it, enqueues ``core.tasks.sweep_deadlines``
(the event loop's escalations and the penalty cases' deadline warnings, see
``core.tasks.DEADLINE_SWEEPS``) every ``CIVICLOOP_DEADLINE_SWEEP_SECONDS`` —
never while another sweep is still waiting or running, so a slow sweep or
several workers do not pile sweeps up. Nothing needs Redis or cron.

Finished task results older than ``--keep-results-days`` (default 14) are pruned
once a day, since a sweep every minute leaves 1 440 result rows a day.

``--once`` enqueues one sweep (unless one is pending), runs everything queued,
and exits: for tests and for a cron job instead of a long-running worker.

Beside the sweep, the long-running worker enqueues the spike scan
(``hotspots.tasks.scan_hotspots``, 突发预警) every ``CIVICLOOP_HOTSPOT_SCAN_SECONDS``
(an hour by default; ``--scan-every 0`` turns it off), the same way: never while
another scan is waiting or running. A cron job runs ``civicloop hotspots scan``.
At start the worker also makes sure the nightly grid-toolkit refresh is queued
(``gridkit.tasks.nightly_refresh``, which queues its own next run).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.core.tasks import sweep_deadlines

logger = logging.getLogger("civicloop.worker")


def _sweep_task():

    return sweep_deadlines


def _scan_task():
    from civicloop.hotspots.tasks import scan_hotspots

    return scan_hotspots


def pending_sweep_exists(*, stale_after: dt.timedelta, task=None) -> bool:
    """Is a sweep (or ``task``) waiting, or running and not stale (a worker killed
    mid-sweep leaves one RUNNING)?"""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    task_path = (task or _sweep_task()).module_path
    pending = DBTaskResult.objects.filter(task_path=task_path)
    return (
        pending.filter(status=TaskResultStatus.READY).exists()
        or pending.filter(
            status=TaskResultStatus.RUNNING, started_at__gte=timezone.now() - stale_after
        ).exists()
    )


def enqueue_sweep(*, every: int) -> bool:
    """Enqueue a deadline sweep unless one is pending; return whether one was enqueued."""
    if pending_sweep_exists(stale_after=dt.timedelta(seconds=max(every * 10, 600))):
        return False
    _sweep_task().enqueue()
    return True


def enqueue_hotspot_scan(*, every: int) -> bool:
    """Enqueue a spike scan unless one is pending; return whether one was enqueued."""
    task = _scan_task()
    if pending_sweep_exists(stale_after=dt.timedelta(seconds=max(every * 10, 600)), task=task):
        return False
    task.enqueue()
    return True


def _scan_seconds() -> int:
    from civicloop.hotspots.conf import scan_seconds

    return scan_seconds()


def _is_database_backend() -> bool:
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends["default"], DatabaseBackend)


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Run background work (notifications, deadline sweeps) from the database queue, and "
        "enqueue a deadline sweep every CIVICLOOP_DEADLINE_SWEEP_SECONDS. --once: one sweep plus "
        "everything queued, then exit."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--once",
            action="store_true",
            help=gettext_lazy("run one sweep and everything queued, then exit"),
        )
        parser.add_argument(
            "--sweep-every",
            type=int,
            default=settings.CIVICLOOP_DEADLINE_SWEEP_SECONDS,
            metavar="SECONDS",
            help=gettext_lazy("seconds between deadline sweeps (default: %(default)s)"),
        )
        parser.add_argument(
            "--keep-results-days",
            type=int,
            default=14,
            metavar="DAYS",
            help=gettext_lazy(
                "prune finished task results older than this once a day; 0 keeps all "
                "(default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--scan-every",
            type=int,
            default=None,
            metavar="SECONDS",
            help=gettext_lazy(
                "seconds between spike scans; 0 turns them off "
                "(default: CIVICLOOP_HOTSPOT_SCAN_SECONDS, 3600)"
            ),
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            metavar="SECONDS",
            help=gettext_lazy(
                "seconds to wait for new tasks when the queue is empty (default: %(default)s)"
            ),
        )

    def handle(
        self, *args, once, sweep_every, interval, keep_results_days, scan_every=None, **options
    ):
        if sweep_every < 1:
            raise CommandError(_("--sweep-every must be at least 1 second."))
        if not _is_database_backend():
            if not once:
                raise CommandError(
                    _(
                        "The worker needs the database task backend "
                        "(TASKS_BACKEND=django_tasks_db.DatabaseBackend)."
                    )
                )
            # An immediate backend runs the task as it is enqueued; there is no queue to work.
            result = _sweep_task().enqueue()
            self.stdout.write(
                _("Deadline sweep ran: %(n)s escalated.") % {"n": result.return_value}
            )
            return

        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if once:
            enqueued = enqueue_sweep(every=sweep_every)
            worker.run()
            self.stdout.write(
                _("Ran the queued tasks, including a deadline sweep enqueued now.")
                if enqueued
                else _(
                    "Ran the queued tasks, including the deadline sweep that was already waiting."
                )
            )
            return

        # The grid toolkits are regenerated nightly by a task that queues its successor;
        # make sure the chain exists (it is not queued twice).
        from civicloop.gridkit.tasks import schedule_nightly

        schedule_nightly()
        stop = threading.Event()
        if scan_every is None:
            scan_every = _scan_seconds()
        scheduler = threading.Thread(
            target=self._schedule,
            args=(stop, sweep_every, keep_results_days, scan_every),
            daemon=True,
            name="civicloop-sweep-scheduler",
        )
        scheduler.start()
        self.stdout.write(
            _(
                "Civicloop worker started: tasks from the database queue, deadline sweep "
                "every %(n)d s. Ctrl+C stops it."
            )
            % {"n": sweep_every}
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()

    @staticmethod
    def _schedule(
        stop: threading.Event, every: int, keep_days: int, scan_every: int | None = None
    ) -> None:
        last_prune = last_scan = None
        scan_every = _scan_seconds() if scan_every is None else scan_every
        while not stop.is_set():
            try:
                close_old_connections()
                if enqueue_sweep(every=every):
                    logger.debug("deadline sweep enqueued")
                if scan_every > 0 and (
                    last_scan is None
                    or timezone.now() - last_scan >= dt.timedelta(seconds=scan_every)
                ):
                    last_scan = timezone.now()
                    if enqueue_hotspot_scan(every=scan_every):
                        logger.debug("spike scan enqueued")
                if keep_days and (
                    last_prune is None or timezone.now() - last_prune > dt.timedelta(days=1)
                ):
                    last_prune = timezone.now()
                    call_command(
                        "prune_db_task_results", queue_name="*", min_age_days=keep_days, verbosity=0
                    )
            except Exception:  # keep scheduling; the next round may succeed (e.g. a locked SQLite)
                logger.exception("could not enqueue the deadline sweep or prune old task results")
            finally:
                connection.close()
            stop.wait(every)
