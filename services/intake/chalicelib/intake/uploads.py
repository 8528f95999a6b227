"""Attachments live in S3: the browser uploads through a presigned PUT; intake checks the object."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.intake.domain.model import Attachment
from chalicelib.intake.settings import get_settings
from motcua_shared.aws import client


def presigned_put(attachment: Attachment) -> dict[str, Any]:
    settings = get_settings()
    url = client("s3").generate_presigned_url(
        "put_object",
        Params={
            "Bucket": settings.attachments_bucket,
            "Key": attachment.s3_key,
            "ContentType": attachment.content_type,
        },
        ExpiresIn=settings.upload_url_ttl_s,
    )
    return {
        "upload_url": url,
        "method": "PUT",
        "headers": {"Content-Type": attachment.content_type},
    }


def uploaded_size(attachment: Attachment) -> int | None:
    """The size of the uploaded object, or None if nothing was uploaded."""
    try:
        head = client("s3").head_object(
            Bucket=get_settings().attachments_bucket, Key=attachment.s3_key
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return int(head["ContentLength"])
