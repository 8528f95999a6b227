"""The dossier (hồ sơ) aggregate and the vocabulary of its lifecycle."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

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


class Role(StrEnum):
    CITIZEN = "citizen"
    DESK_OFFICER = "desk_officer"
    PROCESSING_OFFICER = "processing_officer"
    LEADER = "leader"
    POSTAL_AGENT = "postal_agent"
    ADMIN = "admin"


OFFICER_ROLES: frozenset[str] = frozenset(
    {Role.DESK_OFFICER, Role.PROCESSING_OFFICER, Role.LEADER, Role.ADMIN}
)


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


@dataclass
class Applicant:
    full_name: str
    id_number: str
    phone: str
    email: str | None
    address: str


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


@dataclass
class HistoryEntry:
    action: str
    from_status: str | None
    to_status: str
    actor: str
    at: datetime
    note: str | None = None


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
    due_at: datetime | None = None
    unit: str | None = None
    officer: str | None = None
    result_summary: str | None = None
    returned_at: datetime | None = None
    attachments: list[Attachment] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    version: int | None = None

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
        for name in (
            "created_at",
            "updated_at",
            "submitted_at",
            "accepted_at",
            "due_at",
            "returned_at",
        ):
            d[name] = _dt(d.get(name))
        d["status"] = Status(d["status"])
        d["delivery_method"] = DeliveryMethod(d["delivery_method"])
        d["version"] = version
        return cls(**d)


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
