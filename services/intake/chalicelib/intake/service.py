"""Intake's use cases: load, apply one domain operation, save with its announcement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chalicelib.intake import uploads
from chalicelib.intake.announcements import announce
from chalicelib.intake.domain import operations
from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.catalog import ProcedureCatalog
from chalicelib.intake.domain.codes import format_code
from chalicelib.intake.domain.errors import DossierNotFound
from chalicelib.intake.domain.lifecycle import next_status
from chalicelib.intake.domain.model import (
    OFFICER_ROLES,
    Action,
    Actor,
    Applicant,
    DeliveryMethod,
    Dossier,
    Status,
)
from chalicelib.intake.schemas import NewAttachment, NewDossier
from chalicelib.intake.settings import IntakeSettings
from chalicelib.intake.storage import DossierRepository
from motcua_shared import timeutil
from motcua_shared.errors import ValidationFailed


class IntakeService:
    def __init__(
        self,
        repository: DossierRepository,
        catalog: ProcedureCatalog,
        settings: IntakeSettings,
        calendar: WorkingCalendar | None = None,
        clock: Callable[[], datetime] = timeutil.now,
    ) -> None:
        self.repository = repository
        self.catalog = catalog
        self.settings = settings
        self.calendar = calendar or WorkingCalendar()
        self.clock = clock
        self.upload_policy = operations.UploadPolicy(
            max_bytes=settings.max_attachment_bytes,
            content_types=frozenset(settings.attachment_content_types),
        )

    # -- reading ---------------------------------------------------------------------------
    def visible(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.repository.get(dossier_id)
        if not operations.can_view(dossier, actor):
            raise DossierNotFound()  # another citizen's dossier does not exist for them
        return dossier

    def list_for(
        self, actor: Actor, status: str | None, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        if OFFICER_ROLES.isdisjoint(actor.roles):
            dossiers, next_cursor = self.repository.list_by_owner(actor.sub, limit, cursor)
            if status:
                dossiers = [d for d in dossiers if d.status == status]
            return dossiers, next_cursor
        if not status:
            raise ValidationFailed(
                "Officers list dossiers by status: add ?status=…",
                "Cán bộ cần chọn trạng thái hồ sơ (?status=…).",
                field="status",
            )
        if status not in Status.__members__.values():
            raise ValidationFailed(
                f"Unknown status '{status}'.",
                f"Trạng thái '{status}' không hợp lệ.",
                field="status",
            )
        return self.repository.list_by_status(status, limit, cursor)

    def track(self, code: str) -> Dossier:
        return self.repository.by_code(code)

    # -- changing ------------------------------------------------------------------------------
    def create(self, actor: Actor, body: NewDossier) -> Dossier:
        procedure = self.catalog.get(body.procedure_code)
        a = body.applicant
        dossier = operations.create(
            procedure,
            actor,
            Applicant(a.full_name, a.id_number, a.phone, a.email, a.address),
            body.request_content,
            dict(body.form_data),
            DeliveryMethod(body.delivery_method),
            body.delivery_address,
            self.clock(),
        )
        self.repository.save(dossier, [announce(dossier, Action.CREATE)])
        return dossier

    def attach(self, dossier_id: str, actor: Actor, body: NewAttachment) -> dict[str, Any]:
        dossier = self.visible(dossier_id, actor)
        attachment = operations.attach(
            dossier,
            self.catalog.get(dossier.procedure_code),
            actor,
            body.document_code,
            body.filename,
            body.content_type,
            body.size_bytes,
            self.upload_policy,
            self.clock(),
        )
        self.repository.save(dossier)
        return {
            "attachment_id": attachment.attachment_id,
            "document_code": attachment.document_code,
            **uploads.presigned_put(attachment),
        }

    def submit(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.visible(dossier_id, actor)
        sizes = {a.attachment_id: uploads.uploaded_size(a) for a in dossier.attachments}
        procedure = self.catalog.get(dossier.procedure_code)
        operations.submit(dossier, procedure, actor, sizes, self.upload_policy, self.clock())
        return self._save(dossier, Action.SUBMIT)

    def accept(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.repository.get(dossier_id)
        procedure = self.catalog.get(dossier.procedure_code)
        at = self.clock()
        # Check the transition before drawing a number, so refused attempts burn none.
        next_status(dossier.status, Action.ACCEPT, actor.roles)
        day = at.astimezone(timeutil.VN_TZ).date()
        code = format_code(
            dossier.agency_code, day, self.repository.next_sequence(dossier.agency_code, day)
        )
        operations.accept(dossier, procedure, actor, code, self.calendar, at)
        return self._save(dossier, Action.ACCEPT)

    def assign(self, dossier_id: str, actor: Actor, unit: str, officer: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.assign(dossier, actor, unit, officer, self.clock())
        return self._save(dossier, Action.ASSIGN)

    def approve(self, dossier_id: str, actor: Actor, result_summary: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.approve(dossier, actor, result_summary, self.clock())
        return self._save(dossier, Action.APPROVE)

    def return_result(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.return_result(dossier, actor, self.clock())
        return self._save(dossier, Action.RETURN)

    def _save(self, dossier: Dossier, action: Action) -> Dossier:
        self.repository.save(dossier, [announce(dossier, action)])
        return dossier
