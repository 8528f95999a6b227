"""Tables, queues, buckets and the user pool, each built from its definition in
infra/resources.py so the deployment and the local stack cannot drift apart."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.cdk.config import StageConfig
from infra.cdk.nag import suppress
from infra.resources import Bucket, Resources, Table

_S = dynamodb.AttributeType.STRING


class Data(Construct):
    """Everything that holds state. Names follow infra/resources.py (``motcua-<stage>-…``)."""

    def __init__(
        self, scope: Construct, id: str, *, stage: StageConfig, resources: Resources
    ) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.RETAIN if stage.retain_data else RemovalPolicy.DESTROY
        self.tables = {
            t.logical_name: _table(self, t, stage.name, removal) for t in resources.tables
        }
        self.dlqs: dict[str, sqs.Queue] = {}
        self.queues: dict[str, sqs.Queue] = {}
        for queue in resources.queues:
            dlq = sqs.Queue(
                self,
                f"{queue.consumer}-dlq",
                queue_name=queue.dlq_name(stage.name),
                retention_period=Duration.seconds(queue.dlq_retention_s),
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
            )
            self.dlqs[queue.consumer] = dlq
            self.queues[queue.consumer] = sqs.Queue(
                self,
                f"{queue.consumer}-events",
                queue_name=queue.name(stage.name),
                visibility_timeout=Duration.seconds(queue.visibility_timeout_s),
                encryption=sqs.QueueEncryption.SQS_MANAGED,
                enforce_ssl=True,
                dead_letter_queue=sqs.DeadLetterQueue(
                    queue=dlq, max_receive_count=queue.max_receive_count
                ),
            )

        # Where a stream's reader puts the place of a record it gave up on (Lambda's on-failure
        # destination); the record itself stays in the stream for 24 hours, to be replayed.
        self.stream_failures: dict[str, sqs.Queue] = {}
        for table in resources.tables:
            if table.stream:
                self.stream_failures[table.logical_name] = sqs.Queue(
                    self,
                    f"{table.logical_name}-stream-failures",
                    queue_name=table.stream_failures_name(stage.name),
                    retention_period=Duration.seconds(table.stream_failures_retention_s),
                    encryption=sqs.QueueEncryption.SQS_MANAGED,
                    enforce_ssl=True,
                )
                suppress(
                    self.stream_failures[table.logical_name],
                    (
                        "AwsSolutions-SQS3",
                        "This queue is itself the end of the line for failed stream batches; "
                        "its depth alarms (monitoring.py).",
                    ),
                )

        # Server access logs of the data buckets (and CloudFront's) land here.
        self.access_logs = s3.Bucket(
            self,
            "access-logs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.OBJECT_WRITER,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(stage.log_retention_days))],
            removal_policy=removal,
            auto_delete_objects=False,
        )
        suppress(
            self.access_logs,
            ("AwsSolutions-S1", "This is the access-log bucket; logging it into itself loops."),
        )
        origins = [f"https://{stage.web_domain}"]
        self.buckets: dict[str, s3.Bucket] = {}
        for bucket in resources.buckets:
            self.buckets[bucket.logical_name] = s3.Bucket(
                self,
                bucket.logical_name,
                bucket_name=bucket.name(stage.name),
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                encryption=s3.BucketEncryption.S3_MANAGED,
                enforce_ssl=True,
                versioned=bucket.versioned,
                server_access_logs_bucket=self.access_logs,
                server_access_logs_prefix=f"{bucket.logical_name}/",
                # Browsers PUT and GET through presigned URLs from the portal's origin only.
                cors=[
                    s3.CorsRule(
                        allowed_methods=[s3.HttpMethods(m) for m in bucket.cors_methods],
                        allowed_origins=origins,
                        allowed_headers=["*"],
                        max_age=3000,
                    )
                ],
                lifecycle_rules=_lifecycle(stage, bucket),
                removal_policy=removal,
            )

        pool = resources.user_pool
        self.user_pool = cognito.UserPool(
            self,
            "users",
            user_pool_name=pool.name(stage.name),
            self_sign_up_enabled=True,
            sign_in_aliases=cognito.SignInAliases(username=True, email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=8,
                require_uppercase=True,
                require_lowercase=True,
                require_digits=True,
                require_symbols=True,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            removal_policy=removal,
        )
        suppress(
            self.user_pool,
            (
                "AwsSolutions-COG2",
                "Citizens sign in occasionally from shared phones; MFA is offered per user "
                "through the pool settings rather than required for everyone.",
            ),
            (
                "AwsSolutions-COG3",
                "Threat protection is billed per monthly active user; enable it per stage when "
                "the administration's budget allows (README, costs).",
            ),
            (
                "AwsSolutions-COG8",
                "The Plus feature plan is billed per monthly active user; the portal's "
                "citizens are many and occasional (README, costs).",
            ),
        )
        self.user_pool_client = self.user_pool.add_client(
            "web",
            user_pool_client_name=pool.client_name,
            auth_flows=cognito.AuthFlow(user_password=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
        )
        self.groups = [
            cognito.CfnUserPoolGroup(
                self, f"group-{group}", user_pool_id=self.user_pool.user_pool_id, group_name=group
            )
            for group in pool.groups
        ]


def _table(scope: Construct, table: Table, stage: str, removal: RemovalPolicy) -> dynamodb.Table:
    result = dynamodb.Table(
        scope,
        table.logical_name,
        table_name=table.name(stage),
        partition_key=dynamodb.Attribute(name=table.partition_key, type=_S),
        sort_key=dynamodb.Attribute(name=table.sort_key, type=_S) if table.sort_key else None,
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if table.stream else None,
        time_to_live_attribute=table.ttl_attribute,
        removal_policy=removal,
    )
    for index in table.indexes:
        result.add_global_secondary_index(
            index_name=index.name,
            partition_key=dynamodb.Attribute(name=index.partition_key, type=_S),
            sort_key=dynamodb.Attribute(name=index.sort_key, type=_S) if index.sort_key else None,
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return result


def _lifecycle(stage: StageConfig, bucket: Bucket) -> list[s3.LifecycleRule]:
    # Intake tags the uploads of a draft (bucket.draft_tag); submitting removes the tag from the
    # version it freezes. Tags belong to each version: what the rule expires — current or pushed
    # down — is only ever a draft's file, never a submitted one.
    drafts = (
        [
            s3.LifecycleRule(
                id="abandoned-drafts",
                tag_filters={bucket.draft_tag[0]: bucket.draft_tag[1]},
                expiration=Duration.days(stage.abandoned_draft_days),
                noncurrent_version_expiration=(Duration.days(1) if bucket.versioned else None),
            )
        ]
        if bucket.draft_tag
        else []
    )
    # Replaced versions expire only where no version is evidence (Bucket.noncurrent_version_days).
    replaced = (
        [
            s3.LifecycleRule(
                id="replaced-versions",
                noncurrent_version_expiration=Duration.days(bucket.noncurrent_version_days),
            )
        ]
        if bucket.versioned and bucket.noncurrent_version_days is not None
        else []
    )
    return [
        *drafts,
        s3.LifecycleRule(
            id="incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(2)
        ),
        *replaced,
        # A delete marker left with no version behind it (an abandoned draft's, once expired).
        s3.LifecycleRule(id="expired-delete-markers", expired_object_delete_marker=True),
    ]
