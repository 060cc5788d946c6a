"""PDF copies of documents, made by LibreOffice when it is installed.

``soffice --headless --convert-to pdf`` runs in a temporary directory with its own
profile (so conversions can run side by side), never inside a database transaction.
Without a converter the documents are offered as DOCX only, and pages and the API say so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from civicloop.core.errors import DomainError, InvalidInput

TIMEOUT_SECONDS = 120
OFF = {"none", "off", "no", "0", "false"}


class ConversionFailed(DomainError):
    """LibreOffice is there but did not produce a PDF."""

    status_code = 503
    default_code = "conversion_failed"


def converter() -> str | None:
    """The LibreOffice executable to use, or None (setting CIVICLOOP_DOCUMENT_PDF_CONVERTER)."""
    configured = (settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER or "").strip()
    if configured.lower() in OFF:
        return None
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def check_converter(app_configs=None, **kwargs):
    """System check: a converter named in the setting must exist (else PDF is silently off)."""
    from django.core.checks import Warning

    configured = (settings.CIVICLOOP_DOCUMENT_PDF_CONVERTER or "").strip()
    if not configured or configured.lower() in OFF or converter() is not None:
        return []
    return [
        Warning(
            f"CIVICLOOP_DOCUMENT_PDF_CONVERTER is {configured!r}, which is not an executable "
            "program here: documents are offered as DOCX only.",
            hint="Install LibreOffice (soffice), give its full path, or set the setting to none.",
            id="documents.W001",
        )
    ]


def pdf_available() -> bool:
    return converter() is not None


def unavailable_note():
    return _(
        "PDF copies are not available on this server (no converter such as LibreOffice is "
        "installed or configured); download the DOCX and print or convert it."
    )


def to_pdf(docx: bytes) -> bytes:
    """The PDF of a DOCX file."""
    executable = converter()
    if executable is None:
        raise InvalidInput(unavailable_note(), field="format")
    with tempfile.TemporaryDirectory(prefix="civicloop-pdf-") as folder:
        tmp = Path(folder)
        source = tmp / "document.docx"
        source.write_bytes(docx)
        command = [
            executable,
            f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            str(source),
        ]
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
                env={**os.environ, "HOME": str(tmp)},
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ConversionFailed(
                _("The PDF could not be made; download the DOCX instead.")
            ) from exc
        target = tmp / "document.pdf"
        if result.returncode != 0 or not target.is_file():
            raise ConversionFailed(_("The PDF could not be made; download the DOCX instead."))
        return target.read_bytes()
