"""The tamper-evident audit trail over every history table (等保 2.0: 审计记录防篡改).

Three layers (docs/security.md, "Audit trail"):

1. **Row MAC** — each history row carries an HMAC of its own content, computed when it is
   inserted (``core.history.RowMACField``). No lock: a 10 000-row import writing history in
   one long transaction blocks nobody.
2. **Chain** — :func:`seal` links the *committed*, not yet sealed rows of a table, in id
   order, after the last sealed one: ``chain_seq`` (1, 2, 3 …) and ``chain_hash`` =
   HMAC(key, previous hash, table, position, id, row MAC). Rows of a transaction still in
   flight are invisible to the sealer and join the chain on a later run, so ids committed
   out of order need no waiting. The only lock is the table's :class:`AuditChainHead` row,
   held by one sealer for one batch; writers never take it.
3. **Head** — :class:`AuditChainHead` keeps each chain's last position and hash under a MAC,
   so removing the newest sealed rows shows too.

:func:`verify` recomputes everything and returns :class:`Finding` rows: a changed row, a row
without MAC, a copied row, removed positions, a row out of its place (reordered, renumbered),
an altered or missing head. :func:`rekey` moves every MAC and chain to a new key and records
the rotation. ``civicloop audit seal|verify|heads|rekey`` (``core/management/commands/audit.py``)
and the worker's periodic seal call these.

History tables are found through ``apps.get_models()``: every concrete subclass of
``core.history.HistoryEntry`` is covered without registering it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.operations.base import Operation
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .history import (
    HistoryEntry,
    RowMACField,
    audit_key,
    compute_row_mac,
    key_fingerprint,
    new_row_nonce,
    using_audit_key,
)
from .models import AuditChainHead, AuditTrailHistory

logger = logging.getLogger("civicloop.audit")

# Rows linked (or re-keyed) per transaction: the head's lock is held for one batch only.
BATCH_SIZE = 1000
# Findings kept per table: a table rewritten wholesale should not print a million lines.
MAX_FINDINGS = 200
MIN_KEY_LENGTH = 32


# --- the tables ------------------------------------------------------------------------------


def history_models() -> list[type[HistoryEntry]]:
    """Every concrete history table, by label."""
    found = [
        model
        for model in apps.get_models()
        if issubclass(model, HistoryEntry) and not model._meta.proxy and model._meta.managed
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def models_named(labels: Sequence[str]) -> list[type[HistoryEntry]]:
    """The history tables ``labels`` (``events.EventHistory``) name; all of them if none.
    Raises ``LookupError`` with a message naming the known ones."""
    every = history_models()
    if not labels:
        return every
    by_label = {model._meta.label_lower: model for model in every}
    chosen = []
    for label in labels:
        model = by_label.get(label.lower())
        if model is None:
            raise LookupError(
                _("“%(label)s” is not a history table. History tables: %(known)s.")
                % {"label": label, "known": ", ".join(m._meta.label for m in every)}
            )
        chosen.append(model)
    return chosen


def _rows(model: type[HistoryEntry]) -> models.QuerySet:
    """A plain queryset (the append-only manager refuses updates)."""
    return models.QuerySet(model=model)


def _write(
    model: type[HistoryEntry],
    rows: Sequence[HistoryEntry],
    names: Sequence[str],
    *,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Store the audit columns ``names`` of ``rows``: one parameterised UPDATE per row sent
    with ``executemany`` (pipelined by psycopg), far quicker than ``bulk_update``'s CASE
    expressions on thousands of rows. Only sealing and re-keying write these columns."""
    opts = model._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = [opts.get_field(name).column for name in names]
    statement = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(opts.db_table),
        ", ".join(f"{quote(column)} = %s" for column in columns),
        quote(opts.pk.column),
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            statement, [[getattr(row, name) for name in names] + [row.pk] for row in rows]
        )


# --- links and heads -------------------------------------------------------------------------


