"""Append-only history rows, one table per workflow model.

Timelines, KPIs and audits read from these rows; nothing edits or deletes them.

Each row is also tamper-evident (docs/security.md, "Audit trail"): on insert — ``save()``,
``objects.create()`` and ``bulk_create()`` alike, since Django prepares every inserted
field through ``Field.pre_save`` — the row gets ``row_mac``, a keyed MAC (HMAC-SHA256 with
``CIVICLOOP_AUDIT_KEY``) of its own content and a random ``row_nonce``. Inserting takes no
lock. Later, ``core.audit.seal`` links the committed rows of each table into a hash chain
(``chain_seq``, ``chain_hash``) and ``civicloop audit verify`` checks both.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- the audit key ---------------------------------------------------------------------------

_key_override: ContextVar[bytes | None] = ContextVar("civicloop_audit_key", default=None)


def audit_key() -> bytes:
    """The key of row MACs and chain links: ``CIVICLOOP_AUDIT_KEY``, else one derived from
    ``SECRET_KEY`` (a deploy check warns: changing SECRET_KEY would then change it)."""
    override = _key_override.get()
    if override is not None:
        return override
    configured = getattr(settings, "CIVICLOOP_AUDIT_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"civicloop.audit.key", hashlib.sha256).digest()


@contextmanager
def using_audit_key(key: bytes) -> Iterator[None]:
    """Rows inserted inside the block are MACed with ``key`` (``audit rekey``)."""
    token = _key_override.set(key)
    try:
        yield
    finally:
        _key_override.reset(token)


def key_fingerprint(key: bytes | None = None) -> str:
    """A short name of a key that reveals nothing of it (reports, the rotation record)."""
    key = audit_key() if key is None else key
    return hmac.new(key, b"civicloop.audit.fingerprint", hashlib.sha256).hexdigest()[:16]


# --- a row's canonical content and its MAC ---------------------------------------------------

# Columns the MAC does not cover: the MAC itself and the chain written when the row is sealed.
AUDIT_COLUMNS = frozenset({"row_mac", "chain_seq", "chain_hash"})


def _plain_json(value):
    """JSON as the database gives it back: floats with an integral value as integers
    (PostgreSQL's jsonb returns 1e20 as 100000000000000000000)."""
    if isinstance(value, dict):
        return {k: _plain_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_json(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _canonical_value(field: models.Field, value):
    """``value`` of ``field`` the same way before the insert and when read back; None for
    an empty value (so a field added later with an empty default leaves old MACs valid)."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        encoded = json.dumps(value, cls=field.encoder or DjangoJSONEncoder)
        value = _plain_json(json.loads(encoded))
        return None if value in ("", {}, []) else value
    value = field.to_python(value)
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def canonical_content(row: models.Model) -> bytes:
    """The bytes a row's MAC covers: its table and every column but the id and the audit
    columns, empty ones left out."""
    content = {}
    for field in type(row)._meta.concrete_fields:
        if field.primary_key or field.attname in AUDIT_COLUMNS:
            continue
        value = _canonical_value(field, getattr(row, field.attname))
        if value is not None:
            content[field.attname] = value
    document = [type(row)._meta.db_table, content]
    return json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder
    ).encode()


def compute_row_mac(row: models.Model, key: bytes | None = None) -> str:
    key = audit_key() if key is None else key
    return hmac.new(key, b"row\x00" + canonical_content(row), hashlib.sha256).hexdigest()


def new_row_nonce() -> str:
    """Makes every row's MAC unique, so a copy of a row (replayed into the table) shows."""
    return secrets.token_hex(16)


class RowMACField(models.CharField):
    """``row_mac``: computed from the row's content whenever the row is inserted, by
    ``save()`` and ``bulk_create()`` alike (both prepare each field through ``pre_save``;
    loading a fixture — ``raw`` — keeps the stored MAC)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        if add:
            setattr(model_instance, self.attname, compute_row_mac(model_instance))
        return getattr(model_instance, self.attname)


# --- the rows --------------------------------------------------------------------------------


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("history rows are append-only")

    def delete(self):
        raise TypeError("history rows are append-only")


class HistoryEntry(models.Model):
    """Who did what, when, from which state to which, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted (deadline sweep) or a member of the public."),
    )
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from state"), max_length=30, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Tamper evidence (core/audit.py): written on insert, and by sealing, never by hand.
    row_nonce = models.CharField(
        _("row nonce"), max_length=32, default=new_row_nonce, editable=False
    )
    row_mac = RowMACField(_("row MAC"))
    chain_seq = models.PositiveBigIntegerField(
        _("chain position"), null=True, blank=True, editable=False, db_index=True
    )
    chain_hash = models.CharField(_("chain hash"), max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("history rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("history rows are append-only")
