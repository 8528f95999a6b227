"""Dossiers in DynamoDB (PynamoDB): the aggregate and its events saved in one transaction.

Items of the dossiers table:
- ``DOSSIER#{id}`` / ``DOSSIER``: the aggregate as a JSON document, with the indexed attributes
  (owner, status, code) beside it and a version for optimistic locking;
- ``SEQ#{agency}#{yyMMdd}`` / ``SEQ``: the day's code sequence of an agency;
- ``EVENT#{id}`` / ``EVENT``: outbox records, published from the table's stream.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from pynamodb.attributes import (
    JSONAttribute,
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
from chalicelib.intake.domain.model import Dossier
from chalicelib.intake.settings import get_settings
from motcua_shared.errors import Conflict, ValidationFailed
from motcua_shared.events import Envelope
from motcua_shared.outbox import outbox_model

_settings = get_settings()
DOSSIER_PREFIX = "DOSSIER#"
DOSSIER_SORT_KEY = "DOSSIER"
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


class DossierItem(Model):
    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    owner_sub = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    code = UnicodeAttribute(null=True)
    doc = JSONAttribute()
    version = VersionAttribute()

    by_owner = OwnerIndex()
    by_status = StatusIndex()
    by_code = CodeIndex()

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
        if dossier.version is not None:
            item.version = dossier.version
        return item

    def to_dossier(self) -> Dossier:
        return Dossier.from_document(self.doc, self.version)


class SequenceItem(Model):
    Meta = _Meta

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    value = NumberAttribute(default=0)


DossierOutbox = outbox_model(_settings.dossiers_table, _settings.region)


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

    def save(self, dossier: Dossier, events: Iterable[Envelope] = ()) -> None:
        """Write the dossier and its events atomically; a concurrent change → 409 conflict."""
        item = DossierItem.of(dossier)
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(item)
                for event in events:
                    record = DossierOutbox.of(event, _settings.outbox_retention_s)
                    transaction.save(record, condition=DossierOutbox.pk.does_not_exist())
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons or []
            if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
                raise Conflict() from exc
            raise
        dossier.version = item.version

    def by_code(self, code: str) -> Dossier:
        if len(code) > MAX_CODE_LENGTH or not is_dossier_code(code):
            raise DossierNotFound()
        for item in DossierItem.by_code.query(code, limit=1):
            return item.to_dossier()
        raise DossierNotFound()

    def list_by_owner(
        self, owner_sub: str, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        return _page(
            DossierItem.by_owner.query(
                owner_sub,
                scan_index_forward=False,
                limit=limit,
                last_evaluated_key=_decode_cursor(cursor),
            )
        )

    def list_by_status(
        self, status: str, limit: int, cursor: str | None
    ) -> tuple[list[Dossier], str | None]:
        return _page(
            DossierItem.by_status.query(
                status, limit=limit, last_evaluated_key=_decode_cursor(cursor)
            )
        )

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


def _decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationFailed(
            "The cursor is not valid.", "Con trỏ phân trang không hợp lệ.", field="cursor"
        )
    return value
