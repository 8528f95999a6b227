"""Payment's use cases: fees owed, payment attempts, the provider's callbacks, reconciliation."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, TypedDict

from chalicelib.payment.domain import closure as closing
from chalicelib.payment.domain import settlement
from chalicelib.payment.domain.closure import ClosedBy, FeeClosure
from chalicelib.payment.domain.model import Fee, Payment, PaymentStatus
from chalicelib.payment.errors import (
    AlreadyPaid,
    FeeNoLongerOwed,
    NoFeeRequested,
    PaymentNotFound,
)
from chalicelib.payment.ports import AttemptRaced, Clock, PaymentStore
from chalicelib.payment.providers.base import InvalidSignature, MalformedCallback, PaymentProvider
from chalicelib.payment.settings import PaymentSettings
from motcua_shared import timeutil
from motcua_shared.auth import OFFICERS, Principal
from motcua_shared.dispatch import Handlers, On, dispatch
from motcua_shared.errors import Conflict, IncompleteRecord, require_dossier_id
from motcua_shared.logs import get_logger
from motcua_shared.records import may_see, require_dossier_visible

if TYPE_CHECKING:
    from pydantic import BaseModel

    from motcua_shared.events import Envelope
    from motcua_shared.events.dossier import DossierEvent, DossierFeeRequested

logger = get_logger("payment")
SOURCE = "payment"


class _AttemptFields(TypedDict):
    """What every payment event says of its attempt (motcua_shared.events.payment)."""

    txn_ref: str
    dossier_id: str
    dossier_code: str | None
    amount_vnd: int
    provider: str


def new_txn_ref(at: datetime) -> str:
    """Unique per attempt, letters and digits only (safe in every VNPay sample's encoding)."""
    return f"P{at.astimezone(timeutil.VN_TZ):%y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


class PaymentService:
    """Payment's use cases, given its store, its provider and its clock (wired in
    :mod:`chalicelib.payment.bootstrap`; fakes of each in tests/unit/fakes/payment.py)."""

    def __init__(
        self,
        repository: PaymentStore,
        provider: PaymentProvider,
        settings: PaymentSettings,
        clock: Clock = timeutil.now,
    ) -> None:
        self.repository = repository
        self.provider = provider
        self.settings = settings
        self.clock = clock

    # -- what intake tells us --------------------------------------------------------------------
    def apply_event(self, envelope: Envelope, data: BaseModel) -> None:
        """The inbox mark goes with the effect, never before it: in the fee's transaction, or
        recorded after effects that are idempotent by themselves (closing the fee keeps the
        first closure; owing a payment back happens once, by its version)."""
        dispatch(self.handlers, envelope, data)

    @cached_property
    def handlers(self) -> Handlers:
        """What each event intake announces does to a fee (built on the first event: the
        contract's models load with it)."""
        from motcua_shared.events.dossier import DossierEvent, DossierFeeRequested

        closing_events = [closing.CONFIRMED_EVENT, *closing.ENDING_EVENTS]
        return {
            "dossier.fee_requested": On(DossierFeeRequested, self._fee_requested),
            **{event_type: On(DossierEvent, self._fee_closed) for event_type in closing_events},
        }

    def _fee_requested(self, envelope: Envelope, data: DossierFeeRequested) -> None:
        fee = Fee(
            dossier_id=data.dossier_id,
            dossier_code=data.code,
            procedure_name=data.procedure_name,
            owner_sub=data.owner_sub or "",
            amount_vnd=data.amount_vnd,
            requested_at=envelope.occurred_at,
        )
        self.repository.record_fee(fee, envelope)

    def _fee_closed(self, envelope: Envelope, data: DossierEvent) -> None:
        heard = closing.closure_of(envelope.type, data, envelope.occurred_at)
        if heard is None:
            return
        standing = self.repository.close(envelope.dossier_id, heard)
        if standing.by is ClosedBy.ONLINE and standing.reference:
            paid = self.repository.get(standing.reference)
            if paid is not None and closing.owed_back(standing, heard, paid):
                settlement.owe_back(paid, heard)
                self.repository.save(paid, [self._announce(paid, heard)])  # Conflict: retried
                logger.warning(
                    "ALARM an online payment is owed back",
                    extra={"txn_ref": paid.txn_ref, "closed_by": str(heard.by)},
                )
        self.repository.mark_applied(envelope)

    # -- the citizen -------------------------------------------------------------------------
    def create(
        self, principal: Principal, dossier_id: str, client_ip: str
    ) -> tuple[Payment, str, bool]:
        """The attempt to pay with and its URL; True if it is the pending one started before
        (one open order with the provider at a time, whatever the number of clicks)."""
        for _ in range(3):
            fee = self.repository.fee(dossier_id)
            if fee is None or fee.owner_sub != principal.sub:
                raise NoFeeRequested()
            self._refuse_if_closed(fee)
            at = self.clock()
            current = self.repository.get(fee.attempt) if fee.attempt else None
            if current is not None and self._reusable(current, at):
                url = self.provider.payment_url(current, current.client_ip or client_ip)
                return current, url, True
            payment = Payment(
                txn_ref=new_txn_ref(at),
                dossier_id=dossier_id,
                dossier_code=fee.dossier_code,
                owner_sub=fee.owner_sub,
                amount_vnd=fee.amount_vnd,
                provider=self.provider.name,
                order_info=f"Thanh toan le phi ho so {fee.dossier_code or dossier_id}",
                status=PaymentStatus.PENDING,
                created_at=at,
                expires_at=at + timedelta(seconds=self.settings.payment_ttl_s),
                client_ip=client_ip,
            )
            try:
                self.repository.start(payment, previous=fee.attempt)
            except AttemptRaced:
                continue  # closed meanwhile, or another click started one: read again
            return payment, self.provider.payment_url(payment, client_ip), False
        raise Conflict()

    def _refuse_if_closed(self, fee: Fee) -> None:
        closure = fee.closure
        if closure is None and any(
            p.status is PaymentStatus.SUCCEEDED for p in self.repository.for_dossier(fee.dossier_id)
        ):  # settled before fees recorded their closure
            closure = FeeClosure(ClosedBy.ONLINE, fee.requested_at)
        if closure is not None and closure.settled:
            raise AlreadyPaid(closed_by=str(closure.by))
        if closure is not None:
            raise FeeNoLongerOwed(closed_by=str(closure.by))

    def _reusable(self, payment: Payment, at: datetime) -> bool:
        """Pending, and valid long enough for the citizen to pay with it."""
        margin = timedelta(seconds=self.settings.payment_reuse_min_s)
        return payment.status is PaymentStatus.PENDING and payment.expires_at - margin > at

    def refunds(self) -> list[Payment]:
        return self.repository.refunds_due()

    def visible(self, principal: Principal, txn_ref: str) -> Payment:
        payment = self.repository.get(txn_ref)
        if payment is None or not may_see(principal, payment.owner_sub):
            raise PaymentNotFound()
        return payment

    def for_dossier(self, principal: Principal, dossier_id: str) -> list[Payment]:
        """The attempts of a dossier; another citizen's dossier is not found (404), as in
        intake, rather than an empty list that tells it exists."""
        require_dossier_id(dossier_id)
        payments = self.repository.for_dossier(dossier_id)
        if not principal.has_any(OFFICERS):
            fee = self.repository.fee(dossier_id)
            owners = [p.owner_sub for p in payments] + ([fee.owner_sub] if fee else [])
            require_dossier_visible(principal, owners, NoFeeRequested)
        return [p for p in payments if may_see(principal, p.owner_sub)]

    # -- the provider --------------------------------------------------------------------------
    def ipn(self, params: dict[str, str]) -> settlement.IpnAnswer:
        """Verify, find, check and settle; only an accepted notification changes anything."""
        try:
            outcome = self.provider.parse_callback(params)
        except InvalidSignature:
            logger.warning(
                "IPN with an invalid signature", extra={"txn_ref": params.get("vnp_TxnRef")}
            )
            return settlement.INVALID_SIGNATURE
        except MalformedCallback:
            return settlement.UNKNOWN_ERROR
        payment = self.repository.get(outcome.txn_ref)
        if payment is None:
            return settlement.ORDER_NOT_FOUND
        refusal = settlement.check(payment, outcome)
        if refusal is not None:
            return refusal
        previous = payment.status
        settlement.settle(payment, outcome, self.clock())
        try:
            self._record(payment)
        except Conflict:
            # Another notification settled it first.
            current = self.repository.get(outcome.txn_ref)
            if current is not None and current.status is not previous:
                return settlement.ALREADY_CONFIRMED
            return settlement.UNKNOWN_ERROR
        # Recorded, also when the money is owed back (refund_due): the order was found, its
        # amount is right and it was not confirmed before, so VNPay's protocol answers 00; the
        # refund is ours to make (02 would say this order was confirmed before, and 99 would
        # have VNPay retry a notification that is already recorded).
        return settlement.CONFIRMED

    def _record(self, payment: Payment) -> None:
        """Store a settled payment and announce it. A success closes the fee in the same
        transaction; if the fee was closed already, the money is recorded as owed back."""
        if payment.status is not PaymentStatus.SUCCEEDED:
            self.repository.save(payment, [self._announce(payment)])
            return
        if payment.settled_at is None:
            raise IncompleteRecord("payment.settled_at")
        paid_online = FeeClosure(ClosedBy.ONLINE, payment.settled_at, payment.txn_ref)
        closed = self.repository.settle_online(payment, [self._announce(payment)], paid_online)
        if closed is None:
            return
        settlement.owe_back(payment, closed)
        self.repository.save(payment, [self._announce(payment, closed)])
        logger.warning(
            "ALARM money taken for a closed fee is owed back",
            extra={"txn_ref": payment.txn_ref, "closed_by": str(closed.by)},
        )

    def verified_return(self, params: dict[str, str]) -> tuple[bool, Payment | None, str]:
        """What the browser's return page shows: never a change of state."""
        try:
            outcome = self.provider.parse_callback(params)
        except (InvalidSignature, MalformedCallback):
            return False, None, ""
        return True, self.repository.get(outcome.txn_ref), outcome.reason

    def reconcile(self, now: datetime) -> dict[str, int]:
        """Ask the provider about payments left pending; settle or expire them."""
        cutoff = timeutil.to_iso(now - timedelta(seconds=self.settings.reconcile_after_s))
        counts = {"succeeded": 0, "failed": 0, "expired": 0, "refund_due": 0, "pending": 0}
        for payment in self.repository.pending_before(cutoff):
            try:
                outcome = self.provider.query(payment, self.settings.server_ip)
            except Exception:
                logger.exception("status query failed", extra={"txn_ref": payment.txn_ref})
                counts["pending"] += 1
                continue
            if outcome.state in {"succeeded", "failed"} and outcome.amount_vnd in (
                None,
                payment.amount_vnd,
            ):
                settlement.settle(payment, outcome, now)
            elif now > payment.expires_at:
                settlement.expire(payment, now)
            else:
                counts["pending"] += 1
                continue
            try:
                self._record(payment)
            except Conflict:
                continue  # an IPN arrived meanwhile
            counts[payment.status.value] += 1
        return counts

    def _announce(self, payment: Payment, closure: FeeClosure | None = None) -> Envelope:
        from motcua_shared.events import new_event  # the contract (pydantic): loaded when used
        from motcua_shared.events import payment as schema

        common: _AttemptFields = {
            "txn_ref": payment.txn_ref,
            "dossier_id": payment.dossier_id,
            "dossier_code": payment.dossier_code,
            "amount_vnd": payment.amount_vnd,
            "provider": payment.provider,
        }
        data: BaseModel
        if payment.status is PaymentStatus.SUCCEEDED:
            if payment.paid_at is None:
                raise IncompleteRecord("payment.paid_at")
            data = schema.PaymentSucceeded(
                **common,
                paid_at=payment.paid_at,
                bank_code=payment.bank_code,
                transaction_no=payment.transaction_no,
            )
        elif payment.status is PaymentStatus.REFUND_DUE:
            if payment.paid_at is None:
                raise IncompleteRecord("payment.paid_at")
            if closure is None:
                raise IncompleteRecord("closure")
            data = schema.PaymentRefundDue(
                **common,
                paid_at=payment.paid_at,
                closed_by=str(closure.by),
                reason=closure.reason,
                bank_code=payment.bank_code,
                transaction_no=payment.transaction_no,
            )
        elif payment.status is PaymentStatus.FAILED:
            data = schema.PaymentFailed(
                **common, response_code=payment.response_code or "", reason=payment.reason or ""
            )
        else:
            data = schema.PaymentExpired(**common)
        return new_event(
            f"payment.{payment.status.value}",
            source=SOURCE,
            dossier_id=payment.dossier_id,
            data=data,
            occurred_at=payment.settled_at,
        )
