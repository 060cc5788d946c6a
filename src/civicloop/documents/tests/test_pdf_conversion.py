"""PDF copies go through the converter the deployment names (CIVICLOOP_DOCUMENT_PDF_CONVERTER,
else ``soffice``/``libreoffice`` on PATH). Stand-in converters (shell scripts that answer
like LibreOffice) show what Civicloop hands over and what it does with the answer; without a
converter, or when it fails, the user is told why and offered the DOCX."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from civicloop.documents import pdf
from civicloop.documents.choices import DocumentKind
from civicloop.documents.layout import render_docx
from civicloop.documents.models import DocumentDownload, GeneratedDocument
from civicloop.documents.tests.helpers import ordinary_case

K = DocumentKind
NO_PDF = "PDF"  # the unavailable note names the format in either language


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def write_script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def fake_soffice(folder: Path, name: str = "fake-soffice") -> tuple[Path, Path]:
    """A converter that logs its arguments and writes <outdir>/document.pdf: a PDF header
    followed by the DOCX it was given, so the test can see what it converted."""
    log = folder / f"{name}.log"
    script = write_script(
        folder / name,
        f"""out=""; src=""; prev=""
for a in "$@"; do
  if [ "$prev" = "--outdir" ]; then out="$a"; fi
  prev="$a"; src="$a"
done
echo "$@" > "{log}"
printf '%%PDF-1.4 fake\\n' > "$out/document.pdf"
cat "$src" >> "$out/document.pdf"
""",
    )
    return script, log


def test_a_configured_converter_makes_the_pdf_from_the_versions_docx(
    case_world, settings, tmp_path
):
    cw = case_world
    script, log = fake_soffice(tmp_path)
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = str(script)
    case = ordinary_case(cw)
    listing = api(cw.wuyuan_officer).get(f"/api/cases/{case.pk}/documents/").json()
    assert listing["formats"] == ["docx", "pdf"] and listing["pdf_note"] is None
    issued = api(cw.wuyuan_officer).post(
        f"/api/cases/{case.pk}/documents/", {"kind": K.PENALTY_DECISION}, format="json"
    )
    assert issued.status_code == 201
    document = GeneratedDocument.objects.get(pk=issued.json()["id"])
    response = api(cw.wuyuan_officer).get(
        f"/api/generated-documents/{document.pk}/download/", {"format": "pdf"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]
    version = document.latest_version()
    docx = render_docx(version.snapshot, moment=version.generated_at)
    assert response.content == b"%PDF-1.4 fake\n" + docx  # the version's DOCX, converted
    arguments = log.read_text().split()
    assert {"--headless", "--convert-to", "pdf", "--outdir"} <= set(arguments)
    assert arguments[-1].endswith("document.docx")
    assert any(a.startswith("-env:UserInstallation=file://") for a in arguments)  # own profile
    assert DocumentDownload.objects.get().file_format == "pdf"


def test_soffice_on_the_path_is_found_when_nothing_is_configured(
    case_world, settings, tmp_path, monkeypatch, client
):
    cw = case_world
    fake_soffice(tmp_path, name="soffice")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = ""
    assert pdf.converter() == str(tmp_path / "soffice")
    case = ordinary_case(cw)
    client.force_login(cw.wuyuan_officer)
    page = client.get(f"/cases/{case.pk}/documents/").content.decode()
    assert 'data-download="pdf"' in page and 'id="documents-pdf-note"' not in page
    response = client.post(
        f"/cases/{case.pk}/documents/download/",
        {"kind": K.FILING_APPROVAL, "format": "pdf"},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    out = tmp_path / "out" / "filing.pdf"
    call_command(
        "export_document",
        str(out),
        case=case.number,
        kind=K.FILING_APPROVAL,
        username="wuyuan_officer",
        stdout=io.StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF")
    assert [d.channel for d in DocumentDownload.objects.order_by("id")] == ["web", "cli"]


@pytest.mark.parametrize("setting", ["none", "/nonexistent/soffice"])
def test_without_a_converter_pdf_is_refused_with_the_reason_everywhere(
    case_world, settings, tmp_path, monkeypatch, client, setting
):
    cw = case_world
    fake_soffice(tmp_path, name="soffice")  # on PATH, but "none" or a wrong path wins
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = setting
    note = str(pdf.unavailable_note())
    assert pdf.converter() is None and NO_PDF in note
    case = ordinary_case(cw)
    listing = api(cw.wuyuan_officer).get(f"/api/cases/{case.pk}/documents/").json()
    assert listing["formats"] == ["docx"] and listing["pdf_note"] == note
    document = api(cw.wuyuan_officer).post(
        f"/api/cases/{case.pk}/documents/", {"kind": K.FILING_APPROVAL}, format="json"
    )
    response = api(cw.wuyuan_officer).get(
        f"/api/generated-documents/{document.json()['id']}/download/", {"format": "pdf"}
    )
    assert response.status_code == 400 and response.json()["errors"] == {"format": [note]}
    client.force_login(cw.wuyuan_officer)
    page = client.post(
        f"/cases/{case.pk}/documents/download/",
        {"kind": K.FILING_APPROVAL, "format": "pdf"},
        follow=True,
    ).content.decode()
    assert note in page and 'id="documents-pdf-note"' in page
    with pytest.raises(CommandError, match=NO_PDF):
        call_command(
            "export_document",
            str(tmp_path / "filing.pdf"),
            case=case.number,
            kind=K.FILING_APPROVAL,
            username="wuyuan_officer",
        )
    assert not DocumentDownload.objects.exists()


def test_a_failing_converter_gives_503_on_the_api_and_a_message_on_the_page(
    case_world, settings, tmp_path, client
):
    cw = case_world
    broken = write_script(tmp_path / "broken-soffice", "echo 'cannot start' >&2\nexit 1\n")
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = str(broken)
    case = ordinary_case(cw)
    document = api(cw.wuyuan_officer).post(
        f"/api/cases/{case.pk}/documents/", {"kind": K.FILING_APPROVAL}, format="json"
    )
    response = api(cw.wuyuan_officer).get(
        f"/api/generated-documents/{document.json()['id']}/download/", {"format": "pdf"}
    )
    assert response.status_code == 503 and response.json()["code"] == "conversion_failed"
    assert "DOCX" in response.json()["detail"]
    client.force_login(cw.wuyuan_officer)
    page = client.post(
        f"/cases/{case.pk}/documents/download/",
        {"kind": K.FILING_APPROVAL, "format": "pdf"},
        follow=True,
    )
    assert page.status_code == 200 and "DOCX" in page.content.decode()
    with pytest.raises(CommandError, match="DOCX"):
        call_command(
            "export_document",
            str(tmp_path / "filing.pdf"),
            case=case.number,
            kind=K.FILING_APPROVAL,
            username="wuyuan_officer",
        )
    assert not (tmp_path / "filing.pdf").exists()
    assert not DocumentDownload.objects.exists()  # nothing was handed out
    # The DOCX still works.
    docx = api(cw.wuyuan_officer).get(
        f"/api/generated-documents/{document.json()['id']}/download/", {"format": "docx"}
    )
    assert docx.status_code == 200


def test_a_converter_named_in_the_settings_but_missing_is_reported_at_start_up(settings, tmp_path):
    settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = "/nonexistent/soffice"
    assert [w.id for w in pdf.check_converter()] == ["documents.W001"]
    for fine in ("", "none", str(fake_soffice(tmp_path)[0])):
        settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER = fine
        assert pdf.check_converter() == []
