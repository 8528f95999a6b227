"""payment: online fee payment through a provider (VNPay), with verified, idempotent callbacks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Chalice, Rate, Response

from chalicelib.payment.answers import (
    IpnAnswerOut,
    PaymentListOut,
    PaymentOut,
    RefundListOut,
    RefundOut,
    StartedPaymentOut,
)
from chalicelib.payment.bootstrap import bootstrap
from chalicelib.payment.domain.settlement import UNKNOWN_ERROR
from chalicelib.payment.errors import ProviderNotConfigured
from chalicelib.payment.pages import return_page
from chalicelib.payment.providers.base import ProviderNotReady
from chalicelib.payment.settings import get_settings
from motcua_shared import links, timeutil
from motcua_shared.api import PUBLIC, SIGNED_IN, Api, ApiRequest
from motcua_shared.inbox import consume_sqs_batch
from motcua_shared.logs import get_logger
from motcua_shared.outbox import publish_stream_batch
from motcua_shared.roles import APPLICANTS, REFUNDS

if TYPE_CHECKING:
    from chalicelib.payment.schemas import NewPayment

app = Chalice(app_name="motcua-payment")
api = Api(app, title="motcua payment", settings=get_settings, schemas="chalicelib.payment.schemas")
settings = get_settings()
logger = get_logger("payment")
service = bootstrap(settings)


@api.route(
    "/payments",
    methods=["POST"],
    body="NewPayment",
    response=StartedPaymentOut,
    status=201,
    roles=APPLICANTS,
    summary="Start paying a dossier's fee: the attempt to pay with and the provider's payment "
    "URL (the pending one if it is still valid: reused is true); 409 once the fee is closed",
)
def create_payment(request: ApiRequest[NewPayment]) -> StartedPaymentOut:
    try:
        service.provider.ready_to_pay()  # before anything is saved (ALARM logged when not)
    except ProviderNotReady:
        raise ProviderNotConfigured() from None
    payment, url, reused = service.create(request.user, request.body.dossier_id, request.source_ip)
    return StartedPaymentOut.started(payment, url, reused)


@api.route(
    "/payments/{txn_ref}", summary="One payment attempt", roles=SIGNED_IN, response=PaymentOut
)
def get_payment(request: ApiRequest[Any]) -> PaymentOut:
    return PaymentOut.of(service.visible(request.user, request.path["txn_ref"]))


@api.route(
    "/payments",
    summary="The payment attempts of a dossier",
    roles=SIGNED_IN,
    query=("dossier_id",),
    response=PaymentListOut,
)
def list_payments(request: ApiRequest[Any]) -> PaymentListOut:
    dossier_id = request.query.get("dossier_id", "")
    return PaymentListOut([PaymentOut.of(p) for p in service.for_dossier(request.user, dossier_id)])


@api.route(
    "/refunds",
    summary="Money taken for fees no longer owed, to be paid back (newest first)",
    roles=REFUNDS,
    response=RefundListOut,
)
def list_refunds(request: ApiRequest[Any]) -> RefundListOut:
    return RefundListOut([RefundOut.of(p) for p in service.refunds()])


@api.route(
    "/vnpay/ipn",
    roles=PUBLIC,
    query=("vnp_TxnRef", "vnp_SecureHash"),
    summary="VNPay's server-to-server notification (answers RspCode and Message)",
    response=IpnAnswerOut,
)
def vnpay_ipn(request: ApiRequest[Any]) -> IpnAnswerOut:
    try:
        answer = service.ipn(request.query)
    except ProviderNotReady:
        # Nothing can be verified without the merchant's secret (ALARM logged): 99 is VNPay's
        # "unknown error", so VNPay keeps the notification and reconciliation settles it later.
        answer = UNKNOWN_ERROR
    except Exception:
        logger.exception("IPN failed")
        answer = UNKNOWN_ERROR
    return IpnAnswerOut.of(answer)


@api.route(
    "/vnpay/return",
    roles=PUBLIC,
    query=("vnp_TxnRef", "vnp_SecureHash"),
    summary="Where the browser lands after paying: shows the verified result, changes nothing",
    content_types=("text/html",),
)
def vnpay_return(request: ApiRequest[Any]) -> Response:
    try:
        valid, payment, reason = service.verified_return(request.query)
    except ProviderNotReady:
        raise ProviderNotConfigured() from None
    back = f"{settings.public_base_url}/"
    if payment is not None:  # the applicant's dossier page in the portal
        back = links.citizen_dossier(settings.public_base_url, payment.dossier_id)
    page = return_page(valid, payment, reason, back)
    return Response(
        body=page, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"}
    )


@app.schedule(Rate(5, unit=Rate.MINUTES))
def reconcile_payments(event: Any) -> dict[str, int]:
    """Settle payments whose notification never came, by asking the provider (querydr)."""
    raw = event.to_dict() if hasattr(event, "to_dict") else dict(event)
    at = (
        timeutil.parse_iso(raw["time"].replace("Z", "+00:00"))
        if raw.get("time")
        else timeutil.now()
    )
    return service.reconcile(at)


@app.on_sqs_message(queue=settings.events_queue, batch_size=10)
def handle_events(event: Any) -> dict[str, Any]:
    return consume_sqs_batch(
        event.to_dict(),
        service.apply_event,
        settings.max_receive_count,
        failures=settings.payments_table,
    )


@app.on_dynamodb_record(stream_arn=settings.payments_stream_arn, batch_size=100)
def publish_events(event: Any) -> dict[str, Any]:
    return publish_stream_batch(event.to_dict(), settings.event_routes)
