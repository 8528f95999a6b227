"""Who hears about an event: the applicant, the desk, the assigned officer, the leaders.

The answer is a list of requests the service resolves to people (the applicant from the dossier's
contact, staff from the user directory); an event nobody is concerned by gives no request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True)
class Applicant:
    """The dossier's applicant, with the contacts the dossier holds."""


@dataclass(frozen=True)
class Group:
    """Every member of a staff group."""

    name: str


@dataclass(frozen=True)
class User:
    """One staff member, by user name."""

    username: str


Request = Applicant | Group | User

# The templates' audience of what is sent to the dossier's applicant.
APPLICANT_AUDIENCE = "citizen"
DESK_GROUP = "desk_officer"
LEADER_GROUP = "leader"

# Shipments that carry the result concern the applicant; the post office collecting paper
# originals for the desk is followed in the dossier's history, not by message.
APPLICANT_SHIPMENT_PURPOSES = frozenset({"result"})


def requests_for(event_type: str, audience: str, data: BaseModel) -> list[Request]:
    """Who of ``audience`` (a template's audience) hears about this event (``data``: the
    event's data, as the contract defines it)."""
    # the contract (pydantic) is loaded by the time an event is handled
    from motcua_shared.events.dossier import DossierDeadline, DossierProcessingStarted
    from motcua_shared.events.shipment import ShipmentEvent

    if audience == APPLICANT_AUDIENCE:
        if isinstance(data, ShipmentEvent) and data.purpose not in APPLICANT_SHIPMENT_PURPOSES:
            return []
        return [Applicant()]
    if audience == "desk":
        return [Group(DESK_GROUP)]
    if audience == "officer":
        officer = (
            data.officer if isinstance(data, DossierDeadline | DossierProcessingStarted) else None
        )
        if officer:
            return [User(officer)]
        # nobody assigned yet: the dossier waits at the desk, whose officers answer for it
        at_desk = isinstance(data, DossierDeadline) and data.step == "desk"
        return [Group(DESK_GROUP)] if at_desk else []
    if audience == "leader":
        return [Group(LEADER_GROUP)]
    return []
