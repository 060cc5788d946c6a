"""Earlier versions are asked for by number on every channel (page, API, command line), and
a wrong number is refused clearly; a document is the same whatever the reader's language."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from civicloop.documents import services
from civicloop.documents.choices import DocumentKind
from civicloop.documents.models import DocumentVersion
from civicloop.documents.tests.helpers import docx_text, ordinary_case
from civicloop.parties.services import PartyData, correct_party

K = DocumentKind
NEW_ADDRESS = "海盐县武原街道枣园社区新址1号"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def revised(case_world, settings):
    """武原's decided case whose penalty decision has two versions: the party moved."""
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = "none"
    cw = case_world
    case = ordinary_case(cw)
    first = services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_officer)
    person = cw.person
    correct_party(
        person,
        by=cw.wuyuan_officer,
        reason="搬家",
        data=PartyData(
            kind=person.kind,
            name=person.name,
            id_number=person.id_number,
            phone=person.phone,
            address=NEW_ADDRESS,
        ),
    )
    second = services.issue_document(case, kind=K.PENALTY_DECISION, by=cw.wuyuan_officer)
    assert second.version.number == 2
    return case, first.document


def test_the_api_gives_a_version_by_number_and_refuses_a_wrong_one(case_world, revised):
    cw = case_world
    case, document = revised
    client = api(cw.wuyuan_officer)
    url = f"/api/generated-documents/{document.pk}/download/"
    old = client.get(url, {"version": 1})
    assert old.status_code == 200 and NEW_ADDRESS not in docx_text(old.content)
    latest = client.get(url)
    assert NEW_ADDRESS in docx_text(latest.content)
    assert "-v2.docx" in latest["Content-Disposition"]
    for wrong in ("0", "3"):
        refused = client.get(url, {"version": wrong})
        assert refused.status_code == 400 and list(refused.json()["errors"]) == ["version"]
    assert client.get(url, {"version": "one"}).status_code == 400
    assert client.get(url, {"format": "odt"}).status_code == 400


def test_the_page_gives_a_version_as_it_was_and_404_for_one_that_does_not_exist(
    case_world, revised, client
):
    cw = case_world
    case, document = revised
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/documents/").content.decode()
    assert f'data-versions-of="{document.pk}"' in page
    old = client.get(f"/cases/{case.pk}/documents/{document.pk}/v1.docx")
    assert old.status_code == 200 and NEW_ADDRESS not in docx_text(old.content)
    assert client.get(f"/cases/{case.pk}/documents/{document.pk}/v0.docx").status_code == 404
    assert client.get(f"/cases/{case.pk}/documents/{document.pk}/v9.docx").status_code == 404
    assert client.get(f"/cases/{case.pk}/documents/{document.pk}/v1.odt").status_code == 404


def test_the_command_exports_an_earlier_version_and_refuses_a_wrong_number(
    case_world, revised, tmp_path
):
    case, document = revised
    out = tmp_path / "old.docx"
    stdout = io.StringIO()
    call_command(
        "export_document",
        str(out),
        "--document-version=1",
        case=case.number,
        kind=K.PENALTY_DECISION,
        username="wuyuan_officer",
        stdout=stdout,
    )
    assert NEW_ADDRESS not in docx_text(out.read_bytes()) and document.number in stdout.getvalue()
    with pytest.raises(CommandError, match="--document-version"):
        call_command(
            "export_document",
            str(tmp_path / "zero.docx"),
            "--document-version=0",
            case=case.number,
            kind=K.PENALTY_DECISION,
            username="wuyuan_officer",
        )
    with pytest.raises(CommandError):
        call_command(
            "export_document",
            str(tmp_path / "three.docx"),
            "--document-version=3",
            case=case.number,
            kind=K.PENALTY_DECISION,
            username="wuyuan_officer",
        )
    assert not (tmp_path / "zero.docx").exists() and not (tmp_path / "three.docx").exists()


def test_a_document_is_the_same_bytes_whatever_the_readers_language(case_world, revised):
    cw = case_world
    case, document = revised
    url = f"/api/generated-documents/{document.pk}/download/"
    chinese = api(cw.wuyuan_officer).get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = api(cw.wuyuan_officer).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.content == english.content and "行政处罚决定书" in docx_text(english.content)
    issued = api(cw.wuyuan_leader).post(
        f"/api/cases/{case.pk}/documents/",
        {"kind": K.PENALTY_DECISION},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert issued.status_code == 200  # nothing changed: no new version
    assert DocumentVersion.objects.filter(document=document).count() == 2
