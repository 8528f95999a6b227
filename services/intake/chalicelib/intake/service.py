"""Intake's use cases: load, apply one domain operation, save with its announcements and the
statistics counters it changes — all in one transaction."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.intake import uploads
from chalicelib.intake.announcements import announce, deadline_alert, national_sync
from chalicelib.intake.domain import attachments, filetypes, operations, stats, steps
from chalicelib.intake.domain.calendar import CalendarAdjustments, WorkingCalendar
from chalicelib.intake.domain.catalog import Procedure, ProcedureCatalog
from chalicelib.intake.domain.codes import format_code
from chalicelib.intake.domain.errors import (
    AttachmentSizeMismatch,
    DossierNotFound,
    MissingResult,
    ResultNotAvailable,
)
from chalicelib.intake.domain.lifecycle import check_assignee, next_status
from chalicelib.intake.domain.model import (
    OFFICER_ROLES,
    Action,
    Actor,
    Applicant,
    DeliveryMethod,
    Dossier,
    ResultDocument,
    Status,
)
from chalicelib.intake.domain.national import national_record
from chalicelib.intake.evidence import EvidenceFiles
from chalicelib.intake.settings import IntakeSettings
from chalicelib.intake.storage import DossierRepository
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
    from motcua_shared.events import Envelope


# A citizen's list filtered by status reads at most this many pages of theirs per answer.
OWNER_PAGES_PER_ANSWER = 5


def _applicant(body: DossierFields) -> Applicant:
    a = body.applicant
    return Applicant(a.full_name, a.id_number, a.phone, a.email, a.address, a.kind)


# Verification codes: unambiguous letters and digits, in groups a person can type.
_VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(_VERIFICATION_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class IntakeService:
    def __init__(
        self,
        repository: DossierRepository,
        catalog: ProcedureCatalog,
        settings: IntakeSettings,
        clock: Callable[[], datetime] = timeutil.now,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.repository = repository
        self.seed_catalog = catalog
        self._catalog: tuple[float, dict[str, dict[str, Any]], ProcedureCatalog] | None = None
        self.settings = settings
        self.clock = clock
        self._fixed_calendar = calendar
        self._calendar: tuple[float, WorkingCalendar] | None = None
        self.files = EvidenceFiles(settings)
        self.upload_policy = attachments.UploadPolicy(
            max_bytes=settings.max_attachment_bytes,
            content_types=frozenset(settings.attachment_content_types),
        )

    # -- the procedure catalogue ---------------------------------------------------------------
    @property
    def catalog(self) -> ProcedureCatalog:
        """The seeded catalogue with the administrator's edits, re-read every 30 s (a setting):
        an edit made in another process shows here within that time."""
        return self._loaded_catalog()[2]

    def _loaded_catalog(self) -> tuple[float, dict[str, dict[str, Any]], ProcedureCatalog]:
        now = time.monotonic()
        if self._catalog is None or now - self._catalog[0] > self.settings.catalog_cache_s:
            edits = self.repository.procedure_edits(self.seed_catalog.codes)
            self._catalog = (now, edits, self.seed_catalog.with_edits(edits))
        return self._catalog

    def edit_procedure(self, actor: Actor, code: str, body: ProcedureEdit) -> Procedure:
        """An administrator changes a catalogued procedure (never adds one); the change is in
        use in this process at once."""
        seed = self.seed_catalog.get(code)  # 404 for a code the catalogue does not have
        edit = body.model_dump(mode="json")
        procedure = seed.edited(edit)
        self.repository.save_procedure_edit(
            code, edit, actor.username, timeutil.to_iso(self.clock())
        )
        loaded_at, edits, _ = self._loaded_catalog()
        edits = {**edits, code: edit}
        self._catalog = (loaded_at, edits, self.seed_catalog.with_edits(edits))
        return procedure

    # -- the working calendar ------------------------------------------------------------------
    def calendar(self) -> WorkingCalendar:
        """Vietnam's public holidays plus the administrator's days, re-read every minute."""
        if self._fixed_calendar is not None:
            return self._fixed_calendar
        now = time.monotonic()
        if self._calendar is None or now - self._calendar[0] > self.settings.calendar_cache_s:
            adjustments = {
                year: CalendarAdjustments(
                    extra_days_off=frozenset(date.fromisoformat(d) for d in off),
                    extra_working_days=frozenset(date.fromisoformat(d) for d in working),
                )
                for year, (off, working) in self.repository.calendar_adjustments().items()
            }
            self._calendar = (now, WorkingCalendar.vietnam(adjustments))
        return self._calendar[1]

    def calendar_year(self, year: int) -> dict[str, Any]:
        days = self.calendar().days_off(year)
        return {
            "year": year,
            "days": [
                {"date": d.isoformat(), "name": name, "source": source} for d, name, source in days
            ],
        }

    def set_calendar_year(
        self, actor: Actor, year: int, days_off: list[date], working_days: list[date]
    ) -> dict[str, Any]:
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
        self.repository.save_calendar(
            year,
            sorted(d.isoformat() for d in set(days_off)),
            sorted(d.isoformat() for d in set(working_days)),
            actor.username,
            timeutil.to_iso(self.clock()),
        )
        self._calendar = None
        return self.calendar_year(year)

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
            # The owner's dossiers are read by owner; a status is picked from them, reading on
            # (a few pages at most) so that a page is not short while more may match.
            found: list[Dossier] = []
            next_cursor = cursor
            for _ in range(OWNER_PAGES_PER_ANSWER):
                page, next_cursor = self.repository.list_by_owner(
                    actor.sub, limit - len(found), next_cursor
                )
                found += [d for d in page if not status or d.status == status]
                if len(found) >= limit or next_cursor is None:
                    break
            return found, next_cursor
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

    def desk_queue(self, limit: int, cursor: str | None) -> tuple[list[Dossier], str | None]:
        return self.repository.desk_queue(limit, cursor)

    def worklist(
        self, actor: Actor, unit: str | None, officer: str | None, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        if not unit and not officer:
            if "processing_officer" not in actor.roles:
                raise ValidationFailed(
                    "Choose a unit or an officer.", "Cần chọn phòng hoặc chuyên viên.", field="unit"
                )
            officer = actor.username  # a processing officer's own work by default
        return self.repository.worklist(unit, officer, limit, cursor)

    def track(self, code: str) -> Dossier:
        return self.repository.by_code(code)

    def verify(self, verification_code: str) -> Dossier:
        return self.repository.by_verification(verification_code.strip().upper())

    def national_record(self, dossier_id: str) -> dict[str, Any]:
        dossier = self.repository.get(dossier_id)
        procedure = self.catalog.get(dossier.procedure_code)
        return national_record(dossier, procedure).model_dump(mode="json")

    def statistics(self, start: date, end: date, unit: str | None) -> stats.Report:
        """The leaders' figures, read from the counters every change maintains."""
        status_items, day_items = self.repository.stats_items(start, end)
        report = stats.Report()
        for item in status_items:
            item_unit, status = stats.parse_status_key(item.sk)
            if unit is None or item_unit == unit:
                report.by_status[status] += int(item.count)
        for item in day_items:
            _, item_unit, officer = stats.parse_day_key(item.sk)
            if unit is None or item_unit == unit:
                report.add_day(
                    item_unit,
                    officer,
                    {name: float(getattr(item, name)) for name in stats.COUNTERS},
                )
        return report

    def overdue(
        self, limit: int, cursor: str | None
    ) -> tuple[list[tuple[Dossier, float]], str | None]:
        """Dossiers on the clock whose current step (never due after the appointment date) is
        past its deadline, most overdue first, each with the working hours it is late by."""
        now = self.clock()
        calendar = self.calendar()
        dossiers, next_cursor = self.repository.overdue(
            self.catalog.agencies, timeutil.to_iso(now), limit, cursor
        )
        late: list[tuple[Dossier, float]] = []
        for dossier in dossiers:
            deadlines = [d for d in (dossier.step_due_at, dossier.due_at) if d is not None]
            since = min(deadlines)
            hours = calendar.working_time_between(since, now) / timedelta(hours=1)
            late.append((dossier, round(hours, 2)))
        return late, next_cursor

    def overdue_now(self, unit: str | None) -> int:
        now = self.clock()
        count = 0
        for agency in self.catalog.agencies:
            for dossier in self.repository.due_before(agency, timeutil.to_iso(now)):
                if (
                    dossier.due_at
                    and dossier.due_at < now
                    and (unit is None or dossier.unit == unit)
                ):
                    count += 1
        return count

    # -- changing ------------------------------------------------------------------------------
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

    def attachment_download(
        self, dossier_id: str, actor: Actor, attachment_id: str
    ) -> dict[str, Any]:
        """A short-lived link to one uploaded file of the dossier (its owner, officers)."""
        return self.files.link(self.visible(dossier_id, actor), attachment_id)

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
        code = new_verification_code()
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
            **uploads.presigned_put(
                self.settings.results_bucket, result.s3_key, body.content_type, body.size_bytes
            ),
        }

    def approve(self, dossier_id: str, actor: Actor, result_summary: str) -> Dossier:
        dossier = self.repository.get(dossier_id)
        at = self.clock()
        result = dossier.result
        if result is not None:
            # The version approved is the one served from then on, whatever comes after it.
            declared = result.size_bytes or 0
            found = uploads.stored_file(self.settings.results_bucket, result.s3_key, declared)
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
        url = uploads.presigned_get(
            self.settings.results_bucket,
            result.s3_key,
            result.filename,
            "application/pdf",
            result.version_id,
        )
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

    # -- saving ------------------------------------------------------------------------------
    def _store(self, dossier: Dossier, events: list[Envelope]) -> None:
        view = stats.Snapshot.of(dossier, self.calendar()).to_dict()
        self.repository.save(dossier, events, view)
        dossier.stored_steps = len(dossier.history)

    def _save(self, dossier: Dossier) -> Dossier:
        """Store the change with the announcement of each new step of its history."""
        steps_taken = dossier.new_steps
        announced = (announce(dossier, step) for step in steps_taken)
        events: list[Envelope] = [event for event in announced if event is not None]
        moved = any(step.from_status != step.to_status for step in steps_taken)
        if moved and dossier.national_status is not None:
            procedure = self.catalog.get(dossier.procedure_code)
            record = national_record(dossier, procedure)
            events.append(national_sync(dossier, record, dossier.updated_at))
        self._store(dossier, events)
        return dossier

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
        return self.repository.apply_stats(dossier_id, version, counters)
