"""The items of intake's tables as PynamoDB models; the tables they live in are bound when the
service is wired (:func:`bind_tables`, called by ``bootstrap``), not when this module is imported.

Items of the dossiers table:
- ``DOSSIER#{id}`` / ``DOSSIER``: the aggregate as a JSON document, with the indexed attributes
  beside it, a version for optimistic locking, the ``outbox`` (events of the last write, published
  from the table's stream) and ``stats_view`` (what the statistics count of it);
- ``SEQ#{agency}#{yyMMdd}`` / ``SEQ``: the day's code sequence of an agency;
- ``CALENDAR`` / ``{year}``: an administrator's adjustments of the working calendar;
- ``PROCEDURE#{code}`` / ``PROCEDURE``: an administrator's edit of a catalogued procedure (the
  seeded catalogue overlaid with these is the catalogue in use).

The statistics table holds ``STATS`` counters and ``APPLIED#{dossier}#{version}`` markers that make
the stream handler count each dossier write once.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.intake.domain.model import Dossier, Status
from chalicelib.intake.domain.steps import WATCHED_STATUSES
from motcua_shared.tables import table_meta

# A result can be verified once it is issued (and for as long as the dossier exists).
RESULT_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED})
DOSSIER_PREFIX = "DOSSIER#"
DOSSIER_SORT_KEY = "DOSSIER"
STATS_PK = "STATS"
CALENDAR_PK = "CALENDAR"
PROCEDURE_PREFIX = "PROCEDURE#"
PROCEDURE_SORT_KEY = "PROCEDURE"


class _DossiersTable:
    """The dossiers table (its name and region set by :func:`bind_tables`)."""

    table_name: str
    region: str


class _StatsTable:
    """The statistics table (its name and region set by :func:`bind_tables`)."""

    table_name: str
    region: str


def bind_tables(dossiers_table: str, stats_table: str, region: str) -> None:
    """Point the models at their tables (the wiring does, once per process, before any call)."""
    _DossiersTable.table_name = dossiers_table
    _StatsTable.table_name = stats_table
    _DossiersTable.region = _StatsTable.region = region


class OwnerIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner_sub = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class StatusIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class CodeIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_code"
        projection = AllProjection()

    code = UnicodeAttribute(hash_key=True)


class UnitIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    work_unit = UnicodeAttribute(hash_key=True)
    step_due = UnicodeAttribute(range_key=True)


class OfficerIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_officer"
        projection = AllProjection()

    work_officer = UnicodeAttribute(hash_key=True)
    step_due = UnicodeAttribute(range_key=True)


class DeadlineIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_deadline"
        projection = AllProjection()

    active_agency = UnicodeAttribute(hash_key=True)
    step_due = UnicodeAttribute(range_key=True)


class VerificationIndex(GlobalSecondaryIndex["DossierItem"]):
    class Meta:
        index_name = "by_verification"
        projection = AllProjection()

    verification_code = UnicodeAttribute(hash_key=True)


class DossierItem(Model):
    Meta = table_meta(_DossiersTable)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    owner_sub = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    code = UnicodeAttribute(null=True)
    # Sparse index keys: present only while the dossier belongs in that index.
    work_unit = UnicodeAttribute(null=True)
    work_officer = UnicodeAttribute(null=True)
    active_agency = UnicodeAttribute(null=True)
    step_due = UnicodeAttribute(null=True)
    verification_code = UnicodeAttribute(null=True)
    doc = JSONAttribute()
    # PynamoDB types a list's elements as the class given in ``of`` (UnicodeAttribute); the
    # values are the strings it serializes.
    outbox: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    stats_view = JSONAttribute(null=True)
    version = VersionAttribute()

    by_owner = OwnerIndex()
    by_status = StatusIndex()
    by_code = CodeIndex()
    by_unit = UnitIndex()
    by_officer = OfficerIndex()
    by_deadline = DeadlineIndex()
    by_verification = VerificationIndex()

    @classmethod
    def of(cls, dossier: Dossier) -> DossierItem:
        doc = dossier.to_document()
        item = cls(
            pk=DOSSIER_PREFIX + dossier.id,
            sk=DOSSIER_SORT_KEY,
            owner_sub=dossier.owner_sub,
            created_at=doc["created_at"],
            status=str(dossier.status),
            updated_at=doc["updated_at"],
            code=dossier.code,
            doc=doc,
        )
        processing = dossier.status is Status.PROCESSING
        item.work_unit = dossier.unit if processing else None
        item.work_officer = dossier.officer if processing else None
        watched = dossier.step_due_at is not None and dossier.status in WATCHED_STATUSES
        item.active_agency = dossier.agency_code if watched else None
        item.step_due = doc["step_due_at"] if watched else None
        issued = dossier.result is not None and dossier.status in RESULT_STATUSES
        item.verification_code = dossier.result.verification_code if issued else None  # type: ignore[union-attr]
        return item

    def to_dossier(self) -> Dossier:
        return Dossier.from_document(self.doc, self.version)


class StatsItem(Model):
    """Counters of the leaders' statistics (pk ``STATS``; see domain/stats.py for the keys)."""

    Meta = table_meta(_StatsTable)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # The counter's name in stored items and counter keys (domain/stats.py); it hides
    # Model.count(), which nothing calls on this model.
    count = NumberAttribute(default=0)  # type: ignore[assignment]
    finished = NumberAttribute(default=0)
    early = NumberAttribute(default=0)
    on_time = NumberAttribute(default=0)
    late = NumberAttribute(default=0)
    processing_minutes = NumberAttribute(default=0)
    negative = NumberAttribute(default=0)


class AppliedMarker(Model):
    """A dossier write already counted in the statistics (kept as long as the stream keeps it)."""

    Meta = table_meta(_StatsTable)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = NumberAttribute()


class CalendarItem(Model):
    """An administrator's adjustments of one year's working calendar."""

    Meta = table_meta(_DossiersTable)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    extra_days_off = JSONAttribute(default=list)
    extra_working_days = JSONAttribute(default=list)
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class ProcedureEditItem(Model):
    """An administrator's edit of one procedure (the editable keys of the catalogue entry)."""

    Meta = table_meta(_DossiersTable)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class SequenceItem(Model):
    Meta = table_meta(_DossiersTable)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)
