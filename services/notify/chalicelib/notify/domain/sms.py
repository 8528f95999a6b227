"""SMS text: removing Vietnamese diacritics and counting message parts (3GPP TS 23.038).

Brandname SMS are sent without diacritics: the GSM 03.38 7-bit alphabet gives 160 characters for
one part and 153 per part beyond (the rest of each part is the concatenation header). A single
character outside that alphabet (any Vietnamese letter with a diacritic) switches the whole message
to UCS-2: 70 characters for one part, 67 per part beyond, counted in UTF-16 code units.
"""

from __future__ import annotations

import math
import unicodedata

# GSM 03.38 basic character set (the escape character 0x1B is not a character of its own).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# GSM 03.38 extension table: each is sent as ESC + character, so counts as two.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_MULTI = 153
UCS2_SINGLE = 70
UCS2_MULTI = 67

# Letters that have no decomposition, and typography that is not in the GSM alphabet.
_REPLACEMENTS = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "Ð": "D",  # U+00D0, sometimes typed instead of Đ
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
    }
)


def to_sms_text(text: str) -> str:
    """The text without diacritics: "Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_REPLACEMENTS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM 03.38 basic set or its extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def fragment_count(text: str) -> int:
    """How many SMS parts the text takes (at least one)."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, multi = GSM7_SINGLE, GSM7_MULTI
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = UCS2_SINGLE, UCS2_MULTI
    if units <= single:
        return 1
    return math.ceil(units / multi)
