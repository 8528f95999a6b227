"""The envelope every event travels in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from motcua_shared.events.registry import schema_for
from motcua_shared.timeutil import now


class Envelope(BaseModel):
    """id, type, version, occurred_at, source, dossier_id, data."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str = Field(min_length=1)
    type: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    version: int = Field(ge=1)
    occurred_at: datetime
    source: str
    dossier_id: str
    data: dict[str, Any]


def new_event(
    event_type: str,
    *,
    source: str,
    dossier_id: str,
    data: BaseModel,
    version: int = 1,
    occurred_at: datetime | None = None,
) -> Envelope:
    """Build an envelope, checking ``data`` is the schema registered for the type."""
    schema = schema_for(event_type, version)
    if not isinstance(data, schema):
        raise TypeError(f"{event_type} v{version} carries {schema.__name__}")
    return Envelope(
        id=str(uuid.uuid4()),
        type=event_type,
        version=version,
        occurred_at=occurred_at or now(),
        source=source,
        dossier_id=dossier_id,
        data=data.model_dump(mode="json"),
    )


def parse_event(body: str) -> tuple[Envelope, BaseModel]:
    """Validate a JSON message: the envelope, then its data against the registered schema."""
    envelope = Envelope.model_validate_json(body)
    data = schema_for(envelope.type, envelope.version).model_validate(envelope.data)
    return envelope, data
