"""Notify's table: notifications (``NOTIFICATION#<id>``), citizens' channel preferences
(``PREFERENCES#<sub>``), what notify knows of each dossier (``DOSSIER#<id>``, from intake's events)
and the inbox of the events handled to the end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.notify.domain.model import Notification, RetryPolicy, Status
from chalicelib.notify.domain.values import DossierFacts
from motcua_shared.errors import IncompleteRecord
from motcua_shared.inbox import inbox_model
from motcua_shared.tables import Unbound, bind, table_meta
from motcua_shared.timeutil import to_iso
from motcua_shared.versioning import save_versioned

if TYPE_CHECKING:
    from motcua_shared.events import Envelope


class DossierIndex(GlobalSecondaryIndex["NotificationItem"]):
    class Meta:
        index_name = "by_dossier"
        projection = AllProjection()

    dossier_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class MessageIndex(GlobalSecondaryIndex["NotificationItem"]):
    class Meta:
        index_name = "by_message"
        projection = AllProjection()

    provider_message_id = UnicodeAttribute(hash_key=True)


class PendingIndex(GlobalSecondaryIndex["NotificationItem"]):
    class Meta:
        index_name = "by_pending"
        projection = KeysOnlyProjection()

    pending = UnicodeAttribute(hash_key=True)
    pending_until = UnicodeAttribute(range_key=True)


class NotificationItem(Model):
    Meta = table_meta(Unbound)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    dossier_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    event_type = UnicodeAttribute()
    provider_message_id = UnicodeAttribute(null=True)
    pending = UnicodeAttribute(null=True)
    pending_until = UnicodeAttribute(null=True)
    doc = JSONAttribute()
    expires_at = NumberAttribute()
    version = VersionAttribute()

    by_dossier = DossierIndex()
    by_message = MessageIndex()
    by_pending = PendingIndex()


class DocumentItem(Model):
    """Preferences and dossier facts: a document under a key."""

    Meta = table_meta(Unbound)

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()


def _key(notification_id: str) -> tuple[str, str]:
    return f"NOTIFICATION#{notification_id}", "NOTIFICATION"


class NotificationRepository:
    """The notification store (:class:`chalicelib.notify.ports.NotificationStore`) on one
    table, with the inbox of the events handled to the end."""

    def __init__(
        self,
        table_name: str,
        region: str,
        policy: RetryPolicy,
        retention_s: int,
        inbox_retention_s: int,
    ) -> None:
        self._items = bind(NotificationItem, table_name, region)
        self._inbox = inbox_model(table_name, region)
        self.policy = policy
        self.retention_s = retention_s
        self.inbox_retention_s = inbox_retention_s

    def _item(self, n: Notification) -> NotificationItem:
        pk, sk = _key(n.id)
        pending_until = n.pending_until(self.policy)
        return self._items(
            pk=pk,
            sk=sk,
            dossier_id=n.dossier_id,
            created_at=to_iso(n.created_at),
            event_type=n.event_type,
            provider_message_id=n.provider_message_id,
            pending=str(n.status) if pending_until else None,
            pending_until=to_iso(pending_until) if pending_until else None,
            doc=n.to_document(),
            expires_at=int(n.created_at.timestamp()) + self.retention_s,
        )

    @staticmethod
    def _notification(item: NotificationItem) -> Notification:
        return Notification.from_document(dict(item.doc), item.version)

    def get(self, notification_id: str) -> Notification | None:
        try:
            return self._notification(self._items.get(*_key(notification_id)))
        except DoesNotExist:
            return None

    def add(self, n: Notification) -> tuple[Notification, bool]:
        """Store a new notification (True), or answer the one stored before (a repeated event,
        False)."""
        item = self._item(n)
        try:
            item.save(condition=NotificationItem.pk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            stored = self.get(n.id)
            if stored is None:  # it existed a moment ago: notifications are never deleted
                raise IncompleteRecord("the notification the condition found") from exc
            return stored, False
        n.version = int(item.version)
        return n, True

    def save(self, n: Notification) -> None:
        """Write a change if nobody changed it since it was read (else :class:`Conflict`)."""
        n.version = save_versioned(self._item(n), n.version)

    def for_dossier(self, dossier_id: str) -> list[Notification]:
        return [self._notification(i) for i in self._items.by_dossier.query(dossier_id)]

    def by_message_id(self, message_id: str) -> Notification | None:
        if not 1 <= len(message_id) <= 200:
            return None
        for item in self._items.by_message.query(message_id, limit=1):
            return self._notification(item)
        return None

    def pending(self, status: Status, until: datetime, limit: int) -> Iterator[Notification]:
        """Notifications in ``status`` whose waiting ended by ``until`` (read fresh)."""
        keys = self._items.by_pending.query(
            str(status), NotificationItem.pending_until <= to_iso(until), limit=limit
        )
        for key in keys:
            notification = self.get(key.pk.split("#", 1)[1])
            if notification is not None and notification.status is status:
                yield notification

    def mark_applied(self, envelope: Envelope) -> None:
        self._inbox.of(envelope, self.inbox_retention_s).record()


class PreferenceRepository:
    def __init__(self, table_name: str, region: str) -> None:
        self._documents = bind(DocumentItem, table_name, region)

    def get(self, sub: str) -> dict[str, Any] | None:
        try:
            return dict(self._documents.get(f"PREFERENCES#{sub}", "PREFERENCES").doc)
        except DoesNotExist:
            return None

    def save(self, sub: str, doc: dict[str, Any]) -> None:
        self._documents(pk=f"PREFERENCES#{sub}", sk="PREFERENCES", doc=doc).save()


class DossierFactsRepository:
    def __init__(self, table_name: str, region: str) -> None:
        self._documents = bind(DocumentItem, table_name, region)

    def get(self, dossier_id: str) -> DossierFacts | None:
        try:
            item = self._documents.get(f"DOSSIER#{dossier_id}", "DOSSIER")
        except DoesNotExist:
            return None
        return DossierFacts.from_document(dict(item.doc))

    def save(self, facts: DossierFacts) -> None:
        self._documents(
            pk=f"DOSSIER#{facts.dossier_id}", sk="DOSSIER", doc=facts.to_document()
        ).save()
