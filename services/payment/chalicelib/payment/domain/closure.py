"""When a dossier's fee is closed, and which money that arrives for it is owed back.

A fee is closed once it is settled (at the counter, or online) or no longer owed (the dossier was
withdrawn, refused or stopped). A closed fee takes no new payment attempt; money the provider
takes for it anyway is recorded as ``refund_due``. The first closure payment hears of stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from motcua_shared.timeutil import parse_iso, to_iso

if TYPE_CHECKING:
    from chalicelib.payment.domain.model import Payment


class ClosedBy(StrEnum):
    COUNTER = "counter"
    ONLINE = "online"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    STOPPED = "stopped"


SETTLED = frozenset({ClosedBy.COUNTER, ClosedBy.ONLINE})

# The dossier events that end the fee's being owed (intake's lifecycle: withdrawal, refusal,
# stopping); ``dossier.payment_confirmed`` settles it, by its method.
ENDING_EVENTS: dict[str, ClosedBy] = {
    "dossier.withdrawn": ClosedBy.WITHDRAWN,
    "dossier.refused": ClosedBy.REFUSED,
    "dossier.stopped": ClosedBy.STOPPED,
}
CONFIRMED_EVENT = "dossier.payment_confirmed"

# What a person reads about why a fee takes no payment (and why money is owed back).
REASONS: dict[ClosedBy, str] = {
    ClosedBy.COUNTER: "Phí, lệ phí đã được nộp tại Bộ phận Một cửa (biên lai {reference})",
    ClosedBy.ONLINE: "Phí, lệ phí đã được thanh toán trực tuyến (giao dịch {reference})",
    ClosedBy.WITHDRAWN: "Hồ sơ đã được rút theo yêu cầu của người nộp",
    ClosedBy.REFUSED: "Hồ sơ đã bị từ chối tiếp nhận",
    ClosedBy.STOPPED: "Hồ sơ đã bị dừng xử lý",
}


@dataclass(frozen=True)
class FeeClosure:
    by: ClosedBy
    at: datetime
    reference: str | None = None  # the receipt (counter) or the txn_ref (online)

    @property
    def settled(self) -> bool:
        """Paid (rather than no longer owed)."""
        return self.by in SETTLED

    @property
    def reason(self) -> str:
        return REASONS[self.by].format(reference=self.reference or "?")

    def to_document(self) -> dict[str, Any]:
        return {"by": str(self.by), "at": to_iso(self.at), "reference": self.reference}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> FeeClosure:
        return cls(ClosedBy(doc["by"]), parse_iso(doc["at"]), doc.get("reference"))


def closure_of(event_type: str, data: Any, occurred_at: datetime) -> FeeClosure | None:
    """The closure a dossier event announces, or None if it closes nothing."""
    if event_type == CONFIRMED_EVENT:
        by = ClosedBy.ONLINE if data.method == ClosedBy.ONLINE else ClosedBy.COUNTER
        return FeeClosure(by, occurred_at, data.reference)
    by_event = ENDING_EVENTS.get(event_type)
    return FeeClosure(by_event, occurred_at) if by_event is not None else None


def owed_back(closed: FeeClosure, heard: FeeClosure, payment: Payment) -> bool:
    """Whether the online payment that closed the fee (``closed``) is owed back now that payment
    hears of another closure (``heard``, which happened while the two services' messages
    crossed).

    - paid at the counter too: intake takes a counter payment only from a dossier still waiting
      for its fee, so it never applied the online one: the online money is the one in excess;
    - the dossier withdrawn, refused or stopped no later than the money came: not owed then;
    - intake's own confirmation of this same online payment changes nothing.
    """
    from chalicelib.payment.domain.model import PaymentStatus

    if closed.by is not ClosedBy.ONLINE or payment.status is not PaymentStatus.SUCCEEDED:
        return False
    if heard.by is ClosedBy.ONLINE:
        return False
    if heard.by is ClosedBy.COUNTER:
        return True
    settled_at = payment.settled_at or closed.at  # stored to the second
    return settled_at >= heard.at.replace(microsecond=0)
