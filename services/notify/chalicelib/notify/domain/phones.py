"""Checking and normalising the applicant's contacts (Vietnamese mobile numbers, email)."""

from __future__ import annotations

import re

# Vietnamese mobile numbers: 0 / 84 / +84, a mobile prefix (03x, 05x, 07x, 08x, 09x), 7 digits.
_MOBILE = re.compile(r"^(\+84|84|0)((?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])\d{7})$")
_SEPARATORS = re.compile(r"[\s.\-()]")

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def normalise_phone(value: str) -> str | None:
    """A Vietnamese mobile number as "+84XXXXXXXXX", or None (landlines and the rest).

    Accepts 0…, 84…, +84… with spaces, dots, dashes: "84-912-345-678" → "+84912345678"."""
    cleaned = _SEPARATORS.sub("", value or "")
    match = _MOBILE.match(cleaned)
    if match is None:
        return None
    return "+84" + match.group(2)


def is_valid_email(value: str) -> bool:
    """A practical check: one @, a plausible local part, a dotted domain; not full RFC 5322."""
    candidate = (value or "").strip()
    if len(candidate) > 254 or "@" not in candidate:
        return False
    local = candidate.rsplit("@", 1)[0]
    return len(local) <= 64 and _EMAIL.match(candidate) is not None
