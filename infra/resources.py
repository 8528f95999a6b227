"""Every AWS resource motcua uses, defined once.

The local stack (infra/local), the tests and the CDK app (infra/cdk) all build from these
definitions; the services only ever see the resulting names and URLs through their environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from motcua_shared.roles import USER_GROUPS as ROLES

SERVICES: tuple[str, ...] = ("intake", "payment", "delivery", "notify")

# The user pool's groups: the roles of motcua_shared.roles (the system role is no group).
USER_GROUPS: tuple[str, ...] = tuple(str(role) for role in ROLES)


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str | None = None


@dataclass(frozen=True)
class Table:
    """A DynamoDB table owned by one service. Keys are strings; the stream carries both images."""

    logical_name: str
    owner: str
    env_var: str
    partition_key: str = "pk"
    sort_key: str | None = "sk"
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = "expires_at"
    stream: bool = True
    # The stream's reader retries a failing record this often (halving the batch each time);
    # then the record's place in the stream goes to the stream-failures queue, to be replayed
    # (python -m infra.ops streams), and the records after it flow on.
    stream_max_retries: int = 10
    stream_failures_retention_s: int = 14 * 24 * 3600

    def name(self, stage: str) -> str:
        return f"motcua-{stage}-{self.logical_name}"

    def stream_failures_name(self, stage: str) -> str:
        return f"motcua-{stage}-{self.logical_name}-stream-failures"

    @property
    def key_attributes(self) -> tuple[str, ...]:
        names = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        for index in self.indexes:
            names.append(index.partition_key)
            if index.sort_key:
                names.append(index.sort_key)
        return tuple(dict.fromkeys(names))


@dataclass(frozen=True)
class Queue:
    """The event queue of one consuming service, with its dead-letter queue."""

    consumer: str
    batch_size: int = 10
    max_receive_count: int = 5
    # At least six times the consumer function's timeout (AWS guidance for SQS event sources).
    consumer_timeout_s: int = 30
    visibility_timeout_s: int = 180
    dlq_retention_s: int = 14 * 24 * 3600

    def name(self, stage: str) -> str:
        return f"motcua-{stage}-{self.consumer}-events"

    def dlq_name(self, stage: str) -> str:
        return f"motcua-{stage}-{self.consumer}-events-dlq"


@dataclass(frozen=True)
class Bucket:
    logical_name: str
    env_var: str
    # Browsers PUT straight to S3 through presigned URLs.
    cors_methods: tuple[str, ...] = ("PUT", "GET", "HEAD")
    # A tag (key, value) the owner puts on uploads that may be abandoned; a lifecycle rule expires
    # what still carries it (drafts never submitted). The service gets it as <env_var>_DRAFT_TAG.
    draft_tag: tuple[str, str] | None = None
    # Versioning: a submitted file is pinned by its version id (kept in the dossier with its
    # SHA-256) and only that version is served, whatever is written to its key afterwards.
    versioned: bool = True
    # Days a version pushed down by a later write (or a lifecycle expiry) is kept; None: for
    # good — in a bucket of evidence, a noncurrent version can be the very file submitted.
    noncurrent_version_days: int | None = None

    @property
    def draft_tag_env(self) -> str:
        return f"{self.env_var}_DRAFT_TAG"

    def name(self, stage: str) -> str:
        return f"motcua-{stage}-{self.logical_name}"


@dataclass(frozen=True)
class UserPool:
    logical_name: str = "users"
    groups: tuple[str, ...] = USER_GROUPS
    client_name: str = "motcua-web"
    auth_flows: tuple[str, ...] = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
    # what the portal reads from the ID token to prefill the applicant's details
    read_attributes: tuple[str, ...] = ("name", "email", "email_verified", "phone_number")

    def name(self, stage: str) -> str:
        return f"motcua-{stage}-{self.logical_name}"


@dataclass(frozen=True)
class Messaging:
    """Who e-mails and SMS come from: the SES identity (verified before sending) and the SMS
    sender id (the brandname registered with the carriers)."""

    email_sender: str = "no-reply@motcua.example.vn"
    sms_sender_id: str = "SOYTE"
    # the providers whose delivery receipts notify accepts (a shared secret each)
    receipt_providers: tuple[str, ...] = ("ses", "sns")


@dataclass(frozen=True)
class Resources:
    tables: tuple[Table, ...]
    queues: tuple[Queue, ...]
    buckets: tuple[Bucket, ...]
    user_pool: UserPool
    messaging: Messaging
    # event type -> the services whose queue receives it
    routes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def table_of(self, service: str) -> Table:
        """The service's table whose stream carries its outbox."""
        return next(t for t in self.tables if t.owner == service and t.stream)

    def queue_of(self, service: str) -> Queue:
        return next(q for q in self.queues if q.consumer == service)

    def subscribers(self, event_type: str) -> tuple[str, ...]:
        return self.routes.get(event_type, ())


