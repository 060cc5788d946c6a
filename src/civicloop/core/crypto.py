"""Personal data encrypted at rest: ID numbers, phone numbers, document snapshots.

* :class:`EncryptedCharField` / :class:`EncryptedJSONField` store a Fernet token
  (AES-128-CBC + HMAC-SHA256, from ``cryptography``) prefixed with the id of the key that made it:
  ``<kid>$<token>``, ``kid`` being the first 8 hex digits of the SHA-256 of the key. Python code
  reads and writes plain values; the column never holds them. An empty value stays empty, so
  ``field=""`` conditions (constraints, "has no ID number") keep working.
* :class:`DigestField` holds the blind index of an encrypted field: HMAC-SHA256 (with the index
  key) of the normalised value, or "" for an empty one. It is computed from its source field on
  every read of the attribute, so it is never stale on an instance (``save``, ``bulk_create``,
  constraint validation). Uniqueness is declared on it.
* An exact match on an encrypted field (``filter(id_number=X)``, ``__in``, across joins) is
  answered through its digest column — the only way, since the same value encrypts differently
  every time. Other lookups (``icontains``…) are refused by the ORM (``FieldError``); an encrypted
  field without a digest matches only "" (empty).

Keys (``settings``, read from the environment; ``*_FILE`` variants for files):

* ``CIVICLOOP_FIELD_KEYS`` — Fernet keys separated by commas, spaces or lines; the first encrypts,
  all decrypt (key rotation: put the new key first, run ``civicloop encryption rotate``, then
  remove the old one);
* ``CIVICLOOP_FIELD_INDEX_KEY`` — the digest key (at least 32 characters).

Without them (development, tests, the demo) keys are derived from ``SECRET_KEY`` and the deploy
checks warn (crypto.W001, crypto.W002); the derived field key stays readable after real keys are
set, so ``civicloop encryption rotate`` can move rows off it. An unusable key is an error
(crypto.E001). See docs/security.md, "Personal data at rest".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models import lookups
from django.db.models.expressions import Col
from django.utils.translation import gettext as _

KEY_SETTINGS = ("CIVICLOOP_FIELD_KEYS", "CIVICLOOP_FIELD_INDEX_KEY", "SECRET_KEY")
MIN_INDEX_KEY_LENGTH = 32
TOKEN = re.compile(r"^([0-9a-f]{8})\$(gAAAAA[A-Za-z0-9_\-=]+)$")


class EncryptedDataError(Exception):
    """A stored value cannot be decrypted: its key is not configured, or it was altered."""


# --- keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldKey:
    kid: str
    fernet: Fernet
    derived: bool = False  # from SECRET_KEY: development only


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[FieldKey, ...]  # the first encrypts
    index_key: bytes
    index_derived: bool

    @property
    def current(self) -> FieldKey:
        return self.keys[0]

    def by_kid(self, kid: str) -> FieldKey | None:
        return next((k for k in self.keys if k.kid == kid), None)


def key_id(raw_key: str | bytes) -> str:
    raw = raw_key.encode("ascii") if isinstance(raw_key, str) else raw_key
    return hashlib.sha256(raw).hexdigest()[:8]


def split_keys(text: str | Iterable[str]) -> list[str]:
    """Keys from a setting or a key file: separated by commas, spaces or lines; ``#`` comments."""
    if not isinstance(text, str):
        text = "\n".join(text)
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return [key for line in lines for key in re.split(r"[\s,]+", line) if key]


def _fernet(raw: str, position: int) -> Fernet:
    try:
        return Fernet(raw.encode("ascii"))
    except (ValueError, UnicodeEncodeError, binascii.Error) as exc:
        raise ImproperlyConfigured(
            f"CIVICLOOP_FIELD_KEYS: key {position} is not a Fernet key (32 bytes in url-safe "
            "base64, as `civicloop encryption generate-key` prints)"
        ) from exc


