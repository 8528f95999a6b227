"""Wires delivery: its table, the post office and the clock, into its use cases (the one place
that binds storage to the table its settings name)."""

from __future__ import annotations

from chalicelib.delivery.postoffice import PostOffice
from chalicelib.delivery.service import DeliveryService
from chalicelib.delivery.settings import DeliverySettings
from chalicelib.delivery.storage import ShipmentRepository
from motcua_shared import timeutil


def post_office(settings: DeliverySettings) -> PostOffice:
    return PostOffice(
        base_url=settings.postal_base_url,
        access_token=settings.postal_access_token,
        callback_secret=settings.postal_callback_secret,
        customer_code=settings.postal_customer_code,
        timeout_s=settings.postal_timeout_s,
    )


def bootstrap(settings: DeliverySettings) -> DeliveryService:
    """Delivery's use cases on AWS (or the local stack)."""
    repository = ShipmentRepository(settings.shipments_table, settings.region)
    return DeliveryService(repository, post_office(settings), settings, clock=timeutil.now)
