"""Request bodies of the intake API, validated at the edge, and the models of its JSON answers
(documentation only: the handlers build plain dicts)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from chalicelib.intake.domain.catalog import FieldType, OnlineLevel, TimeUnit
from chalicelib.intake.domain.model import Action, DeliveryMethod, Status
from chalicelib.intake.domain.steps import Timeliness

# The answer of /dossiers/{id}/national-record: the event contract's record itself.
from motcua_shared.events.dossier import NationalRecord as NationalRecord

# Mobile numbers: 0 or +84 followed by a 9-digit mobile number (domain.md section 7).
PHONE_PATTERN = r"^(\+84|84|0)(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])\d{7}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"
ID_NUMBER_PATTERN = r"^(\d{9}|\d{12})$"
_UNSAFE_FILENAME = re.compile(r"[\\/\x00-\x1f]")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FormValue = str | int | float | bool | None


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=4000, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def composed_text(cls, data: Any) -> Any:
        """Vietnamese typed with combining marks (decomposed, as some keyboards and macOS send
        it) is stored precomposed (NFC, as TCVN 6909 and the national portal expect), so the same
        name is always the same string; nothing else is changed (emoji, zero-width and
        direction marks are kept as sent)."""
        return _nfc(data)


class ApplicantIn(_Body):
    full_name: Annotated[Text, StringConstraints(max_length=200)]
    id_number: Annotated[str, StringConstraints(pattern=ID_NUMBER_PATTERN)]
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
    email: Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)] | None = None
    address: Annotated[Text, StringConstraints(max_length=500)]
    # LoaiDoiTuong of the national portal: a citizen, an enterprise, a state agency, an organisation
    kind: Literal["citizen", "enterprise", "state_agency", "organisation"] = "citizen"


class DossierFields(_Body):
    """What the applicant writes in a dossier (on creation, and while it is a draft)."""

    applicant: ApplicantIn
    request_content: Annotated[str, StringConstraints(max_length=4000)] = ""
    form_data: dict[Annotated[str, StringConstraints(max_length=100)], FormValue] = Field(
        default_factory=dict, max_length=100
    )
    delivery_method: Literal["online", "in_person", "postal"]
    delivery_address: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def postal_needs_address(self) -> DossierFields:
        if self.delivery_method == "postal" and not (self.delivery_address or "").strip():
            raise ValueError("delivery_address is required when delivery_method is 'postal'")
        return self

    @field_validator("form_data")
    @classmethod
    def short_values(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            if isinstance(item, str) and len(item) > 4000:
                raise ValueError(f"form_data.{key} is longer than 4000 characters")
        return value


class NewDossier(DossierFields):
    procedure_code: Annotated[Text, StringConstraints(max_length=40)]


class DossierUpdate(DossierFields):
    """A draft rewritten by its owner: everything but the procedure."""


class NewAttachment(_Body):
    document_code: Annotated[Text, StringConstraints(max_length=60)]
    filename: Annotated[Text, StringConstraints(max_length=200)]
    content_type: Annotated[Text, StringConstraints(max_length=100)]
    size_bytes: int = Field(gt=0)

    @field_validator("filename")
    @classmethod
    def plain_filename(cls, value: str) -> str:
        if _UNSAFE_FILENAME.search(value) or value in {".", ".."}:
            raise ValueError("filename must not contain slashes or control characters")
        return value


class Assignment(_Body):
    unit: Annotated[Text, StringConstraints(max_length=100)]
    officer: Annotated[Text, StringConstraints(max_length=128)]


class Approval(_Body):
    result_summary: Annotated[Text, StringConstraints(max_length=2000)]


class NoBody(_Body):
    """Actions that need nothing but the dossier id."""


class SupplementItemIn(_Body):
    document_code: Annotated[Text, StringConstraints(max_length=60)]
    note: Annotated[str, StringConstraints(max_length=1000)] = ""


class SupplementRequestIn(_Body):
    reason: Annotated[Text, StringConstraints(max_length=2000)]
    items: list[SupplementItemIn] = Field(min_length=1, max_length=50)


class Reason(_Body):
    reason: Annotated[Text, StringConstraints(max_length=2000)]


class OptionalReason(_Body):
    reason: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ExtensionIn(_Body):
    reason: Annotated[Text, StringConstraints(max_length=2000)]
    new_due_at: AwareDatetime


class RatingIn(_Body):
    score: int = Field(ge=1, le=5)
    comment: Annotated[str, StringConstraints(max_length=2000)] = ""


class ResultFileIn(_Body):
    filename: Annotated[Text, StringConstraints(max_length=200)]
    content_type: Literal["application/pdf"]
    size_bytes: int = Field(gt=0)

    @field_validator("filename")
    @classmethod
    def plain_filename(cls, value: str) -> str:
        return NewAttachment.plain_filename(value)


class CounterPayment(_Body):
    receipt_no: Annotated[Text, StringConstraints(max_length=60)]
    amount_vnd: int = Field(gt=0)


class CalendarYearIn(_Body):
    extra_days_off: list[date] = Field(default_factory=list, max_length=366)
    extra_working_days: list[date] = Field(default_factory=list, max_length=366)


# Names of form items and document codes, as the catalogue writes them.
FORM_FIELD_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,59}$"
DOCUMENT_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_]{0,59}$"
# A template is one of the portal's files (/forms/…) or an https address.
TEMPLATE_URL_PATTERN = r"^(/|https://)[^\s\"'<>]*$"


class TimeLimitIn(_Body):
    value: int = Field(ge=0, le=365)  # 0: on receipt (some device procedures)
    unit: Literal["working_days", "days"]


class ProcedureDocumentIn(_Body):
    code: Annotated[str, StringConstraints(pattern=DOCUMENT_CODE_PATTERN)]
    name: Annotated[Text, StringConstraints(max_length=500)]
    required: bool
    template_url: (
        Annotated[str, StringConstraints(max_length=500, pattern=TEMPLATE_URL_PATTERN)] | None
    ) = None


class FormFieldIn(_Body):
    name: Annotated[str, StringConstraints(pattern=FORM_FIELD_NAME_PATTERN)]
    label: Annotated[Text, StringConstraints(max_length=200)]
    type: Literal["text", "textarea", "date", "number", "select"]
    required: bool = False
    options: list[Annotated[Text, StringConstraints(max_length=200)]] = Field(
        default_factory=list, max_length=100
    )
    max_length: int | None = Field(default=None, gt=0, le=4000)

    @model_validator(mode="after")
    def options_for_select_only(self) -> FormFieldIn:
        if self.type == "select" and not self.options:
            raise ValueError("a select field needs options")
        if self.type != "select" and self.options:
            raise ValueError("only a select field has options")
        if len(set(self.options)) != len(self.options):
            raise ValueError("options must differ from each other")
        if self.max_length is not None and self.type not in ("text", "textarea"):
            raise ValueError("only text and textarea fields have a max_length")
        return self


class ProcedureEdit(_Body):
    """What an administrator may change of a catalogued procedure."""

    name: Annotated[Text, StringConstraints(max_length=500)]
    fee_vnd: int = Field(ge=0, le=1_000_000_000)
    time_limit: TimeLimitIn
    online_level: Literal["partial", "full"]
    legal_basis: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    documents: list[ProcedureDocumentIn] = Field(min_length=1, max_length=50)
    form_fields: list[FormFieldIn] = Field(default_factory=list, max_length=30)

    @field_validator("documents")
    @classmethod
    def unique_document_codes(cls, value: list[ProcedureDocumentIn]) -> list[ProcedureDocumentIn]:
        codes = [d.code for d in value]
        if len(set(codes)) != len(codes):
            raise ValueError("document codes must be unique")
        return value

    @field_validator("form_fields")
    @classmethod
    def unique_field_names(cls, value: list[FormFieldIn]) -> list[FormFieldIn]:
        names = [f.name for f in value]
        if len(set(names)) != len(names):
            raise ValueError("form field names must be unique")
        return value


# -- Responses (documentation of the JSON answers; the handlers build them) -------------------
# Times are ISO 8601 strings (timeutil.to_iso); a key typed ``X | None`` is always present and
# may be null.


class _Out(BaseModel):
    # the answers have at least these keys
    model_config = ConfigDict(extra="allow", defer_build=True)


class TimeLimitOut(_Out):
    """How long the procedure takes by law."""

    value: int
    unit: TimeUnit


class ProcedureDocumentOut(_Out):
    """A document the dossier of a procedure contains."""

    code: str
    name: str
    required: bool
    template_url: str | None


class FormFieldOut(_Out):
    """One item of a procedure's form (tờ khai)."""

    name: str
    label: str
    type: FieldType
    required: bool
    options: list[str]
    max_length: int | None


