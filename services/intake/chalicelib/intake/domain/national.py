"""The dossier as the national public service portal (Cổng Dịch vụ công quốc gia) records it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.intake.domain.catalog import Procedure
from chalicelib.intake.domain.model import Dossier
from motcua_shared.timeutil import VN_TZ

if TYPE_CHECKING:
    from motcua_shared.events.dossier import NationalRecord

# LoaiDoiTuong
APPLICANT_KINDS: dict[str, int] = {
    "citizen": 1,
    "enterprise": 2,
    "state_agency": 3,
    "organisation": 4,
}


def portal_time(value: datetime | None) -> str | None:
    """yyyyMMddHHmmss in Vietnam time."""
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S") if value else None


def national_record(
    dossier: Dossier, procedure: Procedure, paid_online: bool = False
) -> NationalRecord:
    from motcua_shared.events.dossier import NationalRecord  # the contract, loaded when used

    return NationalRecord(
        MaHoSo=dossier.code,
        MaTTHC=procedure.national_code or procedure.code,
        TenTTHC=procedure.name,
        MaLinhVuc=procedure.field,
        KenhThucHien=dossier.channel,
        LoaiDoiTuong=APPLICANT_KINDS.get(dossier.applicant.kind, 1),
        NgayTiepNhan=portal_time(dossier.accepted_at),
        NgayHenTra=portal_time(dossier.due_at),
        NgayKetThucXuLy=portal_time(dossier.finished_at),
        TrangThaiHoSo=dossier.national_status,
        DuocThanhToanTrucTuyen=1 if paid_online else 0,
        DanhSachGiayToDinhKem=[
            {"MaGiayTo": a.document_code, "TenTepDinhKem": a.filename}
            for a in dossier.attachments
            if a.status == "uploaded"
        ],
        DanhSachLePhi=(
            [{"TenPhiLePhi": "Phí, lệ phí", "MucPhi": procedure.fee_vnd}]
            if procedure.fee_vnd
            else []
        ),
    )
