"""In-memory fakes of intake's ports (chalicelib/intake/ports.py): the dossier store (with its
outbox and optimistic locking), the statistics counters, the administrator's catalogue edits and
calendar days, the evidence and result files, a clock a test moves and ids it can predict.

Each fake keeps what it was given as the real adapter would store it (a dossier as its document,
so a use case never shares an object with the store) and behaves as the adapter documents:
a stale version → Conflict, an unknown id or code → DossierNotFound, a sequence never reused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.intake.domain import stats
from chalicelib.intake.domain.attachments import StoredFile, to_freeze
from chalicelib.intake.domain.catalog import ProcedureCatalog, default_catalog
from chalicelib.intake.domain.codes import sequence_key
from chalicelib.intake.domain.errors import AttachmentNotFound, DossierNotFound
from chalicelib.intake.domain.model import Attachment, Dossier, Status
from chalicelib.intake.domain.steps import WATCHED_STATUSES
from chalicelib.intake.ports import Counters
from chalicelib.intake.service import IntakeService
from chalicelib.intake.service.caches import CalendarCache, CatalogCache
from chalicelib.intake.settings import IntakeSettings
from motcua_shared.errors import Conflict
from motcua_shared.events import Envelope
from motcua_shared.timeutil import to_iso

Page = tuple[list[Dossier], str | None]


@dataclass(frozen=True)
class Write:
    """One save: the dossier's new version, the events written with it, its statistics view."""

    dossier_id: str
    version: int
    events: list[Envelope]
    stats_view: dict[str, Any] | None


