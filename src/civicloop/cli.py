"""The ``civicloop`` command: Django management with Civicloop's settings.

``civicloop demo``, ``civicloop serve``, ``civicloop worker``,
``civicloop import events FILE``… are management commands; anything Django
offers (``civicloop migrate``, ``civicloop createsuperuser``) works too.

``civicloop``, ``civicloop help`` and ``civicloop --help`` list Civicloop's own commands with
their descriptions in the site language, then Django's commands by name under an "advanced"
heading (they stay available, but a county clerk need not read through them first).
"""

from __future__ import annotations

import os
import sys
import textwrap

HELP_ARGUMENTS = ({"help"}, {"--help"}, {"-h"})


def _first_sentence(text: str) -> str:
    text = " ".join(str(text).split())
    for stop in ("。", ". ", "；", "; "):
        if stop in text:
            return text.split(stop, 1)[0] + ("。" if stop == "。" else "")
    return text


def _spoken(name: str) -> str:
    """How a user types a command: ``import_events`` is ``import events``."""
    for verb in ("import", "export"):
        if name.startswith(f"{verb}_"):
            return f"{verb} {name[len(verb) + 1 :].replace('_', '-')}"
    return name


def main_help_text() -> str:
    """The listing of ``civicloop --help`` (Django set up, in the site language)."""
    from django.conf import settings
    from django.core.management import get_commands, load_command_class
    from django.utils import translation
    from django.utils.translation import gettext as _

    from civicloop.core.management.commandline import display_width

    with translation.override(settings.LANGUAGE_CODE):
        own, advanced = [], []
        for name, app in sorted(get_commands().items()):
            if app.startswith("civicloop"):
                try:
                    description = _first_sentence(load_command_class(app, name).help)
                except Exception as exc:  # a command whose module cannot load still gets named
                    description = _("(cannot load: %(error)s)") % {"error": exc}
                own.append((_spoken(name), description))
            else:
                advanced.append(name)
        width = max(display_width(name) for name, _help in own) + 2
        lines = [
            _("Usage: civicloop COMMAND [options]; civicloop COMMAND --help for its options."),
            "",
            _("Civicloop commands:"),
        ]
        lines += [f"  {n}{' ' * (width - display_width(n))}{h}" for n, h in own]
        lines += [
            "",
            _("Advanced (Django's own commands, for administrators):"),
            textwrap.fill(", ".join(advanced), 96, initial_indent="  ", subsequent_indent="  "),
        ]
        return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "civicloop"
    if len(argv) == 1 or set(argv[1:]) in HELP_ARGUMENTS:
        import django

        django.setup()
        sys.stdout.write(main_help_text() + "\n")
        return
    # `civicloop import events FILE` reads better than `civicloop import_events FILE`.
    if len(argv) >= 3 and argv[1] in {"import", "export"}:
        argv[1:3] = [f"{argv[1]}_{argv[2]}"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
