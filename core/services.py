"""Writes of the partnership app that have side effects beyond one row."""

from django.db import transaction

from core.attachments import validate_upload
from core.models import Attachment


@transaction.atomic
def attachment_add(*, record, upload, title: str, user) -> Attachment:
    """Check the upload by its content and store it under a generated name, attached to `record`."""
    kind = validate_upload(upload)
    attachment = Attachment(
        record=record,
        title=title or upload.name,
        original_name=upload.name[:255],
        kind=kind.code,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # the row failed: the file just written must not stay behind
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    """Delete the row; its file goes once the deletion is committed (see the post_delete receiver)."""
    attachment.delete()