class ProcedureStepOut(_Out):
    """A step of processing and its share of the procedure's time limit."""

    step: str
    name: str
    share: float


class ProcedureOut(_Out):
    """A catalogued procedure with its documents, form and steps."""

    code: str
    name: str
    field: str
    field_name: str
    agency_code: str
    agency_name: str
    online_level: OnlineLevel
    fee_vnd: int
    time_limit: TimeLimitOut
    legal_basis: str
    documents: list[ProcedureDocumentOut]
    form_fields: list[FormFieldOut]
    steps: list[ProcedureStepOut]


class ProcedureListOut(_Out):
    """The procedures found in the catalogue."""

    items: list[ProcedureOut]


class ApplicantOut(_Out):
    """Who the dossier is for, as the applicant wrote it."""

    full_name: str
    id_number: str
    phone: str
    email: str | None
    address: str
    kind: str  # citizen / enterprise / state_agency / organisation


class DossierAttachmentOut(_Out):
    """The file of one document of the dossier."""

    attachment_id: str
    document_code: str
    filename: str
    content_type: str
    size_bytes: int
    status: Literal["pending_upload", "uploaded"]
    created_at: str
    uploaded_at: str | None
    sha256: str | None  # of the version frozen at submission (hex); null before


class SupplementItemOut(_Out):
    """A document to add or correct."""

    document_code: str
    document_name: str
    note: str


