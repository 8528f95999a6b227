"""The stores of intake's service layer (ports.py) on DynamoDB: dossiers (the aggregate and the
events announcing its change saved by one conditional write), the statistics counters, the
administrator's procedure edits and calendar days."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from pynamodb.connection import Connection
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.intake.domain import stats
from chalicelib.intake.domain.codes import is_dossier_code, sequence_key
from chalicelib.intake.domain.errors import DossierNotFound
from chalicelib.intake.domain.model import Dossier, Status
from chalicelib.intake.ports import Counters
from chalicelib.intake.storage.models import (
    CALENDAR_PK,
    DOSSIER_PREFIX,
    DOSSIER_SORT_KEY,
    PROCEDURE_PREFIX,
    PROCEDURE_SORT_KEY,
    STATS_PK,
    AppliedMarker,
    CalendarItem,
    DossierItem,
    ProcedureEditItem,
    SequenceItem,
    StatsItem,
)
from chalicelib.intake.storage.paging import bad_cursor, decode_cursor, encode_cursor, page
from motcua_shared.errors import IncompleteRecord
from motcua_shared.outbox import outbox_bodies
from motcua_shared.versioning import save_versioned

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

# Stream records live 24 hours: a write cannot be redelivered after that.
_MARKER_RETENTION_S = 2 * 24 * 3600
MAX_CODE_LENGTH = 64


class DossierRepository:
    """Loads and saves dossiers; every save carries the events that announce it."""

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
        start = decode_cursor(cursor, {"pk", "sk", *type(index).Meta.attributes})
        return page(index.query(key, limit=limit, last_evaluated_key=start, **kwargs))

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
        if unit is None:
            raise IncompleteRecord("unit")
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
        start = decode_cursor(cursor, {"pk", "sk", "active_agency", "step_due"})
        if start is not None and start["active_agency"]["S"] not in agencies:
            raise bad_cursor()
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
                return [item.to_dossier() for item in found], encode_cursor(key)
        return [item.to_dossier() for item in found], None

    def by_verification(self, verification_code: str) -> Dossier:
        if len(verification_code) > MAX_CODE_LENGTH:
            raise DossierNotFound()
        for item in DossierItem.by_verification.query(verification_code, limit=1):
            return item.to_dossier()
        raise DossierNotFound()

    def next_sequence(self, agency_code: str, day: date) -> int:
        """Atomically take the next number of the day's sequence; numbers are never reused."""
        counter = SequenceItem(pk="SEQ#" + sequence_key(agency_code, day), sk="SEQ")
        counter.update(actions=[SequenceItem.value.add(1)])
        return int(counter.value)


class StatsRepository:
    """The statistics counters, each dossier write added once (a marker per write)."""

    def __init__(self, region: str) -> None:
        self._connection = Connection(region=region)

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

    def stats_items(self, start: date, end: date) -> tuple[list[Counters], list[Counters]]:
        """(status counters, day counters within [start, end])."""
        statuses = StatsItem.query(STATS_PK, StatsItem.sk.startswith("STATUS#"))
        days = StatsItem.query(
            STATS_PK,
            StatsItem.sk.between(f"DAY#{start.isoformat()}", f"DAY#{end.isoformat()}#\uffff"),
        )
        return [_counters(item) for item in statuses], [_counters(item) for item in days]


_COUNTED = ("count", *stats.COUNTERS)


def _counters(item: StatsItem) -> Counters:
    return Counters(item.sk, {name: getattr(item, name) for name in _COUNTED})


class CalendarRepository:
    """The administrator's adjustments of the working calendar, one item a year."""

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


class ProcedureEditRepository:
    """The administrator's edits of catalogued procedures, one item a procedure."""

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


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


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
