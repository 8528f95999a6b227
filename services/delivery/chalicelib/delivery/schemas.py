"""Request bodies of the delivery API, validated at the edge (named by the routes in app.py and
imported when a request first needs them). The answers are in :mod:`.answers`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class PickupIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    dossier_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    address: Text
    preferred_date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class CallbackIn(BaseModel):
    """The post office's status callback; Data is a JSON string, signed as it is."""

    model_config = ConfigDict(defer_build=True)
    Data: Annotated[str, StringConstraints(min_length=2, max_length=10_000)]
    SendDate: Annotated[str, StringConstraints(max_length=40)] = ""
    SignData: Annotated[str, StringConstraints(min_length=1, max_length=256)]
