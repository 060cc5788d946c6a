"""``civicloop worker [--once]``: run background tasks and sweep deadlines.

Runs the django-tasks database worker (``django_tasks_db``'s ``Worker``, as its
``db_worker`` command does) and, beside it, enqueues ``site.tasks.sweep_deadlines``
(every app's registered deadline sweep: the event loop's escalations, the penalty cases'
deadline warnings, flexible enforcement's follow-ups; ``core.registry.deadline_sweeps``)
every ``CIVICLOOP_DEADLINE_SWEEP_SECONDS`` — never while another sweep is still waiting
or running, so a slow sweep or several workers do not pile sweeps up. Nothing needs Redis
or cron.

Finished task results older than ``--keep-results-days`` (default 14) are pruned
once a day, since a sweep every minute leaves 1 440 result rows a day.

``--once`` enqueues one sweep (unless one is pending), runs everything queued,
and exits: for tests and for a cron job instead of a long-running worker.

Beside the sweep, the long-running worker enqueues each app's periodic tasks
(``core.registry.periodic_tasks``; e.g. the spike scan, 突发预警, every
``CIVICLOOP_HOTSPOT_SCAN_SECONDS``, overridden by ``--scan-every``, 0 turns it off) the same
way: never while another run of it is waiting or running. At start it calls each app's
start-up function (``core.registry.worker_starts``; e.g. making sure the nightly
grid-toolkit refresh is queued).

A worker killed mid-task loses nothing (``core/taskqueue.py``): each worker records a
heartbeat when it starts and beats it every quarter of ``CIVICLOOP_TASK_LEASE_SECONDS`` from a
thread beside the tasks; at start and at every beat it sweeps for RUNNING tasks whose worker has
stopped beating for the lease and queues them again (up to ``CIVICLOOP_TASK_MAX_RETRIES``).
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
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from civicloop.core.management.commandline import LocalisedCommand
from civicloop.core.registry import periodic_tasks, resolve, worker_starts
from civicloop.core.taskqueue import Heartbeat, recover_stale_tasks, start_worker, stop_worker

from ...tasks import sweep_deadlines

logger = logging.getLogger("civicloop.worker")


def pending_exists(task, *, stale_after: dt.timedelta) -> bool:
    """Is a run of ``task`` waiting, or running and not stale (a worker killed mid-run
    leaves one RUNNING)?"""
    pending = DBTaskResult.objects.filter(task_path=task.module_path)
    return (
        pending.filter(status=TaskResultStatus.READY).exists()
        or pending.filter(
            status=TaskResultStatus.RUNNING, started_at__gte=timezone.now() - stale_after
        ).exists()
    )


def enqueue_unless_pending(task, *, every: int) -> bool:
    """Enqueue ``task`` unless a run of it is pending; return whether one was enqueued."""
    if pending_exists(task, stale_after=dt.timedelta(seconds=max(every * 10, 600))):
        return False
    task.enqueue()
    return True


def enqueue_sweep(*, every: int) -> bool:
    """Enqueue a deadline sweep unless one is pending; return whether one was enqueued."""
    return enqueue_unless_pending(sweep_deadlines, every=every)


def _is_database_backend() -> bool:
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
        # Each registered periodic task may have its own option for its interval.
        for periodic in periodic_tasks:
            if periodic.option:
                parser.add_argument(
                    periodic.option,
                    dest=periodic.dest,
                    type=int,
                    default=None,
                    metavar="SECONDS",
                    help=periodic.help,
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

    def handle(self, *args, once, sweep_every, interval, keep_results_days, **options):
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
            result = sweep_deadlines.enqueue()
            self.stdout.write(
                _("Deadline sweep ran: %(n)s escalated.") % {"n": result.return_value}
            )
            return

        worker_id = get_random_string(32)
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        # Beat before claiming anything, and run again what killed workers left RUNNING.
        start_worker(worker_id)
        recover_stale_tasks()
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            self._work(
                worker,
                once=once,
                sweep_every=sweep_every,
                keep_days=keep_results_days,
                options=options,
            )
        finally:
            heartbeat.stop()
            try:
                stop_worker(worker_id)
            except Exception:  # the database may be gone; the lease tells the others anyway
                logger.exception("could not record the worker stopping")

    def _work(self, worker, *, once, sweep_every, keep_days, options):
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

        for start in worker_starts:
            resolve(start.function)()
        stop = threading.Event()
        scheduler = threading.Thread(
            target=self._schedule,
            args=(stop, sweep_every, keep_days, intervals(options)),
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
        stop: threading.Event, every: int, keep_days: int, every_task: dict[str, int] | None = None
    ) -> None:
        """Until ``stop``: enqueue a deadline sweep every ``every`` seconds, each periodic task
        every ``every_task[name]`` seconds (0: never; default: its registered interval), and
        prune old task results once a day."""
        every_task = intervals({}) if every_task is None else every_task
        last_prune = None
        last_run: dict[str, dt.datetime] = {}
        while not stop.is_set():
            try:
                close_old_connections()
                if enqueue_sweep(every=every):
                    logger.debug("deadline sweep enqueued")
                for periodic in periodic_tasks:
                    seconds = every_task.get(periodic.name, 0)
                    last = last_run.get(periodic.name)
                    if seconds > 0 and (
                        last is None or timezone.now() - last >= dt.timedelta(seconds=seconds)
                    ):
                        last_run[periodic.name] = timezone.now()
                        if enqueue_unless_pending(resolve(periodic.task), every=seconds):
                            logger.debug("%s enqueued", periodic.name)
                if keep_days and (
                    last_prune is None or timezone.now() - last_prune > dt.timedelta(days=1)
                ):
                    last_prune = timezone.now()
                    call_command(
                        "prune_db_task_results", queue_name="*", min_age_days=keep_days, verbosity=0
                    )
            except Exception:  # keep scheduling; the next round may succeed (e.g. a locked SQLite)
                logger.exception("could not enqueue the background tasks or prune old results")
            finally:
                connection.close()
            stop.wait(every)


def intervals(options: dict) -> dict[str, int]:
    """Seconds between runs of each periodic task: its worker option if given, else its own."""
    result = {}
    for periodic in periodic_tasks:
        given = options.get(periodic.dest) if periodic.option else None
        result[periodic.name] = given if given is not None else resolve(periodic.every)()
    return result
