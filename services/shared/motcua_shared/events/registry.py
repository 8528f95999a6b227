"""(event type, version) → schema of its ``data``. Adding a type here is changing the contract."""

from __future__ import annotations

from pydantic import BaseModel

from motcua_shared.events import dossier

EVENT_SCHEMAS: dict[tuple[str, int], type[BaseModel]] = {
    ("dossier.created", 1): dossier.DossierCreated,
    ("dossier.submitted", 1): dossier.DossierSubmitted,
    ("dossier.accepted", 1): dossier.DossierAccepted,
    ("dossier.processing_started", 1): dossier.DossierProcessingStarted,
    ("dossier.result_ready", 1): dossier.DossierResultReady,
    ("dossier.returned", 1): dossier.DossierReturned,
}
