"""Intake's functions that are not routes, over the service layer they are given: what other
services announce (the queue), the outbox publisher with the statistics counting (the dossiers
table's stream), the deadline watch (a schedule)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib.intake.domain.model import Actor, Role
from chalicelib.intake.storage.repositories import stats_views
from motcua_shared import timeutil
from motcua_shared.dispatch import Handlers, On, dispatch
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.outbox import publish_stream_batch

if TYPE_CHECKING:
    from pydantic import BaseModel

    from chalicelib.intake.service import IntakeService
    from motcua_shared.events import Envelope

SYSTEM = Actor(sub="system", username="system", roles=frozenset({Role.SYSTEM}))


# What the post office's news does to a dossier (infra/resources.py routes these to intake).
SHIPMENT_NEWS = ("shipment.delivered", "shipment.failed", "shipment.returned")


@cache  # one table per service: built with the first event, not for every one
def consumers(service: IntakeService) -> Handlers:
    """What other services tell intake, by event type: a fee paid online moves the dossier on;
    the post office's news is written in its history (a delivered result returns it)."""
    from motcua_shared.events.payment import PaymentSucceeded  # the contract: with the event
    from motcua_shared.events.shipment import ShipmentEvent

    def paid(envelope: Envelope, data: PaymentSucceeded) -> None:
        service.record_online_payment(data.dossier_id, SYSTEM, data.txn_ref, data.amount_vnd)

    def shipped(envelope: Envelope, data: ShipmentEvent) -> None:
        service.apply_shipment(SYSTEM, data, envelope.type)

    return {
        "payment.succeeded": On(PaymentSucceeded, paid),
        **{event_type: On(ShipmentEvent, shipped) for event_type in SHIPMENT_NEWS},
    }


def apply_event(service: IntakeService, envelope: Envelope, data: BaseModel) -> None:
    dispatch(consumers(service), envelope, data)


def deadline_time(raw: dict[str, Any]) -> datetime:
    """The scheduled event's time (now if it has none)."""
    return (
        timeutil.parse_iso(raw["time"].replace("Z", "+00:00"))
        if raw.get("time")
        else timeutil.now()
    )


def count_statistics(service: IntakeService, record: Any) -> None:
    if record.dynamodb is None:
        return
    change = stats_views(record.dynamodb.new_image, record.dynamodb.old_image)
    if change is not None:
        service.count(*change)


def handlers(service: IntakeService) -> Blueprint:
    """The functions of an app over its service layer (settings read when called, but for the
    queue and the stream they are attached to). Their Lambda handler strings are
    ``app.<function>`` (chalice names a blueprint's handlers after its import name): app.py
    exports them under those names."""
    blueprint = Blueprint("app")
    settings = service.settings

    @blueprint.on_sqs_message(queue=settings.events_queue, batch_size=10)
    def handle_events(event: Any) -> dict[str, Any]:
        return consume_sqs_batch(
            event.to_dict(),
            lambda envelope, data: apply_event(service, envelope, data),
            service.settings.max_receive_count,
            failures=service.settings.dossiers_table,
        )

    @blueprint.schedule(Rate(15, unit=Rate.MINUTES))
    def watch_deadlines(event: Any) -> dict[str, int]:
        """Announce steps that are due within a working day or overdue (the event's time is
        now)."""
        raw = event.to_dict() if hasattr(event, "to_dict") else dict(event)
        return {"announced": service.watch_deadlines(deadline_time(raw))}

    @blueprint.on_dynamodb_record(stream_arn=settings.dossiers_stream_arn, batch_size=100)
    def publish_events(event: Any) -> dict[str, Any]:
        """Outbox: the events of each dossier write go to their subscribers' queues; the
        write's change to the leaders' statistics is counted (once)."""
        return publish_stream_batch(
            event.to_dict(),
            service.settings.event_routes,
            also=lambda record: count_statistics(service, record),
        )

    return blueprint
