"""Reading what a client sent: numbers from paths, queries and headers, and JSON documents.

Every failure is a named :class:`~motcua_shared.errors.ApiError` (a 400 with a stable code and
English and Vietnamese text), never an exception Python raises on its own: ``"²".isdigit()`` is
true but ``int("²")`` fails, ``int("٣")`` is 3, and ``json.loads`` of a 5,000-digit integer raises
``ValueError`` (Python's integer-string limit, ``sys.get_int_max_str_digits()``) and of
``[[[[…`` a ``RecursionError``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from motcua_shared.errors import MalformedJson, ValidationFailed

# RFC 7493 (I-JSON) §2.2: numbers beyond IEEE 754 double precision are not interoperable;
# integers are exact up to 2**53 - 1. No number of ours comes close (money is in VND).
MAX_JSON_INTEGER = 2**53 - 1
_MAX_INTEGER_DIGITS = len(str(MAX_JSON_INTEGER))

# ASCII digits only: str.isdigit() and int() also take "²", "٣", "５" and other scripts' digits.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,18}")


def parse_whole_number(raw: str | None, *, minimum: int, maximum: int) -> int | None:
    """``raw`` as an integer in ``[minimum, maximum]`` if it is written in ASCII digits (an
    optional leading ``-``) and within the range, else None."""
    if raw is None or not _WHOLE_NUMBER.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def whole_number(raw: str | None, field: str, *, minimum: int, maximum: int) -> int:
    """A whole number read from a path, query or header parameter, or
    :class:`ValidationFailed` naming ``field``."""
    value = parse_whole_number(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise ValidationFailed(
            f"{field} must be a whole number from {minimum} to {maximum}.",
            f"{field} phải là số nguyên từ {minimum} đến {maximum}.",
            field=field,
        )
    return value


class _Refused(ValueError):
    """A JSON value this parser refuses although ``json`` would read it."""


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > _MAX_INTEGER_DIGITS:  # before int(): no 5,000-digit work
        raise _Refused(f"an integer of more than {_MAX_INTEGER_DIGITS} digits")
    value = int(literal)
    if abs(value) > MAX_JSON_INTEGER:
        raise _Refused(f"an integer beyond ±{MAX_JSON_INTEGER}")
    return value


def _real(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e400
        raise _Refused("a number too large for a double")
    return value


def _constant(name: str) -> Any:
    # Python reads NaN, Infinity and -Infinity; RFC 8259 §6 does not allow them.
    raise _Refused(f"{name} is not JSON")


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def parse_json(raw: str | bytes) -> Any:
    """A JSON document (RFC 8259) as Python values, or :class:`MalformedJson`: not JSON, not
    UTF-8, nested deeper than the parser goes, NaN or Infinity, an integer beyond I-JSON's range,
    or a lone surrogate escape ("\\ud800" is JSON but no text: it could not be encoded, signed
    or stored)."""
    try:
        parsed = json.loads(raw, parse_int=_integer, parse_float=_real, parse_constant=_constant)
        if _SURROGATE_ESCAPE.search(raw if isinstance(raw, bytes) else raw.encode()):
            json.dumps(parsed, ensure_ascii=False).encode()
        return parsed
    except _Refused as exc:
        raise MalformedJson(
            f"The request body is not valid JSON: {exc}.",
            "Nội dung yêu cầu không phải JSON hợp lệ: có giá trị số quá lớn hoặc không phải số.",
        ) from None
    except RecursionError:  # "[[[[…" nested deeper than the parser goes (no body of ours does)
        raise MalformedJson(
            "The request body nests too deeply.", "Nội dung yêu cầu lồng nhau quá sâu."
        ) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError / UnicodeEncodeError
        raise MalformedJson(f"The request body is not valid JSON: {exc}.") from None
