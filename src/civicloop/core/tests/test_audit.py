"""The tamper-evident audit trail (``core/audit.py``, ``civicloop audit``): each attack is
made the way an intruder with database access would make it — raw SQL past the append-only
manager — and ``audit verify`` must name the row."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.apps import apps
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from civicloop.core import audit
from civicloop.core.history import HistoryEntry, audit_key, using_audit_key
from civicloop.core.models import AuditChainHead, AuditTrailHistory
from civicloop.core.registry import periodic_tasks
from civicloop.core.transitions import record
from civicloop.events.models import EventHistory
from civicloop.testing.journeys import report, walk
from civicloop.testing.world import build_world

TABLE = EventHistory._meta.db_table


def sql(statement: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{table}", connection.ops.quote_name(TABLE)), params)
        return cursor.rowcount


def run_audit(*args: str) -> tuple[int, str]:
    """``civicloop audit …`` in English: its exit status and what it printed."""
    out = StringIO()
    try:
        call_command("audit", "--language", "en", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def event_rows(world, count: int = 2) -> list[EventHistory]:
    """``count`` events, each reported and judged by the real services: history rows."""
    for _ in range(count):
        walk(world, report(world), "judged")
    return list(EventHistory.objects.order_by("pk"))


def findings(model=EventHistory) -> list[tuple[str, int | None, int | None]]:
    (table_report,) = audit.verify([model])
    return [(f.kind, f.row_id, f.seq) for f in table_report.findings]


# --- every insert path leaves a MAC ------------------------------------------------------------


def test_rows_written_by_a_workflow_and_by_bulk_create_verify_clean(world):
    rows = event_rows(world)
    event = rows[0].event
    EventHistory.objects.bulk_create(
        [EventHistory(event=event, action="note", reason=f"批量{i}") for i in range(3)]
    )
    assert all(row.row_mac for row in EventHistory.objects.all())
    assert audit.seal(EventHistory) == len(rows) + 3
    assert findings() == []
    status, out = run_audit("verify")
    assert status == 0, out
    assert "The audit trail is intact" in out


def test_details_of_every_json_kind_keep_their_mac_through_the_database(world):
    event = report(world)
    row = record(
        EventHistory,
        event,
        "note",
        by=world.centre,
        reason="金额核对\n第二行",
        details={
            "amount": "1.50",
            "ratio": 1.0,
            "big": 1e20,
            "small": 0.1 + 0.2,
            "list": [3, "三", None, {"b": 1, "a": 2}],
        },
        at=dt.datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    assert row.row_mac
    assert findings() == []


def test_every_history_table_is_covered_without_registration():
    concrete = {
        model
        for model in apps.get_models()
        if issubclass(model, HistoryEntry) and not model._meta.abstract
    }
    assert set(audit.history_models()) == concrete
    assert {EventHistory, AuditTrailHistory} <= concrete and len(concrete) >= 19
    for model in concrete:
        names = {f.name for f in model._meta.concrete_fields}
        assert {"row_nonce", "row_mac", "chain_seq", "chain_hash"} <= names, model


# --- the attacks -------------------------------------------------------------------------------


def test_audit_verify_reports_a_history_row_changed_through_sql(world):
    rows = event_rows(world)
    audit.seal_all()
    victim = rows[1]
    # What an intruder would do: rewrite who decided and why, past the append-only manager.
    assert sql("UPDATE {table} SET reason = %s WHERE id = %s", ["无需处理", victim.pk]) == 1
    with pytest.raises(TypeError):
        EventHistory.objects.filter(pk=victim.pk).update(reason="无需处理")

    assert findings() == [("changed", victim.pk, None)]
    status, out = run_audit("verify")
    assert status == 1
    assert f"events.EventHistory row {victim.pk}: its content does not match its MAC" in out
    assert "The audit trail is damaged: 1 problems in 1 tables." in out


def test_a_row_changed_before_it_was_sealed_is_reported_and_sealing_does_not_hide_it(world):
    rows = event_rows(world, 1)
    sql("UPDATE {table} SET actor_id = NULL WHERE id = %s", [rows[0].pk])
    audit.seal(EventHistory)
    assert findings() == [("changed", rows[0].pk, None)]


def test_a_removed_row_is_reported_with_its_chain_positions(world):
    rows = event_rows(world, 2)  # four rows: positions 1–4
    audit.seal(EventHistory)
    removed = EventHistory.objects.get(chain_seq=2)
    sql("DELETE FROM {table} WHERE id = %s", [removed.pk])
    (table_report,) = audit.verify([EventHistory])
    assert [(f.kind, f.seq, f.other) for f in table_report.findings] == [("removed", 2, 2)]
    assert len(rows) == 4
    status, out = run_audit("verify", "--model", "events.EventHistory")
    assert status == 1 and "chain positions 2 to 2 are missing" in out


def test_removing_the_newest_sealed_rows_is_reported_through_the_chain_head(world):
    event_rows(world, 2)
    audit.seal(EventHistory)
    sql("DELETE FROM {table} WHERE chain_seq >= 3")
    (table_report,) = audit.verify([EventHistory])
    assert [(f.kind, f.seq, f.other) for f in table_report.findings] == [("removed", 3, 4)]


def test_reordered_rows_are_reported(world):
    rows = event_rows(world, 1)
    audit.seal(EventHistory)
    first, second = rows
    # Swap the two rows' places in the chain, each keeping its content and hashes.
    sql("UPDATE {table} SET chain_seq = 0 WHERE id = %s", [first.pk])
    sql("UPDATE {table} SET chain_seq = 1 WHERE id = %s", [second.pk])
    sql("UPDATE {table} SET chain_seq = 2 WHERE id = %s", [first.pk])
    assert findings() == [
        ("moved", second.pk, 1),
        ("moved", first.pk, 2),
        ("head_mismatch", None, 2),
    ]


def test_a_copied_row_is_reported(world):
    (row, *_rest) = event_rows(world, 1)
    audit.seal(EventHistory)
    columns = ", ".join(
        connection.ops.quote_name(f.column)
        for f in EventHistory._meta.concrete_fields
        if not f.primary_key and f.name != "chain_seq"
    )
    sql(
        f"INSERT INTO {{table}} ({columns}) SELECT {columns} FROM {{table}} WHERE id = %s", [row.pk]
    )
    copy = EventHistory.objects.order_by("-pk").first()
    assert copy.pk != row.pk
    assert findings() == [("copy", copy.pk, None)]


def test_a_row_inserted_around_the_application_is_reported(world):
    (row, *_rest) = event_rows(world, 1)
    sql(
        "INSERT INTO {table} (event_id, action, from_state, to_state, at, reason, details,"
        " row_nonce, row_mac, chain_hash) VALUES (%s, 'close', '', 'closed', %s, '', '{}', '',"
        " '', '')",
        [row.event_id, row.at],
    )
    forged = EventHistory.objects.order_by("-pk").first()
    assert findings() == [("no_mac", forged.pk, None)]


def test_a_chain_rolled_back_with_its_head_is_caught_by_recorded_anchors(world, tmp_path):
    event_rows(world, 1)
    audit.seal(EventHistory)
    earlier_head = AuditChainHead.objects.get(table=TABLE)  # position 2
    event_rows(world, 1)
    audit.seal(EventHistory)  # positions 3–4
    anchors = tmp_path / "heads.txt"
    assert run_audit("heads", "--out", str(anchors))[0] == 0
    assert f"{TABLE} 4 " in anchors.read_text()
    # Remove the newest rows and put back the head as it was: consistent without anchors.
    sql("DELETE FROM {table} WHERE chain_seq > 2")
    earlier_head.save()
    assert findings() == []
    status, out = run_audit("verify", "--anchors", str(anchors))
    assert status == 1 and "position 4 no longer has the hash recorded earlier" in out


# --- sealing -----------------------------------------------------------------------------------


def test_sealing_is_idempotent_and_later_rows_continue_the_chain(world):
    event_rows(world, 1)
    assert audit.seal(EventHistory) == 2
    sealed = list(EventHistory.objects.values_list("pk", "chain_seq", "chain_hash"))
    assert audit.seal(EventHistory) == 0
    assert list(EventHistory.objects.values_list("pk", "chain_seq", "chain_hash")) == sealed
    event_rows(world, 1)
    assert audit.seal(EventHistory, batch_size=1) == 2
    assert sorted(EventHistory.objects.values_list("chain_seq", flat=True)) == [1, 2, 3, 4]
    head = AuditChainHead.objects.get(table=TABLE)
    assert head.seq == 4
    assert findings() == []


def test_the_worker_seals_every_history_table_periodically(world, settings):
    event_rows(world, 1)
    (periodic,) = [p for p in periodic_tasks if p.name == "core.audit_seal"]
    settings.CIVICLOOP_AUDIT_SEAL_SECONDS = 60
    assert audit.seal_seconds() == 60
    result = audit.seal_history.call()
    assert result["events.EventHistory"] == 2
    assert not EventHistory.objects.filter(chain_seq__isnull=True).exists()
    assert periodic.task == "civicloop.core.audit.seal_history"


def test_a_tampered_chain_head_stops_sealing_and_is_reported(world):
    event_rows(world, 1)
    audit.seal(EventHistory)
    AuditChainHead.objects.filter(table=TABLE).update(seq=1)
    with pytest.raises(audit.AuditTrailDamaged):
        audit.seal(EventHistory)
    assert ("head_altered", None, None) in findings()
    # The worker's seal logs it and still seals the other tables.
    AuditTrailHistory.objects.create(action="note")
    result = audit.seal_history.call()
    assert result["damaged"] == ["events.EventHistory"]
    assert result["core.AuditTrailHistory"] == 1


# --- rotating the key --------------------------------------------------------------------------


def test_rekey_re_signs_every_row_and_records_the_rotation(world, settings, tmp_path):
    settings.CIVICLOOP_AUDIT_KEY = "o" * 40
    event_rows(world, 1)
    audit.seal_all()
    event_rows(world, 1)  # two rows not sealed yet
    new_key = tmp_path / "new.key"
    new_key.write_text("n" * 40 + "\n")
    total = sum(m.objects.count() for m in audit.history_models())

    status, out = run_audit("rekey", "--new-key-file", str(new_key), "--as", "centre")
    assert status == 0, out
    assert "Re-keyed" in out

    # Under the old key every row now fails; under the new one the trail is intact.
    assert {kind for kind, _id, _seq in findings()} >= {"changed"}
    settings.CIVICLOOP_AUDIT_KEY = "n" * 40
    assert all(r.intact for r in audit.verify()), [r.findings for r in audit.verify()]
    rotation = AuditTrailHistory.objects.get(action="rekey")
    assert rotation.actor == world.centre
    assert rotation.details["rows"] == total
    audit.seal_all()
    event_rows(world, 1)
    audit.seal_all()
    assert all(r.intact for r in audit.verify())


def test_rekey_refuses_a_damaged_trail_and_a_short_key(world, tmp_path):
    rows = event_rows(world, 1)
    sql("UPDATE {table} SET reason = 'x' WHERE id = %s", [rows[0].pk])
    key_file = tmp_path / "new.key"
    key_file.write_text("k" * 40)
    before = list(EventHistory.objects.values_list("pk", "row_mac"))
    status, out = run_audit("rekey", "--new-key-file", str(key_file))
    assert status == 1 and "nothing was re-keyed" in out
    assert list(EventHistory.objects.values_list("pk", "row_mac")) == before
    key_file.write_text("short")
    status, out = run_audit("rekey", "--new-key-file", str(key_file))
    assert status == 1 and "at least 32 characters" in out


def test_rows_written_under_another_key_point_at_the_key(world):
    with using_audit_key(b"x" * 32):
        event_rows(world, 1)
    status, out = run_audit("verify", "--model", "events.EventHistory")
    assert status == 1
    assert "Every row fails its MAC: is CIVICLOOP_AUDIT_KEY the key" in out


# --- migrations, settings, command line --------------------------------------------------------


def test_the_migration_helper_gives_rows_written_before_the_audit_columns_a_mac(world):
    rows = event_rows(world, 1)
    sql("UPDATE {table} SET row_mac = '', row_nonce = 'same'")
    assert {kind for kind, _id, _seq in findings()} == {"no_mac"}
    audit.fill_row_macs(apps, "events", "EventHistory")
    assert findings() == []
    assert len(set(EventHistory.objects.values_list("row_nonce", flat=True))) == len(rows)


def test_deploy_check_warns_when_the_audit_key_is_derived_from_secret_key(settings):
    settings.CIVICLOOP_AUDIT_KEY = ""
    assert [m.id for m in audit.check_audit_key()] == ["audit.W001"]
    assert any(m.id == "audit.W001" for m in checks.run_checks(include_deployment_checks=True))
    settings.CIVICLOOP_AUDIT_KEY = "short"
    assert [m.id for m in audit.check_audit_key()] == ["audit.W002"]
    settings.CIVICLOOP_AUDIT_KEY = "a" * 40
    assert audit.check_audit_key() == []
    assert audit_key() == b"a" * 40


def test_verify_names_an_unknown_table(db):
    status, out = run_audit("verify", "--model", "events.Event")
    assert status == 1 and "“events.Event” is not a history table" in out


def test_verify_names_the_row_in_the_site_language_too(world):
    rows = event_rows(world, 1)
    sql("UPDATE {table} SET reason = 'x' WHERE id = %s", [rows[0].pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "--language", "zh-hans", "verify", stdout=out)
    # The English msgids are in NEW_MESSAGES_audit.po until the lead merges the catalogue;
    # the row is named either way.
    assert "events.EventHistory" in out.getvalue() and str(rows[0].pk) in out.getvalue()


# --- PostgreSQL: writers never wait for the audit trail ---------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_long_transaction_writing_history_blocks_neither_other_writers_nor_the_sealer():
    world = build_world()
    events = [report(world) for _ in range(3)]
    audit.seal_all()
    written = threading.Event()
    release = threading.Event()
    importer_ids: list[int] = []

    def long_import() -> None:
        # Like `civicloop import events`: many history rows in one transaction, held open.
        try:
            with transaction.atomic():
                for i in range(200):
                    row = record(EventHistory, events[0], "note", by=None, reason=f"导入{i}")
                    importer_ids.append(row.pk)
                written.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    importer = threading.Thread(target=long_import)
    importer.start()
    try:
        assert written.wait(timeout=30)
        # Another intake meanwhile, refusing to wait for any lock for more than a second.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            other = record(EventHistory, events[1], "note", by=world.centre, reason="并行")
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            sealed_meanwhile = audit.seal(EventHistory)
        assert sealed_meanwhile == 1  # the other intake's row; the import is not committed
        assert other.pk > min(importer_ids)  # committed before lower ids: out of order
    finally:
        release.set()
        importer.join(timeout=30)
    assert audit.seal(EventHistory) == 200
    other.refresh_from_db()
    assert EventHistory.objects.get(pk=importer_ids[0]).chain_seq > other.chain_seq
    assert findings() == []
