"""Structured JSON logs (Powertools Logger) with personal data masked in every line."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger

from motcua_shared.masking import mask_text


def _masked_json(value: Any) -> str:
    text: str = json.dumps(value, default=str, ensure_ascii=False)
    return mask_text(text)


def get_logger(service: str | None = None) -> Logger:
    """A Powertools Logger whose output has ID numbers, phones and e-mails masked."""
    return Logger(service=service, json_serializer=_masked_json)
