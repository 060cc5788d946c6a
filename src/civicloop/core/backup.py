"""Backup and restore of the whole database, with a manifest that proves the copy.

``civicloop backup PATH`` writes the database to ``PATH`` and, beside it,
``PATH.manifest.json``: the dump's SHA-256 and size, the number of rows of every table, and
for every history table (concrete subclasses of :class:`core.history.HistoryEntry`) its row
count and a SHA-256 over all its rows in id order. ``civicloop restore PATH`` checks the
dump against its SHA-256 *before* touching the target, refuses a target that already holds
tables unless told ``--force``, restores, and compares the restored database with the
manifest: every count and every history hash must be the same.

* PostgreSQL: ``pg_dump -Fc`` / ``pg_restore`` (binaries from ``PG_BIN_DIR``, else PATH).
  The manifest is read inside the very snapshot ``pg_dump`` copies (a REPEATABLE READ
  transaction whose snapshot is exported and handed to ``pg_dump --snapshot``), so the
  manifest and the dump agree while the site keeps working.
* SQLite: the online backup API of ``sqlite3`` (a consistent copy of a database in use);
  the manifest is read from the copy.

A dump restores into the same kind of database it came from. The secrets that are not in
the database (``SECRET_KEY``, key files) must be backed up separately: docs/deployment.md.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import history_models

MANIFEST_FORMAT = 1
MANIFEST_SUFFIX = ".manifest.json"
HASH_CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


# --- where things are ------------------------------------------------------------------


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def vendor_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(
        _("Backup and restore support PostgreSQL and SQLite, not %(engine)s.") % {"engine": engine}
    )


def database_settings(url: str | None = None) -> dict:
    """The settings of the database to work on: ``url``, else the site's database (as the
    running process sees it, so a test database under pytest)."""
    if url:
        raw = dj_database_url.parse(url)
    else:
        raw = dict(connections["default"].settings_dict)
    # configure_settings fills in what a connection needs (it insists on a "default").
    return connections.configure_settings({"default": raw})["default"]


def open_connection(settings_dict: dict):
    """A connection of its own (not the site's), closed by the caller."""
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, alias=f"civicloop_backup_{uuid.uuid4().hex}")


def pg_binary(name: str) -> str:
    folder = getattr(settings, "PG_BIN_DIR", "")
    path = str(Path(folder) / name) if folder else shutil.which(name)
    if not path or not Path(path).exists():
        raise BackupError(
            _(
                "%(program)s was not found. Install the PostgreSQL client programs of the "
                "server's version or set PG_BIN_DIR to their folder."
            )
            % {"program": name}
        )
    return path


