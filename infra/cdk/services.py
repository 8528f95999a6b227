"""The four Chalice apps as Lambda functions: packaged by Chalice's CDK construct, then wired
to the real tables, streams and queues, with one least-privilege role per app.

``chalice package`` imports each app.py, which reads its settings at import time, so it runs
with placeholder names (the local stack's shape); the real names and ARNs, only known as
CloudFormation references, are put into the packaged template afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk import Aws, CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from chalice.cdk import Chalice
from constructs import Construct

from infra.cdk import packaging
from infra.cdk.config import StageConfig
from infra.cdk.data import Data
from infra.cdk.nag import suppress
from infra.cdk.secret_store import SecretStore
from infra.local.bootstrap import Stack as LocalShape
from infra.local.bootstrap import stream_env_var
from infra.resources import Resources

# Which service publishes an event type (its outbox rides on that service's table stream).
PUBLISHER_OF = {"dossier": "intake", "payment": "payment", "shipment": "delivery"}
MEMORY_MB = 512


def subscribers_of(service: str, resources: Resources) -> list[str]:
    """The services whose queues receive events published by ``service``."""
    found = {
        subscriber
        for event_type, subscribers in resources.routes.items()
        if PUBLISHER_OF.get(event_type.split(".", 1)[0]) == service
        for subscriber in subscribers
    }
    return sorted(found)


class NoRestApi(LookupError):
    """The service declares no HTTP route, so SAM made it no API and no API stage."""


class NoCfnResource(TypeError):
    """A construct whose default child is not a CloudFormation resource (it has no ARN to name)."""


@dataclass
class Function:
    logical_id: str
    resource: CfnResource
    events: dict[str, str]  # event name -> SAM event type


class ServiceApp(Construct):
    """One Chalice app: its functions, API and role."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        service: str,
        stage: StageConfig,
        resources: Resources,
        data: Data,
        secrets: SecretStore,
        environment: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id)
        self.service = service
        queue = resources.queue_of(service)
        self.log_group = logs.LogGroup(
            self,
            "logs",
            log_group_name=f"/motcua/{stage.name}/{service}",
            retention=_retention(stage),
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.role = iam.Role(
            self,
            "role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"motcua {service}: only its own tables, queues and secrets",
            inline_policies={
                "least-privilege": iam.PolicyDocument(
                    statements=_statements(service, resources, data, secrets, self.log_group)
                )
            },
        )
        _explain_wildcards(self.role, service, resources, data)
        app_dir = packaging.prepare_app(service)
        stage_config: dict[str, Any] = {
            "api_gateway_stage": "api",
            "manage_iam_role": False,
            # replaced by the role above once packaged (a reference, unknown to Chalice)
            "iam_role_arn": f"arn:aws:iam::{stage.account}:role/motcua-placeholder",
            "lambda_timeout": queue.consumer_timeout_s,
            "lambda_memory_size": MEMORY_MB,
            "automatic_layer": False,
            "environment_variables": {"POWERTOOLS_SERVICE_NAME": service},
        }
        with _packaging_environment(stage, resources):
            self.app = Chalice(
                self,
                "chalice",
                source_dir=str(app_dir),
                stage_config=stage_config,
                preserve_logical_ids=False,
            )
        package_dir = Path(self.app._sam_package_dir)
        self.package = packaging.report(service, package_dir / "deployment.zip")
        template = json.loads((package_dir / "sam.json").read_text())
        self.functions = self._wire_functions(
            template, stage, resources, data, secrets, environment
        )
        self.rest_api = self._configure_api(template, stage)

    def _wire_functions(
        self,
        template: dict[str, Any],
        stage: StageConfig,
        resources: Resources,
        data: Data,
        secrets: SecretStore,
        environment: Mapping[str, str],
    ) -> list[Function]:
        queue = resources.queue_of(self.service)
        table = resources.table_of(self.service)
        env = dict(environment)
        for name, secret in secrets.of(self.service).items():
            env[name + "_SECRET_ARN"] = secret.secret_arn
        functions = []
        for logical_id, body in template["Resources"].items():
            if body["Type"] != "AWS::Serverless::Function":
                continue
            resource = self.app.get_resource(logical_id)
            resource.add_property_override("Role", self.role.role_arn)
            resource.add_property_override("Environment.Variables", env)
            resource.add_property_override(
                "LoggingConfig", {"LogGroup": self.log_group.log_group_name, "LogFormat": "JSON"}
            )
            events = body["Properties"].get("Events", {})
            for event_name, event in events.items():
                path = f"Events.{event_name}.Properties"
                if event["Type"] == "SQS":
                    resource.add_property_override(
                        f"{path}.Queue", data.queues[self.service].queue_arn
                    )
                    resource.add_property_override(f"{path}.BatchSize", queue.batch_size)
                    resource.add_property_override(
                        f"{path}.FunctionResponseTypes", ["ReportBatchItemFailures"]
                    )
                    # Throttle at the mapping, never by reserved concurrency (config.py).
                    resource.add_property_override(
                        f"{path}.ScalingConfig",
                        {"MaximumConcurrency": stage.consumer_concurrency[self.service]},
                    )
                elif event["Type"] == "DynamoDB":
                    resource.add_property_override(
                        f"{path}.Stream", data.tables[table.logical_name].table_stream_arn
                    )
                    resource.add_property_override(
                        f"{path}.FunctionResponseTypes", ["ReportBatchItemFailures"]
                    )
                    resource.add_property_override(f"{path}.BisectBatchOnFunctionError", True)
                    resource.add_property_override(
                        f"{path}.MaximumRetryAttempts", table.stream_max_retries
                    )
                    # The place of a record given up on, to replay (python -m infra.ops streams)
                    failures = data.stream_failures[table.logical_name]
                    resource.add_property_override(
                        f"{path}.DestinationConfig",
                        {"OnFailure": {"Type": "SQS", "Destination": failures.queue_arn}},
                    )
            functions.append(
                Function(logical_id, resource, {n: e["Type"] for n, e in events.items()})
            )
        return functions

    def _configure_api(self, template: dict[str, Any], stage: StageConfig) -> CfnResource | None:
        if "RestAPI" not in template["Resources"]:
            return None
        api: CfnResource = self.app.get_resource("RestAPI")  # (chalice is untyped)
        self.access_logs = logs.LogGroup(
            self,
            "access-logs",
            log_group_name=f"/motcua/{stage.name}/{self.service}/api-access",
            retention=_retention(stage),
            removal_policy=RemovalPolicy.DESTROY,
        )
        api.add_property_override("Name", f"motcua-{stage.name}-{self.service}")
        api.add_property_override("EndpointConfiguration", {"Type": "REGIONAL"})
        api.add_property_override(
            "AccessLogSetting",
            {
                "DestinationArn": self.access_logs.log_group_arn,
                "Format": json.dumps(ACCESS_LOG_FORMAT),
            },
        )
        api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": stage.api_rate_limit,
                    "ThrottlingBurstLimit": stage.api_burst_limit,
                    "MetricsEnabled": True,
                    "LoggingLevel": "ERROR",
                }
            ],
        )
        return api

    @property
    def api_stage_logical_id(self) -> str:
        """The stage resource SAM creates for the API (``<api id><stage>Stage``)."""
        if self.rest_api is None:
            raise NoRestApi(self.service)
        return str(Stack.of(self).resolve(self.rest_api.logical_id)) + "apiStage"


