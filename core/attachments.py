"""Checking uploaded documents by their content, never by their name.

Accepted: PDF, PNG, JPEG, Office Open XML (docx, xlsx, pptx) and the older
binary Office formats (doc, xls, ppt). Everything else, including HTML and SVG
that a browser would run, is refused.
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    extension: str
    content_type: str


PDF = Kind("pdf", "pdf", "application/pdf")
PNG = Kind("png", "png", "image/png")
JPEG = Kind("jpeg", "jpg", "image/jpeg")
DOCX = Kind("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = Kind("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PPTX = Kind("pptx", "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
OLE = Kind("office", "bin", "application/octet-stream")  # legacy doc/xls/ppt share one container
KINDS = {kind.code: kind for kind in (PDF, PNG, JPEG, DOCX, XLSX, PPTX, OLE)}

_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}


def max_bytes() -> int:
    return settings.KOPRU_ATTACHMENT_MAX_BYTES


def sniff(upload) -> Kind | None:
    """The document kind, judged from the file's first bytes and, for ZIP containers, its parts."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, kind in _OOXML_PARTS.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    return None


def validate_upload(upload) -> Kind:
    """Raise ValidationError unless the upload is small enough and of an accepted kind."""
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = sniff(upload)
    if kind is None:
        raise ValidationError(
            _("Only PDF, Office documents (Word, Excel, PowerPoint), PNG and JPEG files can be attached."),
            code="kind",
        )
    return kind
