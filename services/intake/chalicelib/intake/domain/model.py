"""The dossier (hồ sơ) aggregate and the vocabulary of its lifecycle."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from motcua_shared.roles import OFFICERS
from motcua_shared.roles import Role as Role  # the shared roles, re-exported for the domain
from motcua_shared.timeutil import parse_iso, to_iso


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    ACCEPTED = "accepted"
    PROCESSING = "processing"
    FEE_REQUESTED = "fee_requested"
    RESULT_READY = "result_ready"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"


# Status codes of the national public service portal (TrangThaiHoSo); a draft has none.
NATIONAL_STATUS: dict[Status, int | None] = {
    Status.DRAFT: None,
    Status.SUBMITTED: 1,
    Status.ACCEPTED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.FEE_REQUESTED: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESULT_READY: 9,
    Status.RETURNED: 10,
}


class Action(StrEnum):
    CREATE = "create"
    SUBMIT = "submit"
    ACCEPT = "accept"
    ASSIGN = "assign"
    APPROVE = "approve"
    RETURN = "return"
    REQUEST_SUPPLEMENT = "request_supplement"
    RESUBMIT = "resubmit"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    STOP = "stop"
    EXTEND = "extend"
    RATE = "rate"
    RECEIVE_ONLINE = "receive_online"  # the owner downloads the electronic result
    REQUEST_FEE = "request_fee"  # part of accepting a dossier whose procedure has a fee
    CONFIRM_PAYMENT = "confirm_payment"
    RECEIVE_ORIGINALS = "receive_originals"  # the post office brought the paper originals
    NOTE_DELIVERY = "note_delivery"  # the post office could not deliver the result


OFFICER_ROLES: frozenset[str] = frozenset(OFFICERS)


class DeliveryMethod(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    POSTAL = "postal"


class Channel:
    """KenhThucHien of the national portal."""

    IN_PERSON = 1
    ONLINE = 2
    PUBLIC_POSTAL = 3


@dataclass(frozen=True)
class Actor:
    """Who performs an action: a Cognito user and the groups they belong to."""

    sub: str
    username: str
    roles: frozenset[str]
    name: str | None = None  # full name, as the person signs forms

    @property
    def display_name(self) -> str:
        return self.name or self.username


@dataclass
class Applicant:
    full_name: str
    id_number: str
    phone: str
    email: str | None
    address: str
    kind: str = "citizen"  # citizen / enterprise / state_agency / organisation


@dataclass
class Attachment:
    attachment_id: str
    document_code: str
    filename: str
    content_type: str
    size_bytes: int
    s3_key: str
    status: str  # "pending_upload" until the object is seen in S3, then "uploaded"
    created_at: datetime
    uploaded_at: datetime | None = None
    # Frozen when the dossier is submitted: the S3 version served from then on, and its digest.
    version_id: str | None = None
    sha256: str | None = None


@dataclass
class HistoryEntry:
    action: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    note: str | None = None


@dataclass
class SupplementItem:
    document_code: str
    document_name: str
    note: str


@dataclass
class SupplementRequest:
    reason: str
    items: list[SupplementItem]
    requested_at: datetime
    requested_by: str
    from_status: str
    resolved_at: datetime | None = None
    requested_by_name: str | None = None  # the officer's full name, as form 02 names them


@dataclass
class Extension:
    """Form 04: the apology and the new appointment date."""

    reason: str
    previous_due_at: datetime
    new_due_at: datetime
    at: datetime
    by: str


@dataclass
class Rating:
    score: int
    comment: str
    at: datetime


@dataclass
class Handoff:
    """One row of the processing control sheet (form 06)."""

    step: str
    from_unit: str
    to_unit: str
    at: datetime
    giver: str
    receiver: str
    allotted_hours: float | None = None
    used_hours: float | None = None
    result: str | None = None  # early / on_time / late
    note: str | None = None


@dataclass
class ResultDocument:
    """The electronic result (level 4): a PDF in the results bucket with a verification code."""

    verification_code: str
    s3_key: str
    filename: str
    sha256: str | None
    issued_at: datetime
    size_bytes: int | None = None
    downloaded_at: datetime | None = None
    version_id: str | None = None  # the S3 version approved (served from then on)


@dataclass
class FeePayment:
    """How the fee was paid: online (a provider's transaction) or at the counter (a receipt)."""

    method: str  # "online" / "counter"
    reference: str  # txn_ref or receipt number
    amount_vnd: int
    paid_at: datetime
    recorded_by: str


@dataclass
class Dossier:
    id: str
    owner_sub: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    applicant: Applicant
    request_content: str
    form_data: dict[str, Any]
    delivery_method: DeliveryMethod
    delivery_address: str | None
    channel: int
    status: Status
    created_at: datetime
    updated_at: datetime
    code: str | None = None
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    accepted_by: str | None = None  # the desk officer who accepted it, by name (form 01)
    due_at: datetime | None = None
    unit: str | None = None
    officer: str | None = None
    result_summary: str | None = None
    returned_at: datetime | None = None
    finished_at: datetime | None = None
    refusal_reason: str | None = None
    refused_by: str | None = None  # the desk officer's full name, as form 03 names them
    stop_reason: str | None = None
    step: str | None = None  # the current step of processing (see domain/steps.py)
    step_started_at: datetime | None = None
    step_due_at: datetime | None = None
    step_plan: dict[str, float] = field(default_factory=dict)  # working hours allotted per step
    alerts: list[str] = field(default_factory=list)  # "due_soon:<step>", "overdue:<step>" sent
    attachments: list[Attachment] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    supplement_requests: list[SupplementRequest] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    handoffs: list[Handoff] = field(default_factory=list)
    rating: Rating | None = None
    result: ResultDocument | None = None
    fee_vnd: int = 0
    payment: FeePayment | None = None
    version: int | None = None
    # How many history entries are stored; those after it are this change's, to announce.
    stored_steps: int = field(default=0, compare=False)

    @property
    def new_steps(self) -> list[HistoryEntry]:
        return self.history[self.stored_steps :]

    @property
    def open_supplement(self) -> SupplementRequest | None:
        last = self.supplement_requests[-1] if self.supplement_requests else None
        return last if last is not None and last.resolved_at is None else None

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS[self.status]

    def attachment_for(self, document_code: str) -> Attachment | None:
        return next((a for a in self.attachments if a.document_code == document_code), None)

    def record(
        self, action: Action, to_status: Status, actor: Actor, at: datetime, note: str | None = None
    ) -> None:
        """Move to ``to_status`` and write the step into the history."""
        self.history.append(
            HistoryEntry(
                action=action,
                from_status=self.status if action != Action.CREATE else None,
                to_status=to_status,
                actor=actor.username,
                at=at,
                note=note,
            )
        )
        self.status = to_status
        self.updated_at = at

    # -- (de)serialisation for storage -------------------------------------------------------
    def to_document(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("version")
        doc.pop("stored_steps")
        return dict(_encode(doc))

    @classmethod
    def from_document(cls, doc: dict[str, Any], version: int | None) -> Dossier:
        d = dict(doc)
        d["applicant"] = Applicant(**d["applicant"])
        d["attachments"] = [
            Attachment(
                **{
                    **a,
                    "created_at": parse_iso(a["created_at"]),
                    "uploaded_at": _dt(a["uploaded_at"]),
                }
            )
            for a in d["attachments"]
        ]
        d["history"] = [HistoryEntry(**{**h, "at": parse_iso(h["at"])}) for h in d["history"]]
        d["supplement_requests"] = [
            SupplementRequest(
                reason=s["reason"],
                items=[SupplementItem(**i) for i in s["items"]],
                requested_at=parse_iso(s["requested_at"]),
                requested_by=s["requested_by"],
                from_status=s["from_status"],
                resolved_at=_dt(s.get("resolved_at")),
                requested_by_name=s.get("requested_by_name"),
            )
            for s in d.get("supplement_requests", [])
        ]
        d["extensions"] = [
            Extension(
                **{**e, **{k: parse_iso(e[k]) for k in ("previous_due_at", "new_due_at", "at")}}
            )
            for e in d.get("extensions", [])
        ]
        d["handoffs"] = [Handoff(**{**h, "at": parse_iso(h["at"])}) for h in d.get("handoffs", [])]
        if d.get("rating"):
            d["rating"] = Rating(**{**d["rating"], "at": parse_iso(d["rating"]["at"])})
        if d.get("payment"):
            p = d["payment"]
            d["payment"] = FeePayment(**{**p, "paid_at": parse_iso(p["paid_at"])})
        if d.get("result"):
            r = d["result"]
            d["result"] = ResultDocument(
                **{
                    **r,
                    "issued_at": parse_iso(r["issued_at"]),
                    "downloaded_at": _dt(r.get("downloaded_at")),
                }
            )
        for name in _TIMESTAMPS:
            d[name] = _dt(d.get(name))
        d["status"] = Status(d["status"])
        d["delivery_method"] = DeliveryMethod(d["delivery_method"])
        d["version"] = version
        d["stored_steps"] = len(d["history"])
        return cls(**d)


_TIMESTAMPS = (
    "created_at",
    "updated_at",
    "submitted_at",
    "accepted_at",
    "due_at",
    "returned_at",
    "finished_at",
    "step_started_at",
    "step_due_at",
)


def _dt(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_iso(value)
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value