def _retention(stage: StageConfig) -> logs.RetentionDays:
    days = {
        7: logs.RetentionDays.ONE_WEEK,
        14: logs.RetentionDays.TWO_WEEKS,
        30: logs.RetentionDays.ONE_MONTH,
        90: logs.RetentionDays.THREE_MONTHS,
        365: logs.RetentionDays.ONE_YEAR,
    }
    return days[stage.log_retention_days]


ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "time": "$context.requestTime",
    "method": "$context.httpMethod",
    "path": "$context.path",
    "status": "$context.status",
    "latencyMs": "$context.responseLatency",
    "bytes": "$context.responseLength",
}


def _statements(
    service: str,
    resources: Resources,
    data: Data,
    secrets: SecretStore,
    log_group: logs.LogGroup,
) -> list[iam.PolicyStatement]:
    stream_table = data.tables[resources.table_of(service).logical_name]
    table_arns = []
    for table in resources.tables:
        if table.owner == service:
            arn = data.tables[table.logical_name].table_arn
            table_arns += [arn, f"{arn}/index/*"] if table.indexes else [arn]
    statements = [
        iam.PolicyStatement(
            sid="OwnTables",
            actions=[
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:DescribeTable",
            ],
            resources=table_arns,
        ),
        iam.PolicyStatement(
            sid="OwnStream",
            actions=[
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            resources=[stream_table.table_stream_arn or "", f"{stream_table.table_arn}/stream/*"],
        ),
        iam.PolicyStatement(
            sid="OwnQueue",
            actions=[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
            ],
            resources=[data.queues[service].queue_arn],
        ),
        iam.PolicyStatement(
            sid="OwnStreamFailures",
            actions=["sqs:SendMessage"],
            resources=[data.stream_failures[resources.table_of(service).logical_name].queue_arn],
        ),
        iam.PolicyStatement(
            sid="Logs",
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[f"{log_group.log_group_arn}"],
        ),
    ]
    targets = subscribers_of(service, resources)
    if targets:
        statements.append(
            iam.PolicyStatement(
                sid="PublishEvents",
                actions=["sqs:SendMessage"],
                resources=[data.queues[s].queue_arn for s in targets],
            )
        )
    own_secrets = secrets.of(service)
    if own_secrets:
        statements.append(
            iam.PolicyStatement(
                sid="OwnSecrets",
                actions=["secretsmanager:GetSecretValue"],
                resources=[s.secret_arn for s in own_secrets.values()],
            )
        )
    if service == "intake":
        statements.append(
            iam.PolicyStatement(
                sid="Documents",
                # PutObjectTagging: presigned uploads of drafts carry the draft tag;
                # DeleteObjectTagging: submitting a dossier keeps its files for good. A submitted
                # file is read and untagged, and served, by its version id: S3 asks for the
                # *Version* actions when a request names a version.
                actions=[
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:PutObject",
                    "s3:PutObjectTagging",
                    "s3:DeleteObjectTagging",
                    "s3:DeleteObjectVersionTagging",
                ],
                resources=[b.arn_for_objects("*") for b in data.buckets.values()],
            )
        )
    if service == "notify":
        statements += [
            iam.PolicyStatement(
                sid="SendEmail",
                actions=["ses:SendEmail", "ses:SendRawEmail"],
                resources=[
                    f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/"
                    f"{resources.messaging.email_sender.split('@', 1)[1]}",
                    f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/"
                    f"{resources.messaging.email_sender}",
                ],
            ),
            iam.PolicyStatement(
                sid="SendSms",
                actions=["sns:Publish"],
                # SMS goes to phone numbers, which have no ARN.
                resources=["*"],
            ),
            iam.PolicyStatement(
                sid="StaffDirectory",
                actions=["cognito-idp:ListUsersInGroup", "cognito-idp:AdminGetUser"],
                resources=[data.user_pool.user_pool_arn],
            ),
        ]
    return statements


def _explain_wildcards(role: iam.Role, service: str, resources: Resources, data: Data) -> None:
    """Acknowledge each wildcard of the role's policy, with the reason it is still narrow."""
    stack = Stack.of(role)

    def arn_of(construct: Construct) -> str:
        child = construct.node.default_child
        if not isinstance(child, CfnResource):
            raise NoCfnResource(construct.node.path)
        return f"<{stack.resolve(child.logical_id)}.Arn>"

    findings: list[tuple[str, str]] = []
    for table in resources.tables:
        if table.owner != service:
            continue
        arn = arn_of(data.tables[table.logical_name])
        if table.indexes:
            findings.append(
                (
                    f"AwsSolutions-IAM5[Resource::{arn}/index/*]",
                    "Queries by this table's own secondary indexes (and only this table's).",
                )
            )
        if table.stream:
            findings.append(
                (
                    f"AwsSolutions-IAM5[Resource::{arn}/stream/*]",
                    "dynamodb:ListStreams has no per-stream ARN; limited to this table's "
                    "streams, which the event source mapping reads.",
                )
            )
    if service == "intake":
        for bucket in data.buckets.values():
            findings.append(
                (
                    f"AwsSolutions-IAM5[Resource::{arn_of(bucket)}/*]",
                    "Presigned uploads and downloads of any dossier's documents: objects "
                    "of this one bucket, keyed per dossier.",
                )
            )
    if service == "notify":
        findings.append(
            (
                "AwsSolutions-IAM5[Resource::*]",
                "sns:Publish of an SMS goes to a phone number, which has no ARN; the "
                "statement allows only sns:Publish.",
            )
        )
    suppress(role, *findings)


def function_environment(stage: StageConfig, resources: Resources, data: Data) -> dict[str, str]:
    """Stack.environment() of the local stack, with CloudFormation references for the names."""
    stack = Stack.of(data)
    env = {
        "MOTCUA_STAGE": stage.name,
        "USER_POOL_ID": data.user_pool.user_pool_id,
        "USER_POOL_CLIENT_ID": data.user_pool_client.user_pool_client_id,
        "EVENT_ROUTES": stack.to_json_string(
            {
                event_type: [data.queues[s].queue_url for s in subscribers]
                for event_type, subscribers in resources.routes.items()
            }
        ),
        "MAX_RECEIVE_COUNT": str(
            resources.queue_of(resources.queues[0].consumer).max_receive_count
        ),
        "NOTIFY_EMAIL_SENDER": resources.messaging.email_sender,
        "NOTIFY_SMS_SENDER_ID": resources.messaging.sms_sender_id,
        "PUBLIC_BASE_URL": f"https://{stage.web_domain}",
        **stage.partners,
        "POWERTOOLS_LOG_LEVEL": "INFO",
        # pydantic would otherwise scan every installed package for plugins at cold start
        "PYDANTIC_DISABLE_PLUGINS": "__all__",
    }
    for table in resources.tables:
        env[table.env_var] = data.tables[table.logical_name].table_name
        if table.stream:
            env[stream_env_var(table)] = data.tables[table.logical_name].table_stream_arn or ""
    for queue in resources.queues:
        env[f"{queue.consumer.upper()}_EVENTS_QUEUE"] = data.queues[queue.consumer].queue_name
    for bucket in resources.buckets:
        env[bucket.env_var] = data.buckets[bucket.logical_name].bucket_name
        if bucket.draft_tag:
            env[bucket.draft_tag_env] = "=".join(bucket.draft_tag)
    return env


@contextlib.contextmanager
def _packaging_environment(stage: StageConfig, resources: Resources) -> Iterator[None]:
    """What app.py needs to be imported by ``chalice package``: placeholder names in the local
    stack's shape, a region, no secrets; ``app`` imported afresh for each service."""
    shape = LocalShape(stage=stage.name, region=stage.region)
    for table in resources.tables:
        shape.tables[table.logical_name] = table.name(stage.name)
        shape.stream_arns[table.logical_name] = (
            f"arn:aws:dynamodb:{stage.region}:{stage.account}:table/"
            f"{table.name(stage.name)}/stream/placeholder"
        )
    for queue in resources.queues:
        shape.queue_urls[queue.consumer] = queue.name(stage.name)
    for bucket in resources.buckets:
        shape.buckets[bucket.logical_name] = bucket.name(stage.name)
    saved_env = dict(os.environ)
    saved_path = list(sys.path)
    saved_app = sys.modules.pop("app", None)
    os.environ.update(shape.environment(resources))
    for name in [n for n in os.environ if n.endswith("_SECRET_ARN")]:
        del os.environ[name]
    cwd = Path.cwd()
    packaging.BUILD_DIR.mkdir(parents=True, exist_ok=True)
    os.chdir(packaging.BUILD_DIR)  # the construct writes chalice.out/ into the working directory
    try:
        yield
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        sys.modules.pop("app", None)
        if saved_app is not None:
            sys.modules["app"] = saved_app
