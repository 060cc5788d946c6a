"""``civicloop serve [--host 127.0.0.1] [--port 8000] [--workers N]``: a production server.

Collects static files (WhiteNoise serves them from ``STATIC_ROOT``), then runs
gunicorn in this process on ``civicloop.wsgi:application``. Behind nginx, bind to
127.0.0.1 and proxy to it; see docs/deployment.md.
"""

from __future__ import annotations

import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.management.commandline import LocalisedCommand


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or min(2 * (os.cpu_count() or 1) + 1, 8))


def check_port_free(host: str, port: int) -> None:
    """Fail early, with a clear message, when something already listens on the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise CommandError(
                _(
                    "Cannot listen on %(host)s:%(port)d (%(error)s). Is another server running there? "
                    "Choose another port with --port."
                )
                % {"host": host, "port": port, "error": exc.strerror}
            ) from exc


def run_gunicorn(
    *, host: str, port: int, workers: int, timeout: int = 60, access_log: bool = True
) -> None:
    from gunicorn.app.base import BaseApplication

    class CivicloopApplication(BaseApplication):
        def __init__(self, options: dict):
            self.options = options
            super().__init__()

        def load_config(self):
            for key, value in self.options.items():
                if key in self.cfg.settings:  # settings differ between gunicorn versions
                    self.cfg.set(key, value)

        def load(self):
            from civicloop.wsgi import application

            return application

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    options = {
        "bind": bind,
        "workers": workers,
        "timeout": timeout,
        "proc_name": "civicloop",
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # gunicorn ≥ 24 opens a control socket in the home directory; we do not use it,
        # and two servers on one machine would fight over it.
        "control_socket_disable": True,
    }
    # Workers are forked: they must not inherit this process's database connections.
    connections.close_all()
    CivicloopApplication(options).run()


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Collect static files and run Civicloop under gunicorn (static files served by WhiteNoise)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help=gettext_lazy("address to listen on (default: %(default)s)"),
        )
        parser.add_argument(
            "--port", type=int, default=8000, help=gettext_lazy("port (default: %(default)s)")
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=gettext_lazy("gunicorn worker processes (default: %(default)s)"),
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help=gettext_lazy("request timeout in seconds")
        )
        parser.add_argument(
            "--no-access-log", action="store_true", help=gettext_lazy("do not log each request")
        )

    def handle(self, *args, host, port, workers, timeout, no_access_log, **options):
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        if not 0 < port < 65536:
            raise CommandError(_("--port must be between 1 and 65535."))
        check_port_free(host, port)
        call_command("collectstatic", interactive=False, verbosity=0)
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        url = f"http://{shown_host}:{port}/"
        self.stdout.write(
            self.style.SUCCESS(
                _("Civicloop is running at %(url)s (Ctrl+C stops it).") % {"url": url}
            )
        )
        if host in ("0.0.0.0", "::") and settings.ALLOWED_HOSTS == [
            "localhost",
            "127.0.0.1",
            "[::1]",
            "testserver",
        ]:
            self.stdout.write(
                _("Listening on all addresses: set ALLOWED_HOSTS to the names clients use.")
            )
        self.stdout.flush()
        run_gunicorn(
            host=host, port=port, workers=workers, timeout=timeout, access_log=not no_access_log
        )
