"""The evidence a citizen submits, held to S3's and AWS's rules rather than to moto's leniency:
presigned URLs as AWS serves them, the size each upload signs, files frozen at submission, and
names that agree with their type."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from chalice.test import Client

from infra.local.apps import load_app
from infra.local.sigv4 import Rejected, verify
from motcua_shared.timeutil import VN_TZ
from tests.service.test_intake_dossiers import (
    Auth,
    act,
    call,
    create,
    required_documents,
    submitted,
    upload,
)
from tests.service.test_intake_procedure import Clock, processing

REGION = "ap-southeast-1"  # the stack's region (tests/conftest.py): not us-east-1
PDF = b"%PDF-1.4 Giay chung nhan du dieu kien san xuat my pham"
MB = 1024 * 1024


@pytest.fixture
def clock(intake: Client) -> Iterator[Clock]:
    """Intake's clock on a Monday morning (processing() moves it on)."""
    service = load_app("intake").service
    original, service.clock = service.clock, Clock(datetime(2026, 12, 7, 8, 0, tzinfo=VN_TZ))
    yield service.clock
    service.clock = original


def reserve(
    intake: Client,
    auth: Auth,
    dossier_id: str,
    code: str,
    size: int,
    filename: str = "tep.pdf",
    content_type: str = "application/pdf",
) -> tuple[int, dict[str, Any]]:
    return call(
        intake,
        "POST",
        f"/dossiers/{dossier_id}/attachments",
        auth("citizen1"),
        {
            "document_code": code,
            "filename": filename,
            "content_type": content_type,
            "size_bytes": size,
        },
    )


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def assert_sigv4_regional(url: str, bucket: str) -> None:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("https", f"{bucket}.s3.{REGION}.amazonaws.com"), url
    params = query(url)
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256", url
    assert params["X-Amz-Credential"].endswith(f"/{REGION}/s3/aws4_request"), url
    assert "AWSAccessKeyId" not in params, url
    assert "Signature" not in params, url


