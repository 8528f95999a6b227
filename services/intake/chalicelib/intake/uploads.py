"""Files live in S3: attachments uploaded by applicants, results uploaded by officers. Browsers
upload and download through presigned URLs; intake checks, fingerprints and freezes the objects.

Every URL is signed with Signature Version 4 for the bucket's regional endpoint (buckets created
since June 2020 accept nothing else, and a browser cannot follow S3's redirect from the global
endpoint). An upload URL signs the file's exact size and ``If-None-Match: *``: S3 refuses a body
of another size, and the URL writes the object once — it can never replace a file afterwards.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode, urlparse

from botocore.exceptions import ClientError

from chalicelib.intake.domain.attachments import StoredFile
from chalicelib.intake.domain.filetypes import HEAD_BYTES
from chalicelib.intake.settings import get_settings

_MISSING = {"404", "NoSuchKey", "NotFound"}


class UnversionedBucket(RuntimeError):
    """A bucket holding evidence has no versioning: a submitted file could not be pinned."""


@cache
def _s3() -> Any:
    """The S3 client of this module: SigV4; virtual-hosted on AWS's regional endpoint; path-style
    on a local endpoint (moto, the CORS pass-through), whose host cannot carry a bucket name."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()

    def make(style: str) -> Any:
        return session.client(
            "s3", config=Config(signature_version="s3v4", s3={"addressing_style": style})
        )

    s3 = make("virtual")
    host = urlparse(s3.meta.endpoint_url).hostname or ""
    return s3 if host.endswith((".amazonaws.com", ".amazonaws.com.cn")) else make("path")


def presigned_put(
    bucket: str, key: str, content_type: str, size_bytes: int, tag: str | None = None
) -> dict[str, Any]:
    """A URL the browser PUTs the file to once, with the headers it must send (signed with it,
    as are the file's size and the host); ``tag`` ("key=value") is put on the object with it."""
    params: dict[str, Any] = {
        "Bucket": bucket,
        "Key": key,
        "ContentType": content_type,
        "ContentLength": size_bytes,
        "IfNoneMatch": "*",
    }
    # Content-Length is not among them: a browser sets it from the file (and may not be told).
    headers = {"Content-Type": content_type, "If-None-Match": "*"}
    if tag:
        name, _, value = tag.partition("=")
        params["Tagging"] = headers["x-amz-tagging"] = urlencode({name: value})
    url = _s3().generate_presigned_url(
        "put_object", Params=params, ExpiresIn=get_settings().upload_url_ttl_s
    )
    return {"upload_url": url, "method": "PUT", "headers": headers}


def presigned_get(
    bucket: str,
    key: str,
    filename: str,
    content_type: str | None = None,
    version_id: str | None = None,
) -> str:
    """A short-lived link to the object — to ``version_id`` exactly when given — served as an
    attachment named ``filename`` (and as ``content_type`` when given)."""
    params = {
        "Bucket": bucket,
        "Key": key,
        "ResponseContentDisposition": content_disposition(filename),
    }
    if content_type:
        params["ResponseContentType"] = content_type
    if version_id:
        params["VersionId"] = version_id
    url: str = _s3().generate_presigned_url(
        "get_object", Params=params, ExpiresIn=get_settings().download_url_ttl_s
    )
    return url


def content_disposition(filename: str) -> str:
    """``attachment`` with the file's name; a Vietnamese name travels as RFC 5987 UTF-8, with an
    ASCII stand-in for old browsers (HTTP headers are Latin-1)."""
    plain = filename.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def untag(bucket: str, key: str, version_id: str) -> None:
    """Take the draft tag off a submitted file's version, so no lifecycle rule ever expires it."""
    _s3().delete_object_tagging(Bucket=bucket, Key=key, VersionId=version_id)


def object_size(bucket: str, key: str) -> int | None:
    """The size of an uploaded object, or None if nothing was uploaded."""
    try:
        head = _s3().head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise
    return int(head["ContentLength"])


def stored_file(bucket: str, key: str, expected_bytes: int) -> StoredFile | None:
    """What the bucket holds at ``key`` now — its version, size, SHA-256 and first bytes, read
    in one GET — or None if nothing was uploaded. A file not of the expected size is not read
    (it is refused for its size)."""
    try:
        got = _s3().get_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING:
            return None
        raise
    version = got.get("VersionId")
    if not version or version == "null":
        got["Body"].close()
        raise UnversionedBucket(f"bucket {bucket} must have versioning enabled")
    size = int(got["ContentLength"])
    body = got["Body"]
    if size != expected_bytes:
        body.close()
        return StoredFile(version_id=version, size_bytes=size, sha256="", head=b"")
    digest, head = hashlib.sha256(), b""
    for chunk in iter(lambda: body.read(1024 * 1024), b""):
        head += chunk[: max(HEAD_BYTES - len(head), 0)]
        digest.update(chunk)
    return StoredFile(version_id=version, size_bytes=size, sha256=digest.hexdigest(), head=head)