def _mac(key: bytes, *parts: object) -> str:
    message = "\x00".join(str(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def genesis_hash(key: bytes, table: str) -> str:
    """The "previous hash" of a table's first sealed row."""
    return _mac(key, "genesis", table)


def chain_link(key: bytes, table: str, previous: str, seq: int, row_id: int, row_mac: str) -> str:
    """The chain hash at position ``seq``: binds the row (its id and MAC) to its place."""
    return _mac(key, "link", table, previous, seq, row_id, row_mac)


def head_mac(key: bytes, table: str, seq: int, chain_hash: str) -> str:
    return _mac(key, "head", table, seq, chain_hash)


def _head(table: str, key: bytes) -> AuditChainHead:
    """The table's chain head, locked until the transaction ends (created when missing)."""
    genesis = genesis_hash(key, table)
    AuditChainHead.objects.get_or_create(
        table=table,
        defaults={"chain_hash": genesis, "head_mac": head_mac(key, table, 0, genesis)},
    )
    return AuditChainHead.objects.select_for_update().get(table=table)


def _set_head(head: AuditChainHead, key: bytes, seq: int, chain_hash: str) -> None:
    head.seq, head.chain_hash = seq, chain_hash
    head.head_mac = head_mac(key, head.table, seq, chain_hash)
    head.sealed_at = timezone.now()
    head.save(update_fields=["seq", "chain_hash", "head_mac", "sealed_at"])


class AuditTrailDamaged(Exception):
    """Sealing or re-keying found the trail already damaged; it changes nothing then."""


# --- sealing ---------------------------------------------------------------------------------


def seal(model: type[HistoryEntry], *, batch_size: int = BATCH_SIZE) -> int:
    """Link ``model``'s committed unsealed rows into its chain, in id order; how many.

    Each batch is one short transaction holding only the chain head's row lock (other
    sealers wait for it, writers never do). Idempotent: sealed rows are left alone."""
    table = model._meta.db_table
    total = 0
    while True:
        with transaction.atomic():
            key = audit_key()
            head = _head(table, key)
            if not hmac.compare_digest(
                head.head_mac, head_mac(key, table, head.seq, head.chain_hash)
            ):
                raise AuditTrailDamaged(
                    _("The chain head of %(model)s fails its MAC; run “civicloop audit verify”.")
                    % {"model": model._meta.label}
                )
            batch = list(
                _rows(model)
                .filter(chain_seq__isnull=True)
                .order_by("pk")
                .only("pk", "row_mac")[:batch_size]
            )
            if not batch:
                return total
            previous, seq = head.chain_hash, head.seq
            for row in batch:
                seq += 1
                previous = chain_link(key, table, previous, seq, row.pk, row.row_mac)
                row.chain_seq, row.chain_hash = seq, previous
            _write(model, batch, ["chain_seq", "chain_hash"])
            _set_head(head, key, seq, previous)
        total += len(batch)
        if len(batch) < batch_size:
            return total


def seal_all(models_: Iterable[type[HistoryEntry]] | None = None) -> dict[str, int]:
    """Seal every history table (or the given ones): rows newly sealed per label."""
    return {
        model._meta.label: seal(model)
        for model in (history_models() if models_ is None else models_)
    }


def seal_seconds() -> int:
    return int(getattr(settings, "CIVICLOOP_AUDIT_SEAL_SECONDS", 60))


@task()
def seal_history() -> dict:
    """The worker's periodic seal (``CIVICLOOP_AUDIT_SEAL_SECONDS``). A table whose chain
    head is damaged is logged and left unsealed; the others are sealed all the same."""
    result: dict = {}
    for model in history_models():
        try:
            count = seal(model)
        except AuditTrailDamaged as exc:
            logger.error("%s", exc)
            result.setdefault("damaged", []).append(model._meta.label)
            continue
        if count:
            result[model._meta.label] = count
    return result


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a history table."""

    kind: str  # changed, no_mac, copy, removed, moved, head_altered, head_missing, head_mismatch, anchor
    model: str
    row_id: int | None = None
    seq: int | None = None
    other: int | None = None  # the original of a copy; the last removed position

    def message(self) -> str:
        values = {
            "model": self.model,
            "id": self.row_id,
            "seq": self.seq,
            "other": self.other,
        }
        texts = {
            "changed": _(
                "%(model)s row %(id)s: its content does not match its MAC (changed after it "
                "was written)."
            ),
            "no_mac": _(
                "%(model)s row %(id)s has no MAC (written around the application, or its MAC "
                "was removed)."
            ),
            "copy": _("%(model)s row %(id)s is a copy of row %(other)s (a replayed row)."),
            "removed": _(
                "%(model)s: chain positions %(seq)s to %(other)s are missing (rows removed)."
            ),
            "moved": _(
                "%(model)s row %(id)s is not where the chain put it (position %(seq)s): "
                "reordered, renumbered or its chain columns changed."
            ),
            "head_altered": _("%(model)s: the chain head does not match its MAC (altered)."),
            "head_missing": _("%(model)s: rows are sealed but the chain head is missing."),
            "head_mismatch": _(
                "%(model)s: the chain head does not match the row at position %(seq)s."
            ),
            "anchor": _(
                "%(model)s: position %(seq)s no longer has the hash recorded earlier (the "
                "chain was rewritten from there)."
            ),
        }
        return texts[self.kind] % values


@dataclass
class TableReport:
    """What :func:`verify_table` found in one history table."""

    model: str
    table: str
    rows: int = 0
    sealed: int = 0
    head_seq: int = 0
    head_hash: str = ""
    findings: list[Finding] = field(default_factory=list)
    more_findings: int = 0  # beyond MAX_FINDINGS
    changed_rows: int = 0

    @property
    def unsealed(self) -> int:
        return self.rows - self.sealed

    @property
    def problems(self) -> int:
        return len(self.findings) + self.more_findings

    @property
    def intact(self) -> bool:
        return self.problems == 0

    def add(self, finding: Finding) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)
        else:
            self.more_findings += 1


def verify_table(
    model: type[HistoryEntry],
    *,
    key: bytes | None = None,
    anchors: dict[int, str] | None = None,
) -> TableReport:
    """Recompute every row MAC and the chain of ``model``'s table.

    ``anchors`` (position → chain hash, from an earlier ``civicloop audit heads``) are
    checked too: they catch a chain rolled back with its head and rewritten."""
    key = audit_key() if key is None else key
    table = model._meta.db_table
    label = model._meta.label
    report = TableReport(model=label, table=table)
    anchors = anchors or {}
    # The head first: every row it counts was committed with it, so the rows read next
    # include them even while a sealer runs.
    head = AuditChainHead.objects.filter(table=table).first()
    hash_at: dict[int, str] = {}
    wanted = set(anchors) | ({head.seq} if head else set())
    seen: dict[bytes, int] = {}
    expected, previous = 1, genesis_hash(key, table)
    # One query, one snapshot: sealed rows in chain order, then the unsealed in id order.
    rows = (
        _rows(model).order_by(F("chain_seq").asc(nulls_last=True), "pk").iterator(chunk_size=2000)
    )
    for row in rows:
        report.rows += 1
        if not row.row_mac:
            report.add(Finding("no_mac", label, row.pk))
        elif not hmac.compare_digest(compute_row_mac(row, key), row.row_mac):
            report.changed_rows += 1
            report.add(Finding("changed", label, row.pk))
        if row.row_mac:
            short = bytes.fromhex(row.row_mac[:32]) if _is_hex(row.row_mac) else row.row_mac
            if short in seen:
                report.add(Finding("copy", label, row.pk, other=seen[short]))
            else:
                seen[short] = row.pk
        seq = row.chain_seq
        if seq is None:
            continue
        report.sealed += 1
        if seq in wanted:
            hash_at[seq] = row.chain_hash
        if seq < expected:  # a second row claiming a position already taken
            report.add(Finding("moved", label, row.pk, seq=seq))
            continue
        if seq > expected:  # a gap: the link into this row cannot be checked
            report.add(Finding("removed", label, seq=expected, other=seq - 1))
        elif not hmac.compare_digest(
            chain_link(key, table, previous, seq, row.pk, row.row_mac), row.chain_hash
        ):
            report.add(Finding("moved", label, row.pk, seq=seq))
        previous, expected = row.chain_hash, seq + 1
    last = expected - 1
    if head is None:
        if report.sealed:
            report.add(Finding("head_missing", label))
    else:
        report.head_seq, report.head_hash = head.seq, head.chain_hash
        if not hmac.compare_digest(head.head_mac, head_mac(key, table, head.seq, head.chain_hash)):
            report.add(Finding("head_altered", label))
        elif head.seq > last:
            report.add(Finding("removed", label, seq=last + 1, other=head.seq))
        elif head.seq and hash_at.get(head.seq) != head.chain_hash:
            report.add(Finding("head_mismatch", label, seq=head.seq))
    for seq, recorded in sorted(anchors.items()):
        if hash_at.get(seq) != recorded:
            report.add(Finding("anchor", label, seq=seq))
    return report


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return len(text) == 64


def verify(
    models_: Iterable[type[HistoryEntry]] | None = None,
    *,
    anchors: dict[str, dict[int, str]] | None = None,
) -> list[TableReport]:
    """:func:`verify_table` for every history table (or the given ones). ``anchors`` is
    keyed by table name."""
    anchors = anchors or {}
    return [
        verify_table(model, anchors=anchors.get(model._meta.db_table))
        for model in (history_models() if models_ is None else models_)
    ]


def heads() -> list[AuditChainHead]:
    """Every chain head, by table: record them somewhere else (``civicloop audit heads``)
    and give them back to ``verify --anchors`` later."""
    return list(AuditChainHead.objects.order_by("table"))


# --- rotating the key ------------------------------------------------------------------------


def rekey(new_key: bytes, *, by=None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Re-MAC every history row and re-link every chain with ``new_key``, in one
    transaction, after checking everything under the current key (a damaged trail is
    never re-signed: :class:`AuditTrailDamaged`). Records the rotation as an
    :class:`AuditTrailHistory` row MACed with the new key. Rows per label.

    Run it with the web processes and the worker stopped, then configure the new key
    (rows inserted meanwhile with the old key would fail verification)."""
    old_key = audit_key()
    if len(new_key) < MIN_KEY_LENGTH:
        raise ValueError(
            _("The new key must have at least %(count)s characters.") % {"count": MIN_KEY_LENGTH}
        )
    if hmac.compare_digest(new_key, old_key):
        raise ValueError(_("The new key is the key in use."))
    damaged = [report for report in verify() if not report.intact]
    if damaged:
        raise AuditTrailDamaged(
            _("The audit trail is damaged in %(tables)s; nothing was re-keyed.")
            % {"tables": ", ".join(report.model for report in damaged)}
        )
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model in history_models():
            counts[model._meta.label] = _rekey_table(model, old_key, new_key, batch_size)
        with using_audit_key(new_key):
            AuditTrailHistory.objects.create(
                actor=by,
                action="rekey",
                details={
                    "from_key": key_fingerprint(old_key),
                    "to_key": key_fingerprint(new_key),
                    "rows": sum(counts.values()),
                },
            )
    return counts


def _rekey_table(model: type[HistoryEntry], old_key: bytes, new_key: bytes, batch_size: int) -> int:
    table = model._meta.db_table
    head = _head(table, old_key)
    count, seq, previous = 0, 0, genesis_hash(new_key, table)
    # Sealed rows in chain order (each link needs the one before), then the unsealed.
    sealed = _rows(model).filter(chain_seq__isnull=False).order_by("chain_seq")
    while batch := list(sealed.filter(chain_seq__gt=seq)[:batch_size]):
        for row in batch:
            row.row_mac = compute_row_mac(row, new_key)
            previous = chain_link(new_key, table, previous, row.chain_seq, row.pk, row.row_mac)
            row.chain_hash, seq = previous, row.chain_seq
        _write(model, batch, ["row_mac", "chain_hash"])
        count += len(batch)
    unsealed = _rows(model).filter(chain_seq__isnull=True).order_by("pk")
    last_id = 0
    while batch := list(unsealed.filter(pk__gt=last_id)[:batch_size]):
        for row in batch:
            row.row_mac = compute_row_mac(row, new_key)
        _write(model, batch, ["row_mac"])
        last_id = batch[-1].pk
        count += len(batch)
    _set_head(head, new_key, seq, previous)
    return count


# --- migrations: rows written before the audit columns ---------------------------------------


class AddAuditChainFields(Operation):
    """Add the four tamper-evidence columns (``row_nonce``, ``row_mac``, ``chain_seq``,
    ``chain_hash``) to history tables — the ``*_audit_chain`` migrations.

    One operation for several tables because Django's ``AddField`` on SQLite rebuilds the whole
    table for each column that is NOT NULL (copy, drop, rename), and 44 rebuilds doubled the time
    to create a database (every test process, every ``civicloop demo``). SQLite adds such a
    column in place when it carries a constant default, so there the columns are added with
    ``DEFAULT ''`` (Django never relies on a database default; the fill step gives old rows their
    nonce and MAC). Other databases get the schema editor's ``add_field``, as ``AddField`` does.
    The definitions are frozen here as they were when the migrations were written: a later change
    to ``HistoryEntry`` needs a migration of its own."""

    reversible = True

    def __init__(self, model_names):
        self.model_names = [name.lower() for name in model_names]

    @staticmethod
    def fields() -> list[tuple[str, models.Field]]:
        return [
            (
                "chain_hash",
                models.CharField(
                    blank=True, editable=False, max_length=64, verbose_name="chain hash"
                ),
            ),
            (
                "chain_seq",
                models.PositiveBigIntegerField(
                    blank=True,
                    db_index=True,
                    editable=False,
                    null=True,
                    verbose_name="chain position",
                ),
            ),
            (
                "row_mac",
                RowMACField(blank=True, editable=False, max_length=64, verbose_name="row MAC"),
            ),
            (
                "row_nonce",
                models.CharField(
                    default=new_row_nonce, editable=False, max_length=32, verbose_name="row nonce"
                ),
            ),
        ]

    def deconstruct(self):
        return (self.__class__.__name__, [], {"model_names": self.model_names})

    def state_forwards(self, app_label, state):
        for name in self.model_names:
            model_state = state.models[app_label, name]
            for field_name, definition in self.fields():
                model_state.fields[field_name] = definition
            # None of the columns is a relation: one delayed reload per table, not per column.
            state.reload_model(app_label, name, delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        sqlite = schema_editor.connection.vendor == "sqlite"
        quote = schema_editor.quote_name
        for name in self.model_names:
            from_model = from_state.apps.get_model(app_label, name)
            to_model = to_state.apps.get_model(app_label, name)
            if not self.allow_migrate_model(schema_editor.connection.alias, to_model):
                continue
            for field_name, _field in self.fields():
                column = to_model._meta.get_field(field_name)
                if not sqlite:
                    schema_editor.add_field(from_model, column)
                    continue
                definition, params = schema_editor.column_sql(to_model, column)
                if not column.null:
                    definition += " DEFAULT ''"
                schema_editor.execute(
                    f"ALTER TABLE {quote(to_model._meta.db_table)} "
                    f"ADD COLUMN {quote(column.column)} {definition}",
                    params or None,
                )
                schema_editor.deferred_sql.extend(
                    schema_editor._field_indexes_sql(to_model, column)
                )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Not ``remove_field`` on SQLite: it rebuilds the table from the model, which still has
        # the columns not yet dropped — they would come back. Drop each column (and the index
        # on chain_seq) in place instead.
        sqlite = schema_editor.connection.vendor == "sqlite"
        quote = schema_editor.quote_name
        for name in self.model_names:
            model = from_state.apps.get_model(app_label, name)
            if not self.allow_migrate_model(schema_editor.connection.alias, model):
                continue
            for field_name, _field in self.fields():
                column = model._meta.get_field(field_name)
                if not sqlite:
                    schema_editor.remove_field(model, column)
                    continue
                for index in schema_editor._constraint_names(model, [column.column], index=True):
                    schema_editor.execute(schema_editor._delete_index_sql(model, index))
                schema_editor.execute(
                    f"ALTER TABLE {quote(model._meta.db_table)} DROP COLUMN {quote(column.column)}"
                )

    def describe(self):
        return f"Add the audit-chain columns to {', '.join(self.model_names)}"

    @property
    def migration_name_fragment(self):
        return "audit_chain"


def fill_row_macs(
    apps_,
    app_label: str,
    model_name: str,
    *,
    using: str = DEFAULT_DB_ALIAS,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Give the rows of a history table written before tamper evidence existed a nonce and
    a MAC (the ``*_audit_chain`` migrations); the worker's seal then chains them. How many."""
    model = apps_.get_model(app_label, model_name)
    rows = models.QuerySet(model=model, using=using).filter(row_mac="").order_by("pk")
    count, last = 0, 0
    while batch := list(rows.filter(pk__gt=last)[:batch_size]):
        for row in batch:
            row.row_nonce = new_row_nonce()
            row.row_mac = compute_row_mac(row)
        _write(model, batch, ["row_nonce", "row_mac"], using=using)
        count, last = count + len(batch), batch[-1].pk
    return count


# --- deployment check ------------------------------------------------------------------------


def check_audit_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: the audit key should be set on its own, and long enough."""
    configured = getattr(settings, "CIVICLOOP_AUDIT_KEY", "")
    if not configured:
        return [
            checks.Warning(
                "CIVICLOOP_AUDIT_KEY is not set: history MACs use a key derived from "
                "SECRET_KEY, so changing SECRET_KEY makes every history row fail "
                "`civicloop audit verify`.",
                hint="Set CIVICLOOP_AUDIT_KEY (or CIVICLOOP_AUDIT_KEY_FILE) to a random "
                "value of 32+ characters kept apart from the database; see docs/security.md.",
                id="audit.W001",
            )
        ]
    if len(configured) < MIN_KEY_LENGTH:
        return [
            checks.Warning(
                f"CIVICLOOP_AUDIT_KEY has fewer than {MIN_KEY_LENGTH} characters.",
                hint="Rotate it with `civicloop audit rekey`; see docs/security.md.",
                id="audit.W002",
            )
        ]
    return []