class SupplementRequestOut(_Out):
    """A request to add or correct documents (resolved when the applicant resubmits)."""

    reason: str
    items: list[SupplementItemOut]
    requested_at: str
    requested_by: str
    requested_by_name: str | None  # the officer's full name (form 02)
    resolved_at: str | None


class ExtensionOut(_Out):
    """An apology with a new appointment date (form 04)."""

    reason: str
    previous_due_at: str
    new_due_at: str
    at: str
    by: str


class HandoffOut(_Out):
    """A row of the processing control sheet (form 06)."""

    step: str  # "reception", then the steps of processing
    from_unit: str
    to_unit: str
    at: str
    giver: str
    receiver: str
    allotted_hours: float | None
    used_hours: float | None
    result: Timeliness | None
    note: str | None


class RatingOut(_Out):
    """The applicant's rating of the service."""

    score: int
    comment: str
    at: str


class ResultOut(_Out):
    """The electronic result, once issued."""

    filename: str
    verification_code: str
    sha256: str
    size_bytes: int
    issued_at: str
    downloaded_at: str | None


class FeePaymentOut(_Out):
    """How the fee was paid."""

    method: Literal["online", "counter"]
    reference: str  # the provider's txn_ref or the counter's receipt number
    amount_vnd: int
    paid_at: str
    recorded_by: str


class HistoryEntryOut(_Out):
    """One step of the dossier's history."""

    action: Action
    from_status: Status | None  # None for its creation
    to_status: Status
    actor: str
    at: str
    note: str | None


AllowedAction = Literal[
    "edit",
    "submit",
    "accept",
    "assign",
    "approve",
    "return",
    "request_supplement",
    "resubmit",
    "refuse",
    "withdraw",
    "stop",
    "extend",
    "rate",
    "receive_online",
    "confirm_payment",
]