def _derived(label: str) -> bytes:
    return hashlib.sha256(f"civicloop {label}\0{settings.SECRET_KEY}".encode()).digest()


def _derived_field_key() -> FieldKey:
    raw = base64.urlsafe_b64encode(_derived("field encryption"))
    return FieldKey(kid=key_id(raw), fernet=Fernet(raw), derived=True)


def configured_field_keys() -> list[str]:
    return split_keys(getattr(settings, "CIVICLOOP_FIELD_KEYS", "") or "")


def configured_index_key() -> str:
    return (getattr(settings, "CIVICLOOP_FIELD_INDEX_KEY", "") or "").strip()


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    """The configured keys (ImproperlyConfigured when one is unusable)."""
    keys = [
        FieldKey(kid=key_id(raw), fernet=_fernet(raw, n))
        for n, raw in enumerate(configured_field_keys(), start=1)
    ]
    derived = _derived_field_key()
    if derived.kid not in {k.kid for k in keys}:
        keys.append(derived)  # encrypts only when no key is configured; always decrypts
    index = configured_index_key()
    if index and len(index) < MIN_INDEX_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"CIVICLOOP_FIELD_INDEX_KEY must have at least {MIN_INDEX_KEY_LENGTH} characters "
            "(`civicloop encryption generate-key --index` prints one)"
        )
    return KeyRing(
        keys=tuple(keys),
        index_key=index.encode() if index else _derived("field index"),
        index_derived=not index,
    )


def _forget_keys(*, setting, **kwargs):
    if setting in KEY_SETTINGS:
        keyring.cache_clear()


setting_changed.connect(_forget_keys)


# --- values --------------------------------------------------------------------------------


def is_encrypted(stored: str) -> bool:
    return bool(stored) and TOKEN.match(stored) is not None


def stored_key_id(stored: str) -> str | None:
    match = TOKEN.match(stored or "")
    return match.group(1) if match else None


def encrypt(plain: str) -> str:
    """The stored form of a non-empty text, with the current key."""
    key = keyring().current
    return f"{key.kid}${key.fernet.encrypt(plain.encode('utf-8')).decode('ascii')}"


def decrypt(stored: str, *, where: str = "") -> str:
    """The plain text of a stored value; EncryptedDataError names the column and the key."""
    match = TOKEN.match(stored)
    if match is None:
        raise EncryptedDataError(
            _(
                "The value in %(where)s is not encrypted (run the migrations, or `civicloop "
                "encryption rotate`)."
            )
            % {"where": where or "?"}
        )
    kid, token = match.groups()
    key = keyring().by_kid(kid)
    if key is None:
        raise EncryptedDataError(
            _(
                "The value in %(where)s was encrypted with key %(kid)s, which is not configured: "
                "add it to CIVICLOOP_FIELD_KEYS (see docs/security.md)."
            )
            % {"where": where or "?", "kid": kid}
        )
    try:
        return key.fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise EncryptedDataError(
            _("The value in %(where)s does not match its key %(kid)s: it was altered.")
            % {"where": where or "?", "kid": kid}
        ) from exc


# --- digests (blind index) -----------------------------------------------------------------


def normalise_identifier(value: str) -> str:
    """ID numbers, codes: no spaces, upper case (a final x is X)."""
    return re.sub(r"\s+", "", value or "").upper()


def normalise_phone(value: str) -> str:
    """Phone numbers: the digits (and a leading +) only, so 0573-86123456 = 057386123456."""
    text = re.sub(r"[^\d+]", "", value or "")
    return text[:1] + text[1:].replace("+", "")


NORMALISERS: dict[str, Callable[[str], str]] = {
    "identifier": normalise_identifier,
    "phone": normalise_phone,
}


