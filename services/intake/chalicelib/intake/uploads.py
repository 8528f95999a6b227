"""Files live in S3: attachments uploaded by applicants, results uploaded by officers. Browsers
upload and download through presigned URLs; intake only checks and fingerprints the objects."""

from __future__ import annotations

import hashlib
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.intake.settings import get_settings
from motcua_shared.aws import client


def presigned_put(bucket: str, key: str, content_type: str) -> dict[str, Any]:
    url = client("s3").generate_presigned_url(
        "put_object",
        Params={"Bucket": bucket, "Key": key, "ContentType": content_type},
        ExpiresIn=get_settings().upload_url_ttl_s,
    )
    return {"upload_url": url, "method": "PUT", "headers": {"Content-Type": content_type}}


def presigned_get(bucket: str, key: str, filename: str) -> str:
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=get_settings().download_url_ttl_s,
    )
    return url


def object_size(bucket: str, key: str) -> int | None:
    """The size of an uploaded object, or None if nothing was uploaded."""
    try:
        head = client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return int(head["ContentLength"])


def sha256_of(bucket: str, key: str) -> str:
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    digest = hashlib.sha256()
    for chunk in iter(lambda: body.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()
