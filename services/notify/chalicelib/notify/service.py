"""Notify's use cases: turn events into notifications and send each exactly once, retry the
temporary failures, apply delivery receipts, answer preferences and the list of what was sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from chalicelib.notify.domain import audiences
from chalicelib.notify.domain.compose import EventRef, Person, compose
from chalicelib.notify.domain.model import (
    Channel,
    Notification,
    ReceiptOutcome,
    RetryPolicy,
    Status,
)
from chalicelib.notify.domain.preferences import channels_of, ordered
from chalicelib.notify.domain.templates import TemplateCatalog
from chalicelib.notify.domain.values import DossierFacts, event_values
from chalicelib.notify.errors import (
    BadReceiptSignature,
    FactsNotYetKnown,
    MalformedReceipt,
    UnknownMessage,
    UnknownProvider,
)
from chalicelib.notify.ports import (
    Clock,
    DossierFactsStore,
    NotificationStore,
    PreferenceStore,
    StaffDirectory,
    StaffMember,
)
from chalicelib.notify.providers.base import (
    InvalidReceipt,
    PermanentProviderError,
    Provider,
    TemporaryProviderError,
)
from chalicelib.notify.receipts import ReceiptKeys, verify
from motcua_shared import links, timeutil
from motcua_shared.auth import OFFICERS, Principal
from motcua_shared.dispatch import On
from motcua_shared.errors import Conflict, MalformedJson, require_dossier_id
from motcua_shared.logs import get_logger
from motcua_shared.parsing import parse_json
from motcua_shared.records import DossierNotFound, may_see

if TYPE_CHECKING:
    from pydantic import BaseModel

    from motcua_shared.events import Envelope
    from motcua_shared.events.dossier import DossierEvent
    from motcua_shared.events.shipment import ShipmentEvent

SWEEP_LIMIT = 100

FactsReader = Callable[["Envelope", "BaseModel"], DossierFacts]

logger = get_logger("notify")


class NotifyService:
    """Notify's use cases, given its stores, the staff directory, the message providers and its
    clock (wired in :mod:`chalicelib.notify.bootstrap`; fakes of each in
    tests/unit/fakes/notify.py)."""

    def __init__(
        self,
        *,
        notifications: NotificationStore,
        preferences: PreferenceStore,
        dossiers: DossierFactsStore,
        directory: StaffDirectory,
        providers: Mapping[str, Provider],  # by channel
        catalog: TemplateCatalog,
        policy: RetryPolicy,
        base_url: str,
        receipt_keys: ReceiptKeys,
        clock: Clock = timeutil.now,
    ) -> None:
        self.notifications = notifications
        self.preferences = preferences
        self.dossiers = dossiers
        self.directory = directory
        self.providers = dict(providers)
        self.catalog = catalog
        self.policy = policy
        self.base_url = base_url
        self.receipt_keys = receipt_keys
        self.clock = clock

    # -- events --------------------------------------------------------------------------------
    def apply_event(self, envelope: Envelope, data: BaseModel) -> None:
        """Plan the event's notifications, store each once, send those not sent yet. Safe to
        repeat at any point: a repeated event finds its notifications and sends nothing twice.

        A new notification is stored already claimed (``sending``), in the one write that
        creates it, and sent at once: the same single window between claim and send as a retry
        has, one write fewer per message. A stored one still ``created`` is sent as usual."""
        facts = self._facts(envelope, data)
        for notification in self.plan(envelope, data, facts):
            if notification.status is Status.CREATED:
                notification.claim(self.clock())
            stored, created = self.notifications.add(notification)
            if created and stored.status is Status.SENDING:
                self._attempt(stored)
            elif not created and stored.status is Status.CREATED:
                self.send(stored)
        self.notifications.mark_applied(envelope)  # after the idempotent effect

    @cached_property
    def fact_readers(self) -> Mapping[str, FactsReader]:
        """How each event of the contract tells who the dossier's applicant is (built on the
        first event: the contract's models load with it). A dossier event carries the freshest
        facts; a shipment carries its receiver's; any other needs a dossier event seen before."""
        from pydantic import BaseModel

        from motcua_shared.events import EVENT_SCHEMAS
        from motcua_shared.events.dossier import DossierEvent
        from motcua_shared.events.shipment import ShipmentEvent

        def reader(schema: type[BaseModel]) -> FactsReader:
            if issubclass(schema, DossierEvent):
                return On(DossierEvent, self._facts_of_dossier_event)
            if issubclass(schema, ShipmentEvent):
                return On(ShipmentEvent, self._facts_of_shipment)
            return On(BaseModel, self._facts_known)

        return {event_type: reader(schema) for (event_type, _), schema in EVENT_SCHEMAS.items()}

    def _facts(self, envelope: Envelope, data: BaseModel) -> DossierFacts:
        return self.fact_readers.get(envelope.type, self._facts_known)(envelope, data)

    def _facts_of_dossier_event(self, envelope: Envelope, data: DossierEvent) -> DossierFacts:
        known = self.dossiers.get(envelope.dossier_id)
        facts = DossierFacts.from_event(data)
        if known is not None and facts.code is None and known.code:
            facts = DossierFacts(**{**facts.to_document(), "code": known.code})
        if facts != known:
            self.dossiers.save(facts)
        return facts

    def _facts_of_shipment(self, envelope: Envelope, data: ShipmentEvent) -> DossierFacts:
        known = self.dossiers.get(envelope.dossier_id)
        if known is not None:
            return known
        return DossierFacts(
            dossier_id=data.dossier_id,
            code=data.dossier_code,
            applicant_name=data.receiver_name,
            applicant_phone=data.receiver_phone,
            applicant_email=data.receiver_email,
        )

    def _facts_known(self, envelope: Envelope, data: BaseModel) -> DossierFacts:
        known = self.dossiers.get(envelope.dossier_id)
        if known is None:
            raise FactsNotYetKnown(f"{envelope.type} for dossier {envelope.dossier_id}")
        return known

    def plan(self, envelope: Envelope, data: BaseModel, facts: DossierFacts) -> list[Notification]:
        """Every notification the event causes, once per (channel, recipient)."""
        event = EventRef(envelope.id, envelope.type, envelope.dossier_id)
        values = event_values(envelope.type, data, facts, self._assignee(data))
        at = self.clock()
        planned: dict[str, Notification] = {}
        people: dict[str, list[Person]] = {}
        for template in self.catalog.for_event(envelope.type):
            if template.audience not in people:
                requests = audiences.requests_for(envelope.type, template.audience, data)
                people[template.audience] = self._people(requests, facts)
            for person in people[template.audience]:
                notification = compose(event, template, person, values, at)
                if notification is not None and notification.id not in planned:
                    planned[notification.id] = notification
        return list(planned.values())

    def _assignee(self, data: BaseModel) -> str | None:
        """Who a step's deadline is with: the unit and the officer (by name), for officers."""
        from motcua_shared.events.dossier import DossierDeadline

        if not isinstance(data, DossierDeadline):
            return None
        officer = self.directory.user(data.officer) if data.officer else None
        names = [n for n in (data.unit, officer.name if officer else data.officer) if n]
        return " – ".join(names) or None

    def _people(self, requests: list[audiences.Request], facts: DossierFacts) -> list[Person]:
        """The applicant (from the dossier's contact) and staff (each once, from the directory),
        each with the channels they chose and the page that fits them."""
        contacts: list[tuple[str, str | None, str | None, str | None, str]] = []
        staff: dict[str, StaffMember] = {}
        for request in requests:
            if isinstance(request, audiences.Applicant):
                applicant_page = links.citizen_dossier(self.base_url, facts.dossier_id)
                contacts.append(
                    (
                        facts.applicant_name,
                        facts.owner_sub,
                        facts.applicant_phone,
                        facts.applicant_email,
                        applicant_page,
                    )
                )
            elif isinstance(request, audiences.Group):
                staff.update({m.username: m for m in self.directory.group(request.name)})
            elif (member := self.directory.user(request.username)) is not None:
                staff[member.username] = member
        officer_page = links.officer_dossier(self.base_url, facts.dossier_id)
        contacts += [(m.name, m.sub, m.phone, m.email, officer_page) for m in staff.values()]
        return [
            Person(name, sub, phone, email, self._channels(sub), link)
            for name, sub, phone, email, link in contacts
        ]

    def _channels(self, sub: str | None) -> frozenset[Channel]:
        return channels_of(self.preferences.get(sub) if sub else None)

    # -- sending -------------------------------------------------------------------------------
    def send(self, notification: Notification) -> Notification:
        """One attempt, claimed first: whoever loses the claim sends nothing."""
        if not notification.is_due(self.clock()):
            return notification
        notification.claim(self.clock())
        try:
            self.notifications.save(notification)
        except Conflict:
            return notification
        return self._attempt(notification)

    def _attempt(self, notification: Notification) -> Notification:
        """The one provider call of a notification this process has claimed."""
        provider = self.providers[notification.channel]
        try:
            message_id = provider.send(notification)
        except TemporaryProviderError as exc:
            notification.mark_temporary_failure(exc.reason, self.clock(), self.policy)
        except PermanentProviderError as exc:
            notification.mark_permanent_failure(exc.reason, self.clock())
        else:
            notification.mark_sent(provider.name, message_id, self.clock())
        # If this write is lost the notification stays "sending": never sent again (the sweep
        # ends it as technical-failure) rather than sent twice.
        self.notifications.save(notification)
        logger.info(
            "notification attempt",
            extra={
                "notification_id": notification.id,
                "template_id": notification.template_id,
                "status": str(notification.status),
                "attempts": notification.attempts,
                "failure_reason": notification.failure_reason,
            },
        )
        return notification

    def retry_due(self, limit: int = SWEEP_LIMIT) -> dict[str, int]:
        """Send the temporary failures whose backoff is over; end the stale ``sending`` ones."""
        at = self.clock()
        retried = ended = 0
        for notification in self.notifications.pending(Status.TEMPORARY_FAILURE, at, limit):
            self.send(notification)
            retried += 1
        for notification in self.notifications.pending(Status.SENDING, at, limit):
            notification.mark_outcome_unknown(at)
            try:
                self.notifications.save(notification)
            except Conflict:
                continue
            ended += 1
            logger.warning(
                "notification outcome unknown",
                extra={"notification_id": notification.id, "template_id": notification.template_id},
            )
        return {"retried": retried, "ended": ended}

    # -- receipts ------------------------------------------------------------------------------
    def receipt(self, provider_name: str, raw_body: bytes, signature: str | None) -> bool:
        """Apply a signed delivery receipt; True if it changed the notification."""
        provider = next((p for p in self.providers.values() if p.name == provider_name), None)
        if provider is None:
            raise UnknownProvider()
        secret = self.receipt_keys.of(provider_name)  # ReceiptsNotConfigured: 503, nothing changes
        if not verify(secret, raw_body, signature):
            raise BadReceiptSignature()
        try:
            receipt = provider.read_receipt(parse_json(raw_body))
        except (MalformedJson, InvalidReceipt) as exc:
            raise MalformedReceipt(detail=str(exc)) from None
        for _ in range(3):  # a concurrent receipt for the same message: read again
            notification = self.notifications.by_message_id(receipt.message_id)
            if notification is None:
                raise UnknownMessage()
            if receipt.outcome is None or not notification.apply_receipt(
                ReceiptOutcome(receipt.outcome), self.clock()
            ):
                return False
            try:
                self.notifications.save(notification)
            except Conflict:
                continue
            return True
        return False

    # -- people's views ------------------------------------------------------------------------
    def for_dossier(self, principal: Principal, dossier_id: str) -> list[Notification]:
        """What was sent about a dossier, to each caller what concerns them (least privilege):
        officers see every notification of the dossier, its owner only those sent to the
        applicant. One notify has not heard of yet has nothing sent (its events may still be on
        their way); another citizen's dossier is not found."""
        require_dossier_id(dossier_id)
        officer = principal.has_any(OFFICERS)
        if not officer:
            facts = self.dossiers.get(dossier_id)
            if facts is None:
                return []
            if not may_see(principal, facts.owner_sub):
                raise DossierNotFound()
        sent = self.notifications.for_dossier(dossier_id)
        if not officer:
            sent = [n for n in sent if n.audience == audiences.APPLICANT_AUDIENCE]
        return sorted(sent, key=lambda n: n.created_at)

    def channels(self, principal: Principal) -> list[str]:
        return ordered(channels_of(self.preferences.get(principal.sub)))

    def choose_channels(self, principal: Principal, channels: list[str]) -> list[str]:
        chosen = ordered(channels_of({"channels": channels}))
        self.preferences.save(
            principal.sub, {"channels": chosen, "updated_at": timeutil.to_iso(self.clock())}
        )
        return chosen
