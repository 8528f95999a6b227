"""delivery: the post office collects originals and delivers results, followed through its signed
status callbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Chalice

from chalicelib.delivery.answers import CallbackAnswerOut, ShipmentListOut, ShipmentOut
from chalicelib.delivery.bootstrap import bootstrap
from chalicelib.delivery.errors import (
    BadCallbackSignature,
    CallbackNotConfigured,
    MalformedCallback,
)
from chalicelib.delivery.postoffice import BadSignature, InvalidCallback, PostOfficeNotReady
from chalicelib.delivery.settings import get_settings
from motcua_shared.api import PUBLIC, SIGNED_IN, Api, ApiRequest
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.logs import get_logger
from motcua_shared.outbox import publish_stream_batch
from motcua_shared.roles import APPLICANTS, Role

if TYPE_CHECKING:
    from chalicelib.delivery.schemas import CallbackIn, PickupIn

app = Chalice(app_name="motcua-delivery")
api = Api(
    app, title="motcua delivery", settings=get_settings, schemas="chalicelib.delivery.schemas"
)
settings = get_settings()
logger = get_logger("delivery")
service = bootstrap(settings)


@api.route(
    "/pickups",
    methods=["POST"],
    body="PickupIn",
    response=ShipmentOut,
    status=201,
    roles=APPLICANTS,
    summary="Ask the post office to collect the paper originals and bring them to the desk",
)
def request_pickup(request: ApiRequest[PickupIn]) -> ShipmentOut:
    b = request.body
    return ShipmentOut.of(
        service.request_pickup(request.user, b.dossier_id, b.address, b.preferred_date)
    )


@api.route(
    "/shipments",
    summary="The shipments of a dossier",
    roles=SIGNED_IN,
    query=("dossier_id",),
    response=ShipmentListOut,
)
def list_shipments(request: ApiRequest[Any]) -> ShipmentListOut:
    items = service.for_dossier(request.user, request.query.get("dossier_id", ""))
    return ShipmentListOut([ShipmentOut.of(s) for s in items])


@api.route(
    "/shipments/{id}",
    summary="One shipment with its status changes",
    roles=SIGNED_IN,
    response=ShipmentOut,
)
def get_shipment(request: ApiRequest[Any]) -> ShipmentOut:
    return ShipmentOut.of(service.visible(request.user, request.path["id"]))


@api.route(
    "/shipments/{id}/rebook",
    methods=["POST"],
    roles=(Role.DESK_OFFICER,),
    summary="Book a failed or returned shipment again",
    response=ShipmentOut,
)
def rebook_shipment(request: ApiRequest[Any]) -> ShipmentOut:
    return ShipmentOut.of(service.rebook(request.path["id"]))


@api.route(
    "/postal/callback",
    methods=["POST"],
    body="CallbackIn",
    response=CallbackAnswerOut,
    roles=PUBLIC,
    summary="The post office's signed status callback",
)
def postal_callback(request: ApiRequest[CallbackIn]) -> CallbackAnswerOut:
    try:
        report = service.post_office.read_callback(request.body.model_dump())
    except BadSignature:
        raise BadCallbackSignature() from None
    except InvalidCallback as exc:
        raise MalformedCallback(detail=str(exc)) from None
    except PostOfficeNotReady:  # logged as ALARM; nothing verified, nothing changed
        raise CallbackNotConfigured() from None
    changed = service.callback(report)
    return CallbackAnswerOut(Success=True, Changed=changed)


@app.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(
        event.to_dict(),
        service.apply_event,
        settings.max_receive_count,
        failures=settings.shipments_table,
    )


@app.on_dynamodb_record(stream_arn=settings.shipments_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    return publish_stream_batch(event.to_dict(), settings.event_routes)
