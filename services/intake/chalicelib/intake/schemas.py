"""Request bodies of the intake API, validated at the edge."""

from __future__ import annotations

import re
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

# Mobile numbers: 0 or +84 followed by a 9-digit mobile number (domain.md section 7).
PHONE_PATTERN = r"^(\+84|84|0)(3[2-9]|5[25689]|7[06-9]|8[1-9]|9[0-9])\d{7}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"
ID_NUMBER_PATTERN = r"^(\d{9}|\d{12})$"
_UNSAFE_FILENAME = re.compile(r"[\\/\x00-\x1f]")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
FormValue = str | int | float | bool | None


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=4000)


class ApplicantIn(_Body):
    full_name: Annotated[Text, StringConstraints(max_length=200)]
    id_number: Annotated[str, StringConstraints(pattern=ID_NUMBER_PATTERN)]
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
    email: Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)] | None = None
    address: Annotated[Text, StringConstraints(max_length=500)]
    # LoaiDoiTuong of the national portal: a citizen, an enterprise, a state agency, an organisation
    kind: Literal["citizen", "enterprise", "state_agency", "organisation"] = "citizen"


class NewDossier(_Body):
    procedure_code: Annotated[Text, StringConstraints(max_length=40)]
    applicant: ApplicantIn
    request_content: Annotated[str, StringConstraints(max_length=4000)] = ""
    form_data: dict[Annotated[str, StringConstraints(max_length=100)], FormValue] = Field(
        default_factory=dict, max_length=100
    )
    delivery_method: Literal["online", "in_person", "postal"]
    delivery_address: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def postal_needs_address(self) -> NewDossier:
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
