"""Pages of a DynamoDB query: the cursor a client gets back is the last evaluated key, base64
JSON; a cursor it sends must be a key of the index being listed (nothing else reaches DynamoDB)."""

from __future__ import annotations

import base64
import json
from typing import Any

from chalicelib.intake.domain.model import Dossier
from motcua_shared.errors import ValidationFailed


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def page(result: Any) -> tuple[list[Dossier], str | None]:
    """The dossiers of a query's result and the cursor of the next page (None at the end)."""
    dossiers = [item.to_dossier() for item in result]
    last = result.last_evaluated_key
    return dossiers, encode_cursor(last) if last else None


def decode_cursor(cursor: str | None, key_names: set[str]) -> dict[str, Any] | None:
    """The start key a cursor stands for; it must be a key of the index being listed."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, RecursionError):  # not base64 or JSON, a huge number, "[[[[…"
        value = None
    # A key of this index: exactly its attribute names, each {"S": string}.
    if (
        not isinstance(value, dict)
        or set(value) != key_names
        or not all(
            isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str)
            for v in value.values()
        )
    ):
        raise bad_cursor()
    return value


def bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not valid.", "Con trỏ phân trang không hợp lệ.", field="cursor"
    )