def digest(value: str, *, kind: str = "identifier") -> str:
    """HMAC-SHA256 of the normalised value in hex; "" for an empty value."""
    text = NORMALISERS[kind](value or "")
    if not text:
        return ""
    return hmac.new(keyring().index_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


# --- fields --------------------------------------------------------------------------------


def _where(field) -> str:
    model = getattr(field, "model", None)
    table = model._meta.db_table if model is not None else "?"
    return f"{table}.{field.column}"


class _ExactThroughDigest(lookups.Exact):
    """``encrypted = X``: ``digest column = HMAC(X)``; ``encrypted = ""`` compares directly."""

    prepare_rhs = False

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{_where(self.lhs.output_field)} is encrypted: compare it with a value, not "
                "an expression."
            )
        return self.rhs

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        if self.rhs in ("", None):
            return lookups.Exact(self.lhs, "").as_sql(compiler, connection)
        target = field.digest_field()
        if target is None or not isinstance(self.lhs, Col):
            raise FieldError(
                f"{_where(field)} is encrypted and has no digest: it can only be compared with ''."
            )
        column = Col(self.lhs.alias, target)
        return lookups.Exact(column, target.digest(str(self.rhs))).as_sql(compiler, connection)


class _InThroughDigest(lookups.In):
    prepare_rhs = False

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression") or isinstance(self.rhs, str):
            raise FieldError(
                f"{_where(self.lhs.output_field)} is encrypted: __in takes a list of values."
            )
        return [str(v) for v in self.rhs if v is not None]

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        target = field.digest_field()
        if target is None or not isinstance(self.lhs, Col):
            raise FieldError(f"{_where(field)} is encrypted and has no digest to match against.")
        column = Col(self.lhs.alias, target)
        values = sorted({target.digest(v) for v in self.rhs})
        return lookups.In(column, values).as_sql(compiler, connection)


class EncryptedCharField(models.CharField):
    """A short text (ID number, phone number) stored encrypted in a text column.

    ``max_length`` limits the plain value (forms, validation); the column holds the token.
    Pair it with a :class:`DigestField` to match it exactly or make it unique.
    """

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, where=_where(self))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _ExactThroughDigest
        if lookup_name == "in":
            return _InThroughDigest
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # the ORM answers FieldError "Unsupported lookup"

    def get_transform(self, lookup_name):
        return None

    def digest_field(self) -> DigestField | None:
        model = getattr(self, "model", None)
        if model is None:
            return None
        for field in model._meta.concrete_fields:
            if isinstance(field, DigestField) and field.source == self.name:
                return field
        return None


class EncryptedJSONField(models.Field):
    """A JSON value (dict, list…) stored encrypted in a text column; read and written whole
    (no lookups into it)."""

    empty_strings_allowed = False
    description = "JSON, encrypted at rest"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return json.loads(decrypt(value, where=_where(self)))

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None

    def value_to_string(self, obj):
        return self.value_from_object(obj)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


class _DigestAttribute:
    """Reads compute the digest from the source field's current value (when it is loaded);
    writes (from the database, ``Model.__init__``) are kept only for a deferred source."""

    def __init__(self, field: DigestField):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        source = self.field.source_attname()
        if source in instance.__dict__:
            return self.field.digest(instance.__dict__[source])
        return instance.__dict__.get(self.field.attname, "")

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class DigestField(models.CharField):
    """The blind index of an encrypted field (``source``): HMAC-SHA256 of its normalised value
    (``normalise``: "identifier" or "phone"), "" when it is empty. Not editable; declare
    uniqueness and indexes on it."""

    descriptor_class = _DigestAttribute

    def __init__(self, *args, source: str, normalise: str = "identifier", **kwargs):
        if normalise not in NORMALISERS:
            raise ValueError(f"normalise must be one of {sorted(NORMALISERS)}")
        self.source = source
        self.normalise = normalise
        kwargs.update(max_length=64, editable=False, blank=True, default="")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "editable", "blank", "default"):
            kwargs.pop(fixed, None)
        kwargs.update(source=self.source, normalise=self.normalise)
        return name, path, args, kwargs

    def source_attname(self) -> str:
        return self.model._meta.get_field(self.source).attname

    def digest(self, value: str | None) -> str:
        return digest(value or "", kind=self.normalise)


