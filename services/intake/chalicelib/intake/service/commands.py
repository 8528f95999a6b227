"""Intake's use cases that change something: load, apply one domain operation, save with its
announcements and the statistics counters it changes — all in one transaction. Also the
administrator's changes of the catalogue and the calendar, and the stream side's counting."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.intake.announcements import deadline_alert
from chalicelib.intake.domain import attachments, filetypes, operations, stats, steps
from chalicelib.intake.domain.catalog import Procedure
from chalicelib.intake.domain.codes import format_code
from chalicelib.intake.domain.errors import (
    AttachmentSizeMismatch,
    MissingResult,
    ResultNotAvailable,
)
from chalicelib.intake.domain.lifecycle import check_assignee, next_status
from chalicelib.intake.domain.model import (
    Action,
    Actor,
    Applicant,
    DeliveryMethod,
    Dossier,
    ResultDocument,
    Status,
)
from chalicelib.intake.service.base import ServiceBase
from motcua_shared import timeutil
from motcua_shared.errors import Conflict, ValidationFailed

if TYPE_CHECKING:
    from chalicelib.intake.schemas import (
        DossierFields,
        DossierUpdate,
        NewAttachment,
        NewDossier,
        ProcedureEdit,
        ResultFileIn,
    )


def _applicant(body: DossierFields) -> Applicant:
    a = body.applicant
    return Applicant(a.full_name, a.id_number, a.phone, a.email, a.address, a.kind)


class IntakeCommands(ServiceBase):
    def create(self, actor: Actor, body: NewDossier) -> Dossier:
        procedure = self.catalog.get(body.procedure_code)
        dossier = operations.create(
            procedure,
            actor,
            _applicant(body),
            body.request_content,
            dict(body.form_data),
            DeliveryMethod(body.delivery_method),
            body.delivery_address,
            self.clock(),
            dossier_id=self.ids.dossier_id(),
        )
        return self._save(dossier)

    def update(self, dossier_id: str, actor: Actor, body: DossierUpdate) -> Dossier:
        """The owner rewrites a draft; a concurrent change → 409 conflict."""
        dossier = self.visible(dossier_id, actor)
        operations.update_draft(
            dossier,
            self.catalog.get(dossier.procedure_code),
            actor,
            _applicant(body),
            body.request_content,
            dict(body.form_data),
            DeliveryMethod(body.delivery_method),
            body.delivery_address,
            self.clock(),
        )
        self._store(dossier, [])
        return dossier

    def attach(self, dossier_id: str, actor: Actor, body: NewAttachment) -> dict[str, Any]:
        dossier = self.visible(dossier_id, actor)
        attachment = attachments.attach(
            dossier,
            self.catalog.get(dossier.procedure_code),
            actor,
            body.document_code,
            body.filename,
            body.content_type,
            body.size_bytes,
            self.upload_policy,
            self.clock(),
            attachment_id=self.ids.attachment_id(),
        )
        self._store(dossier, [])
        return self.files.upload_slot(dossier, attachment)

    def submit(self, dossier_id: str, actor: Actor) -> Dossier:
        """A first submission, or the answer to a supplement request: the files not frozen yet
        are read once (version, size, SHA-256, first bytes), checked and frozen."""
        dossier = self.visible(dossier_id, actor)
        stored = self.files.stored(dossier)
        procedure = self.catalog.get(dossier.procedure_code)
        at = self.clock()
        if dossier.status is Status.SUPPLEMENT_REQUESTED:
            operations.resubmit(
                dossier, procedure, actor, stored, self.upload_policy, self.calendar(), at
            )
            return self._save(dossier)
        operations.submit(dossier, procedure, actor, stored, self.upload_policy, at)
        # Keep the files for good before the dossier is submitted (if the write below fails,
        # the draft's files merely stay until it is deleted by hand, never the other way round).
        self.files.keep(dossier, stored)
        return self._save(dossier)

    def accept(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.repository.get(dossier_id)
        procedure = self.catalog.get(dossier.procedure_code)
        at = self.clock()
        # Check the transition before drawing a number, so refused attempts burn none.
        next_status(dossier.status, Action.ACCEPT, actor.roles)
        day = at.astimezone(timeutil.VN_TZ).date()
        sequence = self.repository.next_sequence(dossier.agency_code, day)
        code = format_code(dossier.agency_code, day, sequence)
        operations.accept(dossier, procedure, actor, code, self.calendar(), at)
        return self._save(dossier)

    def record_payment(
        self, dossier_id: str, actor: Actor, method: str, reference: str, amount_vnd: int
    ) -> Dossier:
        """The fee was paid at the counter (level 3) or online (``payment.succeeded``); a repeated
        notice changes nothing."""
        dossier = self.repository.get(dossier_id)
        if operations.confirm_payment(dossier, actor, method, reference, amount_vnd, self.clock()):
            self._save(dossier)
        return dossier

    def record_online_payment(
        self, dossier_id: str, actor: Actor, txn_ref: str, amount: int
    ) -> bool:
        """``payment.succeeded``. A dossier no longer waiting for its fee (paid at the counter,
        withdrawn, stopped) stays as it is and the event is done, not failed: payment holds that
        money as owed back (``payment.refund_due``); a retry would change nothing."""
        if self.repository.get(dossier_id).status is not Status.FEE_REQUESTED:
            return False
        self.record_payment(dossier_id, actor, "online", txn_ref, amount)
        return True

    def apply_shipment(self, actor: Actor, data: Any, event_type: str) -> None:
        """What the post office did, as delivery announced it."""
        dossier = self.repository.get(data.dossier_id)
        at = self.clock()
        note = f"{data.note} (vận đơn {data.item_code})"
        if event_type == "shipment.delivered" and data.purpose == "result":
            changed = operations.return_by_post(dossier, actor, data.item_code, self.calendar(), at)
        elif event_type == "shipment.delivered":
            changed = operations.record_shipment(dossier, actor, Action.RECEIVE_ORIGINALS, note, at)
        elif data.purpose == "result" and dossier.status is Status.RESULT_READY:
            changed = operations.record_shipment(dossier, actor, Action.NOTE_DELIVERY, note, at)
        else:
            changed = False
        if changed:
            self._save(dossier)

    def assign(self, dossier_id: str, actor: Actor, unit: str, officer: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.assign(dossier, actor, unit, officer, self.calendar(), self.clock())
        return self._save(dossier)

    def prepare_result(self, dossier_id: str, actor: Actor, body: ResultFileIn) -> dict[str, Any]:
        """A presigned upload for the electronic result, before approval."""
        dossier = self.repository.get(dossier_id)
        # 403 / 409 as for approval, and the assigned officer's alone
        next_status(dossier.status, Action.APPROVE, actor.roles)
        check_assignee(dossier.status, Action.APPROVE, actor.roles, actor.username, dossier.officer)
        filetypes.check_filename(body.filename, body.content_type)
        code = self.ids.verification_code()
        result = ResultDocument(
            verification_code=code,
            s3_key=f"results/{dossier.id}/{code}/{body.filename}",
            filename=body.filename,
            sha256=None,
            issued_at=self.clock(),
            size_bytes=body.size_bytes,
        )
        dossier.result = result
        self._store(dossier, [])
        return {
            "verification_code": code,
            **self.results.upload_slot(result.s3_key, body.content_type, body.size_bytes),
        }

    def approve(self, dossier_id: str, actor: Actor, result_summary: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        at = self.clock()
        result = dossier.result
        if result is not None:
            # The version approved is the one served from then on, whatever comes after it.
            declared = result.size_bytes or 0
            found = self.results.stored(result.s3_key, declared)
            if found is None:
                result = None
            elif found.size_bytes != declared:
                raise AttachmentSizeMismatch(
                    filename=result.filename,
                    declared_bytes=declared,
                    uploaded_bytes=found.size_bytes,
                    field="result_file",
                )
            else:
                result.sha256, result.version_id = found.sha256, found.version_id
                result.issued_at = at
        if result is None and dossier.delivery_method is DeliveryMethod.ONLINE:
            next_status(dossier.status, Action.APPROVE, actor.roles)
            raise MissingResult()
        operations.approve(dossier, actor, result_summary, self.calendar(), at, result)
        return self._save(dossier)

    def download_result(self, dossier_id: str, actor: Actor) -> dict[str, Any]:
        """A short-lived link to the electronic result; the owner's first download returns it."""
        dossier = self.visible(dossier_id, actor)
        result = dossier.result
        if result is None or result.sha256 is None:
            raise ResultNotAvailable()
        if (
            dossier.owner_sub == actor.sub
            and dossier.status is Status.RESULT_READY
            and dossier.delivery_method is DeliveryMethod.ONLINE
        ):
            operations.receive_online(dossier, actor, self.calendar(), self.clock())
            self._save(dossier)
        url = self.results.download_url(result.s3_key, result.filename, result.version_id)
        return {
            "download_url": url,
            "filename": result.filename,
            "sha256": result.sha256,
            "verification_code": result.verification_code,
            "expires_in_s": self.settings.download_url_ttl_s,
            "status": str(dossier.status),
        }

    def return_result(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.return_result(dossier, actor, self.calendar(), self.clock())
        return self._save(dossier)

    def request_supplement(
        self, dossier_id: str, actor: Actor, reason: str, items: list[tuple[str, str]]
    ) -> Dossier:
        dossier = self.repository.get(dossier_id)
        procedure = self.catalog.get(dossier.procedure_code)
        operations.request_supplement(dossier, procedure, actor, reason, items, self.clock())
        return self._save(dossier)

    def refuse(self, dossier_id: str, actor: Actor, reason: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.refuse(dossier, actor, reason, self.clock())
        return self._save(dossier)

    def withdraw(self, dossier_id: str, actor: Actor, reason: str | None) -> Dossier:
        dossier = self.visible(dossier_id, actor)
        operations.withdraw(dossier, actor, reason, self.clock())
        return self._save(dossier)

    def stop(self, dossier_id: str, actor: Actor, reason: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.stop(dossier, actor, reason, self.clock())
        return self._save(dossier)

    def extend(self, dossier_id: str, actor: Actor, reason: str, new_due_at: datetime) -> Dossier:
        dossier = self.repository.get(dossier_id)
        operations.extend(
            dossier,
            actor,
            reason,
            new_due_at.astimezone(timeutil.VN_TZ),
            self.calendar(),
            self.clock(),
        )
        return self._save(dossier)

    def rate(self, dossier_id: str, actor: Actor, score: int, comment: str) -> Dossier:
        dossier = self.visible(dossier_id, actor)
        operations.rate(dossier, actor, score, comment, self.clock())
        return self._save(dossier)

    def watch_deadlines(self, now: datetime) -> int:
        """Announce ``dossier.due_soon`` / ``dossier.overdue`` once per dossier and step."""
        calendar = self.calendar()
        horizon = timeutil.to_iso(now + timedelta(days=self.settings.deadline_lookahead_days))
        announced = 0
        for agency in self.catalog.agencies:
            for dossier in self.repository.due_before(agency, horizon):
                kinds = steps.deadline_alerts(dossier, now, calendar)
                if not kinds:
                    continue
                events = [deadline_alert(dossier, kind, now) for kind in kinds]
                try:
                    self._store(dossier, events)
                except Conflict:  # changed meanwhile: the next run sees the new state
                    continue
                announced += len(events)
        return announced

    # -- the administrator's catalogue and calendar ------------------------------------------
    def edit_procedure(self, actor: Actor, code: str, body: ProcedureEdit) -> Procedure:
        """An administrator changes a catalogued procedure (never adds one); the change is in
        use in this process at once."""
        edit = body.model_dump(mode="json")
        return self.procedures.edit(code, edit, actor.username, timeutil.to_iso(self.clock()))

    def set_calendar_year(
        self, actor: Actor, year: int, days_off: list[date], working_days: list[date]
    ) -> None:
        """Set a year's extra days off and make-up working days (read back: calendar_year)."""
        for day in [*days_off, *working_days]:
            if day.year != year:
                raise ValidationFailed(
                    f"{day.isoformat()} is not in {year}.",
                    f"Ngày {day:%d/%m/%Y} không thuộc năm {year}.",
                    field="extra_days_off",
                )
        if set(days_off) & set(working_days):
            raise ValidationFailed(
                "A day cannot be both a day off and a working day.",
                "Một ngày không thể vừa là ngày nghỉ vừa là ngày làm việc.",
                field="extra_working_days",
            )
        self.calendars.save_year(
            year,
            sorted(d.isoformat() for d in set(days_off)),
            sorted(d.isoformat() for d in set(working_days)),
            actor.username,
            timeutil.to_iso(self.clock()),
        )

    # -- the stream side ------------------------------------------------------------------------
    def count(
        self, dossier_id: str, version: int, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> bool:
        """Stream side: add the statistics change of one dossier write (once)."""
        before = stats.Snapshot.from_dict(old) if old else None
        if new is None:
            return False
        counters = stats.delta(before, stats.Snapshot.from_dict(new))
        if not counters:
            return False
        return self.stats_store.apply_stats(dossier_id, version, counters)
