"""The data migrations encrypt a populated database and, migrated back, decrypt it again
(events 0007, parties 0002, org 0003, documents 0002)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from civicloop.core import crypto
from civicloop.documents import services as documents
from civicloop.documents.choices import DocumentKind
from civicloop.documents.models import DocumentVersion
from civicloop.documents.tests.helpers import scheme
from civicloop.events.models import Event
from civicloop.org.models import User
from civicloop.parties.models import Party
from civicloop.testing.cases import file
from civicloop.testing.journeys import report
from civicloop.testing.world import PERSON_ID

BEFORE = [
    ("events", "0006_event_region_reported"),
    ("parties", "0001_parties"),
    ("org", "0002_region_area"),
    ("documents", "0001_documents"),
]
COLUMNS = [  # table, column, plain value
    ("events_event", "reporter_phone", "13912345678"),
    ("events_event", "reporter_id_number", PERSON_ID),
    ("parties_party", "id_number", PERSON_ID),
    ("parties_party", "phone", "13912345678"),
    ("org_user", "phone", "13800001111"),
]


def stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def snapshots() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CAST(snapshot AS TEXT) FROM documents_documentversion ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_migrations_encrypt_a_populated_database_and_decrypt_it_backwards(case_world):
    cw = case_world
    event = report(cw, reporter_phone="13912345678", reporter_id_number=PERSON_ID)
    cw.grid_worker.phone = "13800001111"
    cw.grid_worker.save()
    scheme(cw)
    issued = documents.issue_document(
        file(cw), kind=DocumentKind.FILING_APPROVAL, by=cw.wuyuan_officer
    )
    snapshot = issued.version.snapshot
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        for table, column, plain in COLUMNS:
            assert plain in stored(table, column), (table, column)
        assert PERSON_ID in snapshots()[0]
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, "parties_party")
        assert "id_number_digest" not in {c.name for c in columns}

        migrate(leaves)
        for table, column, plain in COLUMNS:
            values = stored(table, column)
            assert values and all(crypto.is_encrypted(v) for v in values), (table, column)
            assert not any(plain in v for v in values)
        assert crypto.is_encrypted(snapshots()[0])
    finally:
        migrate(leaves)
    again = Event.objects.get(pk=event.pk)
    assert (again.reporter_phone, again.reporter_id_number) == ("13912345678", PERSON_ID)
    assert Party.objects.get(id_number=PERSON_ID) == cw.person
    assert User.objects.get(phone="138-0000-1111") == cw.grid_worker
    assert DocumentVersion.objects.get(pk=issued.version.pk).snapshot == snapshot
