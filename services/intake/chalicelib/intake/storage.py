"""Dossiers in DynamoDB (PynamoDB): the aggregate and the events announcing its change saved by
one conditional write.

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

import base64
import json
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.intake.domain.codes import is_dossier_code, sequence_key
from chalicelib.intake.domain.errors import DossierNotFound
from chalicelib.intake.domain.model import Dossier, Status
from chalicelib.intake.domain.steps import WATCHED_STATUSES
from chalicelib.intake.settings import get_settings
from motcua_shared.errors import ValidationFailed
from motcua_shared.outbox import outbox_bodies
from motcua_shared.versioning import save_versioned

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

_settings = get_settings()
# A result can be verified once it is issued (and for as long as the dossier exists).
RESULT_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED})
DOSSIER_PREFIX = "DOSSIER#"
DOSSIER_SORT_KEY = "DOSSIER"
STATS_PK = "STATS"
# Stream records live 24 hours: a write cannot be redelivered after that.
_MARKER_RETENTION_S = 2 * 24 * 3600
CALENDAR_PK = "CALENDAR"
PROCEDURE_PREFIX = "PROCEDURE#"
PROCEDURE_SORT_KEY = "PROCEDURE"
MAX_CODE_LENGTH = 64


class _Meta:
    table_name = _settings.dossiers_table
    region = _settings.region


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
    Meta = _Meta

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
    outbox = ListAttribute(of=UnicodeAttribute, default=list)
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


class _StatsMeta:
    table_name = _settings.stats_table
    region = _settings.region


class StatsItem(Model):
    """Counters of the leaders' statistics (pk ``STATS``; see domain/stats.py for the keys)."""

    Meta = _StatsMeta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    count = NumberAttribute(default=0)
    finished = NumberAttribute(default=0)
    early = NumberAttribute(default=0)
    on_time = NumberAttribute(default=0)
    late = NumberAttribute(default=0)
    processing_minutes = NumberAttribute(default=0)
    negative = NumberAttribute(default=0)


class AppliedMarker(Model):
    """A dossier write already counted in the statistics (kept as long as the stream keeps it)."""

    Meta = _StatsMeta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    expires_at = NumberAttribute()


class CalendarItem(Model):
    """An administrator's adjustments of one year's working calendar."""

    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    extra_days_off = JSONAttribute(default=list)
    extra_working_days = JSONAttribute(default=list)
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class ProcedureEditItem(Model):
    """An administrator's edit of one procedure (the editable keys of the catalogue entry)."""

    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


class SequenceItem(Model):
    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)


