"""What an operator would check in the synthesized stacks: the resources of
infra/resources.py (one source of truth), wired the way the local stack wires them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.cdk.secret_store import SECRETS
from infra.cdk.services import subscribers_of
from infra.resources import RESOURCES, SERVICES
from tests.cdk.conftest import STAGES, Synth

pytestmark = pytest.mark.parametrize("stage", STAGES)


def _functions(synth: Synth, stage: str) -> dict[str, dict[str, Any]]:
    return synth.resources(stage, "AWS::Serverless::Function")


def _service(function: dict[str, Any]) -> str:
    return str(function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"])


def _refs(value: Any) -> set[str]:
    """Logical ids a template value refers to (Ref, Fn::GetAtt)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value:
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        for inner in value.values():
            found |= _refs(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _refs(inner)
    return found


def test_tables_match_the_resource_definitions(synth: Synth, stage: str) -> None:
    tables = {
        body["Properties"]["TableName"]: body["Properties"]
        for body in synth.resources(stage, "AWS::DynamoDB::Table").values()
    }
    assert set(tables) == {t.name(stage) for t in RESOURCES.tables}
    for table in RESOURCES.tables:
        props = tables[table.name(stage)]
        keys = {k["KeyType"]: k["AttributeName"] for k in props["KeySchema"]}
        assert keys == {"HASH": table.partition_key, "RANGE": table.sort_key}
        indexes = {
            gsi["IndexName"]: {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
            for gsi in props.get("GlobalSecondaryIndexes", [])
        }
        expected = {
            i.name: {"HASH": i.partition_key, **({"RANGE": i.sort_key} if i.sort_key else {})}
            for i in table.indexes
        }
        assert indexes == expected, table.logical_name
        stream = props.get("StreamSpecification", {}).get("StreamViewType")
        assert stream == ("NEW_AND_OLD_IMAGES" if table.stream else None)
        ttl = props.get("TimeToLiveSpecification", {})
        assert ttl.get("AttributeName") == table.ttl_attribute
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"]
        assert props["SSESpecification"]["SSEEnabled"]


def test_every_queue_has_its_dlq_and_outlasts_its_consumer(synth: Synth, stage: str) -> None:
    queues = synth.resources(stage, "AWS::SQS::Queue")
    by_name = {body["Properties"]["QueueName"]: (lid, body) for lid, body in queues.items()}
    expected = {n for q in RESOURCES.queues for n in (q.name(stage), q.dlq_name(stage))}
    expected |= {t.stream_failures_name(stage) for t in RESOURCES.tables if t.stream}
    assert set(by_name) == expected
    timeouts = {}
    for function in _functions(synth, stage).values():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "SQS":
                queue_id = event["Properties"]["Queue"]["Fn::GetAtt"][0]
                timeouts[queue_id] = function["Properties"]["Timeout"]
    for queue in RESOURCES.queues:
        logical_id, body = by_name[queue.name(stage)]
        props = body["Properties"]
        dlq_id, _ = by_name[queue.dlq_name(stage)]
        assert props["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
            "maxReceiveCount": queue.max_receive_count,
        }
        assert props["SqsManagedSseEnabled"]
        assert props["VisibilityTimeout"] >= 6 * timeouts[logical_id], queue.consumer


def test_event_sources_report_batch_item_failures(synth: Synth, stage: str) -> None:
    kinds: dict[str, set[str]] = {service: set() for service in SERVICES}
    for function in _functions(synth, stage).values():
        for event in function["Properties"].get("Events", {}).values():
            props = event["Properties"]
            if event["Type"] in ("SQS", "DynamoDB"):
                kinds[_service(function)].add(event["Type"])
                assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
            if event["Type"] == "SQS":
                assert props["BatchSize"] == RESOURCES.queue_of(_service(function)).batch_size
            if event["Type"] == "DynamoDB":
                assert props["BisectBatchOnFunctionError"] is True
                table = RESOURCES.table_of(_service(function))
                assert props["MaximumRetryAttempts"] == table.stream_max_retries
                assert props["Stream"]["Fn::GetAtt"][1] == "StreamArn"
                # a record given up on leaves its place in the table's stream-failures queue
                failures = props["DestinationConfig"]["OnFailure"]
                assert failures["Type"] == "SQS"
                queue = synth.resources(stage, "AWS::SQS::Queue")[
                    failures["Destination"]["Fn::GetAtt"][0]
                ]
                assert queue["Properties"]["QueueName"] == table.stream_failures_name(stage)
    assert all(found == {"SQS", "DynamoDB"} for found in kinds.values()), kinds


def test_event_routes_equal_the_resource_definitions(synth: Synth, stage: str) -> None:
    queues = synth.resources(stage, "AWS::SQS::Queue")
    consumer_of = {
        lid: q.consumer
        for lid, body in queues.items()
        for q in RESOURCES.queues
        if body["Properties"]["QueueName"] == q.name(stage)
    }

    def render(value: Any) -> str:
        if isinstance(value, str):
            return value
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(render(p) for p in parts)
        return f"queue:{consumer_of[value['Ref']]}"

    for function in _functions(synth, stage).values():
        routes = json.loads(
            render(function["Properties"]["Environment"]["Variables"]["EVENT_ROUTES"])
        )
        assert routes == {
            event_type: [f"queue:{s}" for s in subscribers]
            for event_type, subscribers in RESOURCES.routes.items()
        }


def test_each_role_reaches_only_its_own_tables_and_queues(synth: Synth, stage: str) -> None:
    template = synth.template(stage)["Resources"]
    table_ids = {
        body["Properties"]["TableName"]: lid
        for lid, body in template.items()
        if body["Type"] == "AWS::DynamoDB::Table"
    }
    queue_ids = {
        body["Properties"]["QueueName"]: lid
        for lid, body in template.items()
        if body["Type"] == "AWS::SQS::Queue"
    }
    roles_seen = set()
    for function in _functions(synth, stage).values():
        service = _service(function)
        role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
        roles_seen.add((service, role_id))
        statements = [
            s
            for policy in template[role_id]["Properties"]["Policies"]
            for s in policy["PolicyDocument"]["Statement"]
        ]
        actions = lambda s: s["Action"] if isinstance(s["Action"], list) else [s["Action"]]  # noqa: E731
        dynamo = set().union(
            *(
                _refs(s["Resource"])
                for s in statements
                if any(a.startswith("dynamodb:") for a in actions(s))
            )
        )
        own = {table_ids[t.name(stage)] for t in RESOURCES.tables if t.owner == service}
        assert dynamo == own, service
        sends = set().union(
            *(_refs(s["Resource"]) for s in statements if "sqs:SendMessage" in actions(s))
        )
        assert sends == {
            queue_ids[f"motcua-{stage}-{s}-events"] for s in subscribers_of(service, RESOURCES)
        } | {queue_ids[RESOURCES.table_of(service).stream_failures_name(stage)]}
        receives = set().union(
            *(_refs(s["Resource"]) for s in statements if "sqs:ReceiveMessage" in actions(s))
        )
        assert receives == {queue_ids[RESOURCES.queue_of(service).name(stage)]}
        assert not any(a == "*" or a.endswith(":*") for s in statements for a in actions(s))
    # one role per app, not shared
    assert len({role for _, role in roles_seen}) == len(SERVICES)
    assert table_ids["motcua-" + stage + "-dossiers"] not in _refs(
        [template[r]["Properties"]["Policies"] for s, r in roles_seen if s == "notify"]
    )


def test_queue_consumers_are_limited_at_their_event_source_not_throttled(
    synth: Synth, stage: str
) -> None:
    """AWS Lambda developer guide, "Configuring scaling behavior for SQS event source
    mappings": limit a queue consumer with the mapping's maximum concurrency (2-1000, the
    CloudFormation ScalingConfig.MaximumConcurrency range); reserved concurrency, if any, must
    be at least the sum of the maximum concurrency of the function's SQS sources, or Lambda
    throttles the messages. AWS Knowledge Center "lambda-sqs-scaling": use maximum concurrency,
    not reserved concurrency, to limit a consumer (a throttled receive counts toward the
    queue's maxReceiveCount: messages reach the DLQ unprocessed)."""
    consumers = set()
    for function in _functions(synth, stage).values():
        props = function["Properties"]
        sources = [e for e in props.get("Events", {}).values() if e["Type"] == "SQS"]
        if not sources:
            continue
        consumers.add(_service(function))
        limits = [s["Properties"]["ScalingConfig"]["MaximumConcurrency"] for s in sources]
        assert all(isinstance(n, int) and 2 <= n <= 1000 for n in limits), limits
        reserved = props.get("ReservedConcurrentExecutions")
        assert reserved is None or reserved >= sum(limits), (_service(function), reserved)
    assert consumers == {q.consumer for q in RESOURCES.queues}


def test_secret_placeholders_have_the_shape_their_service_reads(synth: Synth, stage: str) -> None:
    """CloudFormation AWS::SecretsManager::Secret GenerateSecretString: without a template the
    first value is a random password; with SecretStringTemplate and GenerateStringKey it is
    that JSON object plus the password under that key. notify reads its receipt secrets as a
    JSON object {provider: secret}: a random string would stop it."""
    generated = {
        body["Properties"]["Name"]: body["Properties"]["GenerateSecretString"]
        for body in synth.resources(stage, "AWS::SecretsManager::Secret").values()
    }
    receipts = generated.pop(f"motcua/{stage}/notify-receipt-secrets")
    template = json.loads(receipts["SecretStringTemplate"])
    assert template == {"ses": "", "sns": ""}  # empty: not configured until the operator says
    assert receipts["GenerateStringKey"] not in template
    assert set(generated) == {
        f"motcua/{stage}/vnpay-hash-secret",
        f"motcua/{stage}/postal-access-token",
        f"motcua/{stage}/postal-callback-secret",
    }
    assert all("SecretStringTemplate" not in g for g in generated.values())


def test_functions_know_where_the_outside_parties_are(synth: Synth, stage: str) -> None:
    """payment cannot sign a payment URL without VNPay's merchant code and addresses, delivery
    cannot book without the post office's: each function's environment names them (empty when
    the deploying shell gave none: the route that needs them then answers 503 and logs ALARM).
    dev uses VNPay's test environment (VNPay PAY integration guide, sandbox configuration)."""
    for function in _functions(synth, stage).values():
        variables = function["Properties"]["Environment"]["Variables"]
        for name in ("VNPAY_TMN_CODE", "VNPAY_PAY_URL", "VNPAY_API_URL", "POSTAL_BASE_URL"):
            assert isinstance(variables[name], str), name
        if stage == "dev":
            assert (
                variables["VNPAY_PAY_URL"] == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
            )


def test_alarm_log_lines_page_the_operator(synth: Synth, stage: str) -> None:
    """A refused call for want of a secret, or an event given up on, logs a line starting
    with ALARM (motcua_shared.secrets, inbox): each service's log group counts them and an
    alarm e-mails the operator on the first one."""
    filters = synth.resources(stage, "AWS::Logs::MetricFilter").values()
    counted = {}
    for f in filters:
        props = f["Properties"]
        if props["FilterPattern"] == '"ALARM"':
            (transformation,) = props["MetricTransformations"]
            counted[props["LogGroupName"]["Ref"]] = (
                transformation["MetricNamespace"],
                transformation["MetricName"],
            )
    groups = {
        lid: body["Properties"]["LogGroupName"]
        for lid, body in synth.resources(stage, "AWS::Logs::LogGroup").items()
    }
    assert {groups[g] for g in counted} == {f"/motcua/{stage}/{s}" for s in SERVICES}
    alarmed = {
        (a["Properties"]["Namespace"], a["Properties"]["MetricName"])
        for a in synth.resources(stage, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["Threshold"] == 1 and a["Properties"].get("AlarmActions")
    }
    assert set(counted.values()) <= alarmed


def test_api_has_the_four_base_paths_with_throttling_and_access_logs(
    synth: Synth, stage: str
) -> None:
    mappings = synth.resources(stage, "AWS::ApiGateway::BasePathMapping")
    assert {m["Properties"]["BasePath"] for m in mappings.values()} == set(SERVICES)
    domains = synth.resources(stage, "AWS::ApiGateway::DomainName")
    assert len(domains) == 1
    apis = synth.resources(stage, "AWS::Serverless::Api")
    assert len(apis) == len(SERVICES)
    for api in apis.values():
        props = api["Properties"]
        assert props["AccessLogSetting"]["DestinationArn"]
        (settings,) = props["MethodSettings"]
        assert settings["ThrottlingRateLimit"] > 0
        assert settings["ThrottlingBurstLimit"] > 0


def test_secrets_are_referenced_not_inlined(synth: Synth, stage: str) -> None:
    secrets = synth.resources(stage, "AWS::SecretsManager::Secret")
    assert len(secrets) == len(SECRETS)
    for function in _functions(synth, stage).values():
        variables = function["Properties"]["Environment"]["Variables"]
        service = _service(function)
        for name, (owner, _) in SECRETS.items():
            assert name not in variables
            if owner == service:
                assert variables[f"{name}_SECRET_ARN"]["Ref"] in secrets
            else:
                assert f"{name}_SECRET_ARN" not in variables
    for secret in secrets.values():
        assert "SecretString" not in secret["Properties"]  # a generated placeholder only


def test_alarms_cover_dlqs_stream_failures_functions_and_apis(synth: Synth, stage: str) -> None:
    alarms = synth.resources(stage, "AWS::CloudWatch::Alarm").values()
    metrics = [(a["Properties"]["Namespace"], a["Properties"]["MetricName"]) for a in alarms]
    functions = len(_functions(synth, stage))
    streams = sum(1 for t in RESOURCES.tables if t.stream)  # their stream-failures queues
    visible = ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert metrics.count(visible) == len(SERVICES) + streams
    assert metrics.count(("AWS/Lambda", "Errors")) == functions
    assert metrics.count(("AWS/Lambda", "Throttles")) == functions
    assert metrics.count(("AWS/ApiGateway", "5XXError")) == len(SERVICES)
    assert synth.resources(stage, "AWS::CloudWatch::Dashboard")


def test_user_pool_groups_and_buckets(synth: Synth, stage: str) -> None:
    groups = synth.resources(stage, "AWS::Cognito::UserPoolGroup").values()
    assert {g["Properties"]["GroupName"] for g in groups} == set(RESOURCES.user_pool.groups)
    buckets = {
        b["Properties"].get("BucketName"): b["Properties"]
        for b in synth.resources(stage, "AWS::S3::Bucket").values()
    }
    for bucket in RESOURCES.buckets:
        props = buckets[bucket.name(stage)]
        assert all(props["PublicAccessBlockConfiguration"].values())
        assert props["BucketEncryption"]
        (cors,) = props["CorsConfiguration"]["CorsRules"]
        assert set(cors["AllowedMethods"]) == set(bucket.cors_methods)
        rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"] if "Id" in r}
        if bucket.draft_tag:  # files of drafts never submitted expire by the tag intake sets
            drafts = rules["abandoned-drafts"]
            key, value = bucket.draft_tag
            assert drafts["TagFilters"] == [{"Key": key, "Value": value}]
        else:
            assert "abandoned-drafts" not in rules
    assert synth.resources(stage, "AWS::CloudFront::Distribution")


def test_buckets_of_evidence_keep_every_version_and_intake_reads_them_by_version(
    synth: Synth, stage: str
) -> None:
    """A submitted file is pinned by its S3 version, so each bucket of
    resources.py is versioned as defined there, and no lifecycle rule expires a noncurrent
    version except the drafts' rule, whose tag a submitted file no longer carries. A request
    that names a version needs the *Version* actions: "If you include a versionId in your
    request header, you must have the s3:GetObjectVersion permission" (Amazon S3 API Reference,
    GetObject); DeleteObjectTagging with versionId needs s3:DeleteObjectVersionTagging."""
    buckets = {
        b["Properties"].get("BucketName"): b["Properties"]
        for b in synth.resources(stage, "AWS::S3::Bucket").values()
    }
    for bucket in RESOURCES.buckets:
        assert bucket.versioned, bucket.logical_name
        props = buckets[bucket.name(stage)]
        assert props["VersioningConfiguration"] == {"Status": "Enabled"}
        for rule in props["LifecycleConfiguration"]["Rules"]:
            if "NoncurrentVersionExpiration" in rule:
                assert bucket.draft_tag, rule
                key, value = bucket.draft_tag
                assert rule["TagFilters"] == [{"Key": key, "Value": value}], rule
    template = synth.template(stage)["Resources"]
    (intake,) = {
        function["Properties"]["Role"]["Fn::GetAtt"][0]
        for function in _functions(synth, stage).values()
        if _service(function) == "intake"
    }
    actions = {
        action
        for policy in template[intake]["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    assert {"s3:GetObjectVersion", "s3:DeleteObjectVersionTagging"} <= actions
