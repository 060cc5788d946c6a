"""``civicloop demo [--events N] [--seed S] [--reset] [--serve [--port P]]``.

Migrates the database, loads the Haiyan organisation (real county, towns and
villages; invented staff), the event categories and — unless the database
already holds events — about a year of events produced by the real service
functions (see ``civicloop.events.demo``). Prints the demo logins.

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

from civicloop.cases.choices import Procedure
from civicloop.cases.demo import load_demo_cases
from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.events.choices import EventState
from civicloop.events.deadlines import ensure_default_rules
from civicloop.events.demo import generate_demo_events, load_categories
from civicloop.events.demo_stories import play_demo_stories
from civicloop.events.models import Event
from civicloop.hotspots.demo import play_demo_hotspots
from civicloop.leniency.demo import case_plans as leniency_case_plans
from civicloop.leniency.demo import load_demo_items
from civicloop.leniency.demo import summary as leniency_summary
from civicloop.matters.demo import (
    load_demo_assessment,
    load_demo_empowerment,
    load_demo_requests,
)
from civicloop.org.demo import DEMO_PASSWORD, load_haiyan_organisation

from .serve import check_port_free, default_workers, run_gunicorn

# The scripted empowerment stories add a dozen events; small demos (and their tests) skip them.
STORY_MIN_EVENTS = 100


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
    ensure_default_rules()
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
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            _("Database ready (%(engine)s).") % {"engine": connections["default"].vendor}
        )
        logins = load_haiyan_organisation()
        self.stdout.write(
            _(
                "Loaded the Haiyan organisation: the county, 9 towns/streets, villages, grids, "
                "units and staff."
            )
        )
        counts = load_categories()
        self.stdout.write(
            _("Loaded %(n)d event categories.") % {"n": counts["created"] + counts["updated"]}
        )
        empowerment = load_demo_empowerment()
        self.stdout.write(
            _("Loaded %(matters)d enforcement matters and %(grants)d empowerment grants.")
            % {"matters": empowerment.matters, "grants": empowerment.grants}
        )

        existing = Event.objects.count()
        if existing:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The database already holds %(n)d events; no demo events were added "
                        "(use --reset to start again)."
                    )
                    % {"n": existing}
                )
            )
        elif events:
            self.stdout.write(
                _("Creating %(n)d events through the workflow services…") % {"n": events}
            )
            result = generate_demo_events(
                count=events, seed=seed, demo_usernames={login.username for login in logins}
            )
            self.stdout.write(
                _(
                    "Created %(n)d events between %(start)s and %(end)s; %(escalated)d were escalated."
                )
                % {
                    "n": result.events,
                    "start": f"{result.start:%Y-%m-%d}",
                    "end": f"{result.end:%Y-%m-%d}",
                    "escalated": result.escalated,
                }
            )
            rows = [
                (EventState(state).label, result.states.get(state, 0))
                for state in EventState.values
            ]
            self.stdout.write(format_table([_("state"), _("events")], rows))
            for failure in result.failures:
                self.stderr.write(_("Demo step skipped: %(failure)s") % {"failure": failure})
            if events >= STORY_MIN_EVENTS:
                stories = play_demo_stories()
                self.stdout.write(
                    _("Played %(n)d scripted events that show routing by empowerment.")
                    % {"n": stories}
                )
                hotspots = play_demo_hotspots(seed=seed)
                self.stdout.write(
                    _("Added %(n)d events with spikes and duplicates; %(w)d spike warnings raised.")
                    % {"n": hotspots.events, "w": hotspots.warnings}
                )
        requests = load_demo_requests()
        assessment = load_demo_assessment(seed=seed)
        if requests or assessment:
            self.stdout.write(
                _("Added %(n)d empowerment requests and the assessment round “%(round)s”.")
                % {"n": requests, "round": assessment or "—"}
            )
        load_demo_items()
        cases = load_demo_cases(seed=seed, more_plans=leniency_case_plans)
        logins = [*logins, *cases.logins]
        self.stdout.write(
            _("%(n)d penalty cases through the case services (%(procedures)s).")
            % {
                "n": cases.cases,
                "procedures": "、".join(
                    f"{Procedure(p).label} {n}" for p, n in sorted(cases.procedures.items())
                ),
            }
        )
        for failure in cases.failures:
            self.stderr.write(_("Demo step skipped: %(failure)s") % {"failure": failure})
        flexible = leniency_summary()
        self.stdout.write(
            _(
                "Flexible enforcement: %(items)d list items, %(applied)d applied in decisions, "
                "%(commitments)d commitments, %(repairs)d credit repairs, %(services)d butler services."
            )
            % {
                "items": flexible.items,
                "applied": flexible.applied,
                "commitments": sum(flexible.commitments.values()),
                "repairs": sum(flexible.repairs.values()),
                "services": flexible.services,
            }
        )

        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(_("Demo ready in %(s).1f s.") % {"s": elapsed}))
        self.stdout.write("")
        self.stdout.write(
            format_table(
                [_("username"), _("role"), _("unit"), _("note")],
                [(login.username, login.role, login.unit, login.note) for login in logins],
            )
        )
        self.stdout.write("")
        self.stdout.write(
            _("Every demo account's password: %(password)s") % {"password": DEMO_PASSWORD}
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
            # The first judgement page would otherwise fit the starter routing model (seconds).
            from civicloop.router.services import ensure_starter

            starter = ensure_starter()
            self.stdout.write(_("Routing model ready: %(version)s.") % {"version": starter.version})
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