class DossierOut(_Out):
    """A dossier with everything its owner and the officers see, history included."""

    id: str
    code: str | None  # issued on acceptance
    status: Status
    national_status: int | None  # the national portal's TrangThaiHoSo; None for a draft
    procedure_code: str
    procedure_name: str
    agency_code: str
    channel: int
    applicant: ApplicantOut
    request_content: str
    form_data: dict[str, FormValue]
    delivery_method: DeliveryMethod
    delivery_address: str | None
    attachments: list[DossierAttachmentOut]
    created_at: str
    updated_at: str
    submitted_at: str | None
    accepted_at: str | None
    accepted_by: str | None  # the desk officer who accepted it, by name (form 01)
    due_at: str | None
    unit: str | None
    officer: str | None
    result_summary: str | None
    returned_at: str | None
    finished_at: str | None
    refusal_reason: str | None
    refused_by: str | None  # the desk officer who refused it, by name (form 03)
    stop_reason: str | None
    step: str | None
    step_due_at: str | None
    supplement_count: int
    supplement_requests: list[SupplementRequestOut]
    extensions: list[ExtensionOut]
    handoffs: list[HandoffOut]
    rating: RatingOut | None
    result: ResultOut | None
    fee_vnd: int
    payment: FeePaymentOut | None
    history: list[HistoryEntryOut]
    version: int
    # What the caller may do now (domain/permissions.py): "edit" (rewrite the draft) and the
    # lifecycle's actions the API would accept from them; the portal offers exactly these.
    allowed_actions: list[AllowedAction]


class DossierListOut(_Out):
    """A page of dossiers; ``next_cursor`` asks for the next one (null: no more)."""

    items: list[DossierOut]
    next_cursor: str | None


class AttachmentUploadOut(_Out):
    """Where the browser uploads a document's file, with the headers it must send: one PUT of
    exactly ``size_bytes`` bytes (S3 refuses another size), within minutes; the URL writes the
    file once and never replaces it (``If-None-Match: *``)."""

    attachment_id: str
    document_code: str
    upload_url: str
    method: Literal["PUT"]
    headers: dict[str, str]


class AttachmentDownloadOut(_Out):
    """A short-lived link to an uploaded document's file."""

    attachment_id: str
    document_code: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str | None  # of the version served (frozen at submission); null before
    download_url: str
    expires_in_s: int


class ResultUploadOut(_Out):
    """Where the officer uploads the electronic result, with its verification code."""

    verification_code: str
    upload_url: str
    method: Literal["PUT"]
    headers: dict[str, str]


class ResultDownloadOut(_Out):
    """A short-lived link to the electronic result, and the dossier's status after it."""

    download_url: str
    filename: str
    sha256: str
    verification_code: str
    expires_in_s: int
    status: Status


class TrackingStepOut(_Out):
    """A step of the public progress."""

    action: Action
    at: str


class TrackingOut(_Out):
    """A dossier's public progress by its code: no applicant, no officer names, no notes."""

    code: str
    procedure_name: str
    status: Status
    national_status: int
    accepted_at: str
    due_at: str
    history: list[TrackingStepOut]


class VerificationOut(_Out):
    """That a result is authentic, and nothing personal."""

    valid: Literal[True]
    verification_code: str
    dossier_code: str
    procedure_code: str
    procedure_name: str
    issued_at: str
    sha256: str


class OverdueOut(_Out):
    """A line of the leaders' overdue list."""

    id: str
    code: str | None
    procedure_name: str
    status: Status
    due_at: str | None
    step: str | None
    step_due_at: str | None
    unit: str | None
    officer: str | None
    overdue_hours: float  # working hours past the deadline


class OverdueListOut(_Out):
    """A page of overdue dossiers, most overdue first."""

    items: list[OverdueOut]
    next_cursor: str | None


class FiguresOut(_Out):
    """On-time rate, processing time and satisfaction of the dossiers finished in the period
    (rates in percent; null when nothing was finished on the clock)."""

    finished: int
    early: int
    on_time: int
    late: int
    on_time_rate: float | None
    average_processing_hours: float | None
    negative_ratings: int
    satisfaction_index: float | None


class UnitFiguresOut(FiguresOut):
    """The figures of one processing unit."""

    unit: str


class OfficerFiguresOut(UnitFiguresOut):
    """The figures of one officer of a unit."""

    officer: str


class StatisticsOut(_Out):
    """The leaders' statistics of a period (as JSON; the route also answers CSV and xlsx)."""

    from_: str = Field(alias="from")
    to: str
    unit: str | None
    overdue_now: int
    by_status: dict[str, int]
    overall: FiguresOut
    by_unit: list[UnitFiguresOut]
    by_officer: list[OfficerFiguresOut]


class CalendarDayOut(_Out):
    """A day off or a make-up working day."""

    date: str
    name: str
    source: Literal["law", "law_working", "admin", "admin_working"]


class CalendarYearOut(_Out):
    """A year's days off and make-up working days, by date."""

    year: int
    days: list[CalendarDayOut]
