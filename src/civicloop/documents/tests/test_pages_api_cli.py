"""Documents on the case page, over the API and from the command line; DOCX only (said so)
without LibreOffice; PDF when it is installed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from civicloop.cases.models import CaseHistory
from civicloop.documents import pdf
from civicloop.documents.choices import DocumentKind
from civicloop.documents.models import CorrectionOrder, DocumentDownload, GeneratedDocument
from civicloop.documents.tests.helpers import PREFIX, docx_text, ordinary_case, slot_of
from civicloop.testing.cases import MONDAY, at, file

K = DocumentKind
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def no_converter(settings):
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = "none"


def test_the_case_page_lists_the_documents_of_the_stage_with_download_buttons(
    case_world, client, no_converter
):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="case-documents"' in page and 'data-document="filing_approval"' in page
    assert 'data-document="penalty_decision"' not in page  # not before the decision
    assert 'data-download="docx"' in page and 'data-download="pdf"' not in page
    assert 'id="documents-pdf-note"' in page  # and why there is no PDF
    assert 'id="documents-correction-order"' in page


def test_the_case_page_shows_no_download_to_those_who_may_not(case_world, client):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
    client.force_login(
        cw.wuyuan_dispatcher
    )  # sees the case (the town's command room), is not a handler
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-document="filing_approval"' in page and 'id="documents-restricted"' in page
    assert 'data-download="docx"' not in page
    response = client.post(
        f"/cases/{case.pk}/documents/download/", {"kind": K.FILING_APPROVAL, "format": "docx"}
    )
    assert response.status_code == 403
    client.force_login(cw.ganpu_officer)  # another unit: does not even see the case
    assert (
        client.post(
            f"/cases/{case.pk}/documents/download/", {"kind": K.FILING_APPROVAL, "format": "docx"}
        ).status_code
        == 404
    )
    assert client.get(f"/cases/{case.pk}/documents/").status_code == 404
    assert not DocumentDownload.objects.exists()


def test_downloading_from_the_page_issues_the_document_and_logs_it(case_world, client):
    cw = case_world
    case = ordinary_case(cw)
    client.force_login(cw.wuyuan_officer)
    response = client.post(
        f"/cases/{case.pk}/documents/download/",
        {"kind": K.PENALTY_DECISION, "subject": "", "format": "docx"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert (
        "filename*=UTF-8''" in response["Content-Disposition"]
        and "no-store" in response["Cache-Control"]
    )
    assert "行政处罚决定书" in docx_text(response.content)
    document = GeneratedDocument.objects.get(case=case, kind=K.PENALTY_DECISION)
    download = DocumentDownload.objects.get()
    assert (download.user, download.channel, download.ip_address) == (
        cw.wuyuan_officer,
        "web",
        "10.1.2.3",
    )
    page = client.get(f"/cases/{case.pk}/documents/").content.decode()
    assert document.number in page and f'data-versions-of="{document.pk}"' in page
    old = client.get(f"/cases/{case.pk}/documents/{document.pk}/v1.docx")
    assert old.status_code == 200 and old.content == response.content
    assert client.get(f"/cases/{case.pk}/documents/{document.pk}/v9.docx").status_code == 404
    not_yet = client.post(
        f"/cases/{case.pk}/documents/download/", {"kind": K.SPOT_DECISION, "format": "docx"}
    )
    assert not_yet.status_code == 302  # back to the list with the reason


def test_the_correction_order_form_issues_an_order_and_refuses_others(case_world, client):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
        client.force_login(cw.wuyuan_leader)
        assert client.get(f"/cases/{case.pk}/documents/correction-order/").status_code == 403
        client.force_login(cw.wuyuan_officer)
        bad = client.post(
            f"/cases/{case.pk}/documents/correction-order/",
            {"requirement": "清理", "due_on": "2026-05-01"},
        )
        assert bad.status_code == 400 and not CorrectionOrder.objects.exists()
        ok = client.post(
            f"/cases/{case.pk}/documents/correction-order/",
            {"requirement": "立即清理占道摊位", "due_on": "2026-06-03"},
        )
    assert ok.status_code == 302
    order = CorrectionOrder.objects.get()
    assert order.requirement == "立即清理占道摊位" and str(order.due_on) == "2026-06-03"
    assert CaseHistory.objects.filter(case=case, action="issue_correction_order").count() == 1


def test_the_api_lists_issues_and_downloads_documents(case_world, no_converter):
    cw = case_world
    case = ordinary_case(cw)
    client = api(cw.wuyuan_officer)
    listing = client.get(f"/api/cases/{case.pk}/documents/").json()
    assert (
        listing["may_generate"] is True and listing["formats"] == ["docx"] and listing["pdf_note"]
    )
    assert [d["kind"] for d in listing["documents"]][:2] == [K.FILING_APPROVAL, K.INSPECTION_RECORD]
    decision = next(d for d in listing["documents"] if d["kind"] == K.PENALTY_DECISION)
    assert decision["number"] is None and decision["download"] is None
    created = client.post(
        f"/api/cases/{case.pk}/documents/", {"kind": K.PENALTY_DECISION}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["number"] == f"{PREFIX}罚决字〔2026〕第0001号" and body["title"] == "行政处罚决定书"
    assert [v["number"] for v in body["versions"]] == [1]
    again = client.post(
        f"/api/cases/{case.pk}/documents/", {"kind": K.PENALTY_DECISION}, format="json"
    )
    assert again.status_code == 200 and again.json()["number"] == body["number"]
    file_response = client.get(f"/api/generated-documents/{body['id']}/download/")
    assert file_response.status_code == 200 and file_response["Content-Type"] == DOCX
    assert body["number"] in docx_text(file_response.content)
    pdf_response = client.get(f"/api/generated-documents/{body['id']}/download/", {"format": "pdf"})
    assert pdf_response.status_code == 400 and pdf_response.json()["errors"]["format"]
    assert (
        client.get(f"/api/generated-documents/{body['id']}/").json()["case_number"] == case.number
    )
    early = client.post(
        f"/api/cases/{case.pk}/documents/", {"kind": K.SPOT_DECISION}, format="json"
    )
    assert early.status_code == 409
    assert DocumentDownload.objects.filter(channel="api").count() == 1


def test_the_api_refuses_those_who_may_not_and_hides_cases_from_other_units(case_world):
    cw = case_world
    case = ordinary_case(cw)
    issued = (
        api(cw.wuyuan_officer)
        .post(f"/api/cases/{case.pk}/documents/", {"kind": K.FILING_APPROVAL}, format="json")
        .json()
    )
    dispatcher = api(cw.wuyuan_dispatcher)
    assert dispatcher.get(f"/api/cases/{case.pk}/documents/").json()["may_generate"] is False
    assert (
        dispatcher.post(
            f"/api/cases/{case.pk}/documents/", {"kind": K.FILING_APPROVAL}, format="json"
        ).status_code
        == 403
    )
    assert dispatcher.get(f"/api/generated-documents/{issued['id']}/download/").status_code == 403
    other = api(cw.ganpu_officer)
    assert other.get(f"/api/cases/{case.pk}/documents/").status_code == 404
    assert other.get(f"/api/generated-documents/{issued['id']}/download/").status_code == 404
    assert (
        api(cw.wuyuan_leader)
        .post(f"/api/cases/{case.pk}/correction-orders/", {"requirement": "清理"}, format="json")
        .status_code
        == 403
    )
    assert not DocumentDownload.objects.exists()


def test_the_api_issues_an_order_to_correct(case_world):
    cw = case_world
    with at(MONDAY):
        case = file(cw)
        response = api(cw.wuyuan_officer).post(
            f"/api/cases/{case.pk}/correction-orders/",
            {"requirement": "清理摊位", "due_on": "2026-06-05"},
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["subject"] == f"order-{body['id']}" and body["due_on"] == "2026-06-05"


def test_the_schema_documents_the_document_endpoints():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/cases/{id}/documents/"])
    assert "get" in paths["/api/generated-documents/{id}/download/"]
    assert "post" in paths["/api/cases/{id}/correction-orders/"]


def test_the_command_exports_a_document_and_says_what_it_wrote(case_world, tmp_path, no_converter):
    cw = case_world
    case = ordinary_case(cw)
    out = tmp_path / "decision.docx"
    stdout = io.StringIO()
    call_command(
        "export_document",
        str(out),
        case=case.number,
        kind="行政处罚决定书",
        username="wuyuan_leader",
        stdout=stdout,
    )
    assert "行政处罚决定书" in docx_text(out.read_bytes())
    assert f"{PREFIX}罚决字〔2026〕第0001号" in stdout.getvalue()
    assert DocumentDownload.objects.get().channel == "cli"
    with pytest.raises(CommandError, match="--subject"):
        call_command(
            "export_document",
            str(tmp_path / "r.docx"),
            case=case.number,
            kind=K.SERVICE_RECEIPT,
            username="wuyuan_officer",
        )
    subject = slot_of(case, K.PRIOR_NOTICE).subject
    call_command(
        "export_document",
        str(tmp_path / "r.docx"),
        case=case.number,
        kind=K.SERVICE_RECEIPT,
        subject=subject,
        username="wuyuan_officer",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError):
        call_command(
            "export_document",
            str(tmp_path / "d.pdf"),
            case=case.number,
            kind=K.PENALTY_DECISION,
            username="wuyuan_officer",
        )  # no converter: DOCX only
    with pytest.raises(CommandError):
        call_command(
            "export_document",
            str(tmp_path / "d.docx"),
            case=case.number,
            kind=K.PENALTY_DECISION,
            username="ganpu_officer",
        )  # does not see the case
    with pytest.raises(CommandError):
        call_command(
            "export_document",
            str(tmp_path / "d.docx"),
            case=case.number,
            kind=K.PENALTY_DECISION,
            username="wuyuan_dispatcher",
        )  # sees it, may not print it


def test_the_cli_maps_export_document_to_the_command(
    case_world, tmp_path, no_converter, monkeypatch
):
    from civicloop import cli

    cw = case_world
    with at(MONDAY):
        case = file(cw)
    out = tmp_path / "filing.docx"
    cli.main(
        [
            "civicloop",
            "export",
            "document",
            "--case",
            case.number,
            "--kind",
            "filing_approval",
            "--as",
            "wuyuan_officer",
            str(out),
        ]
    )
    assert case.number in docx_text(out.read_bytes())


@pytest.mark.skipif(
    pdf.converter() is None,
    reason="LibreOffice (soffice/libreoffice) is not installed: PDF copies are not offered here",
)
def test_a_pdf_is_made_with_libreoffice_when_it_is_installed(case_world, tmp_path):
    cw = case_world
    case = ordinary_case(cw)
    response = api(cw.wuyuan_officer).get(f"/api/cases/{case.pk}/documents/").json()
    assert response["formats"] == ["docx", "pdf"] and response["pdf_note"] is None
    from civicloop.documents import services

    result = services.download(
        case, by=cw.wuyuan_officer, file_format="pdf", channel="web", kind=K.PENALTY_DECISION
    )
    assert result.data.startswith(b"%PDF") and result.content_type == "application/pdf"
    assert result.filename.endswith(".pdf")
    assert DocumentDownload.objects.get().file_format == "pdf"
    out = tmp_path / "decision.pdf"
    call_command(
        "export_document",
        str(out),
        case=case.number,
        kind=K.PENALTY_DECISION,
        username="wuyuan_officer",
        stdout=io.StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "行政处罚决定书" in text and "壹万贰仟伍佰元整" in text
    assert Path(out).stat().st_size > 1000
