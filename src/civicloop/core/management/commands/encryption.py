"""``civicloop encryption generate-key [--index] | status | rotate [--batch-size N]``.

* ``generate-key`` — print a new Fernet key for CIVICLOOP_FIELD_KEYS (``--index``: a key for
  CIVICLOOP_FIELD_INDEX_KEY) with its key id;
* ``status`` — the configured keys, and for every encrypted column how many values each key made;
* ``rotate`` — re-encrypt every value that another key made with the first key, and rewrite the
  digests made with another index key, in batches (each batch in its own transaction, its rows
  locked on PostgreSQL); prints the counts. Afterwards the old key may be removed.

The procedure is in docs/security.md, "Personal data at rest".
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicloop.core import crypto
from civicloop.core.management.commandline import LocalisedCommand, format_table


class Command(LocalisedCommand):
    help = gettext_lazy(
        "Personal data at rest: generate a key, show which keys encrypt the stored values, "
        "or re-encrypt everything with the first key."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = parser.add_subparsers(dest="what", required=True)
        generate = sub.add_parser("generate-key", help=gettext_lazy("print a new key"))
        generate.add_argument(
            "--index",
            action="store_true",
            help=gettext_lazy("a key for the digests (CIVICLOOP_FIELD_INDEX_KEY)"),
        )
        sub.add_parser("status", help=gettext_lazy("which keys encrypt the stored values"))
        rotate = sub.add_parser(
            "rotate", help=gettext_lazy("re-encrypt every stored value with the first key")
        )
        rotate.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help=gettext_lazy("rows per transaction (default: %(default)s)"),
        )

    def handle(self, *args, what, **options):
        if what != "generate-key":
            try:
                crypto.keyring()
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
        getattr(self, "_" + what.replace("-", "_"))(**options)

    def _generate_key(self, index=False, **options):
        if index:
            self.stdout.write(crypto.generate_index_key())
            return
        key = crypto.generate_field_key()
        self.stdout.write(key)
        self.stderr.write(_("key id: %(kid)s") % {"kid": crypto.key_id(key)})

    def _describe(self, key: crypto.FieldKey, first: bool) -> str:
        parts = []
        if first:
            parts.append(_("encrypts"))
        parts.append(_("decrypts"))
        if key.derived:
            parts.append(_("derived from SECRET_KEY (development only)"))
        return ", ".join(parts)

    def _status(self, **options):
        ring = crypto.keyring()
        self.stdout.write(_("Keys:"))
        for n, key in enumerate(ring.keys):
            self.stdout.write(f"  {key.kid}  {self._describe(key, n == 0)}")
        self.stdout.write(
            _("Digest key: %(which)s")
            % {
                "which": _("derived from SECRET_KEY (development only)")
                if ring.index_derived
                else _("configured")
            }
        )
        rows = []
        unknown = 0
        for spec in crypto.encrypted_models():
            for field, counts in crypto.key_usage(spec).items():
                column = f"{spec.label}.{field}"
                if not counts:
                    rows.append([column, "", "0"])
                for kid, count in sorted(counts.items()):
                    if kid == "":
                        label = _("(empty)")
                    elif kid == "plain":
                        label = _("not encrypted")
                        unknown += count
                    elif ring.by_kid(kid) is None:
                        label = _("%(kid)s (not configured)") % {"kid": kid}
                        unknown += count
                    else:
                        label = kid
                    rows.append([column, label, str(count)])
        self.stdout.write(format_table([_("column"), _("key id"), _("values stored")], rows))
        if unknown:
            raise CommandError(
                _(
                    "%(n)d values cannot be read with the configured keys: add the missing key, "
                    "or run the migrations."
                )
                % {"n": unknown}
            )

    def _rotate(self, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError(_("The batch size must be at least 1."))
        current = crypto.keyring().current
        self.stdout.write(_("Encrypting with key %(kid)s.") % {"kid": current.kid})
        totals = {"rows": 0, "reencrypted": 0, "digests": 0}
        for spec in crypto.encrypted_models():
            try:
                counts = crypto.rewrite_all(spec, batch_size=batch_size)
            except crypto.EncryptedDataError as exc:
                raise CommandError(str(exc)) from exc
            for name in totals:
                totals[name] += counts[name]
            self.stdout.write(
                _(
                    "%(model)s: %(rows)d rows, %(reencrypted)d values re-encrypted, %(digests)d "
                    "digests rewritten."
                )
                % {"model": spec.label, **counts}
            )
        self.stdout.write(
            _(
                "Done: %(rows)d rows, %(reencrypted)d values re-encrypted, %(digests)d digests "
                "rewritten. Keys other than %(kid)s are no longer used."
            )
            % {"kid": current.kid, **totals}
        )
