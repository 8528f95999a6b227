"""What notify's use cases need of the world: its stores (notifications with the inbox of
events handled, citizens' channel preferences, what it knows of each dossier), the staff
directory (Cognito), the message providers (:mod:`.providers.base`: SES, SNS) and a clock.

The AWS adapters are in :mod:`.storage`, :mod:`.directory` and :mod:`.providers`; in-memory
fakes of each drive the use cases in tests/unit/fakes/notify.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.notify.domain.model import Notification, Status
from chalicelib.notify.domain.values import DossierFacts

if TYPE_CHECKING:
    from motcua_shared.events import Envelope

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class StaffMember:
    """An officer as the directory knows them."""

    username: str
    sub: str | None
    name: str
    phone: str | None
    email: str | None


class NotificationStore(Protocol):
    """Notifications (each stored once, by its id) and the marks of the events handled."""

    def get(self, notification_id: str) -> Notification | None: ...

    def add(self, n: Notification) -> tuple[Notification, bool]:
        """Store a new notification (True), or answer the one stored before (False)."""

    def save(self, n: Notification) -> None:
        """Write a change if nobody changed it since it was read (else ``Conflict``)."""

    def for_dossier(self, dossier_id: str) -> list[Notification]: ...

    def by_message_id(self, message_id: str) -> Notification | None:
        """The notification a provider's message id belongs to."""

    def pending(self, status: Status, until: datetime, limit: int) -> Iterator[Notification]:
        """Notifications in ``status`` whose waiting ended by ``until`` (read fresh)."""

    def mark_applied(self, envelope: Envelope) -> None:
        """Record the event as handled, AFTER its (idempotent) effect."""


class PreferenceStore(Protocol):
    """The channels each citizen chose, by their sub."""

    def get(self, sub: str) -> dict[str, Any] | None: ...

    def save(self, sub: str, doc: dict[str, Any]) -> None: ...


class DossierFactsStore(Protocol):
    """What notify knows of each dossier, from the dossier events it has seen."""

    def get(self, dossier_id: str) -> DossierFacts | None: ...

    def save(self, facts: DossierFacts) -> None: ...


class StaffDirectory(Protocol):
    """Officers' contacts (the user pool they sign in with)."""

    def user(self, username: str) -> StaffMember | None:
        """An enabled officer, or None."""

    def group(self, name: str) -> list[StaffMember]:
        """The enabled members of a group."""
