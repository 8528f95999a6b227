"""Events the intake service announces about dossiers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Contact(_Data):
    """Who to tell: the applicant's name and contacts as the dossier holds them."""

    full_name: str
    phone: str | None = None
    email: str | None = None


class DossierEvent(_Data):
    """What every dossier event carries."""

    dossier_id: str
    procedure_code: str
    procedure_name: str
    status: str
    national_status: int | None
    actor: str
    applicant: Contact
    code: str | None = None


class DossierCreated(DossierEvent):
    pass


class DossierSubmitted(DossierEvent):
    channel: int
    submitted_at: datetime


class DossierAccepted(DossierEvent):
    accepted_at: datetime
    due_at: datetime


class DossierProcessingStarted(DossierEvent):
    unit: str
    officer: str


class DossierResultReady(DossierEvent):
    result_summary: str
    delivery_method: str
    delivery_address: str | None = None


class DossierReturned(DossierEvent):
    returned_at: datetime
