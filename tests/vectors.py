"""Reference inputs and outputs of the protocols, kept beside the repository in shared/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "test-vectors"


def vnpay_signing() -> list[dict[str, Any]]:
    """The VNPay signing cases (VNPay's PHP sample run on each), see shared/test-vectors/README."""
    cases: list[dict[str, Any]] = json.loads(
        (SHARED / "vnpay-signing.json").read_text(encoding="utf-8")
    )
    return cases