def test_upload_and_download_links_are_sigv4_on_the_buckets_regional_endpoint(
    intake: Client, auth: Auth, clock: Clock
) -> None:
    """Amazon S3 accepts only Signature Version 4 for buckets created after June 24, 2020 and in
    Regions launched since 2014 ("AWS Signature Version 2 turned off (deprecated) for Amazon S3",
    https://docs.aws.amazon.com/AmazonS3/latest/API/Appendix-Sigv2.html; "Specifying the
    Signature Version in request authentication"). A request that reaches the wrong S3 location
    is answered with a redirect, or a 400 in Regions launched after March 20, 2019 ("Request
    routing", https://docs.aws.amazon.com/AmazonS3/latest/API/UsingRouting.html), which a
    browser's CORS upload cannot follow: the address is the bucket's Regional endpoint,
    https://bucket-name.s3.region-code.amazonaws.com ("Virtual hosting of general purpose
    buckets", https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html).
    No endpoint is configured here, as on AWS."""
    assert "AWS_ENDPOINT_URL" not in os.environ
    assert "AWS_ENDPOINT_URL_S3" not in os.environ
    attachments, results = os.environ["ATTACHMENTS_BUCKET"], os.environ["RESULTS_BUCKET"]
    dossier = processing(intake, auth, clock, delivery_method="online")
    dossier_id = dossier["id"]
    # the upload and download of a document (the dossier is processed: a new draft's)
    draft = create(intake, auth)
    status, slot = reserve(intake, auth, draft["id"], required_documents(intake)[0], len(PDF))
    assert status == 201, slot
    assert_sigv4_regional(slot["upload_url"], attachments)
    attachment = dossier["attachments"][0]["attachment_id"]
    path = f"/dossiers/{dossier_id}/attachments/{attachment}"
    status, link = call(intake, "GET", path, auth("desk1"))
    assert status == 200, link
    assert_sigv4_regional(link["download_url"], attachments)
    # the upload and download of the electronic result
    body = {"filename": "ket-qua.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)}
    status, slot = act(intake, auth, "officer1", dossier_id, "result-file", body)
    assert status == 201, slot
    assert_sigv4_regional(slot["upload_url"], results)
    put = requests.put(slot["upload_url"], data=PDF, headers=slot["headers"], timeout=10)
    assert put.status_code == 200
    status, _ = act(intake, auth, "officer1", dossier_id, "approve", {"result_summary": "Cấp"})
    assert status == 200
    status, link = call(intake, "GET", f"/dossiers/{dossier_id}/result", auth("desk1"))
    assert status == 200, link
    assert_sigv4_regional(link["download_url"], results)


def test_an_upload_url_signs_the_declared_size_so_a_larger_file_is_refused(
    intake: Client, auth: Auth
) -> None:
    """Amazon S3 API Reference, "Authenticating Requests: Using Query Parameters (AWS Signature
    Version 4)": the signature covers every header named in X-Amz-SignedHeaders, so S3 refuses
    (403 SignatureDoesNotMatch) a request whose Content-Length is not the one signed. moto does
    not check presigned signatures at all: the signed headers are asserted here, and the request
    is checked with infra/local/sigv4.py, the local stack's implementation of that algorithm
    (held to AWS's worked example in tests/unit/test_sigv4.py)."""
    dossier = create(intake, auth)
    status, slot = reserve(intake, auth, dossier["id"], required_documents(intake)[0], 1024)
    assert status == 201, slot
    assert slot["method"] == "PUT"
    params = query(slot["upload_url"])
    signed = params["X-Amz-SignedHeaders"].split(";")
    assert {"host", "content-length", "content-type", "if-none-match"} <= set(signed)
    assert int(params["X-Amz-Expires"]) <= 300  # a link of a few minutes, not hours
    parts = urlsplit(slot["upload_url"])
    sent = {name.lower(): value for name, value in slot["headers"].items()}
    honest = {**sent, "host": parts.netloc, "content-length": "1024"}
    secret = {os.environ["AWS_ACCESS_KEY_ID"]: os.environ["AWS_SECRET_ACCESS_KEY"]}.get
    verify("PUT", parts.path, parts.query, honest, secret)
    larger = {**honest, "content-length": str(11 * MB)}
    with pytest.raises(Rejected) as refused:
        verify("PUT", parts.path, parts.query, larger, secret)
    assert (refused.value.status, refused.value.code) == (403, "SignatureDoesNotMatch")


def test_every_uploaded_file_must_be_the_size_declared_and_within_the_limit(
    intake: Client, auth: Auth
) -> None:
    """What moto stored anyway (it does not check the signed size) is refused at submission,
    for optional documents as for required ones: an 11 MB file declared as 1 KB (over the
    10 MB limit), then a file of 2 KB declared as 1 KB; the dossier stays a draft."""
    dossier = create(intake, auth, procedure_code="MYPHAM-01")
    for code in required_documents(intake, "MYPHAM-01"):
        upload(intake, auth, dossier["id"], code)
    optional = "GIAY_UY_QUYEN"
    path = f"/dossiers/{dossier['id']}/submit"
    for content, code in ((PDF + b"0" * 11 * MB, "file_too_large"), (PDF + b"0" * 2048, None)):
        status, slot = reserve(intake, auth, dossier["id"], optional, 1024)
        assert status == 201, slot
        put = requests.put(slot["upload_url"], data=content, headers=slot["headers"], timeout=30)
        assert put.status_code == 200  # moto's leniency: S3 answers 403
        status, body = call(intake, "POST", path, auth("citizen1"))
        assert status == 422, body
        assert body["error"]["code"] == (code or "attachment_size_mismatch")
        assert body["error"]["document_code"] == optional
        assert body["error"]["message_vi"]
    status, body = call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))
    assert body["status"] == "draft"


def s3_tags(bucket: str, key: str, version_id: str) -> dict[str, str]:
    tags = boto3.client("s3").get_object_tagging(Bucket=bucket, Key=key, VersionId=version_id)
    return {t["Key"]: t["Value"] for t in tags["TagSet"]}


