"""Files live in S3: attachments uploaded by applicants, results uploaded by officers. Browsers
upload and download through presigned URLs; intake only checks and fingerprints the objects."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote, urlencode

from botocore.exceptions import ClientError

from chalicelib.intake.settings import get_settings
from motcua_shared.aws import client


def presigned_put(
    bucket: str, key: str, content_type: str, tag: str | None = None
) -> dict[str, Any]:
    """A URL the browser PUTs the file to, with the headers it must send (signed with it);
    ``tag`` ("key=value") is put on the object with the upload."""
    params = {"Bucket": bucket, "Key": key, "ContentType": content_type}
    headers = {"Content-Type": content_type}
    if tag:
        name, _, value = tag.partition("=")
        params["Tagging"] = headers["x-amz-tagging"] = urlencode({name: value})
    url = client("s3").generate_presigned_url(
        "put_object", Params=params, ExpiresIn=get_settings().upload_url_ttl_s
    )
    return {"upload_url": url, "method": "PUT", "headers": headers}


def untag(bucket: str, key: str) -> None:
    """Take the draft tag off an uploaded file, so no lifecycle rule ever expires it."""
    client("s3").delete_object_tagging(Bucket=bucket, Key=key)


def presigned_get(bucket: str, key: str, filename: str) -> str:
    url: str = client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": bucket,
            "Key": key,
            "ResponseContentDisposition": content_disposition(filename),
        },
        ExpiresIn=get_settings().download_url_ttl_s,
    )
    return url


def content_disposition(filename: str) -> str:
    """``attachment`` with the file's name; a Vietnamese name travels as RFC 5987 UTF-8, with an
    ASCII stand-in for old browsers (HTTP headers are Latin-1)."""
    plain = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def object_size(bucket: str, key: str) -> int | None:
    """The size of an uploaded object, or None if nothing was uploaded."""
    try:
        head = client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return None
        raise
    return int(head["ContentLength"])


def first_bytes(bucket: str, key: str, count: int) -> bytes:
    """The first ``count`` bytes of an uploaded object (a ranged GET: the file's real type)."""
    try:
        got = client("s3").get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{count - 1}")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "InvalidRange":  # an empty file
            return b""
        raise
    head: bytes = got["Body"].read(count)
    return head[:count]


def sha256_of(bucket: str, key: str) -> str:
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    digest = hashlib.sha256()
    for chunk in iter(lambda: body.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()
