"""Personal data never reaches logs or public views in clear."""

from __future__ import annotations

import re

# Citizen ID (CCCD, 12 digits), old ID card (9 digits), Vietnamese mobile numbers.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+?84|0)(\d{9})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_id_number(value: str) -> str:
    """Keep the last three digits: ``079123456789`` → ``*********789``."""
    return "*" * max(len(value) - 3, 0) + value[-3:] if value else value


def mask_phone(value: str) -> str:
    """Keep the first three and the last two characters: ``0912345678`` → ``091*****78``."""
    if len(value) <= 5:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 5) + value[-2:]


def mask_email(value: str) -> str:
    """Keep the first character and the domain: ``nhung@example.vn`` → ``n***@example.vn``."""
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_phone(value)
    return f"{local[:1]}***@{domain}"


def mask_text(text: str) -> str:
    """Mask every phone number, ID number and e-mail address found in free text."""
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
