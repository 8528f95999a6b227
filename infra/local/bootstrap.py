"""Create every resource of infra/resources.py in an AWS (moto locally and in tests) and return
what the services need to find them: their environment."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from infra.resources import RESOURCES, Resources, Table
from motcua_shared.roles import Role

# Demo accounts of the local stack (README lists them): at least one per group.
DEMO_PASSWORD = "Motcua@2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str  # a Role (motcua_shared.roles); any group name for a test's own user
    name: str
    email: str
    phone: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "citizen1", Role.CITIZEN, "Nguyễn Thị Hồng Nhung", "citizen1@example.vn", "+84912000001"
    ),
    DemoUser("citizen2", Role.CITIZEN, "Trần Văn Bình", "citizen2@example.vn", "+84912000002"),
    DemoUser("desk1", Role.DESK_OFFICER, "Lê Thị Thu Hà", "desk1@example.vn", "+84912000003"),
    DemoUser(
        "officer1", Role.PROCESSING_OFFICER, "Phạm Minh Tuấn", "officer1@example.vn", "+84912000004"
    ),
    DemoUser("leader1", Role.LEADER, "Võ Thanh Sơn", "leader1@example.vn", "+84912000005"),
    DemoUser("postal1", Role.POSTAL_AGENT, "Đặng Văn Nam", "postal1@example.vn", "+84912000006"),
    DemoUser("admin1", Role.ADMIN, "Hoàng Quốc Việt", "admin1@example.vn", "+84912000007"),
)


@dataclass
class Stack:
    """Names and addresses of the created resources."""

    stage: str
    region: str
    tables: dict[str, str] = field(default_factory=dict)  # logical name -> table name
    stream_arns: dict[str, str] = field(default_factory=dict)  # logical name -> stream ARN
    queue_urls: dict[str, str] = field(default_factory=dict)  # consumer -> queue URL
    dlq_urls: dict[str, str] = field(default_factory=dict)  # consumer -> DLQ URL
    queue_arns: dict[str, str] = field(default_factory=dict)
    # service -> the queue where its table's stream reader leaves records it gave up on
    stream_failure_urls: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    user_pool_id: str = ""
    user_pool_client_id: str = ""

    def event_routes(self, resources: Resources = RESOURCES) -> dict[str, list[str]]:
        return {
            event_type: [self.queue_urls[s] for s in subscribers]
            for event_type, subscribers in resources.routes.items()
        }

    def environment(self, resources: Resources = RESOURCES) -> dict[str, str]:
        """The environment every service function gets (each reads what it needs)."""
        env = {
            "MOTCUA_STAGE": self.stage,
            "AWS_DEFAULT_REGION": self.region,
            "USER_POOL_ID": self.user_pool_id,
            "USER_POOL_CLIENT_ID": self.user_pool_client_id,
            "EVENT_ROUTES": json.dumps(self.event_routes(resources)),
            "MAX_RECEIVE_COUNT": str(_max_receive_count(resources)),
            "NOTIFY_EMAIL_SENDER": resources.messaging.email_sender,
            "NOTIFY_SMS_SENDER_ID": resources.messaging.sms_sender_id,
            # pydantic would otherwise scan every installed package for plugins at cold start
            "PYDANTIC_DISABLE_PLUGINS": "__all__",
        }
        for table in resources.tables:
            env[table.env_var] = self.tables[table.logical_name]
            if table.stream:
                env[stream_env_var(table)] = self.stream_arns[table.logical_name]
        for queue in resources.queues:
            env[f"{queue.consumer.upper()}_EVENTS_QUEUE"] = queue.name(self.stage)
        for bucket in resources.buckets:
            env[bucket.env_var] = self.buckets[bucket.logical_name]
            if bucket.draft_tag:
                env[bucket.draft_tag_env] = "=".join(bucket.draft_tag)
        return env


def _max_receive_count(resources: Resources) -> int:
    counts = {queue.max_receive_count for queue in resources.queues}
    if len(counts) != 1:
        raise ValueError("the services share one MAX_RECEIVE_COUNT setting: keep the queues alike")
    return counts.pop()


def stream_env_var(table: Table) -> str:
    return table.env_var.removesuffix("_TABLE") + "_STREAM_ARN"


def create_table(dynamodb: Any, table: Table, stage: str) -> str:
    key_schema = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    if table.sort_key:
        key_schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
    params: dict[str, Any] = {
        "TableName": table.name(stage),
        "KeySchema": key_schema,
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in table.key_attributes
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if table.stream:
        params["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        }
    if table.indexes:
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index.name,
                "KeySchema": [{"AttributeName": index.partition_key, "KeyType": "HASH"}]
                + (
                    [{"AttributeName": index.sort_key, "KeyType": "RANGE"}]
                    if index.sort_key
                    else []
                ),
                "Projection": {"ProjectionType": "ALL"},
            }
            for index in table.indexes
        ]
    description = dynamodb.create_table(**params)["TableDescription"]
    if table.ttl_attribute:
        dynamodb.update_time_to_live(
            TableName=table.name(stage),
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )
    return str(description.get("LatestStreamArn", ""))


def create_all(
    session: Any, stage: str, resources: Resources = RESOURCES, seed_users: bool = True
) -> Stack:
    """Create tables, queues with their DLQs, buckets and the user pool; seed demo users."""
    region = session.region_name
    stack = Stack(stage=stage, region=region)
    dynamodb = session.client("dynamodb")
    for table in resources.tables:
        stack.tables[table.logical_name] = table.name(stage)
        stack.stream_arns[table.logical_name] = create_table(dynamodb, table, stage)

    sqs = session.client("sqs")
    for queue in resources.queues:
        dlq_url = sqs.create_queue(
            QueueName=queue.dlq_name(stage),
            Attributes={"MessageRetentionPeriod": str(queue.dlq_retention_s)},
        )["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        url = sqs.create_queue(
            QueueName=queue.name(stage),
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout_s),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receive_count}
                ),
            },
        )["QueueUrl"]
        stack.queue_urls[queue.consumer] = url
        stack.dlq_urls[queue.consumer] = dlq_url
        stack.queue_arns[queue.consumer] = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]

    for table in resources.tables:
        if table.stream:
            stack.stream_failure_urls[table.owner] = sqs.create_queue(
                QueueName=table.stream_failures_name(stage),
                Attributes={"MessageRetentionPeriod": str(table.stream_failures_retention_s)},
            )["QueueUrl"]

    s3 = session.client("s3")
    for bucket in resources.buckets:
        name = bucket.name(stage)
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_bucket_cors(
            Bucket=name,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedMethods": list(bucket.cors_methods),
                        "AllowedOrigins": ["*"],
                        "AllowedHeaders": ["*"],
                        "MaxAgeSeconds": 3000,
                    }
                ]
            },
        )
        if bucket.versioned:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        stack.buckets[bucket.logical_name] = name

    cognito = session.client("cognito-idp")
    pool = resources.user_pool
    stack.user_pool_id = cognito.create_user_pool(
        PoolName=pool.name(stage),
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
            }
        },
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    stack.user_pool_client_id = cognito.create_user_pool_client(
        UserPoolId=stack.user_pool_id,
        ClientName=pool.client_name,
        ExplicitAuthFlows=list(pool.auth_flows),
        ReadAttributes=list(pool.read_attributes),
        GenerateSecret=False,
    )["UserPoolClient"]["ClientId"]
    for group in pool.groups:
        cognito.create_group(GroupName=group, UserPoolId=stack.user_pool_id)
    if seed_users:
        for user in DEMO_USERS:
            create_user(cognito, stack.user_pool_id, user, DEMO_PASSWORD)

    # SES sends only from a verified identity (moto checks it too).
    session.client("ses").verify_email_identity(EmailAddress=resources.messaging.email_sender)
    return stack


def create_user(cognito: Any, pool_id: str, user: DemoUser, password: str) -> None:
    cognito.admin_create_user(
        UserPoolId=pool_id,
        Username=user.username,
        UserAttributes=[
            {"Name": "name", "Value": user.name},
            {"Name": "email", "Value": user.email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "phone_number", "Value": user.phone},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool_id, Username=user.username, Password=password, Permanent=True
    )
    cognito.admin_add_user_to_group(
        UserPoolId=pool_id, Username=user.username, GroupName=user.group
    )