class DossierRepository:
    """Loads and saves dossiers; every save carries the events that announce it."""

    def __init__(self) -> None:
        self._connection = Connection(region=_settings.region)

    def get(self, dossier_id: str) -> Dossier:
        if not _is_uuid(dossier_id):
            raise DossierNotFound()  # never a valid key: do not ask DynamoDB
        try:
            return DossierItem.get(DOSSIER_PREFIX + dossier_id, DOSSIER_SORT_KEY).to_dossier()
        except DoesNotExist:
            raise DossierNotFound() from None

    def save(
        self,
        dossier: Dossier,
        events: Iterable[Envelope] = (),
        stats_view: dict[str, Any] | None = None,
    ) -> None:
        """Write the dossier with the events announcing the change, atomically; a concurrent
        change (another version) → 409 conflict."""
        item = DossierItem.of(dossier)
        item.outbox = outbox_bodies(events)
        item.stats_view = stats_view
        dossier.version = save_versioned(item, dossier.version)

    def apply_stats(
        self, dossier_id: str, version: int, counters: dict[str, dict[str, float]]
    ) -> bool:
        """Add one dossier write's counter changes, once; False if it was already counted."""
        marker = AppliedMarker(
            pk=f"APPLIED#{dossier_id}",
            sk=str(version),
            expires_at=int(time.time()) + _MARKER_RETENTION_S,
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(marker, condition=AppliedMarker.pk.does_not_exist())
                for key, changes in counters.items():
                    transaction.update(
                        StatsItem(pk=STATS_PK, sk=key),
                        actions=[getattr(StatsItem, n).add(v) for n, v in changes.items()],
                    )
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons or []
            if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                return False
            raise
        return True

    def by_code(self, code: str) -> Dossier:
        if len(code) > MAX_CODE_LENGTH or not is_dossier_code(code):
            raise DossierNotFound()
        for item in DossierItem.by_code.query(code, limit=1):
            return item.to_dossier()
        raise DossierNotFound()

    def list_by_owner(
        self, owner_sub: str, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        return self._query_page(
            DossierItem.by_owner, owner_sub, limit, cursor, scan_index_forward=False
        )

    def list_by_status(
        self, status: str, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        return self._query_page(DossierItem.by_status, status, limit, cursor)

    def _query_page(
        self, index: Any, key: str, limit: int, cursor: str | None, **kwargs: Any
    ) -> tuple[list[Dossier], str | None]:
        start = _decode_cursor(cursor, {"pk", "sk", *type(index).Meta.attributes})
        return _page(index.query(key, limit=limit, last_evaluated_key=start, **kwargs))

    def desk_queue(self, limit: int, cursor: str | None) -> tuple[list[Dossier], str | None]:
        """Submitted dossiers, oldest first."""
        return self._query_page(DossierItem.by_status, str(Status.SUBMITTED), limit, cursor)

    def worklist(
        self, unit: str | None, officer: str | None, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        """Dossiers under processing, earliest step deadline first."""
        if officer:
            condition = DossierItem.work_unit == unit if unit else None
            return self._query_page(
                DossierItem.by_officer, officer, limit, cursor, filter_condition=condition
            )
        assert unit is not None
        return self._query_page(DossierItem.by_unit, unit, limit, cursor)

    def due_before(self, agency_code: str, until: str) -> Iterator[Dossier]:
        """Dossiers of an agency whose current step is due before ``until`` (ISO time)."""
        for item in DossierItem.by_deadline.query(agency_code, DossierItem.step_due <= until):
            yield item.to_dossier()

    def overdue(
        self, agencies: list[str], now: str, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        """Dossiers whose current step was due before ``now`` (ISO time), earliest deadline
        first, agency after agency; the cursor is the index key of the last one listed."""
        start = _decode_cursor(cursor, {"pk", "sk", "active_agency", "step_due"})
        if start is not None and start["active_agency"]["S"] not in agencies:
            raise _bad_cursor()
        found: list[DossierItem] = []
        for agency in agencies:
            if start is not None and agency < start["active_agency"]["S"]:
                continue
            begin = start if start is not None and agency == start["active_agency"]["S"] else None
            found.extend(
                DossierItem.by_deadline.query(
                    agency,
                    DossierItem.step_due < now,
                    limit=limit - len(found),
                    last_evaluated_key=begin,
                )
            )
            if len(found) == limit:
                last = found[-1]
                key = {
                    name: {"S": getattr(last, name)}
                    for name in ("pk", "sk", "active_agency", "step_due")
                }
                next_cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
                return [item.to_dossier() for item in found], next_cursor
        return [item.to_dossier() for item in found], None

    def by_verification(self, verification_code: str) -> Dossier:
        if len(verification_code) > MAX_CODE_LENGTH:
            raise DossierNotFound()
        for item in DossierItem.by_verification.query(verification_code, limit=1):
            return item.to_dossier()
        raise DossierNotFound()

    def stats_items(self, start: date, end: date) -> tuple[list[StatsItem], list[StatsItem]]:
        """(status counters, day counters within [start, end])."""
        statuses = list(StatsItem.query(STATS_PK, StatsItem.sk.startswith("STATUS#")))
        days = list(
            StatsItem.query(
                STATS_PK,
                StatsItem.sk.between(f"DAY#{start.isoformat()}", f"DAY#{end.isoformat()}#\uffff"),
            )
        )
        return statuses, days

    def calendar_adjustments(self) -> dict[int, tuple[list[str], list[str]]]:
        return {
            int(item.sk): (list(item.extra_days_off), list(item.extra_working_days))
            for item in CalendarItem.query(CALENDAR_PK)
        }

    def save_calendar(
        self, year: int, days_off: list[str], working_days: list[str], by: str, at: str
    ) -> None:
        CalendarItem(
            pk=CALENDAR_PK,
            sk=str(year),
            extra_days_off=days_off,
            extra_working_days=working_days,
            updated_by=by,
            updated_at=at,
        ).save()

    def procedure_edits(self, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The administrator's edits of these procedures, by code (one batch read)."""
        keys = [(PROCEDURE_PREFIX + code, PROCEDURE_SORT_KEY) for code in codes]
        return {
            item.pk.removeprefix(PROCEDURE_PREFIX): dict(item.doc)
            for item in ProcedureEditItem.batch_get(keys)
        }

    def save_procedure_edit(self, code: str, doc: dict[str, Any], by: str, at: str) -> None:
        ProcedureEditItem(
            pk=PROCEDURE_PREFIX + code,
            sk=PROCEDURE_SORT_KEY,
            doc=doc,
            updated_by=by,
            updated_at=at,
        ).save()

    def next_sequence(self, agency_code: str, day: date) -> int:
        """Atomically take the next number of the day's sequence; numbers are never reused."""
        counter = SequenceItem(pk="SEQ#" + sequence_key(agency_code, day), sk="SEQ")
        counter.update(actions=[SequenceItem.value.add(1)])
        return int(counter.value)


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _page(result: Any) -> tuple[list[Dossier], str | None]:
    dossiers = [item.to_dossier() for item in result]
    last = result.last_evaluated_key
    cursor = base64.urlsafe_b64encode(json.dumps(last).encode()).decode() if last else None
    return dossiers, cursor


def _decode_cursor(cursor: str | None, key_names: set[str]) -> dict[str, Any] | None:
    """The start key a cursor stands for; it must be a key of the index being listed."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, RecursionError):  # not base64 or JSON, a huge number, "[[[[…"
        value = None
    # A key of this index: exactly its attribute names, each {"S": string}.
    if (
        not isinstance(value, dict)
        or set(value) != key_names
        or not all(
            isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str)
            for v in value.values()
        )
    ):
        raise _bad_cursor()
    return value


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not valid.", "Con trỏ phân trang không hợp lệ.", field="cursor"
    )


def stats_views(
    new_image: dict[str, Any] | None, old_image: dict[str, Any] | None
) -> tuple[str, int, dict[str, Any] | None, dict[str, Any] | None] | None:
    """From a stream record's images of a dossier item: (dossier id, version, old statistics
    view, new statistics view); None for other items."""
    if not new_image or not str(new_image.get("pk", "")).startswith(DOSSIER_PREFIX):
        return None

    def view(image: dict[str, Any] | None) -> dict[str, Any] | None:
        raw = (image or {}).get("stats_view")
        return json.loads(raw) if raw else None

    dossier_id = str(new_image["pk"]).removeprefix(DOSSIER_PREFIX)
    return dossier_id, int(new_image["version"]), view(old_image), view(new_image)
