"""Wires payment: its table, the VNPay provider and the clock, into its use cases (the one place
that binds storage to the tables its settings name)."""

from __future__ import annotations

from chalicelib.payment.providers.vnpay import VnpayProvider
from chalicelib.payment.service import PaymentService
from chalicelib.payment.settings import PaymentSettings
from chalicelib.payment.storage import PaymentRepository
from motcua_shared import timeutil


def vnpay(settings: PaymentSettings) -> VnpayProvider:
    return VnpayProvider(
        tmn_code=settings.vnpay_tmn_code,
        hash_secret=settings.vnpay_hash_secret,
        pay_url=settings.vnpay_pay_url,
        api_url=settings.vnpay_api_url,
        return_url=settings.vnpay_return_url,
    )


def bootstrap(settings: PaymentSettings) -> PaymentService:
    """Payment's use cases on AWS (or the local stack)."""
    repository = PaymentRepository(
        settings.payments_table, settings.region, settings.inbox_retention_s
    )
    return PaymentService(repository, vnpay(settings), settings, clock=timeutil.now)
