"""``civicloop open311 issue-key NAME | list-keys | revoke-key NAME``: API keys of Open311 clients."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core.errors import InvalidInput
from civicloop.core.management.commandline import LocalisedCommand, format_table
from civicloop.open311 import services
from civicloop.open311.models import DEFAULT_RATE_LIMIT, Open311Client


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Manage the API keys of Open311 clients. issue-key NAME prints a new key (only the "
        "digest is stored, so this is the only time it is shown); list-keys shows the clients; "
        "revoke-key NAME makes a key stop working at once."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        issue = actions.add_parser(
            "issue-key",
            help=gettext_lazy("issue a key to a new client (or --replace an existing key)"),
        )
        issue.add_argument("name", help=gettext_lazy("the client application's name"))
        issue.add_argument(
            "--contact", default="", help=gettext_lazy("who runs it and how to reach them")
        )
        issue.add_argument(
            "--rate-limit",
            type=int,
            default=DEFAULT_RATE_LIMIT,
            metavar="N",
            help=gettext_lazy("requests per minute (default: %(default)s)"),
        )
        issue.add_argument(
            "--replace",
            action="store_true",
            help=gettext_lazy("the client exists: give it a new key (the old one stops working)"),
        )
        actions.add_parser("list-keys", help=gettext_lazy("list the clients and their keys' state"))
        revoke = actions.add_parser("revoke-key", help=gettext_lazy("revoke a client's key"))
        revoke.add_argument("name", help=gettext_lazy("the client's name"))

    def handle(self, *args, action, **options):
        return {"issue-key": self.issue, "list-keys": self.list, "revoke-key": self.revoke}[action](
            **options
        )

    def _client(self, name: str) -> Open311Client:
        client = Open311Client.objects.filter(name=name.strip()).first()
        if client is None:
            raise CommandError(_("There is no Open311 client named “%(name)s”.") % {"name": name})
        return client

    def issue(self, *, name, contact, rate_limit, replace, **options):
        if replace:
            client = self._client(name)
            raw_key = services.reissue_key(client)
        else:
            try:
                client, raw_key = services.issue_key(
                    name=name, contact=contact, rate_limit=rate_limit
                )
            except InvalidInput as exc:
                raise CommandError(str(exc.message)) from exc
        # The key alone on standard output, so that scripts can capture it.
        self.stderr.write(
            _(
                "New API key for “%(name)s” (%(n)d requests a minute). It is shown only "
                "now; store it safely:"
            )
            % {"name": client.name, "n": client.rate_limit}
        )
        self.stdout.write(raw_key)

    def list(self, **options):
        clients = Open311Client.objects.annotate(n=Count("requests")).order_by("name")
        if not clients:
            self.stdout.write(_("No Open311 clients yet: civicloop open311 issue-key NAME"))
            return

        def when(value):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"

        rows = [
            (
                c.name,
                c.key_prefix + "…",
                _("active") if c.is_active else _("revoked"),
                c.rate_limit,
                c.n,
                when(c.created_at),
                when(c.last_used_at),
                c.contact,
            )
            for c in clients
        ]
        self.stdout.write(
            format_table(
                [
                    _("name"),
                    _("API key"),
                    _("state"),
                    _("per minute"),
                    _("requests"),
                    _("created"),
                    _("last used"),
                    _("contact"),
                ],
                rows,
            )
        )

    def revoke(self, *, name, **options):
        client = self._client(name)
        if not client.is_active:
            self.stdout.write(
                _("The key of “%(name)s” was already revoked.") % {"name": client.name}
            )
            return
        services.revoke_key(client)
        self.stdout.write(
            _("Revoked the key of “%(name)s”; requests with it are now refused (403).")
            % {"name": client.name}
        )
