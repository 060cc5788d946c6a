"""``civicloop demo [--events N] [--seed S] [--reset] [--serve [--port P]]``.

Migrates the database, then runs every app's demo step (``core.registry.register_demo_step``,
registered in each app's ``AppConfig.ready()``) in their declared order: the Haiyan
organisation (real county, towns and villages; invented staff), the event categories, about a
year of events produced by the real service functions (unless the database already holds
events), penalty cases, flexible enforcement… Each step's name is printed when it starts and
its duration when it ends. Prints the demo logins.

``--serve`` then runs ``civicloop serve`` with a ``civicloop worker`` subprocess
beside it, so deadlines are swept while the demo runs; the worker stops with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.core.registry import DemoContext, demo_steps, resolve

from .serve import check_port_free, default_workers, run_gunicorn


def reset_database(stdout) -> None:
    """Start from an empty database: delete the SQLite file, or flush another database."""
    connection = connections["default"]
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        name = Path(connection.settings_dict["NAME"])
        connections.close_all()
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
            path.unlink(missing_ok=True)
        stdout.write(_("Deleted %(path)s.") % {"path": name})
        return
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    stdout.write(_("Emptied the database."))


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Set up the Haiyan demo: migrate, load the organisation, categories and a year of events "
        "made by the real workflow; print the demo logins. --serve: then run the server and worker."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--events",
            type=int,
            default=400,
            metavar="N",
            help=gettext_lazy("how many events to create (default: %(default)s)"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            metavar="S",
            help=gettext_lazy(
                "random seed; the same seed gives the same demo (default: %(default)s)"
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=gettext_lazy("start from an empty database (deletes the SQLite file, or flushes)"),
        )
        parser.add_argument(
            "--serve",
            action="store_true",
            help=gettext_lazy("then run the server (and the worker)"),
        )
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help=gettext_lazy("with --serve: address (default: %(default)s)"),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help=gettext_lazy("with --serve: port (default: %(default)s)"),
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=gettext_lazy("with --serve: gunicorn workers (default: %(default)s)"),
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=gettext_lazy("with --serve: do not start the background worker"),
        )

    def handle(self, *args, events, seed, reset, serve, host, port, workers, no_worker, **options):
        if events < 0:
            raise CommandError(_("--events cannot be negative."))
        if serve:
            check_port_free(host, port)
        started = time.monotonic()
        if reset:
            reset_database(self.stdout)
        self.stdout.write(_("Migrating the database…"))
        self.stdout.flush()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            _("Database ready (%(engine)s).") % {"engine": connections["default"].vendor}
        )
        self.stdout.write("  " + _("done in %(s).1f s") % {"s": time.monotonic() - started})
        context = DemoContext(
            events=events,
            seed=seed,
            serving=serve,
            say=self._say,
            detail=self._detail,
            warn=lambda text: self._say(self.style.WARNING(text)),
            skip=lambda failure: self.stderr.write(
                _("Demo step skipped: %(failure)s") % {"failure": failure}
            ),
        )
        summary = self.run_steps(context)

        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(_("Demo ready in %(s).1f s.") % {"s": elapsed}))
        for line in summary:
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            format_table(
                [_("username"), _("role"), _("unit"), _("note")],
                [(login.username, login.role, login.unit, login.note) for login in context.logins],
            )
        )
        if context.password:
            self.stdout.write("")
            self.stdout.write(
                _("Every demo account's password: %(password)s") % {"password": context.password}
            )
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
        if serve:
            self._serve(host=host, port=port, workers=workers, url=url, worker=not no_worker)
        else:
            self.stdout.write(
                _(
                    "Start the server with `civicloop serve` (or `civicloop demo --serve`) and "
                    "open %(url)s; run `civicloop worker` beside it for deadlines and "
                    "notifications."
                )
                % {"url": url}
            )

    def _detail(self, text: str) -> None:
        """A step's progress or table: indented under the step's title."""
        self.stdout.write(f"  {text}".replace("\n", "\n  "))

    def _say(self, text: str) -> None:
        """A step's result: indented under the step's title, and kept for the summary."""
        self._detail(text)
        self._step_lines.append(text)

    def run_steps(self, context: DemoContext) -> list[str]:
        """Run the registered steps in order, saying which one runs and how long it took;
        return the lines of the steps that count toward the closing summary."""
        steps = [s for s in demo_steps if context.serving or not s.serving_only]
        summary: list[str] = []
        for number, step in enumerate(steps, start=1):
            self.stdout.write(
                _("[%(i)d/%(n)d] %(title)s…") % {"i": number, "n": len(steps), "title": step.title}
            )
            self.stdout.flush()  # no silent minutes, even when the output is piped
            self._step_lines: list[str] = []
            started = time.monotonic()
            resolve(step.run)(context)
            self.stdout.write("  " + _("done in %(s).1f s") % {"s": time.monotonic() - started})
            self.stdout.flush()
            if step.summary:
                summary += self._step_lines
        return summary

    def _serve(self, *, host: str, port: int, workers: int, url: str, worker: bool) -> None:
        process = None
        if worker:
            # The worker's per-notification log lines would drown the server's output.
            env = {**os.environ}
            env.setdefault("CIVICLOOP_LOG_LEVEL", "WARNING")
            process = subprocess.Popen(
                [sys.executable, "-m", "civicloop.cli", "worker"], env=env, stdin=subprocess.DEVNULL
            )
            self.stdout.write(_("Background worker started (pid %(pid)d).") % {"pid": process.pid})
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Civicloop is running at %(url)s (Ctrl+C stops it).") % {"url": url}
                )
            )
            self.stdout.flush()
            run_gunicorn(host=host, port=port, workers=workers, access_log=settings.DEBUG)
        finally:
            if process is not None:
                stop_worker(process)


def stop_worker(process: subprocess.Popen) -> None:
    """Stop the worker without cutting a task in half.

    After Ctrl+C the worker got the same SIGINT and finishes its current task by
    itself; a second signal would abort it. So wait a little first, then ask it to
    stop (its first signal is graceful), and kill it only if it hangs.
    """
    for action, timeout in ((None, 5), (process.terminate, 10), (process.kill, None)):
        if process.poll() is not None:
            return
        if action is not None:
            action()
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue
