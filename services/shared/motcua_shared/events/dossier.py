"""Events the intake service announces about dossiers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Contact(_Data):
    """Who to tell: the applicant's name and contacts as the dossier holds them."""

    full_name: str
    phone: str | None = None
    email: str | None = None


class DossierEvent(_Data):
    """What every dossier event carries. ``status`` and ``national_status`` are the ones the
    announced step produced: when one write takes several steps (accepting a dossier whose
    procedure has a fee also requests the fee), each event carries its own step's status
    (``dossier.accepted``: accepted, 2; then ``dossier.fee_requested``: fee_requested, 6), not
    the status after the whole write. The other fields describe the dossier after the write."""

    dossier_id: str
    procedure_code: str
    procedure_name: str
    status: str
    national_status: int | None
    actor: str
    applicant: Contact
    code: str | None = None
    owner_sub: str | None = None
    agency_code: str | None = None


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


class DossierFeeRequested(DossierEvent):
    """The applicant owes the procedure's fee before processing goes on (national status 6)."""

    amount_vnd: int


class DossierPaymentConfirmed(DossierEvent):
    method: str  # online / counter
    reference: str
    amount_vnd: int


class DossierResultReady(DossierEvent):
    result_summary: str
    delivery_method: str
    delivery_address: str | None = None


class DossierReturned(DossierEvent):
    returned_at: datetime


class SupplementItem(_Data):
    document_code: str
    document_name: str
    note: str


class DossierSupplementRequested(DossierEvent):
    reason: str
    items: list[SupplementItem]
    requested_count: int


class DossierResubmitted(DossierEvent):
    due_at: datetime | None


class DossierRefused(DossierEvent):
    reason: str


class DossierWithdrawn(DossierEvent):
    reason: str | None


class DossierStopped(DossierEvent):
    reason: str


class DossierExtended(DossierEvent):
    reason: str
    previous_due_at: datetime
    new_due_at: datetime


class DossierRated(DossierEvent):
    score: int


class DossierDeadline(DossierEvent):
    """``dossier.due_soon`` and ``dossier.overdue``: the current step's deadline, for officers."""

    step: str
    step_due_at: datetime
    due_at: datetime | None
    unit: str | None
    officer: str | None


class NationalRecord(_Data):
    """The dossier in the field names of the national public service portal (Cổng Dịch vụ công)."""

    MaHoSo: str | None
    MaTTHC: str
    TenTTHC: str
    MaLinhVuc: str
    KenhThucHien: int
    LoaiDoiTuong: int
    NgayTiepNhan: str | None
    NgayHenTra: str | None
    NgayKetThucXuLy: str | None
    TrangThaiHoSo: int | None
    DuocThanhToanTrucTuyen: int
    DanhSachGiayToDinhKem: list[dict[str, str]]
    DanhSachLePhi: list[dict[str, str | int]]


class DossierNationalSync(_Data):
    dossier_id: str
    record: NationalRecord
