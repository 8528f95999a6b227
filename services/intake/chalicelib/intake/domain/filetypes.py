"""What an uploaded file really is: the first bytes ("magic numbers") of each accepted type.

The browser declares a content type when it asks for an upload slot; the bytes it then puts in S3
are checked against that declaration when the dossier is submitted, so a renamed or forged file
never reaches the desk.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.intake.domain.catalog import Procedure
from chalicelib.intake.domain.errors import AttachmentTypeMismatch
from chalicelib.intake.domain.model import Dossier

# Declared content type → the prefixes its files start with.
SIGNATURES: Mapping[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG",),
}
# How many leading bytes to read from each object (a ranged GET).
HEAD_BYTES = 8


def matches(content_type: str, head: bytes) -> bool:
    """Whether a file starting with ``head`` is of the declared type (unknown types pass: the
    upload policy decides which types are accepted at all)."""
    prefixes = SIGNATURES.get(content_type)
    return prefixes is None or any(head.startswith(p) for p in prefixes)


def check_uploaded_types(
    dossier: Dossier, procedure: Procedure, heads: Mapping[str, bytes]
) -> None:
    """Raise :class:`AttachmentTypeMismatch` for the first attachment whose bytes (``heads``:
    attachment id → first bytes) do not match its declared content type."""
    for attachment in dossier.attachments:
        head = heads.get(attachment.attachment_id)
        if head is not None and not matches(attachment.content_type, head):
            document = procedure.document(attachment.document_code)
            name = document.name if document else attachment.document_code
            raise AttachmentTypeMismatch(
                f"The file '{attachment.filename}' of document '{name}' is not "
                f"a {attachment.content_type} file.",
                f"Tệp '{attachment.filename}' của giấy tờ '{name}' không đúng "
                f"định dạng đã khai báo ({attachment.content_type}); vui lòng tải lên lại.",
                document_code=attachment.document_code,
                document_name=name,
                attachment_id=attachment.attachment_id,
                filename=attachment.filename,
                content_type=attachment.content_type,
                field=f"attachments.{attachment.document_code}",
            )
