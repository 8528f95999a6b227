"""No signature verifies with an empty key.

HMAC (RFC 2104) with an empty key is computable by anyone, so a signature "verified" with it
proves nothing: an empty configured secret must refuse (OWASP "fail securely"), never accept.
VNPay's signature is HMAC-SHA512 over the sorted parameters (VNPay PAY integration guide);
the post office's SignData and our delivery receipts are HMAC-SHA256 (README, API).
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from chalicelib.delivery.postoffice import PostOffice, PostOfficeNotReady
from chalicelib.notify.receipts import sign as sign_receipt
from chalicelib.notify.receipts import verify as verify_receipt
from chalicelib.payment.providers.vnpay import sign, verify
from motcua_shared.secrets import Secret

PARAMS = {
    "vnp_TmnCode": "MOTCUA01",
    "vnp_TxnRef": "P261203000000000001",
    "vnp_Amount": "50000000",
    "vnp_ResponseCode": "00",
    "vnp_TransactionStatus": "00",
}


def test_a_vnpay_signature_made_with_the_empty_key_does_not_verify() -> None:
    forged = {**PARAMS, "vnp_SecureHash": sign(PARAMS, "")}
    assert not verify(forged, "")  # before the fix: True, and the IPN paid the fee
    assert verify({**PARAMS, "vnp_SecureHash": sign(PARAMS, "K")}, "K")


def test_a_receipt_signed_with_the_empty_key_does_not_verify() -> None:
    body = b'{"notificationType": "Delivery"}'
    assert not verify_receipt("", body, sign_receipt("", body))
    assert verify_receipt("K", body, sign_receipt("K", body))


@pytest.mark.parametrize("secret", ["", "   "])
def test_a_post_office_callback_is_not_read_without_its_secret(secret: str) -> None:
    data = json.dumps({"ItemCode": "EB000000001VN", "OrderStatusId": 100})
    office = PostOffice(
        base_url="http://post.example",
        access_token=Secret("POSTAL_ACCESS_TOKEN", plain="token"),
        callback_secret=Secret("POSTAL_CALLBACK_SECRET", plain=secret),
        customer_code="MOTCUA",
        timeout_s=1,
    )
    sign_data = hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()
    with pytest.raises(PostOfficeNotReady):  # before the fix: read as a delivered result
        office.read_callback({"Data": data, "SendDate": "", "SignData": sign_data})
