"""What anyone may read without signing in: a dossier's progress by its code (no applicant, no
officer names, no notes), a result's authenticity (nothing personal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from chalicelib.intake.answers.base import iso_of, present
from chalicelib.intake.domain.model import Action, Dossier, Status


@dataclass(frozen=True)
class TrackingStepOut:
    """A step of the public progress."""

    action: Action
    at: str


@dataclass(frozen=True)
class TrackingOut:
    """A dossier's public progress by its code: no applicant, no officer names, no notes."""

    code: str
    procedure_name: str
    status: Status
    national_status: int
    accepted_at: str
    due_at: str
    history: list[TrackingStepOut]

    @classmethod
    def of(cls, d: Dossier) -> TrackingOut:
        """A dossier found by its code: it has been accepted (the code is issued then)."""
        return cls(
            code=present(d.code, "dossier.code"),
            procedure_name=d.procedure_name,
            status=d.status,
            national_status=present(d.national_status, "dossier.national_status"),
            accepted_at=iso_of(d.accepted_at, "dossier.accepted_at"),
            due_at=iso_of(d.due_at, "dossier.due_at"),
            history=[
                TrackingStepOut(cast(Action, h.action), iso_of(h.at, "history.at"))
                for h in d.history
            ],
        )


@dataclass(frozen=True)
class VerificationOut:
    """That a result is authentic, and nothing personal."""

    valid: Literal[True]
    verification_code: str
    dossier_code: str
    procedure_code: str
    procedure_name: str
    issued_at: str
    sha256: str

    @classmethod
    def of(cls, d: Dossier) -> VerificationOut:
        """A dossier found by its result's verification code (issued: its digest is known)."""
        result = present(d.result, "d.result")
        return cls(
            valid=True,
            verification_code=result.verification_code,
            dossier_code=present(d.code, "dossier.code"),
            procedure_code=d.procedure_code,
            procedure_name=d.procedure_name,
            issued_at=iso_of(result.issued_at, "result.issued_at"),
            sha256=present(result.sha256, "result.sha256"),
        )
