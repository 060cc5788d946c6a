"""The ``civicloop`` command: Django management with Civicloop's settings.

``civicloop demo``, ``civicloop serve``, ``civicloop worker``,
``civicloop import events FILE``… are management commands; anything Django
offers (``civicloop migrate``, ``civicloop createsuperuser``) works too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicloop.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "civicloop"
    # `civicloop import events FILE` reads better than `civicloop import_events FILE`.
    if len(argv) >= 3 and argv[1] in {"import", "export"}:
        argv[1:3] = [f"{argv[1]}_{argv[2]}"]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
