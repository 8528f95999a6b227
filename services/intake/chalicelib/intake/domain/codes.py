"""Dossier codes (mã hồ sơ): ``{AGENCY_CODE}-{yyMMdd}-{NNNN}``, the sequence restarting each day
per agency. The sequence itself is issued atomically by storage; this module only formats."""

from __future__ import annotations

import re
from datetime import date

SEQUENCE_DIGITS = 4
CODE_PATTERN = re.compile(r"^(?P<agency>[A-Za-z0-9.]+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def sequence_key(agency_code: str, day: date) -> str:
    """The counter a day's codes of one agency are drawn from."""
    return f"{agency_code}#{day:%y%m%d}"


def format_code(agency_code: str, day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequences start at 1")
    return f"{agency_code}-{day:%y%m%d}-{sequence:0{SEQUENCE_DIGITS}d}"


def is_dossier_code(value: str) -> bool:
    return CODE_PATTERN.match(value) is not None
