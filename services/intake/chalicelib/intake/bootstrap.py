"""Wiring: intake's service layer with its adapters — the tables bound to their names, the
buckets, the catalogue and calendar caches, the clock and ids (cosmicpython's ``bootstrap``).
app.py builds one per import of it; a test may build another (another process, in effect)."""

from __future__ import annotations

from chalicelib.intake.domain.calendar import WorkingCalendar
from chalicelib.intake.domain.catalog import ProcedureCatalog, default_catalog
from chalicelib.intake.evidence import EvidenceFiles, ResultFiles
from chalicelib.intake.ports import Clock, Ids, RandomIds
from chalicelib.intake.service import IntakeService
from chalicelib.intake.service.caches import CalendarCache, CatalogCache
from chalicelib.intake.settings import IntakeSettings
from chalicelib.intake.storage.models import bind_tables
from chalicelib.intake.storage.repositories import (
    CalendarRepository,
    DossierRepository,
    ProcedureEditRepository,
    StatsRepository,
)
from motcua_shared import timeutil


def build_service(
    settings: IntakeSettings,
    *,
    catalog: ProcedureCatalog | None = None,
    calendar: WorkingCalendar | None = None,
    clock: Clock = timeutil.now,
    ids: Ids | None = None,
) -> IntakeService:
    """The service layer on DynamoDB and S3 (the tables bound here, before any call)."""
    bind_tables(settings.dossiers_table, settings.stats_table, settings.region)
    return IntakeService(
        repository=DossierRepository(),
        stats_store=StatsRepository(settings.region),
        files=EvidenceFiles(settings),
        results=ResultFiles(settings),
        procedures=CatalogCache(
            catalog or default_catalog(), ProcedureEditRepository(), settings.catalog_cache_s
        ),
        calendars=CalendarCache(CalendarRepository(), settings.calendar_cache_s, fixed=calendar),
        settings=settings,
        clock=clock,
        ids=ids or RandomIds(),
    )
