"""``civicloop remove_second_factor USERNAME --reason TEXT [--as USERNAME]``: a lost phone when no
administrator can sign in to the admin (docs/security.md, "Second factor")."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core import twofactor
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Remove a person's second factor (a lost phone): they sign in with the password and set "
        "up the new phone. Recorded in the second factor history."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("username", help=gettext_lazy("whose second factor"))
        parser.add_argument("--reason", required=True, help=gettext_lazy("why (recorded)"))
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help=gettext_lazy("who removes it (recorded; empty: the command line)"),
        )

    def handle(self, *args, username, reason, actor, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _("There is no staff member with the username “%(username)s”.")
                % {"username": username}
            )
        by = actor_from_username(actor) if actor else None
        removed = twofactor.remove_devices(user, by=by, reason=reason.strip())
        if not removed:
            raise CommandError(_("“%(username)s” has no second factor.") % {"username": username})
        self.stdout.write(
            _("The second factor of “%(username)s” was removed.") % {"username": username}
        )