def test_a_put_after_submission_cannot_change_what_the_desk_downloads(
    intake: Client, auth: Auth
) -> None:
    """The desk checks a document once; what it accepted is what everyone downloads afterwards.
    The upload URL writes once (S3 conditional writes, If-None-Match: *: "How to prevent object
    overwrites with conditional writes", https://docs.aws.amazon.com/AmazonS3/latest/userguide/
    conditional-writes.html — 412 Precondition Failed), and even a write by other means to the
    key leaves the frozen S3 version (GetObject versionId) as the one served, its draft tag off
    so no lifecycle rule expires it."""
    bucket = os.environ["ATTACHMENTS_BUCKET"]
    dossier = create(intake, auth)
    code, *others = required_documents(intake)
    status, slot = reserve(intake, auth, dossier["id"], code, len(PDF), "van-ban.pdf")
    assert status == 201
    assert requests.put(slot["upload_url"], data=PDF, headers=slot["headers"], timeout=10).ok
    for other in others:
        upload(intake, auth, dossier["id"], other)
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 200, body
    assert act(intake, auth, "desk1", dossier["id"], "accept")[0] == 200
    frozen = next(a for a in body["attachments"] if a["document_code"] == code)
    assert frozen["sha256"] == hashlib.sha256(PDF).hexdigest()

    forged = b"%PDF-1.4 a different document, written after acceptance"
    again = requests.put(slot["upload_url"], data=forged, headers=slot["headers"], timeout=10)
    assert again.status_code == 412  # the URL wrote once
    key = next(
        a.s3_key
        for a in load_app("intake").service.repository.get(dossier["id"]).attachments
        if a.attachment_id == slot["attachment_id"]
    )
    boto3.client("s3").put_object(
        Bucket=bucket, Key=key, Body=forged, Tagging="motcua%3Adraft=true"
    )

    for user in ("desk1", "officer1", "citizen1"):
        path = f"/dossiers/{dossier['id']}/attachments/{slot['attachment_id']}"
        status, link = call(intake, "GET", path, auth(user))
        assert status == 200, link
        served = requests.get(link["download_url"], timeout=10).content
        assert hashlib.sha256(served).hexdigest() == frozen["sha256"], user
        assert link["sha256"] == frozen["sha256"]
    version = load_app("intake").service.repository.get(dossier["id"]).attachments
    version_id = next(a.version_id for a in version if a.attachment_id == slot["attachment_id"])
    assert version_id is not None
    assert s3_tags(bucket, key, version_id) == {}


def test_after_submission_only_the_documents_asked_to_supplement_take_a_new_upload(
    intake: Client, auth: Auth
) -> None:
    """Once submitted, a dossier's files are what the desk checks: no upload URL is handed out,
    except — while the desk asks for a supplement — for the documents it named; that file is
    frozen in turn when the dossier is resubmitted, and is never tagged as a draft's."""
    dossier = submitted(intake, auth)
    asked, other = required_documents(intake)[:2]
    status, body = reserve(intake, auth, dossier["id"], asked, len(PDF))
    assert (status, body["error"]["code"]) == (409, "invalid_transition")
    request = {"reason": "Bản chụp mờ", "items": [{"document_code": asked, "note": "Chụp lại"}]}
    assert act(intake, auth, "desk1", dossier["id"], "request-supplement", request)[0] == 200

    status, body = reserve(intake, auth, dossier["id"], other, len(PDF))
    assert (status, body["error"]["code"]) == (409, "document_not_requested")
    assert body["error"]["requested"] == [asked]
    assert body["error"]["message_vi"]

    replacement = b"%PDF-1.4 ban chup lai ro net"
    status, slot = reserve(intake, auth, dossier["id"], asked, len(replacement))
    assert status == 201, slot
    assert "x-amz-tagging" not in query(slot["upload_url"])["X-Amz-SignedHeaders"]
    assert "x-amz-tagging" not in {k.lower() for k in slot["headers"]}
    put = requests.put(slot["upload_url"], data=replacement, headers=slot["headers"], timeout=10)
    assert put.status_code == 200
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 200, body
    new = next(a for a in body["attachments"] if a["document_code"] == asked)
    assert new["attachment_id"] == slot["attachment_id"]
    assert new["sha256"] == hashlib.sha256(replacement).hexdigest()
    path = f"/dossiers/{dossier['id']}/attachments/{new['attachment_id']}"
    link = call(intake, "GET", path, auth("desk1"))[1]
    assert requests.get(link["download_url"], timeout=10).content == replacement


