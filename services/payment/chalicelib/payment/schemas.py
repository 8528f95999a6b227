"""Request bodies of the payment API, validated at the edge (named by the routes in app.py and
imported when a request first needs them). The answers are in :mod:`.answers`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints


class NewPayment(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    dossier_id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
    ]
