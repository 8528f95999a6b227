"""Wires notify: its table (notifications, preferences, dossier facts), the Cognito directory,
SES and SNS, the templates and the clock, into its use cases (the one place that binds storage
to the table its settings name)."""

from __future__ import annotations

from chalicelib.notify.directory import CognitoDirectory
from chalicelib.notify.domain.model import Channel, RetryPolicy
from chalicelib.notify.domain.templates import default_catalog
from chalicelib.notify.providers.ses import SesEmail
from chalicelib.notify.providers.sns import SnsSms
from chalicelib.notify.receipts import ReceiptKeys
from chalicelib.notify.service import NotifyService
from chalicelib.notify.settings import NotifySettings
from chalicelib.notify.storage import (
    DossierFactsRepository,
    NotificationRepository,
    PreferenceRepository,
)
from motcua_shared import timeutil


def bootstrap(settings: NotifySettings) -> NotifyService:
    """Notify's use cases on AWS (or the local stack)."""
    table, region = settings.notifications_table, settings.region
    policy = RetryPolicy(
        max_attempts=settings.max_attempts, base_delay_s=settings.retry_base_delay_s
    )
    return NotifyService(
        notifications=NotificationRepository(
            table,
            region,
            policy,
            retention_s=settings.notification_retention_s,
            inbox_retention_s=settings.inbox_retention_s,
        ),
        preferences=PreferenceRepository(table, region),
        dossiers=DossierFactsRepository(table, region),
        directory=CognitoDirectory(settings.user_pool_id, settings.directory_cache_s),
        providers={
            Channel.EMAIL: SesEmail(settings.email_sender_address, settings.email_sender_name),
            Channel.SMS: SnsSms(settings.sms_sender_id),
        },
        catalog=default_catalog(),
        policy=policy,
        base_url=settings.public_base_url,
        receipt_keys=ReceiptKeys(settings.receipt_secrets),
        clock=timeutil.now,
    )