def pg_environment(settings_dict: dict) -> dict:
    """libpq's variables for the connection (the password stays out of the command line)."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    values = {
        "PGHOST": settings_dict.get("HOST") or options.get("host"),
        "PGPORT": settings_dict.get("PORT") or options.get("port"),
        "PGUSER": settings_dict.get("USER") or options.get("user"),
        "PGPASSWORD": settings_dict.get("PASSWORD") or options.get("password"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def run_pg(args: list[str], settings_dict: dict) -> None:
    done = subprocess.run(
        args, env=pg_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(args[0]).name, "error": done.stderr.strip()[-2000:]}
        )


# --- the manifest ----------------------------------------------------------------------


def history_tables() -> dict[str, tuple[str, list[str]]]:
    """Every history table: ``{table: (primary key column, [columns])}``."""
    tables = {}
    for model in history_models():
        columns = [f.column for f in model._meta.concrete_fields]
        tables[model._meta.db_table] = (model._meta.pk.column, columns)
    return dict(sorted(tables.items()))


def _canonical(value) -> object:
    """One spelling per value, whichever driver read it."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read_manifest_data(cursor, table_names: list[str]) -> dict:
    """Row counts of every table and the hashes of the history tables, read through
    ``cursor`` (one transaction, so one moment of the database)."""
    counts = {}
    for table in sorted(table_names):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    history = {}
    for table, (pk, columns) in history_tables().items():
        if table not in counts:
            continue
        digest = hashlib.sha256()
        rows = 0
        cursor.execute(
            f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)} "
            f"ORDER BY {_quote(pk)}"
        )
        while batch := cursor.fetchmany(2000):
            for row in batch:
                line = json.dumps([_canonical(v) for v in row], ensure_ascii=False, default=str)
                digest.update(line.encode("utf-8") + b"\n")
                rows += 1
        history[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return {"tables": counts, "history": history}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Comparison:
    """What differs between a manifest and a database; empty when they agree."""

    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def compare(expected: dict, actual: dict) -> Comparison:
    result = Comparison()
    want, have = expected["tables"], actual["tables"]
    for table in sorted(set(want) | set(have)):
        if table not in have:
            result.differences.append(_("table %(table)s is missing") % {"table": table})
        elif table not in want:
            result.differences.append(_("table %(table)s is not in the backup") % {"table": table})
        elif want[table] != have[table]:
            result.differences.append(
                _("table %(table)s: %(have)d rows, the backup had %(want)d")
                % {"table": table, "have": have[table], "want": want[table]}
            )
    for table, entry in sorted(expected["history"].items()):
        found = actual["history"].get(table)
        if found is not None and found["sha256"] != entry["sha256"]:
            result.differences.append(
                _("history table %(table)s: its rows differ from the backup's (hash)")
                % {"table": table}
            )
    return result


# --- backup ----------------------------------------------------------------------------


@dataclass
class BackupResult:
    dump: Path
    manifest: Path
    data: dict


def backup(path: Path, *, database_url: str | None = None) -> BackupResult:
    """Write the database to ``path`` and its manifest beside it."""
    path = Path(path)
    settings_dict = database_settings(database_url)
    vendor = vendor_of(settings_dict)
    if path.exists() and path.is_dir():
        raise BackupError(_("%(path)s is a folder; give a file name.") % {"path": path})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if vendor == "postgresql":
            data = _backup_postgresql(settings_dict, partial)
        else:
            data = _backup_sqlite(settings_dict, partial)
        # Only a complete dump gets the final name.
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "format": MANIFEST_FORMAT,
        "vendor": vendor,
        "created_at": timezone.now().isoformat(),
        "dump": path.name,
        "dump_bytes": path.stat().st_size,
        "dump_sha256": file_sha256(path),
        **data,
    }
    target = manifest_path(path)
    target.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return BackupResult(path, target, manifest)


def _backup_postgresql(settings_dict: dict, out: Path) -> dict:
    pg_dump = pg_binary("pg_dump")
    conn = open_connection(settings_dict)
    try:
        conn.ensure_connection()
        conn.set_autocommit(False)
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            data = read_manifest_data(cursor, conn.introspection.table_names(cursor))
            # The dump copies the same snapshot the manifest was read from.
            run_pg(
                [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={out}"],
                settings_dict,
            )
        conn.rollback()
        return data
    finally:
        conn.close()


def _backup_sqlite(settings_dict: dict, out: Path) -> dict:
    # The site's own connection when it is the site's database (an in-memory test database
    # exists only there); another one otherwise.
    own = settings_dict["NAME"] != connections["default"].settings_dict["NAME"]
    conn = open_connection(settings_dict) if own else connections["default"]
    try:
        conn.ensure_connection()
        source = conn.connection
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # one step: a consistent copy even while others write
        finally:
            target.close()
    finally:
        if own:
            conn.close()
    return _sqlite_manifest_data(out)


def _sqlite_manifest_data(path: Path) -> dict:
    # Read by sqlite3 itself, without Django's type converters, at backup and at restore alike.
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return read_manifest_data(con.cursor(), _sqlite_tables(con))
    finally:
        con.close()


def _sqlite_file(settings_dict: dict) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(_("Restore into a SQLite database file, not an in-memory database."))
    return Path(name)


# --- restore ---------------------------------------------------------------------------


@dataclass
class RestoreResult:
    target: str
    comparison: Comparison
    manifest: dict


def load_manifest(dump: Path) -> dict:
    path = manifest_path(dump)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(
            _("The manifest %(path)s is missing: without it the restore cannot be checked.")
            % {"path": path}
        ) from exc
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("The manifest %(path)s cannot be read: %(error)s") % {"path": path, "error": exc}
        ) from exc
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(_("The manifest %(path)s has an unknown format.") % {"path": path})
    return manifest


