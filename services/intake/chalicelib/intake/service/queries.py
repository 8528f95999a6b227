"""Intake's reads: listings, one dossier by its code or its result's code, the national portal's
record, the leaders' statistics and overdue lists, a year's calendar, a link to a file."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from chalicelib.intake.domain import stats
from chalicelib.intake.domain.model import OFFICER_ROLES, Actor, Dossier, Status
from chalicelib.intake.domain.national import national_record
from chalicelib.intake.service.base import ServiceBase
from motcua_shared import timeutil
from motcua_shared.errors import ValidationFailed

# A citizen's list filtered by status reads at most this many pages of theirs per answer.
OWNER_PAGES_PER_ANSWER = 5


class IntakeQueries(ServiceBase):
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

    def attachment_download(
        self, dossier_id: str, actor: Actor, attachment_id: str
    ) -> dict[str, Any]:
        """A short-lived link to one uploaded file of the dossier (its owner, officers)."""
        return self.files.link(self.visible(dossier_id, actor), attachment_id)

    def national_record(self, dossier_id: str) -> dict[str, Any]:
        dossier = self.repository.get(dossier_id)
        procedure = self.catalog.get(dossier.procedure_code)
        return national_record(dossier, procedure).model_dump(mode="json")

    def statistics(self, start: date, end: date, unit: str | None) -> stats.Report:
        """The leaders' figures, read from the counters every change maintains."""
        status_items, day_items = self.stats_store.stats_items(start, end)
        report = stats.Report()
        for item in status_items:
            item_unit, status = stats.parse_status_key(item.key)
            if unit is None or item_unit == unit:
                report.by_status[status] += int(item.values["count"])
        for item in day_items:
            _, item_unit, officer = stats.parse_day_key(item.key)
            if unit is None or item_unit == unit:
                report.add_day(
                    item_unit,
                    officer,
                    {name: float(item.values[name]) for name in stats.COUNTERS},
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

    def calendar_year(self, year: int) -> list[tuple[date, str, str]]:
        """``(date, name, source)`` of the year's days off and make-up working days."""
        return self.calendar().days_off(year)
