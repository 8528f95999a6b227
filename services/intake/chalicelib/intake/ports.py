"""What intake's service layer needs from the world, as protocols: its stores (dossiers, the
statistics counters, the administrator's catalogue edits and calendar days), the files of a
dossier (evidence uploaded by the applicant, the officer's electronic result), its clock and its
ids. The adapters are ``storage.repositories`` and ``evidence``; ``bootstrap`` wires them; the
unit tests drive the service layer with in-memory fakes of each (tests/unit/fakes/intake.py)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.intake.domain.attachments import StoredFile
from chalicelib.intake.domain.model import Attachment, Dossier

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

Clock = Callable[[], datetime]
Page = tuple[list[Dossier], str | None]  # the dossiers and the cursor of the next page


class DossierStore(Protocol):
    """Dossiers, saved with the events that announce each change (one conditional write)."""

    def get(self, dossier_id: str) -> Dossier: ...

    def save(
        self,
        dossier: Dossier,
        events: Iterable[Envelope] = (),
        stats_view: dict[str, Any] | None = None,
    ) -> None: ...

    def by_code(self, code: str) -> Dossier: ...

    def by_verification(self, verification_code: str) -> Dossier: ...

    def list_by_owner(self, owner_sub: str, limit: int, cursor: str | None) -> Page: ...

    def list_by_status(self, status: str, limit: int, cursor: str | None) -> Page: ...

    def desk_queue(self, limit: int, cursor: str | None) -> Page: ...

    def worklist(
        self, unit: str | None, officer: str | None, limit: int, cursor: str | None
    ) -> Page: ...

    def due_before(self, agency_code: str, until: str) -> Iterator[Dossier]: ...

    def overdue(self, agencies: list[str], now: str, limit: int, cursor: str | None) -> Page: ...

    def next_sequence(self, agency_code: str, day: date) -> int: ...


@dataclass(frozen=True)
class Counters:
    """One row of the statistics counters: its key (domain/stats.py) and its values by name."""

    key: str
    values: Mapping[str, float]


class StatsStore(Protocol):
    """The leaders' statistics counters, each dossier write counted once."""

    def apply_stats(
        self, dossier_id: str, version: int, counters: dict[str, dict[str, float]]
    ) -> bool: ...

    def stats_items(self, start: date, end: date) -> tuple[list[Counters], list[Counters]]: ...


class ProcedureEditStore(Protocol):
    """The administrator's edits of catalogued procedures."""

    def procedure_edits(self, codes: Iterable[str]) -> dict[str, dict[str, Any]]: ...

    def save_procedure_edit(self, code: str, doc: dict[str, Any], by: str, at: str) -> None: ...


class CalendarStore(Protocol):
    """The administrator's extra days off and make-up working days, by year."""

    def calendar_adjustments(self) -> dict[int, tuple[list[str], list[str]]]: ...

    def save_calendar(
        self, year: int, days_off: list[str], working_days: list[str], by: str, at: str
    ) -> None: ...


class EvidenceStore(Protocol):
    """The applicant's files of a dossier (see evidence.EvidenceFiles)."""

    def upload_slot(self, dossier: Dossier, attachment: Attachment) -> dict[str, Any]: ...

    def link(self, dossier: Dossier, attachment_id: str) -> dict[str, Any]: ...

    def stored(self, dossier: Dossier) -> dict[str, StoredFile]: ...

    def keep(self, dossier: Dossier, frozen: Mapping[str, StoredFile]) -> None: ...


class ResultStore(Protocol):
    """The electronic results officers upload (see evidence.ResultFiles)."""

    def upload_slot(self, key: str, content_type: str, size_bytes: int) -> dict[str, Any]: ...

    def stored(self, key: str, declared_bytes: int) -> StoredFile | None: ...

    def download_url(self, key: str, filename: str, version_id: str | None) -> str: ...


class Ids(Protocol):
    """New identifiers: of a dossier, of an attachment, a result's verification code."""

    def dossier_id(self) -> str: ...

    def attachment_id(self) -> str: ...

    def verification_code(self) -> str: ...


# Verification codes: unambiguous letters and digits, in groups a person can type.
_VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class RandomIds:
    """Random UUIDs; verification codes of 12 random characters, as XXXX-XXXX-XXXX."""

    def dossier_id(self) -> str:
        return str(uuid.uuid4())

    def attachment_id(self) -> str:
        return str(uuid.uuid4())

    def verification_code(self) -> str:
        raw = "".join(secrets.choice(_VERIFICATION_ALPHABET) for _ in range(12))
        return "-".join(raw[i : i + 4] for i in range(0, 12, 4))
