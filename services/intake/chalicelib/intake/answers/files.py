"""The files of a dossier: presigned uploads of its documents and of its electronic result, and
short-lived links to them. The storage adapters (evidence.py, uploads.py) give the links and
headers; these classes say what the API answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.intake.domain.model import Status


@dataclass(frozen=True)
class AttachmentUploadOut:
    """Where the browser uploads a document's file, with the headers it must send: one PUT of
    exactly ``size_bytes`` bytes (S3 refuses another size), within minutes; the URL writes the
    file once and never replaces it (``If-None-Match: *``)."""

    attachment_id: str
    document_code: str
    upload_url: str
    method: Literal["PUT"]
    headers: dict[str, str]

    @classmethod
    def of(cls, slot: Mapping[str, Any]) -> AttachmentUploadOut:
        """From the adapter's upload slot (evidence.EvidenceFiles.upload_slot)."""
        return cls(**slot)


@dataclass(frozen=True)
class AttachmentDownloadOut:
    """A short-lived link to an uploaded document's file."""

    attachment_id: str
    document_code: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str | None  # of the version served (frozen at submission); null before
    download_url: str
    expires_in_s: int

    @classmethod
    def of(cls, link: Mapping[str, Any]) -> AttachmentDownloadOut:
        """From the adapter's link (evidence.EvidenceFiles.link)."""
        return cls(**link)


@dataclass(frozen=True)
class ResultUploadOut:
    """Where the officer uploads the electronic result, with its verification code."""

    verification_code: str
    upload_url: str
    method: Literal["PUT"]
    headers: dict[str, str]

    @classmethod
    def of(cls, slot: Mapping[str, Any]) -> ResultUploadOut:
        """From the service's upload slot (commands.prepare_result)."""
        return cls(**slot)


@dataclass(frozen=True)
class ResultDownloadOut:
    """A short-lived link to the electronic result, and the dossier's status after it."""

    download_url: str
    filename: str
    sha256: str
    verification_code: str
    expires_in_s: int
    status: Status

    @classmethod
    def of(cls, link: Mapping[str, Any]) -> ResultDownloadOut:
        """From the service's link (commands.download_result)."""
        return cls(**link)
