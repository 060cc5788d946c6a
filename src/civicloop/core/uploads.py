"""Validation and storage of uploaded files: event photos and attachments, case evidence,
signed commitments, decision documents and assessment evidence — every app checks and
stores files here.

Types are recognised from the file's first bytes, not its name; images are
opened with Pillow so a corrupt or disguised file is refused. Files are stored
content-addressed *before* the database transaction (so no file is written
inside one); a row that never commits leaves an unreferenced file that
``civicloop prune_attachments`` removes.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from civicloop.core.downloads import DOCX, XLSX
from civicloop.core.errors import InvalidInput

# extension → content type; the sniffed type must agree with the extension.
ALLOWED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".pdf": "application/pdf",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".mp4": "video/mp4",
}


def sniff(data: bytes) -> str | None:
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1"):
            return "image/heic"
        return "video/mp4"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:4096] or b"word/" in data:
            return ALLOWED_TYPES[".docx"]
        if b"xl/" in data:
            return ALLOWED_TYPES[".xlsx"]
    return None


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def extension(self) -> str:
        return os.path.splitext(self.name)[1].lower()

    @property
    def storage_name(self) -> str:
        return f"attachments/{self.sha256[:2]}/{self.sha256}{self.extension}"


def check_uploads(files, *, field: str = "attachments") -> list[CheckedUpload]:
    """Validate every file first, so a bad one refuses the whole submission.

    ``field`` names the form/API field a refusal is reported against."""
    files = list(files or [])
    limit = settings.CIVICLOOP_MAX_UPLOADS_PER_EVENT
    if len(files) > limit:
        raise InvalidInput(
            _("At most %(n)d files may be attached at once.") % {"n": limit}, field=field
        )
    checked = []
    max_bytes = settings.CIVICLOOP_MAX_UPLOAD_BYTES
    for f in files:
        name = os.path.basename(getattr(f, "name", "") or "upload")
        size = getattr(f, "size", None)
        if size is not None and size > max_bytes:
            raise InvalidInput(
                _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": max_bytes // (1024 * 1024)},
                field=field,
            )
        data = f.read()
        if len(data) > max_bytes:
            raise InvalidInput(
                _("“%(name)s” is larger than %(mb)d MB.")
                % {"name": name, "mb": max_bytes // (1024 * 1024)},
                field=field,
            )
        if not data:
            raise InvalidInput(_("“%(name)s” is empty.") % {"name": name}, field=field)
        ext = os.path.splitext(name)[1].lower()
        expected = ALLOWED_TYPES.get(ext)
        if expected is None:
            raise InvalidInput(
                _(
                    "“%(name)s”: only photos (JPG, PNG, WEBP, HEIC), PDF, Word, Excel and MP4 files "
                    "are accepted."
                )
                % {"name": name},
                field=field,
            )
        actual = sniff(data)
        if actual != expected:
            raise InvalidInput(
                _("“%(name)s” is not really a %(ext)s file.")
                % {"name": name, "ext": ext.lstrip(".").upper()},
                field=field,
            )
        if actual in ("image/jpeg", "image/png", "image/webp"):
            _verify_image(name, data, field=field)
        checked.append(
            CheckedUpload(
                name=name[:200],
                content_type=actual,
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    return checked


def _verify_image(name: str, data: bytes, *, field: str) -> None:
    """A photo that decodes, within the pixel limit: a few bytes may claim 30 000 × 30 000
    pixels (a decompression bomb), which would take gigabytes to decode."""
    from PIL import Image, UnidentifiedImageError

    limit = settings.CIVICLOOP_MAX_IMAGE_PIXELS
    too_large = InvalidInput(
        _("“%(name)s” has more pixels than a photo may have (%(mp)d million at most).")
        % {"name": name, "mp": limit // 1_000_000},
        field=field,
    )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it; here any excess refuses.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > limit:
                    raise too_large
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(
            _("“%(name)s” is a damaged image.") % {"name": name}, field=field
        ) from exc


def store(upload: CheckedUpload, *, folder: str = "attachments", name: str = "") -> str:
    """Write the bytes once under their hash; return the storage name.

    Event attachments live under ``attachments/`` (which ``civicloop prune_attachments``
    sweeps); other records pass their own ``folder`` (or a full ``name``) so the sweep never
    touches them."""
    if not name:
        name = f"{folder}/{upload.sha256[:2]}/{upload.sha256}{upload.extension}"
    if not default_storage.exists(name):
        return default_storage.save(name, ContentFile(upload.data))
    return name
