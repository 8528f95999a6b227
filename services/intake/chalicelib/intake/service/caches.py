"""What the service layer keeps in a process and re-reads now and then: the procedure catalogue
with the administrator's edits, the working calendar with the administrator's days."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from chalicelib.intake.domain.calendar import CalendarAdjustments, WorkingCalendar
from chalicelib.intake.domain.catalog import Procedure, ProcedureCatalog
from chalicelib.intake.ports import CalendarStore, ProcedureEditStore


class CatalogCache:
    """The seeded catalogue with the administrator's edits, re-read every ``ttl_s`` seconds (a
    setting): an edit made in another process shows here within that time."""

    def __init__(
        self,
        seed: ProcedureCatalog,
        store: ProcedureEditStore,
        ttl_s: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seed = seed
        self.store = store
        self.ttl_s = ttl_s
        self.monotonic = monotonic
        self._loaded: tuple[float, dict[str, dict[str, Any]], ProcedureCatalog] | None = None

    def current(self) -> ProcedureCatalog:
        return self._load()[2]

    def _load(self) -> tuple[float, dict[str, dict[str, Any]], ProcedureCatalog]:
        now = self.monotonic()
        if self._loaded is None or now - self._loaded[0] > self.ttl_s:
            edits = self.store.procedure_edits(self.seed.codes)
            self._loaded = (now, edits, self.seed.with_edits(edits))
        return self._loaded

    def edit(self, code: str, edit: dict[str, Any], by: str, at: str) -> Procedure:
        """Change a catalogued procedure (never add one: 404 for a code the seed does not have);
        the change is in use in this process at once."""
        procedure = self.seed.get(code).edited(edit)
        self.store.save_procedure_edit(code, edit, by, at)
        loaded_at, edits, _ = self._load()
        edits = {**edits, code: edit}
        self._loaded = (loaded_at, edits, self.seed.with_edits(edits))
        return procedure


class CalendarCache:
    """Vietnam's public holidays plus the administrator's days, re-read every ``ttl_s`` seconds
    (or a fixed calendar, for tests)."""

    def __init__(
        self,
        store: CalendarStore,
        ttl_s: float,
        fixed: WorkingCalendar | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.fixed = fixed
        self.monotonic = monotonic
        self._loaded: tuple[float, WorkingCalendar] | None = None

    def current(self) -> WorkingCalendar:
        if self.fixed is not None:
            return self.fixed
        now = self.monotonic()
        if self._loaded is None or now - self._loaded[0] > self.ttl_s:
            adjustments = {
                year: CalendarAdjustments(
                    extra_days_off=frozenset(date.fromisoformat(d) for d in off),
                    extra_working_days=frozenset(date.fromisoformat(d) for d in working),
                )
                for year, (off, working) in self.store.calendar_adjustments().items()
            }
            self._loaded = (now, WorkingCalendar.vietnam(adjustments))
        return self._loaded[1]

    def save_year(
        self, year: int, days_off: list[str], working_days: list[str], by: str, at: str
    ) -> None:
        """Store a year's days; the next read loads them."""
        self.store.save_calendar(year, days_off, working_days, by, at)
        self._loaded = None
