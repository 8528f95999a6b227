"""Money owed back: payments the provider settled for a fee that was already closed (paid at the
counter or online, or the dossier withdrawn, refused or stopped). Payment records each as
``refund_due`` and keeps it in the sparse index ``by_pending`` of its table under
``REFUND_DUE`` (services/payment/chalicelib/payment/storage.py), which this reads.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from infra.ops.dlq import Location

INDEX = "by_pending"
REFUND_DUE = "REFUND_DUE"  # as payment's storage writes it


@dataclass(frozen=True)
class Refund:
    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    paid_at: str | None
    provider: str
    bank_code: str | None
    transaction_no: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def refunds_due(location: Location) -> list[Refund]:
    """Every payment owed back, newest attempt first."""
    dynamodb = location.client("dynamodb")
    request: dict[str, Any] = {
        "TableName": location.table("payment"),
        "IndexName": INDEX,
        "KeyConditionExpression": "pending = :due",
        "ExpressionAttributeValues": {":due": {"S": REFUND_DUE}},
        "ScanIndexForward": False,
    }
    found: list[Refund] = []
    while True:
        page = dynamodb.query(**request)
        found += [_refund(json.loads(item["doc"]["S"])) for item in page.get("Items", [])]
        if not page.get("LastEvaluatedKey"):
            return found
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _refund(doc: dict[str, Any]) -> Refund:
    return Refund(
        txn_ref=doc["txn_ref"],
        dossier_id=doc["dossier_id"],
        dossier_code=doc.get("dossier_code"),
        amount_vnd=int(doc["amount_vnd"]),
        paid_at=doc.get("paid_at"),
        provider=doc.get("provider", "?"),
        bank_code=doc.get("bank_code"),
        transaction_no=doc.get("transaction_no"),
        reason=doc.get("refund_reason") or "?",
    )
