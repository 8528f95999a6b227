"""What an uploaded file really is: the first bytes ("magic numbers") of each accepted type, and
the filename extensions each type may carry.

Three things name a file's type and must agree: the extension of its name (what the desk's
computer opens it with), the content type declared when the upload slot is asked for (what S3
serves it as) and its first bytes (what it is). The name and the declaration are checked when the
slot is asked for; the bytes when the dossier is submitted, so a renamed or forged file (an HTML
page named ``.pdf``, a PDF named ``.html``) never reaches the desk.
"""

from __future__ import annotations

from collections.abc import Mapping

from chalicelib.intake.domain.catalog import Procedure
from chalicelib.intake.domain.errors import AttachmentTypeMismatch, FileExtensionMismatch
from chalicelib.intake.domain.model import Attachment

# Declared content type → the prefixes its files start with.
SIGNATURES: Mapping[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG",),
}
# Declared content type → the extensions (lower case, without the dot) its file names may end in.
EXTENSIONS: Mapping[str, frozenset[str]] = {
    "application/pdf": frozenset({"pdf"}),
    "image/jpeg": frozenset({"jpg", "jpeg"}),
    "image/png": frozenset({"png"}),
}
# How many leading bytes identify a file.
HEAD_BYTES = 8


def matches(content_type: str, head: bytes) -> bool:
    """Whether a file starting with ``head`` is of the declared type (unknown types pass: the
    upload policy decides which types are accepted at all)."""
    prefixes = SIGNATURES.get(content_type)
    return prefixes is None or any(head.startswith(p) for p in prefixes)


def extension(filename: str) -> str:
    """The extension of a file name, lower case, without the dot ("" when it has none)."""
    stem, dot, suffix = filename.rpartition(".")
    return suffix.lower() if dot and stem else ""


def check_filename(filename: str, content_type: str) -> None:
    """Raise :class:`FileExtensionMismatch` unless the name ends in an extension of the declared
    type (``x.html`` declared as a PDF, or a PDF without ``.pdf``)."""
    allowed = EXTENSIONS.get(content_type)
    if allowed is None or extension(filename) in allowed:
        return
    expected = ", ".join(f".{e}" for e in sorted(allowed))
    raise FileExtensionMismatch(
        f"The file name '{filename}' must end in {expected} for a {content_type} file.",
        f"Tên tệp '{filename}' phải có phần mở rộng {expected} đúng với định dạng "
        f"{content_type}; vui lòng đổi tên tệp hoặc chọn đúng tệp.",
        filename=filename,
        content_type=content_type,
        expected_extensions=sorted(allowed),
        field="filename",
    )


def check_uploaded_types(
    attachments: list[Attachment], procedure: Procedure, heads: Mapping[str, bytes]
) -> None:
    """Raise :class:`AttachmentTypeMismatch` for the first attachment whose bytes (``heads``:
    attachment id → first bytes) do not match its declared content type, or whose name does not
    carry an extension of that type."""
    for attachment in attachments:
        head = heads.get(attachment.attachment_id)
        if head is None:
            continue
        named = extension(attachment.filename) in EXTENSIONS.get(
            attachment.content_type, frozenset({extension(attachment.filename)})
        )
        if matches(attachment.content_type, head) and named:
            continue
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
