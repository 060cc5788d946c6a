"""A document version's snapshot names the parties with their ID numbers and phones: it is
stored encrypted (core/crypto.py) and read back whole, with the same content hash."""

from __future__ import annotations

from django.db import connection

from civicloop.core import crypto
from civicloop.documents import services
from civicloop.documents.choices import DocumentKind
from civicloop.documents.content import content_hash
from civicloop.documents.models import DocumentVersion
from civicloop.documents.tests.helpers import scheme
from civicloop.testing.cases import file
from civicloop.testing.world import PERSON_ID


def test_a_snapshot_is_stored_encrypted_and_read_back_whole(case_world):
    cw = case_world
    scheme(cw)
    case = file(cw)
    issued = services.issue_document(case, kind=DocumentKind.FILING_APPROVAL, by=cw.wuyuan_officer)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT snapshot FROM documents_documentversion WHERE id = %s", [issued.version.pk]
        )
        stored = cursor.fetchone()[0]
    assert crypto.is_encrypted(stored)
    assert PERSON_ID not in stored and "张三" not in stored
    version = DocumentVersion.objects.get(pk=issued.version.pk)
    assert version.snapshot == issued.version.snapshot
    assert any(p.get("id_number") == PERSON_ID for p in version.snapshot["parties"])
    assert content_hash(version.snapshot) == version.content_hash
    # Issuing again with unchanged data makes no new version (the hash compares plain data).
    again = services.issue_document(case, kind=DocumentKind.FILING_APPROVAL, by=cw.wuyuan_officer)
    assert not again.revised and again.version.pk == version.pk