# --- checks (registered by CoreConfig.ready) -----------------------------------------------


def check_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """crypto.E001: a configured key is unusable (always checked)."""
    try:
        keyring()
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                str(exc),
                hint="See docs/security.md, “Personal data at rest”.",
                id="crypto.E001",
            )
        ]
    return []


def check_keys_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """crypto.W001/W002 (deploy): keys derived from SECRET_KEY are for development only."""
    found = []
    if not configured_field_keys():
        found.append(
            checks.Warning(
                "CIVICLOOP_FIELD_KEYS is not set: ID numbers and phone numbers are encrypted "
                "with a key derived from SECRET_KEY.",
                hint="Set CIVICLOOP_FIELD_KEYS_FILE to a key file (`civicloop encryption "
                "generate-key`), back it up apart from the database, then run `civicloop "
                "encryption rotate`.",
                id="crypto.W001",
            )
        )
    if not configured_index_key():
        found.append(
            checks.Warning(
                "CIVICLOOP_FIELD_INDEX_KEY is not set: the digests that find parties by ID "
                "number are keyed from SECRET_KEY.",
                hint="Set CIVICLOOP_FIELD_INDEX_KEY_FILE (`civicloop encryption generate-key "
                "--index`), then run `civicloop encryption rotate`.",
                id="crypto.W002",
            )
        )
    return found


def register_checks() -> None:
    checks.register(check_keys, checks.Tags.security)
    checks.register(check_keys_configured, checks.Tags.security, deploy=True)


# --- every encrypted column: rotation, status, migrations ----------------------------------


@dataclass
class EncryptedColumns:
    """The encrypted columns of one model, with their digests, read and written in raw SQL
    (so nothing else about the model — append-only managers, auto_now — is involved)."""

    model: type[models.Model]
    encrypted: list[models.Field]
    digests: list[DigestField]

    @property
    def label(self) -> str:
        return self.model._meta.label

    def columns(self) -> list[str]:
        return [f.column for f in self.encrypted] + [d.column for d in self.digests]


def encrypted_models(models_: Iterable[type[models.Model]] | None = None) -> list[EncryptedColumns]:
    if models_ is None:
        from django.apps import apps

        models_ = apps.get_models()
    found = []
    for model in models_:
        fields = model._meta.concrete_fields
        encrypted = [f for f in fields if isinstance(f, EncryptedCharField | EncryptedJSONField)]
        if encrypted and not model._meta.proxy:
            digests = [f for f in fields if isinstance(f, DigestField)]
            found.append(EncryptedColumns(model, encrypted, digests))
    return found


def _run_batches(connection, spec: EncryptedColumns, batch_size: int, rewrite) -> None:
    """Rows in primary-key order, each batch read (locked on PostgreSQL) and rewritten in its
    own transaction; ``rewrite(row)`` returns the columns to change."""
    qn = connection.ops.quote_name
    table, pk = qn(spec.model._meta.db_table), qn(spec.model._meta.pk.column)
    columns = spec.columns()
    select = ", ".join([pk] + [qn(c) for c in columns])
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    last = None
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            where = "" if last is None else f" WHERE {pk} > %s"
            params = [] if last is None else [last]
            cursor.execute(
                f"SELECT {select} FROM {table}{where} ORDER BY {pk} LIMIT %s{lock}",
                [*params, batch_size],
            )
            rows = [dict(zip(["pk", *columns], row, strict=True)) for row in cursor.fetchall()]
            if not rows:
                return
            for row in rows:
                changes = rewrite(row)
                if changes:
                    sets = ", ".join(f"{qn(c)} = %s" for c in changes)
                    cursor.execute(
                        f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*changes.values(), row["pk"]]
                    )
        last = rows[-1]["pk"]