# Every event that concerns a person goes to notify; the others go where they cause work.
_NOTIFY = ("notify",)
ROUTES: dict[str, tuple[str, ...]] = {
    "dossier.created": (),
    "dossier.submitted": ("delivery", "notify"),
    "dossier.accepted": _NOTIFY,
    "dossier.processing_started": _NOTIFY,
    "dossier.result_ready": ("delivery", "notify"),
    "dossier.returned": _NOTIFY,
    "dossier.supplement_requested": _NOTIFY,
    "dossier.resubmitted": _NOTIFY,
    # payment closes the dossier's fee: no new attempt, and money arriving after is owed back
    "dossier.refused": ("payment", "notify"),
    "dossier.withdrawn": ("payment", "notify"),
    "dossier.stopped": ("payment", "notify"),
    "dossier.extended": _NOTIFY,
    "dossier.rated": (),
    "dossier.due_soon": _NOTIFY,
    "dossier.overdue": _NOTIFY,
    "dossier.fee_requested": ("payment", "notify"),
    "dossier.payment_confirmed": ("payment", "notify"),
    "payment.succeeded": ("intake", "notify"),
    "payment.failed": _NOTIFY,
    "payment.expired": _NOTIFY,
    # the desk and the applicant hear of it; the portal shows it from payment's own API
    "payment.refund_due": _NOTIFY,
    "shipment.booked": _NOTIFY,
    "shipment.booking_failed": _NOTIFY,
    "shipment.delivered": ("intake", "notify"),
    "shipment.failed": ("intake", "notify"),
    "shipment.returned": ("intake", "notify"),
    # For the national portal adapter; no subscriber until it exists.
    "dossier.national_sync": (),
}

RESOURCES = Resources(
    tables=(
        Table(
            logical_name="dossiers",
            owner="intake",
            env_var="DOSSIERS_TABLE",
            indexes=(
                Index("by_owner", "owner_sub", "created_at"),
                Index("by_status", "status", "updated_at"),
                Index("by_code", "code"),
                # sparse: only dossiers under processing / with a running step / with a result
                Index("by_unit", "work_unit", "step_due"),
                Index("by_officer", "work_officer", "step_due"),
                Index("by_deadline", "active_agency", "step_due"),
                Index("by_verification", "verification_code"),
            ),
        ),
        # Counters of the leaders' statistics, kept from the dossiers stream (no stream itself).
        Table(logical_name="intake-stats", owner="intake", env_var="STATS_TABLE", stream=False),
        Table(
            logical_name="payments",
            owner="payment",
            env_var="PAYMENTS_TABLE",
            indexes=(
                Index("by_dossier", "dossier_id", "created_at"),
                # sparse: payments still waiting for the provider's word (PENDING) or for a
                # refund (REFUND_DUE)
                Index("by_pending", "pending", "created_at"),
            ),
        ),
        Table(
            logical_name="shipments",
            owner="delivery",
            env_var="SHIPMENTS_TABLE",
            indexes=(
                Index("by_dossier", "dossier_id", "created_at"),
                Index("by_item_code", "item_code"),
            ),
        ),
        Table(
            logical_name="notifications",
            owner="notify",
            env_var="NOTIFICATIONS_TABLE",
            indexes=(
                Index("by_dossier", "dossier_id", "created_at"),
                # the provider's message id, for delivery receipts
                Index("by_message", "provider_message_id"),
                # sparse: only notifications waiting for a retry or stuck while sending
                Index("by_pending", "pending", "pending_until"),
            ),
        ),
    ),
    queues=tuple(Queue(consumer=service) for service in SERVICES),
    buckets=(
        Bucket(
            logical_name="attachments",
            env_var="ATTACHMENTS_BUCKET",
            draft_tag=("motcua:draft", "true"),
        ),
        Bucket(logical_name="results", env_var="RESULTS_BUCKET"),
    ),
    user_pool=UserPool(),
    messaging=Messaging(),
    routes=ROUTES,
)