def check_dump(dump: Path) -> dict:
    """The manifest, once the dump is known to be the file it describes."""
    dump = Path(dump)
    if not dump.is_file():
        raise BackupError(_("There is no backup file %(path)s.") % {"path": dump})
    manifest = load_manifest(dump)
    if (
        dump.stat().st_size != manifest["dump_bytes"]
        or file_sha256(dump) != manifest["dump_sha256"]
    ):
        raise BackupError(
            _(
                "The backup file %(path)s is damaged: its checksum differs from the one "
                "recorded in its manifest. Nothing was restored."
            )
            % {"path": dump}
        )
    return manifest


def _sqlite_tables(con: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]


def existing_tables(settings_dict: dict) -> list[str]:
    if vendor_of(settings_dict) == "sqlite":
        path = _sqlite_file(settings_dict)
        if not path.exists():
            return []
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _sqlite_tables(con)
        finally:
            con.close()
    conn = open_connection(settings_dict)
    try:
        with conn.cursor() as cursor:
            return conn.introspection.table_names(cursor)
    finally:
        conn.close()


def read_database(settings_dict: dict) -> dict:
    """The manifest data of a database as it is now."""
    if vendor_of(settings_dict) == "sqlite":
        return _sqlite_manifest_data(_sqlite_file(settings_dict))
    conn = open_connection(settings_dict)
    try:
        conn.ensure_connection()
        conn.set_autocommit(False)
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            data = read_manifest_data(cursor, conn.introspection.table_names(cursor))
        conn.rollback()
        return data
    finally:
        conn.close()


def restore(dump: Path, *, database_url: str | None = None, force: bool = False) -> RestoreResult:
    """Restore ``dump`` into the database (``database_url``, else the site's) and compare it
    with the manifest. Refuses a damaged dump and, without ``force``, a target with tables."""
    dump = Path(dump)
    manifest = check_dump(dump)
    settings_dict = database_settings(database_url)
    vendor = vendor_of(settings_dict)
    if manifest["vendor"] != vendor:
        raise BackupError(
            _("This backup is of a %(dump)s database; the target is %(target)s.")
            % {"dump": manifest["vendor"], "target": vendor}
        )
    tables = existing_tables(settings_dict)
    if tables and not force:
        raise BackupError(
            _(
                "The target database %(name)s is not empty (%(n)d tables). Restore into an "
                "empty database, or add --force to replace everything in it."
            )
            % {"name": settings_dict["NAME"], "n": len(tables)}
        )
    if vendor == "postgresql":
        _restore_postgresql(dump, settings_dict, tables)
    else:
        _restore_sqlite(dump, settings_dict)
    comparison = compare(manifest, read_database(settings_dict))
    return RestoreResult(str(settings_dict["NAME"]), comparison, manifest)


def _restore_postgresql(dump: Path, settings_dict: dict, tables: list[str]) -> None:
    pg_restore = pg_binary("pg_restore")
    if tables:  # --force: what is there goes first, so nothing stale stays beside the copy
        conn = open_connection(settings_dict)
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    "DROP TABLE IF EXISTS " + ", ".join(_quote(t) for t in tables) + " CASCADE"
                )
        finally:
            conn.close()
    run_pg(
        [
            pg_restore,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={settings_dict['NAME']}",
            str(dump),
        ],
        settings_dict,
    )


def _restore_sqlite(dump: Path, settings_dict: dict) -> None:
    path = _sqlite_file(settings_dict)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(path, timeout=20)
    try:
        source.backup(target)  # replaces every page of the target
    finally:
        target.close()
        source.close()