class FakeDossiers:
    """DossierStore: documents by id with their version; every write and its events kept."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[dict[str, Any], int]] = {}
        self.writes: list[Write] = []
        self.sequences: dict[str, int] = {}

    @property
    def outbox(self) -> list[Envelope]:
        """Every event written, in order (what the table's stream would publish)."""
        return [event for write in self.writes for event in write.events]

    def get(self, dossier_id: str) -> Dossier:
        if dossier_id not in self.documents:
            raise DossierNotFound()
        document, version = self.documents[dossier_id]
        return Dossier.from_document(document, version)

    def save(
        self,
        dossier: Dossier,
        events: Iterable[Envelope] = (),
        stats_view: dict[str, Any] | None = None,
    ) -> None:
        stored = self.documents.get(dossier.id)
        if (stored is None) != (dossier.version is None) or (
            stored is not None and stored[1] != dossier.version
        ):
            raise Conflict()
        version = 1 if dossier.version is None else dossier.version + 1
        self.documents[dossier.id] = (dossier.to_document(), version)
        self.writes.append(Write(dossier.id, version, list(events), stats_view))
        dossier.version = version

    def _all(self) -> list[Dossier]:
        return [self.get(dossier_id) for dossier_id in self.documents]

    def by_code(self, code: str) -> Dossier:
        return self._one(lambda d: d.code == code)

    def by_verification(self, verification_code: str) -> Dossier:
        return self._one(
            lambda d: (
                d.result is not None
                and d.result.verification_code == verification_code
                and d.status in (Status.RESULT_READY, Status.RETURNED)
            )
        )

    def _one(self, wanted: Any) -> Dossier:
        for dossier in self._all():
            if wanted(dossier):
                return dossier
        raise DossierNotFound()

    @staticmethod
    def _page(found: list[Dossier], limit: int, cursor: str | None) -> Page:
        start = int(cursor or 0)
        end = start + limit
        return found[start:end], str(end) if end < len(found) else None

    def list_by_owner(self, owner_sub: str, limit: int, cursor: str | None) -> Page:
        found = sorted(
            (d for d in self._all() if d.owner_sub == owner_sub),
            key=lambda d: d.created_at,
            reverse=True,
        )
        return self._page(found, limit, cursor)

    def list_by_status(self, status: str, limit: int, cursor: str | None) -> Page:
        found = sorted((d for d in self._all() if d.status == status), key=lambda d: d.updated_at)
        return self._page(found, limit, cursor)

    def desk_queue(self, limit: int, cursor: str | None) -> Page:
        return self.list_by_status(str(Status.SUBMITTED), limit, cursor)

    def worklist(
        self, unit: str | None, officer: str | None, limit: int, cursor: str | None
    ) -> Page:
        found = sorted(
            (
                d
                for d in self._all()
                if d.status is Status.PROCESSING
                and (officer is None or d.officer == officer)
                and (unit is None or d.unit == unit)
            ),
            key=lambda d: to_iso(d.step_due_at) if d.step_due_at else "",
        )
        return self._page(found, limit, cursor)

    def _watched(self, agency_code: str) -> list[Dossier]:
        return sorted(
            (
                d
                for d in self._all()
                if d.agency_code == agency_code
                and d.step_due_at is not None
                and d.status in WATCHED_STATUSES
            ),
            key=lambda d: to_iso(d.step_due_at),  # type: ignore[arg-type]
        )

    def due_before(self, agency_code: str, until: str) -> Iterator[Dossier]:
        for dossier in self._watched(agency_code):
            if to_iso(dossier.step_due_at) <= until:  # type: ignore[arg-type]
                yield dossier

    def overdue(self, agencies: list[str], now: str, limit: int, cursor: str | None) -> Page:
        found = [
            d
            for agency in agencies
            for d in self._watched(agency)
            if to_iso(d.step_due_at) < now  # type: ignore[arg-type]
        ]
        return self._page(found, limit, cursor)

    def next_sequence(self, agency_code: str, day: date) -> int:
        key = sequence_key(agency_code, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]


class FakeStats:
    """StatsStore: counters by key; each dossier write counted once."""

    def __init__(self) -> None:
        self.counters: dict[str, dict[str, float]] = {}
        self.applied: set[tuple[str, int]] = set()

    def apply_stats(
        self, dossier_id: str, version: int, counters: dict[str, dict[str, float]]
    ) -> bool:
        if (dossier_id, version) in self.applied:
            return False
        self.applied.add((dossier_id, version))
        for key, changes in counters.items():
            row = self.counters.setdefault(key, {})
            for name, value in changes.items():
                row[name] = row.get(name, 0) + value
        return True

    def stats_items(self, start: date, end: date) -> tuple[list[Counters], list[Counters]]:
        names = ("count", *stats.COUNTERS)

        def row(key: str) -> Counters:
            return Counters(key, {n: self.counters[key].get(n, 0) for n in names})

        lo, hi = f"DAY#{start.isoformat()}", f"DAY#{end.isoformat()}#\uffff"
        keys = sorted(self.counters)
        return (
            [row(k) for k in keys if k.startswith("STATUS#")],
            [row(k) for k in keys if lo <= k <= hi],
        )


class FakeProcedureEdits:
    """ProcedureEditStore: the administrator's edits by procedure code."""

    def __init__(self) -> None:
        self.edits: dict[str, dict[str, Any]] = {}
        self.reads = 0

    def procedure_edits(self, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
        self.reads += 1
        return {code: dict(self.edits[code]) for code in codes if code in self.edits}

    def save_procedure_edit(self, code: str, doc: dict[str, Any], by: str, at: str) -> None:
        self.edits[code] = dict(doc)


class FakeCalendarDays:
    """CalendarStore: the administrator's days by year."""

    def __init__(self) -> None:
        self.years: dict[int, tuple[list[str], list[str]]] = {}

    def calendar_adjustments(self) -> dict[int, tuple[list[str], list[str]]]:
        return dict(self.years)

    def save_calendar(
        self, year: int, days_off: list[str], working_days: list[str], by: str, at: str
    ) -> None:
        self.years[year] = (list(days_off), list(working_days))


def _stored(content: bytes, version: int) -> StoredFile:
    return StoredFile(
        version_id=f"v{version}",
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        head=content[:8],
    )


@dataclass
class FakeEvidence:
    """EvidenceStore: what the applicant uploaded, by S3 key (a test uploads with ``put``)."""

    files: dict[str, bytes] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def put(self, attachment: Mapping[str, Any] | Attachment, content: bytes) -> None:
        key = attachment.s3_key if isinstance(attachment, Attachment) else attachment["s3_key"]
        self.files[key] = content

    def upload_slot(self, dossier: Dossier, attachment: Attachment) -> dict[str, Any]:
        return {
            "attachment_id": attachment.attachment_id,
            "document_code": attachment.document_code,
            "upload_url": f"fake://{attachment.s3_key}",
            "s3_key": attachment.s3_key,  # the fake's own: where a test's ``put`` uploads
        }

    def link(self, dossier: Dossier, attachment_id: str) -> dict[str, Any]:
        for attachment in dossier.attachments:
            if attachment.attachment_id == attachment_id and attachment.s3_key in self.files:
                return {"attachment_id": attachment_id, "download_url": "fake://" + attachment_id}
        raise AttachmentNotFound(attachment_id=attachment_id)

    def stored(self, dossier: Dossier) -> dict[str, StoredFile]:
        return {
            a.attachment_id: _stored(self.files[a.s3_key], 1)
            for a in to_freeze(dossier)
            if a.s3_key in self.files
        }

    def keep(self, dossier: Dossier, frozen: Mapping[str, StoredFile]) -> None:
        self.kept += sorted(frozen)


@dataclass
class FakeResults:
    """ResultStore: the results officers uploaded, by S3 key (a test uploads with ``put``)."""

    files: dict[str, bytes] = field(default_factory=dict)

    def upload_slot(self, key: str, content_type: str, size_bytes: int) -> dict[str, Any]:
        return {"upload_url": f"fake://{key}", "method": "PUT", "headers": {}}

    def put(self, key: str, content: bytes) -> None:
        self.files[key] = content

    def stored(self, key: str, declared_bytes: int) -> StoredFile | None:
        return _stored(self.files[key], 7) if key in self.files else None

    def download_url(self, key: str, filename: str, version_id: str | None) -> str:
        return f"fake://{key}?version={version_id}"


class Clock:
    """The service's clock: where a test puts it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


class CountingIds:
    """Ids a test can write down: dossiers …-0000000000001, attachments …-a00000000001."""

    def __init__(self) -> None:
        self.dossiers = self.attachments = self.codes = 0

    def dossier_id(self) -> str:
        self.dossiers += 1
        return f"00000000-0000-4000-8000-{self.dossiers:012d}"

    def attachment_id(self) -> str:
        self.attachments += 1
        return f"00000000-0000-4000-a000-{self.attachments:012d}"

    def verification_code(self) -> str:
        self.codes += 1
        return f"ABCD-EFGH-{self.codes:04d}"


SETTINGS = IntakeSettings.from_env(
    {
        "DOSSIERS_TABLE": "dossiers",
        "STATS_TABLE": "stats",
        "ATTACHMENTS_BUCKET": "attachments",
        "RESULTS_BUCKET": "results",
    }
)


@dataclass
class FakeIntake:
    """The service layer over fakes, with the fakes at hand."""

    service: IntakeService
    dossiers: FakeDossiers
    stats: FakeStats
    evidence: FakeEvidence
    results: FakeResults
    edits: FakeProcedureEdits
    days: FakeCalendarDays
    clock: Clock
    ids: CountingIds


def fake_intake(at: datetime, catalog: ProcedureCatalog | None = None) -> FakeIntake:
    parts: dict[str, Any] = {
        "dossiers": FakeDossiers(),
        "stats": FakeStats(),
        "evidence": FakeEvidence(),
        "results": FakeResults(),
        "edits": FakeProcedureEdits(),
        "days": FakeCalendarDays(),
        "clock": Clock(at),
        "ids": CountingIds(),
    }
    service = IntakeService(
        repository=parts["dossiers"],
        stats_store=parts["stats"],
        files=parts["evidence"],
        results=parts["results"],
        procedures=CatalogCache(
            catalog or default_catalog(), parts["edits"], SETTINGS.catalog_cache_s
        ),
        calendars=CalendarCache(parts["days"], SETTINGS.calendar_cache_s),
        settings=SETTINGS,
        clock=parts["clock"],
        ids=parts["ids"],
    )
    return FakeIntake(service=service, **parts)
