"""Request bodies of the intake API, validated at the edge. (The JSON answers are the dataclasses
of chalicelib.intake.answers.)"""

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
