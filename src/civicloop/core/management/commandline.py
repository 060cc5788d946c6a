"""Shared pieces of Civicloop's own management commands.

* :class:`LocalisedCommand` runs a command in the site language (``zh-hans``
  unless ``--language`` says otherwise), so messages print in Chinese once the
  catalogue has them; its ``--help`` is in the site language too (it is shown
  before ``--language`` is read);
* :func:`actor_from_username` turns ``--as USERNAME`` into a user, with a clear
  error for unknown or disabled accounts;
* :func:`format_table` lines up columns that mix Chinese and Latin text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LocalisedCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help=gettext_lazy("language of the messages (default: %(default)s)"),
        )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # ``help`` is a lazy translation, but argparse's text wrapping needs a str.
        if parser.description is not None:
            parser.description = str(parser.description)
        return parser

    def execute(self, *args, **options):
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            return super().execute(*args, **options)


def actor_from_username(username: str | None):
    # The user model through Django, not by importing the org app: core imports no app.
    User = get_user_model()
    if not username:
        raise CommandError(_("Say who is acting: --as USERNAME."))
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(
            _("There is no staff member with the username “%(username)s”.") % {"username": username}
        )
    if not user.is_active:
        raise CommandError(_("The account “%(username)s” is disabled.") % {"username": username})
    return user


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])
