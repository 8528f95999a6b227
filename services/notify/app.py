"""notify: tells every person about every step that concerns them, by SMS and e-mail, once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Chalice

from chalicelib.notify.answers import (
    NotificationListOut,
    NotificationOut,
    PreferencesOut,
    ReceiptAnswerOut,
)
from chalicelib.notify.bootstrap import bootstrap
from chalicelib.notify.receipts import SIGNATURE_HEADER
from chalicelib.notify.settings import get_settings
from motcua_shared.api import PUBLIC, SIGNED_IN, Api, ApiRequest
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.outbox import publish_stream_batch

if TYPE_CHECKING:
    from chalicelib.notify.schemas import PreferencesIn

app = Chalice(app_name="motcua-notify")
api = Api(app, title="motcua notify", settings=get_settings, schemas="chalicelib.notify.schemas")
settings = get_settings()

service = bootstrap(settings)


@api.route(
    "/notifications",
    summary="What was sent about a dossier: when, on which channel, its status (masked recipients)",
    roles=SIGNED_IN,
    query=("dossier_id",),
    response=NotificationListOut,
)
def list_notifications(request: ApiRequest[Any]) -> NotificationListOut:
    items = service.for_dossier(request.user, request.query.get("dossier_id", ""))
    return NotificationListOut([NotificationOut.of(n) for n in items])


@api.route(
    "/preferences",
    summary="The channels I am told on (SMS, e-mail, both)",
    roles=SIGNED_IN,
    response=PreferencesOut,
)
def get_preferences(request: ApiRequest[Any]) -> PreferencesOut:
    return PreferencesOut.of(service.channels(request.user))


@api.route(
    "/preferences",
    methods=["PUT"],
    body="PreferencesIn",
    response=PreferencesOut,
    roles=SIGNED_IN,
    summary="Choose the channels I am told on",
)
def put_preferences(request: ApiRequest[PreferencesIn]) -> PreferencesOut:
    return PreferencesOut.of(service.choose_channels(request.user, list(request.body.channels)))


@api.route(
    "/receipts/{provider}",
    methods=["POST"],
    roles=PUBLIC,
    summary="A provider's delivery receipt, signed with X-Motcua-Signature (ses, sns)",
    response=ReceiptAnswerOut,
)
def post_receipt(request: ApiRequest[Any]) -> ReceiptAnswerOut:
    changed = service.receipt(
        request.path["provider"], request.raw_body, request.headers.get(SIGNATURE_HEADER)
    )
    return ReceiptAnswerOut(changed=changed)


@app.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(
        event.to_dict(),
        service.apply_event,
        settings.max_receive_count,
        failures=settings.notifications_table,
    )


@app.schedule("rate(1 minute)")
def retry_notifications(event: Any) -> dict[str, int]:
    return service.retry_due()


@app.on_dynamodb_record(stream_arn=settings.notifications_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    return publish_stream_batch(event.to_dict(), settings.event_routes)