def test_the_approved_result_is_the_one_served(intake: Client, auth: Auth, clock: Clock) -> None:
    """The electronic result is frozen at approval as the documents are at submission: its
    SHA-256 (shown by /verify) and its S3 version, which is what every download serves."""
    dossier = processing(intake, auth, clock, delivery_method="online")
    body = {"filename": "ket-qua.pdf", "content_type": "application/pdf", "size_bytes": len(PDF)}
    status, slot = act(intake, auth, "officer1", dossier["id"], "result-file", body)
    assert status == 201, slot
    assert requests.put(slot["upload_url"], data=PDF, headers=slot["headers"], timeout=10).ok
    status, approved = act(
        intake, auth, "officer1", dossier["id"], "approve", {"result_summary": "Cấp"}
    )
    assert status == 200, approved
    key = load_app("intake").service.repository.get(dossier["id"]).result.s3_key
    boto3.client("s3").put_object(Bucket=os.environ["RESULTS_BUCKET"], Key=key, Body=b"%PDF-x")
    status, link = call(intake, "GET", f"/dossiers/{dossier['id']}/result", auth("citizen1"))
    assert status == 200, link
    assert requests.get(link["download_url"], timeout=10).content == PDF


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("x.html", "application/pdf"),
        ("don.pdf.html", "application/pdf"),
        ("scan", "application/pdf"),
        (".pdf", "application/pdf"),
        ("anh.png", "image/jpeg"),
        ("anh.jpg", "image/png"),
        ("don.pdf", "image/jpeg"),
    ],
)
def test_a_file_name_must_carry_an_extension_of_its_declared_type(
    intake: Client, auth: Auth, filename: str, content_type: str
) -> None:
    """OWASP File Upload Cheat Sheet ("List allowed extensions", "Validate the file type, don't
    trust the Content-Type header"): the desk's computer opens a downloaded file by its name's
    extension, so a PDF named x.html would open as a web page. Refused when the upload is
    asked for, with a stable code and both languages."""
    dossier = create(intake, auth)
    code = required_documents(intake)[0]
    status, body = reserve(intake, auth, dossier["id"], code, 100, filename, content_type)
    assert status == 422, body
    error = body["error"]
    assert (error["code"], error["field"]) == ("file_extension_mismatch", "filename")
    assert filename in error["message_vi"]
    assert "phần mở rộng" in error["message_vi"]
    assert error["message"]


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [("Văn bản.PDF", "application/pdf"), ("anh.jpeg", "image/jpeg"), ("anh.JPG", "image/jpeg")],
)
def test_names_of_their_declared_type_are_accepted(
    intake: Client, auth: Auth, filename: str, content_type: str
) -> None:
    dossier = create(intake, auth)
    code = required_documents(intake)[0]
    status, body = reserve(intake, auth, dossier["id"], code, 100, filename, content_type)
    assert status == 201, body


def test_a_file_stored_under_another_name_is_refused_at_submission(
    intake: Client, auth: Auth
) -> None:
    """A PDF whose name reads .html (a place reserved before names were checked) is refused at
    submission for what its bytes are, and the dossier stays a draft."""
    dossier = create(intake, auth)
    for code in required_documents(intake):
        upload(intake, auth, dossier["id"], code)
    service = load_app("intake").service
    stored = service.repository.get(dossier["id"])
    stored.attachments[0].filename = "x.html"
    service._store(stored, [])
    status, body = act(intake, auth, "citizen1", dossier["id"], "submit")
    assert status == 422, body
    assert body["error"]["code"] == "attachment_type_mismatch"
    assert body["error"]["filename"] == "x.html"
    assert call(intake, "GET", f"/dossiers/{dossier['id']}", auth("citizen1"))[1]["status"] == (
        "draft"
    )
