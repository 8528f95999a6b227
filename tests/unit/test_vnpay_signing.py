"""The payment service's VNPay signing against the reference vectors (VNPay's PHP sample)."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.payment.providers.vnpay import php_urlencode, sign, signed_data, verify
from tests.vectors import vnpay_signing as cases


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["name"])
def test_reference_vectors(case: dict[str, Any]) -> None:
    assert signed_data(case["params"]) == case["signed_data"]
    assert sign(case["params"], case["secret"]) == case["vnp_SecureHash"]
    assert verify(
        {**case["params"], "vnp_SecureHash": case["vnp_SecureHash"].upper()}, case["secret"]
    )


@pytest.mark.parametrize("case", cases(), ids=lambda c: c["name"])
def test_any_change_breaks_the_signature(case: dict[str, Any]) -> None:
    params = {**case["params"], "vnp_SecureHash": case["vnp_SecureHash"]}
    assert not verify({**params, "vnp_Amount": params["vnp_Amount"] + "0"}, case["secret"])
    assert not verify(params, case["secret"] + "x")
    assert not verify({k: v for k, v in params.items() if k != "vnp_SecureHash"}, case["secret"])


def test_php_urlencode() -> None:
    assert php_urlencode("a b~*'") == "a+b%7E%2A%27"
    assert php_urlencode("Lệ phí") == "L%E1%BB%87+ph%C3%AD"
