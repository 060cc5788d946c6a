"""``civicloop audit …``: the tamper-evident audit trail over every history table.

    civicloop audit verify [--model app.Model …] [--anchors FILE]
    civicloop audit seal [--model app.Model …]
    civicloop audit heads [--out FILE]
    civicloop audit rekey --new-key-file FILE [--as USERNAME]

``verify`` recomputes each row's MAC and each table's hash chain and lists every changed,
copied, removed or reordered row; it exits with status 1 when it finds any. ``seal`` links
the rows committed since the last seal into the chains (the worker does it every
``CIVICLOOP_AUDIT_SEAL_SECONDS``). ``heads`` prints each chain's last position and hash: keep
them outside the database and give them back to ``verify --anchors`` to show a chain that was
rolled back and rewritten. ``rekey`` moves the trail to a new key (stop the web processes and
the worker first, then configure the new key); see docs/security.md, "Audit trail".
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core import audit
from civicloop.core.history import key_fingerprint
from civicloop.core.management.commandline import LocalisedCommand, actor_from_username


def read_anchors(path: Path) -> dict[str, dict[int, str]]:
    """``table position hash`` lines (``civicloop audit heads``), ``#`` comments."""
    anchors: dict[str, dict[int, str]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
        ) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            raise CommandError(
                _("%(path)s line %(line)s is not “table position hash”.")
                % {"path": path, "line": number}
            )
        anchors.setdefault(parts[0], {})[int(parts[1])] = parts[2]
    return anchors


class Command(LocalisedCommand):
    help = gettext_lazy(
        "The tamper-evident audit trail: verify, seal, print the chain heads, rotate the key."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,seal,heads,rekey}"
        )
        model_help = gettext_lazy("only this history table, e.g. events.EventHistory (repeatable)")
        verify = sub.add_parser(
            "verify",
            help=gettext_lazy("check every history row's MAC and every table's chain"),
        )
        verify.add_argument("--model", action="append", default=[], help=model_help)
        verify.add_argument(
            "--anchors",
            type=Path,
            help=gettext_lazy("a file written earlier by “audit heads” to check against"),
        )
        seal = sub.add_parser(
            "seal", help=gettext_lazy("link the rows committed since the last seal into the chains")
        )
        seal.add_argument("--model", action="append", default=[], help=model_help)
        heads = sub.add_parser(
            "heads", help=gettext_lazy("print each chain's last position and hash")
        )
        heads.add_argument("--out", type=Path, help=gettext_lazy("write them to this file"))
        rekey = sub.add_parser(
            "rekey", help=gettext_lazy("re-sign every row and chain with a new key")
        )
        rekey.add_argument(
            "--new-key-file",
            type=Path,
            required=True,
            help=gettext_lazy("file holding the new key (32 or more characters)"),
        )
        rekey.add_argument(
            "--as", dest="username", help=gettext_lazy("who rotates the key (recorded)")
        )

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['subcommand']}")(options)

    def _models(self, options):
        try:
            return audit.models_named(options.get("model") or [])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc

    def do_verify(self, options) -> None:
        models = self._models(options)
        anchors = read_anchors(options["anchors"]) if options.get("anchors") else None
        reports = audit.verify(models, anchors=anchors)
        for report in reports:
            values = {
                "model": report.model,
                "rows": report.rows,
                "sealed": report.sealed,
                "unsealed": report.unsealed,
                "count": report.problems,
            }
            if report.intact:
                self.stdout.write(
                    _(
                        "%(model)s: %(rows)s rows, %(sealed)s sealed, %(unsealed)s awaiting sealing — intact."
                    )
                    % values
                )
                continue
            self.stdout.write(
                _(
                    "%(model)s: %(rows)s rows, %(sealed)s sealed, %(unsealed)s awaiting sealing — %(count)s problems:"
                )
                % values
            )
            for finding in report.findings:
                self.stdout.write("  " + finding.message())
            if report.more_findings:
                self.stdout.write(
                    "  " + _("… and %(count)s more.") % {"count": report.more_findings}
                )
            if report.rows and report.changed_rows == report.rows:
                self.stdout.write(
                    "  "
                    + _(
                        "Every row fails its MAC: is CIVICLOOP_AUDIT_KEY the key these rows "
                        "were written with (key %(key)s)?"
                    )
                    % {"key": key_fingerprint()}
                )
        problems = sum(report.problems for report in reports)
        if problems:
            raise CommandError(
                _("The audit trail is damaged: %(count)s problems in %(tables)s tables.")
                % {"count": problems, "tables": sum(not r.intact for r in reports)},
                returncode=1,
            )
        self.stdout.write(
            _("The audit trail is intact: %(rows)s rows in %(tables)s tables.")
            % {"rows": sum(r.rows for r in reports), "tables": len(reports)}
        )

    def do_seal(self, options) -> None:
        try:
            counts = audit.seal_all(self._models(options))
        except audit.AuditTrailDamaged as exc:
            raise CommandError(str(exc), returncode=1) from exc
        for label, count in counts.items():
            if count:
                self.stdout.write(
                    _("%(model)s: %(count)s rows sealed.") % {"model": label, "count": count}
                )
        self.stdout.write(_("Sealed %(count)s rows.") % {"count": sum(counts.values())})

    def do_heads(self, options) -> None:
        lines = [f"# civicloop audit heads {timezone.now().isoformat(timespec='seconds')}"]
        lines += [f"{head.table} {head.seq} {head.chain_hash}" for head in audit.heads()]
        text = "\n".join(lines) + "\n"
        if options.get("out"):
            options["out"].write_text(text, encoding="utf-8")
            self.stdout.write(_("Wrote %(path)s.") % {"path": options["out"]})
        else:
            self.stdout.write(text, ending="")

    def do_rekey(self, options) -> None:
        by = actor_from_username(options["username"]) if options.get("username") else None
        path: Path = options["new_key_file"]
        try:
            new_key = path.read_text(encoding="utf-8").strip().encode()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}
            ) from exc
        old = key_fingerprint()
        try:
            counts = audit.rekey(new_key, by=by)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except audit.AuditTrailDamaged as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(
            _(
                "Re-keyed %(count)s history rows from key %(old)s to key %(new)s. Now set "
                "CIVICLOOP_AUDIT_KEY to the new key before starting the web processes and "
                "the worker."
            )
            % {"count": sum(counts.values()), "old": old, "new": key_fingerprint(new_key)}
        )
