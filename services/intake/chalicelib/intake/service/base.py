"""What every use case of intake's service layer holds: its stores, files, caches, clock and ids
(received when wired: bootstrap.py), and the steps they share — reading a dossier as a caller
may see it, saving a change with its announcements and the statistics view of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.intake.announcements import announce, national_sync
from chalicelib.intake.domain import attachments, operations, stats
from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.catalog import ProcedureCatalog
from chalicelib.intake.domain.errors import DossierNotFound
from chalicelib.intake.domain.model import Actor, Dossier
from chalicelib.intake.domain.national import national_record
from chalicelib.intake.ports import (
    Clock,
    DossierStore,
    EvidenceStore,
    Ids,
    RandomIds,
    ResultStore,
    StatsStore,
)
from chalicelib.intake.service.caches import CalendarCache, CatalogCache
from chalicelib.intake.settings import IntakeSettings
from motcua_shared import timeutil

if TYPE_CHECKING:
    from motcua_shared.events import Envelope


class ServiceBase:
    """The ports and caches every use case uses (one instance per process: bootstrap.py)."""

    def __init__(
        self,
        *,
        repository: DossierStore,
        stats_store: StatsStore,
        files: EvidenceStore,
        results: ResultStore,
        procedures: CatalogCache,
        calendars: CalendarCache,
        settings: IntakeSettings,
        clock: Clock = timeutil.now,
        ids: Ids | None = None,
    ) -> None:
        self.repository = repository
        self.stats_store = stats_store
        self.files = files
        self.results = results
        self.procedures = procedures
        self.calendars = calendars
        self.settings = settings
        self.clock = clock
        self.ids: Ids = ids or RandomIds()
        self.upload_policy = attachments.UploadPolicy(
            max_bytes=settings.max_attachment_bytes,
            content_types=frozenset(settings.attachment_content_types),
        )

    @property
    def catalog(self) -> ProcedureCatalog:
        """The catalogue in use (the seed with the administrator's edits, re-read now and then)."""
        return self.procedures.current()

    def calendar(self) -> WorkingCalendar:
        """The working calendar in use (holidays and the administrator's days)."""
        return self.calendars.current()

    def visible(self, dossier_id: str, actor: Actor) -> Dossier:
        dossier = self.repository.get(dossier_id)
        if not operations.can_view(dossier, actor):
            raise DossierNotFound()  # another citizen's dossier does not exist for them
        return dossier

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
