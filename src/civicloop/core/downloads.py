"""Files sent to the browser: content types and the ``Content-Disposition`` header, the same for
every export and document download."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def content_disposition(filename: str) -> str:
    """``attachment`` with the file's name; a Chinese name is also given UTF-8-encoded
    (RFC 6266 ``filename*``), with an ASCII fallback for old clients."""
    ascii_name = filename.encode("ascii", "ignore").decode()
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return (
        f"attachment; filename=\"{ascii_name or 'document'}\"; filename*=UTF-8''{quote(filename)}"
    )


def attachment_response(
    filename: str, content_type: str, data: bytes = b"", *, private: bool = False
) -> HttpResponse:
    """A response that downloads as ``filename``; writers may also write into it (it is a file).

    ``private`` keeps personal data out of shared caches."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