def _plain_of(field, stored):
    """A stored value as plain text (JSON as text), whether encrypted or not yet."""
    if stored is None or stored == "":
        return stored
    if isinstance(stored, bytes | memoryview):
        stored = bytes(stored).decode("utf-8")
    if not isinstance(stored, str):  # jsonb read back as a Python value (psycopg)
        return json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
    return decrypt(stored, where=_where(field)) if is_encrypted(stored) else stored


def rewrite_all(
    spec: EncryptedColumns, *, using: str = "default", batch_size: int = 500, decrypt_to_plain=False
) -> dict[str, int]:
    """Bring every row of a model to the current keys: re-encrypt what another key encrypted (or
    what is not encrypted yet) and rewrite digests that differ. ``decrypt_to_plain`` does the
    reverse (for migrating back). Returns counts."""
    from django.db import connections

    connection = connections[using]
    current = keyring().current.kid
    counts = {"rows": 0, "reencrypted": 0, "digests": 0}
    by_name = {f.name: f for f in spec.encrypted}

    def rewrite(row: dict) -> dict:
        counts["rows"] += 1
        changes = {}
        plain_by_name = {}
        for field in spec.encrypted:
            stored = row[field.column]
            plain = _plain_of(field, stored)
            plain_by_name[field.name] = plain
            if plain is None or plain == "":
                continue
            if decrypt_to_plain:
                if is_encrypted(stored):
                    changes[field.column] = plain
            elif stored_key_id(stored) != current:
                changes[field.column] = encrypt(plain)
                counts["reencrypted"] += 1
        for field in spec.digests:
            source = by_name.get(field.source)
            if source is None:
                continue
            plain = plain_by_name[field.source] or ""
            wanted = "" if decrypt_to_plain else field.digest(plain)
            if row[field.column] != wanted:
                changes[field.column] = wanted
                counts["digests"] += 1
        return changes

    _run_batches(connection, spec, batch_size, rewrite)
    return counts


def key_usage(spec: EncryptedColumns, *, using: str = "default") -> dict[str, dict[str, int]]:
    """For each encrypted field: how many stored values each key id made ("" = empty,
    "plain" = not encrypted), counted by the database from the values' key-id prefixes."""
    from django.db import connections

    connection = connections[using]
    qn = connection.ops.quote_name
    usage: dict[str, dict[str, int]] = {}
    for field in spec.encrypted:
        column, table = qn(field.column), qn(spec.model._meta.db_table)
        counts: dict[str, int] = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT SUBSTR({column}, 1, 9), COUNT(*) FROM {table} "
                f"WHERE {column} IS NOT NULL GROUP BY SUBSTR({column}, 1, 9)"
            )
            for prefix, count in cursor.fetchall():
                if prefix == "":
                    kid = ""
                elif re.fullmatch(r"[0-9a-f]{8}\$", prefix):
                    kid = prefix[:8]
                else:
                    kid = "plain"
                counts[kid] = counts.get(kid, 0) + count
        usage[field.name] = counts
    return usage


def migration_operations(app_label: str, *model_names: str):
    """The two RunPython functions of a data migration that encrypts the encrypted fields of
    these models (and fills their digests) — and, backwards, decrypts them and empties the
    digests — through the historical models, in batches."""

    def _specs(apps):
        return encrypted_models([apps.get_model(app_label, name) for name in model_names])

    def forward(apps, schema_editor):
        for spec in _specs(apps):
            rewrite_all(spec, using=schema_editor.connection.alias)

    def backward(apps, schema_editor):
        for spec in _specs(apps):
            rewrite_all(spec, using=schema_editor.connection.alias, decrypt_to_plain=True)

    return forward, backward


def generate_field_key() -> str:
    return Fernet.generate_key().decode("ascii")


def generate_index_key() -> str:
    import secrets

    return secrets.token_urlsafe(MIN_INDEX_KEY_LENGTH)
