"""Request bodies of the notify API, validated at the edge (named by the routes in app.py and
imported when a request first needs them). The answers are in :mod:`.answers`."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    channels: Annotated[list[Literal["email", "sms"]], Field(min_length=1, max_length=2)]
