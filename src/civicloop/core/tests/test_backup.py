"""``civicloop backup`` / ``civicloop restore``: a restored database has the same rows and the
same history as the one backed up; a damaged or altered backup and a non-empty target are
refused or reported, and nothing in the target is lost by a refusal."""

from __future__ import annotations

import io
import json
import sqlite3
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from civicloop.core import backup as backups
from civicloop.events.choices import EventState
from civicloop.events.models import Event, EventHistory
from civicloop.testing.journeys import report, walk
from civicloop.testing.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def command(name, *args, **options):
    out = io.StringIO()
    call_command(name, *args, language="en", stdout=out, stderr=out, **options)
    return out.getvalue()


@pytest.fixture
def loop_world():
    """The test county with events at several stages: rows in the event history table."""
    world = build_world()
    walk(
        world,
        report(world, description="人行道上有流动摊贩占道经营（备份测试一）"),
        EventState.CLOSED,
    )
    walk(world, report(world, description="小区门口垃圾满溢（备份测试二）"), EventState.DISPATCHED)
    report(world, description="路灯不亮（备份测试三）")
    return world


def sqlite_count(path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        con.close()


def only_sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite online backup (the PostgreSQL round trip is its own test)")


# --- SQLite -------------------------------------------------------------------------------


def test_sqlite_backup_restores_into_a_new_file_with_the_same_counts_and_history(
    loop_world, tmp_path
):
    only_sqlite()
    dump = tmp_path / "civicloop.sqlite3.bak"
    out = command("backup", str(dump))
    assert "Backup written to" in out
    manifest = json.loads((tmp_path / "civicloop.sqlite3.bak.manifest.json").read_text())
    assert manifest["tables"]["events_event"] == Event.objects.count() == 3
    assert manifest["history"]["events_eventhistory"]["rows"] == EventHistory.objects.count()
    assert EventHistory.objects.count() > 3

    target = tmp_path / "restored" / "civicloop.sqlite3"
    out = command("restore", str(dump), database_url=f"sqlite:///{target}")
    assert out.startswith("OK: restored into")
    # The copy holds what the site held: the same events, the same timeline rows.
    assert sqlite_count(target, "events_event") == 3
    assert sqlite_count(target, "events_eventhistory") == EventHistory.objects.count()
    con = sqlite3.connect(target)
    numbers = {row[0] for row in con.execute("SELECT number FROM events_event")}
    con.close()
    assert numbers == set(Event.objects.values_list("number", flat=True))
    # Counted independently of the command: the restored history hashes as the live one.
    restored = backups.read_database(backups.database_settings(f"sqlite:///{target}"))
    assert restored["history"] == manifest["history"]
    assert restored["tables"] == manifest["tables"]
    # A database named by --database-url (not the site's) is backed up the same way.
    again = tmp_path / "again.bak"
    command("backup", str(again), database_url=f"sqlite:///{target}")
    second = json.loads(backups.manifest_path(again).read_text())
    assert second["history"] == manifest["history"]
    assert second["tables"] == manifest["tables"]


def test_restore_refuses_a_target_that_is_not_empty_and_leaves_it_as_it_was(loop_world, tmp_path):
    only_sqlite()
    dump = tmp_path / "site.bak"
    command("backup", str(dump))
    target = tmp_path / "other.sqlite3"
    con = sqlite3.connect(target)
    con.execute("CREATE TABLE precious (note TEXT)")
    con.execute("INSERT INTO precious VALUES ('已有数据')")
    con.commit()
    con.close()

    with pytest.raises(CommandError, match="is not empty"):
        command("restore", str(dump), database_url=f"sqlite:///{target}")
    assert sqlite_count(target, "precious") == 1

    # Told to, it replaces everything: the old table is gone, the backup is there.
    out = command("restore", str(dump), database_url=f"sqlite:///{target}", force=True)
    assert out.startswith("OK:")
    con = sqlite3.connect(target)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    con.close()
    assert "precious" not in tables
    assert sqlite_count(target, "events_event") == 3


def test_a_damaged_backup_file_is_refused_before_the_target_is_touched(loop_world, tmp_path):
    only_sqlite()
    dump = tmp_path / "site.bak"
    command("backup", str(dump))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, as a bad disk or a partial copy leaves
    dump.write_bytes(bytes(data))
    target = tmp_path / "target.sqlite3"

    with pytest.raises(CommandError, match="is damaged"):
        command("restore", str(dump), database_url=f"sqlite:///{target}")
    assert not target.exists()


def test_a_backup_whose_history_was_altered_is_reported_after_the_restore(loop_world, tmp_path):
    """Someone edits a timeline row in the backup and fixes the checksum: the restore
    compares the history hashes and says which table differs."""
    only_sqlite()
    dump = tmp_path / "site.bak"
    command("backup", str(dump))
    con = sqlite3.connect(dump)
    con.execute(
        "UPDATE events_eventhistory SET reason = '伪造的理由' "
        "WHERE id = (SELECT MIN(id) FROM events_eventhistory)"
    )
    con.execute(
        "DELETE FROM events_eventhistory WHERE id = (SELECT MAX(id) FROM events_eventhistory)"
    )
    con.commit()
    con.close()
    manifest_file = backups.manifest_path(dump)
    manifest = json.loads(manifest_file.read_text())
    manifest["dump_sha256"] = backups.file_sha256(dump)
    manifest["dump_bytes"] = dump.stat().st_size
    manifest_file.write_text(json.dumps(manifest))
    target = tmp_path / "target.sqlite3"

    with pytest.raises(CommandError, match="differs from the backup's manifest") as raised:
        out = io.StringIO()
        call_command(
            "restore", str(dump), database_url=f"sqlite:///{target}", language="en", stderr=out
        )
    listed = out.getvalue()
    assert "history table events_eventhistory" in listed
    rows = manifest["tables"]["events_eventhistory"]
    assert f"table events_eventhistory: {rows - 1} rows, the backup had {rows}" in listed
    assert "2 places" in str(raised.value)


def test_restore_without_its_manifest_is_refused(loop_world, tmp_path):
    only_sqlite()
    dump = tmp_path / "site.bak"
    command("backup", str(dump))
    backups.manifest_path(dump).unlink()
    with pytest.raises(CommandError, match="manifest .* is missing"):
        command("restore", str(dump), database_url=f"sqlite:///{tmp_path / 't.sqlite3'}")


# --- PostgreSQL -----------------------------------------------------------------------------


def _admin_connection():
    import psycopg

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.postgres
def test_postgresql_backup_restores_into_a_fresh_database_with_the_same_counts_and_history(
    loop_world, tmp_path
):
    dump = tmp_path / "civicloop.dump"
    out = command("backup", str(dump))
    assert "Backup written to" in out
    manifest = json.loads(backups.manifest_path(dump).read_text())
    assert manifest["vendor"] == "postgresql"
    assert manifest["tables"]["events_event"] == 3
    assert manifest["history"]["events_eventhistory"]["rows"] == EventHistory.objects.count()

    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    settings_dict = dict(connection.settings_dict)
    url = (
        f"postgres://{settings_dict['USER'] or ''}"
        f"{':' + settings_dict['PASSWORD'] if settings_dict['PASSWORD'] else ''}"
        f"@{settings_dict['HOST'] or 'localhost'}:{settings_dict['PORT'] or 5432}/{name}"
    )
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        out = command("restore", str(dump), database_url=url)
        assert out.startswith("OK: restored into")
        restored = backups.read_database(backups.database_settings(url))
        assert restored["tables"] == manifest["tables"]
        assert restored["history"] == manifest["history"]
        # A second restore into the now full database is refused, then replaces with --force.
        with pytest.raises(CommandError, match="is not empty"):
            command("restore", str(dump), database_url=url)
        assert command("restore", str(dump), database_url=url, force=True).startswith("OK:")
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
