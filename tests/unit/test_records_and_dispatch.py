"""The shared rules of payment, delivery and notify: who may see a dossier's records, and how an
event reaches the handler of its type.

Least privilege (OWASP Authorization Cheat Sheet, "Enforce Least Privileges", and checks on the
relation between the caller and the object): an officer sees every dossier's records, anyone
else only those of their own dossiers, and another citizen's dossier is answered as not found
(OWASP API Security Top 10, API1:2023 Broken Object Level Authorization) rather than as an empty
list that tells it exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from motcua_shared.auth import Principal
from motcua_shared.dispatch import On, UnexpectedData, dispatch
from motcua_shared.events import Envelope, new_event
from motcua_shared.events.shipment import ShipmentEvent
from motcua_shared.records import (
    DossierNotFound,
    may_see,
    may_see_dossier,
    require_dossier_visible,
)
from tests.unit.fakes.events import dossier_event

CITIZEN = Principal(sub="s-1", username="citizen1", groups=frozenset({"citizen"}))
OTHER = Principal(sub="s-2", username="citizen2", groups=frozenset({"citizen"}))
LEADER = Principal(sub="s-9", username="leader1", groups=frozenset({"leader"}))
POSTAL = Principal(sub="s-7", username="postal1", groups=frozenset({"postal_agent"}))


@pytest.mark.parametrize(
    ("principal", "owner", "expected"),
    [(CITIZEN, "s-1", True), (OTHER, "s-1", False), (LEADER, "s-1", True), (POSTAL, "s-1", False)],
)
def test_one_record_is_its_owners_and_the_officers(
    principal: Principal, owner: str, expected: bool
) -> None:
    assert may_see(principal, owner) is expected


@pytest.mark.parametrize(
    ("principal", "owners", "expected"),
    [
        (CITIZEN, ["s-1", "s-1"], True),
        (CITIZEN, ["s-1", ""], True),  # an owner not recorded tells nothing
        (CITIZEN, [], True),  # nothing known yet: nothing to show either
        (CITIZEN, ["s-1", "s-2"], False),  # another citizen's records are there
        (OTHER, ["s-1", None], False),
        (LEADER, ["s-1", "s-2"], True),
    ],
)
def test_a_dossiers_records_are_its_owners_and_the_officers(
    principal: Principal, owners: list[str | None], expected: bool
) -> None:
    assert may_see_dossier(principal, owners) is expected


def test_another_citizens_dossier_is_not_found() -> None:
    with pytest.raises(DossierNotFound) as raised:
        require_dossier_visible(OTHER, ["s-1"])
    assert raised.value.status == 404
    assert raised.value.to_dict()["error"]["code"] == "dossier_not_found"
    require_dossier_visible(CITIZEN, ["s-1"])  # no error for the owner


def shipped() -> tuple[Envelope, ShipmentEvent]:
    data = ShipmentEvent(
        shipment_id="d-1.result",
        dossier_id="d-1",
        dossier_code=None,
        purpose="result",
        status="delivered",
        item_code="EK1VN",
        note="",
        at=datetime(2026, 12, 3, tzinfo=UTC),
        receiver_name="Lan",
    )
    return new_event("shipment.delivered", source="test", dossier_id="d-1", data=data), data


def test_an_event_goes_to_the_handler_of_its_type_only() -> None:
    seen: list[tuple[str, str]] = []
    handlers = {
        "shipment.delivered": On(ShipmentEvent, lambda e, d: seen.append((e.type, d.item_code))),
    }
    dispatch(handlers, *shipped())
    dispatch(handlers, *dossier_event("dossier.rated", "d-1", score=5))  # not this consumer's
    assert seen == [("shipment.delivered", "EK1VN")]


def test_data_that_is_not_the_handlers_schema_is_refused() -> None:
    """A table that disagrees with the contract fails loudly (the message is retried, then
    dead-lettered) instead of applying the wrong data."""
    envelope, _ = shipped()
    _, other = dossier_event("dossier.rated", "d-1", score=5)
    handler = On(ShipmentEvent, lambda e, d: None)
    with pytest.raises(UnexpectedData):
        handler(envelope, other)
