"""The local stack's check of presigned S3 requests (infra/local/sigv4.py) against AWS's rules.

Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters (AWS Signature
Version 4)" (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html): the
signature covers the method, the path, the query and every header named in X-Amz-SignedHeaders
(the host and any x-amz-* header the request will carry); the page's worked example (a GET of
examplebucket/test.txt) gives the signature expected below.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from infra.local.sigv4 import Rejected, verify

AWS_EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"
AWS_EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_EXAMPLE_QUERY = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
    "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
)
AT_EXAMPLE = datetime(2013, 5, 24, 1, 0, tzinfo=UTC)


def secrets(key: str) -> str | None:
    return {AWS_EXAMPLE_KEY: AWS_EXAMPLE_SECRET, "local": "local-secret"}.get(key)


def test_aws_worked_example_verifies() -> None:
    """The example of the AWS page above: GET /test.txt, host examplebucket.s3.amazonaws.com."""
    host = {"host": "examplebucket.s3.amazonaws.com"}
    verify("GET", "/test.txt", AWS_EXAMPLE_QUERY, host, secrets, AT_EXAMPLE)
    with pytest.raises(Rejected) as other_key:
        verify("GET", "/other.txt", AWS_EXAMPLE_QUERY, host, secrets, AT_EXAMPLE)
    assert other_key.value.code == "SignatureDoesNotMatch"
    with pytest.raises(Rejected) as expired:
        verify("GET", "/test.txt", AWS_EXAMPLE_QUERY, host, secrets, AT_EXAMPLE + timedelta(1))
    assert (expired.value.status, expired.value.code) == (403, "AccessDenied")


def presigned_put(size: int) -> tuple[str, str, str]:
    """A PUT presigned by botocore (another implementation of the same algorithm) with the
    Content-Length, Content-Type and If-None-Match signed: (path, query, host)."""
    s3 = boto3.session.Session(
        aws_access_key_id="local", aws_secret_access_key="local-secret", region_name="eu-west-3"
    ).client("s3", config=Config(signature_version="s3v4", s3={"addressing_style": "virtual"}))
    url = s3.generate_presigned_url(
        "put_object",
        Params={
            "Bucket": "b",
            "Key": "dossiers/1/Văn bản (1).pdf",
            "ContentType": "application/pdf",
            "ContentLength": size,
            "IfNoneMatch": "*",
        },
        ExpiresIn=300,
    )
    parts = urlsplit(url)
    return parts.path, parts.query, parts.netloc


def test_a_signed_content_length_binds_the_size_of_the_body() -> None:
    path, query, host = presigned_put(1024)
    sent = {
        "host": host,
        "content-type": "application/pdf",
        "content-length": "1024",
        "if-none-match": "*",
    }
    verify("PUT", path, query, sent, secrets)
    for changed in (
        {"content-length": str(11 * 1024 * 1024)},  # a larger file than declared
        {"content-type": "text/html"},
        {"if-none-match": "x"},
    ):
        with pytest.raises(Rejected) as refused:
            verify("PUT", path, query, {**sent, **changed}, secrets)
        assert (refused.value.status, refused.value.code) == (403, "SignatureDoesNotMatch")
    without_condition = {k: v for k, v in sent.items() if k != "if-none-match"}
    with pytest.raises(Rejected):
        verify("PUT", path, query, without_condition, secrets)
    with pytest.raises(Rejected) as unsigned:
        verify("PUT", path, query, {**sent, "x-amz-tagging": "a=b"}, secrets)
    assert unsigned.value.code == "AccessDenied"


def test_signature_version_2_is_refused() -> None:
    """Buckets created after June 24, 2020 accept only Signature Version 4 (AWS announcement,
    "AWS Signature Version 4 to replace AWS Signature Version 2 for signing S3 API requests")."""
    query = "AWSAccessKeyId=local&Signature=abc%3D&Expires=9999999999"
    with pytest.raises(Rejected) as refused:
        verify("PUT", "/b/k", query, {"host": "h"}, secrets)
    assert (refused.value.status, refused.value.code) == (400, "InvalidRequest")
