"""Decision documents and assessment evidence: checked like event attachments
(type from the bytes, size, image integrity), stored content-addressed under
``matters/`` *before* the database transaction — so no file is written inside
one, and ``civicloop prune_attachments`` (which only looks at ``attachments/``)
never touches them."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from civicloop.core import uploads
from civicloop.core.errors import InvalidInput


def check(files, *, field: str) -> list[uploads.CheckedUpload]:
    try:
        return uploads.check_uploads(files)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from exc


def store(upload: uploads.CheckedUpload, *, folder: str) -> str:
    name = f"matters/{folder}/{upload.sha256[:2]}/{upload.sha256}{upload.extension}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(upload.data))
    return name


def check_and_store(files, *, field: str, folder: str) -> list[tuple[uploads.CheckedUpload, str]]:
    checked = check(files, field=field)
    return [(upload, store(upload, folder=folder)) for upload in checked]
