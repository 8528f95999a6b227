"""The machinery of tests/cdk/test_dress_rehearsal.py: a synthesized stack materialized in
moto (CloudFormation references resolved to the resources moto creates from the template's own
properties), one function started in a fresh interpreter as Lambda's Python runtime starts it,
and the events Lambda delivers. See the test module for the rules it holds to."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3

STAGE = "dev"
REGION = "ap-southeast-1"
ACCOUNT = "123456789012"
HERE = Path(__file__).resolve().parent
# What Lambda's python3.11 runtime has beside the deployment package: the AWS SDK for Python
# and its dependencies. A package missing anything else fails here as it would on AWS.
RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six.py", "urllib3")
# Lambda's reserved variables ("Defined runtime environment variables"): a function whose
# configuration sets one of them cannot be created.
RESERVED = {
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
}


# -- the stack, materialized in moto -------------------------------------------------------------


@dataclass
class Deployment:
    """The synthesized template's resources, created in moto on first reference."""

    template: dict[str, Any]
    session: boto3.session.Session
    endpoint: str
    physical: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> Ref/attributes
    secret_values: dict[str, str] = field(default_factory=dict)  # secret name -> value

    def client(self, name: str) -> Any:
        return self.session.client(name, endpoint_url=self.endpoint)

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self.template["Resources"])

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str | int | float | bool):
            return value
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        assert isinstance(value, dict), value
        assert len(value) == 1, value
        [(function, argument)] = value.items()
        if function == "Ref":
            return self.pseudo(argument) or self.attribute(argument, "Ref")
        if function == "Fn::GetAtt":
            return self.attribute(argument[0], argument[1])
        if function == "Fn::Join":
            separator, parts = argument
            return str(separator).join(str(self.resolve(p)) for p in parts)
        if function == "Fn::Sub":
            text, names = (argument, {}) if isinstance(argument, str) else argument
            return re.sub(r"\$\{([^}]+)\}", lambda m: str(self._sub(m.group(1), names)), str(text))
        raise AssertionError(f"the rehearsal cannot resolve {function}")

    def _sub(self, name: str, names: dict[str, Any]) -> Any:
        if name in names:
            return self.resolve(names[name])
        if "." in name and not name.startswith("AWS::"):
            logical_id, attribute = name.split(".", 1)
            return self.attribute(logical_id, attribute)
        return self.pseudo(name) or self.attribute(name, "Ref")

    @staticmethod
    def pseudo(name: str) -> str | None:
        return {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": f"motcua-{STAGE}",
        }.get(name)

    def attribute(self, logical_id: str, name: str) -> str:
        if logical_id not in self.physical:
            self.physical[logical_id] = self._create(logical_id)
        found = self.physical[logical_id]
        assert name in found, f"{logical_id} ({self.resources[logical_id]['Type']}) has no {name}"
        return found[name]

    def _create(self, logical_id: str) -> dict[str, str]:
        body = self.resources[logical_id]
        props = body.get("Properties", {})
        kind = body["Type"]
        if kind == "AWS::DynamoDB::Table":
            return self._table(props)
        if kind == "AWS::SQS::Queue":
            url = self.client("sqs").create_queue(QueueName=props["QueueName"])["QueueUrl"]
            arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{props['QueueName']}"
            return {"Ref": url, "Arn": arn, "QueueName": props["QueueName"], "QueueUrl": url}
        if kind == "AWS::S3::Bucket":
            name = self.resolve(props["BucketName"])
            self.client("s3").create_bucket(
                Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
            )
            return {"Ref": name, "Arn": f"arn:aws:s3:::{name}"}
        if kind == "AWS::Cognito::UserPool":
            return self._user_pool(logical_id, props)
        if kind == "AWS::Cognito::UserPoolClient":
            pool = self.resolve(props["UserPoolId"])
            created = self.client("cognito-idp").create_user_pool_client(
                UserPoolId=pool, ClientName=props.get("ClientName", logical_id)
            )
            return {"Ref": created["UserPoolClient"]["ClientId"]}
        if kind == "AWS::SecretsManager::Secret":
            value = self.generated_secret(props["GenerateSecretString"])
            arn = self.client("secretsmanager").create_secret(
                Name=props["Name"], SecretString=value
            )["ARN"]
            self.secret_values[props["Name"]] = value
            return {"Ref": arn, "Id": arn}
        if kind == "AWS::Logs::LogGroup":
            return {"Ref": props["LogGroupName"]}
        raise AssertionError(f"the rehearsal cannot create {kind} ({logical_id})")

    def _table(self, props: dict[str, Any]) -> dict[str, str]:
        request: dict[str, Any] = {
            "TableName": props["TableName"],
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = [
                {k: v for k, v in index.items() if k in {"IndexName", "KeySchema", "Projection"}}
                for index in props["GlobalSecondaryIndexes"]
            ]
        if "StreamSpecification" in props:
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        table = self.client("dynamodb").create_table(**request)["TableDescription"]
        found = {"Ref": table["TableName"], "Arn": table["TableArn"]}
        if "LatestStreamArn" in table:
            found["StreamArn"] = table["LatestStreamArn"]
        return found

    def _user_pool(self, logical_id: str, props: dict[str, Any]) -> dict[str, str]:
        cognito = self.client("cognito-idp")
        pool = cognito.create_user_pool(PoolName=props.get("UserPoolName", logical_id))
        pool_id = pool["UserPool"]["Id"]
        for body in self.resources.values():  # its groups (the staff directory reads them)
            group = body.get("Properties", {})
            if body["Type"] == "AWS::Cognito::UserPoolGroup" and group["UserPoolId"] == {
                "Ref": logical_id
            }:
                cognito.create_group(UserPoolId=pool_id, GroupName=group["GroupName"])
        return {"Ref": pool_id, "Arn": pool["UserPool"]["Arn"], "ProviderName": pool_id}

    def generated_secret(self, generate: dict[str, Any]) -> str:
        """The value Secrets Manager gives a new secret with this GenerateSecretString."""
        options = {
            k: generate[k]
            for k in (
                "PasswordLength",
                "ExcludeCharacters",
                "ExcludeNumbers",
                "ExcludePunctuation",
                "ExcludeUppercase",
                "ExcludeLowercase",
                "IncludeSpace",
                "RequireEachIncludedType",
            )
            if k in generate
        }
        password = self.client("secretsmanager").get_random_password(**options)["RandomPassword"]
        if "SecretStringTemplate" not in generate:
            assert "GenerateStringKey" not in generate
            return str(password)
        document = json.loads(generate["SecretStringTemplate"])
        document[generate["GenerateStringKey"]] = password
        return json.dumps(document)

    def functions(self) -> dict[tuple[str, str], dict[str, Any]]:
        found = {}
        for body in self.resources.values():
            if body["Type"] == "AWS::Serverless::Function":
                props = body["Properties"]
                service = props["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
                found[(service, props["Handler"])] = props
        return found

    def environment(self, props: dict[str, Any]) -> dict[str, str]:
        """The function's configured variables, every reference resolved."""
        return {name: str(self.resolve(v)) for name, v in props["Environment"]["Variables"].items()}


@dataclass
class Invocation:
    result: Any
    error: str | None  # what the invocation raised (Lambda reports a function error)
    output: str


def invoke(
    deployment: Deployment,
    task_roots: dict[str, Path],
    runtime_dir: Path,
    tmp_path: Path,
    service: str,
    handler: str,
    event: dict[str, Any],
) -> Invocation:
    """One cold start and one invocation of the function, in a fresh interpreter."""
    props = deployment.functions()[(service, handler)]
    configured = deployment.environment(props)
    assert not set(configured) & RESERVED, set(configured) & RESERVED
    name = f"motcua-{STAGE}-{service}-{handler.split('.')[1]}"
    env = {
        **configured,
        # what Lambda defines ("Defined runtime environment variables")
        "_HANDLER": handler,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(props["MemorySize"]),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_FORMAT": props.get("LoggingConfig", {}).get("LogFormat", "Text"),
        "AWS_ACCESS_KEY_ID": "rehearsal",
        "AWS_SECRET_ACCESS_KEY": "rehearsal",
        "AWS_SESSION_TOKEN": "rehearsal",
        "LAMBDA_TASK_ROOT": str(task_roots[service]),
        "LAMBDA_RUNTIME_DIR": str(runtime_dir),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        # the one addition: AWS is moto
        "AWS_ENDPOINT_URL": deployment.endpoint,
    }
    event_file, answer_file = tmp_path / "event.json", tmp_path / "answer.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            str(HERE / "lambda_runtime.py"),
            str(task_roots[service]),
            str(runtime_dir),
            str(event_file),
            str(answer_file),
        ],
        env=env,
        cwd=task_roots[service],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    answer = json.loads(answer_file.read_text(encoding="utf-8"))
    error = answer.get("error")
    # Starting must always work: a function that cannot start fails every request and event.
    assert not str(error).startswith("Init"), f"{error}\n{answer['traceback']}{output[-3000:]}"
    return Invocation(answer.get("result"), error, output)


# -- events as Lambda delivers them ---------------------------------------------------------------


def api_event(
    method: str,
    resource: str,
    path: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST API proxy event (payload 1.0)."""
    headers = {"Host": "api.dev.motcua.example.vn", "User-Agent": "rehearsal", **(headers or {})}
    actual = resource.format(**(path or {}))
    return {
        "resource": resource,
        "path": actual,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method,
            "path": "/api" + actual,
            "stage": "api",
            "requestId": str(uuid.uuid4()),
            "accountId": ACCOUNT,
            "apiId": "rehearsal",
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "203.0.113.10", "userAgent": "rehearsal"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def sqs_event(deployment: Deployment, queue_logical_id: str, body: str) -> dict[str, Any]:
    """The message sent to the function's queue and received as Lambda's poller does."""
    sqs = deployment.client("sqs")
    url = deployment.attribute(queue_logical_id, "Ref")
    sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes={
            "event_type": {"DataType": "String", "StringValue": json.loads(body)["type"]}
        },
    )
    [message] = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=1,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )["Messages"]
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message["Attributes"],
                "messageAttributes": {
                    k: {
                        "stringValue": v["StringValue"],
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": v["DataType"],
                    }
                    for k, v in message.get("MessageAttributes", {}).items()
                },
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": deployment.attribute(queue_logical_id, "Arn"),
                "awsRegion": REGION,
            }
        ]
    }


def stream_event(
    deployment: Deployment, table_logical_id: str, item: dict[str, Any]
) -> dict[str, Any]:
    """The item written to the table and its stream record read as Lambda's poller does."""
    dynamodb = deployment.client("dynamodb")
    streams = deployment.client("dynamodbstreams")
    table = deployment.attribute(table_logical_id, "Ref")
    stream_arn = deployment.attribute(table_logical_id, "StreamArn")
    dynamodb.put_item(TableName=table, Item=item)
    records = []
    for shard in streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        records += streams.get_records(ShardIterator=iterator)["Records"]
    [record] = [
        r for r in records if r["dynamodb"]["Keys"] == {k: item[k] for k in r["dynamodb"]["Keys"]}
    ]
    record["dynamodb"]["ApproximateCreationDateTime"] = int(
        record["dynamodb"]["ApproximateCreationDateTime"].timestamp()
    )
    record["eventSourceARN"] = stream_arn
    return {"Records": [json.loads(json.dumps(record, default=str))]}


def scheduled_event() -> dict[str, Any]:
    """An EventBridge scheduled event."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/motcua-{STAGE}-rehearsal"],
        "detail": {},
    }
