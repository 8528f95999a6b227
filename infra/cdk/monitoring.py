"""Alarms an operator is woken by, and one dashboard of the dossier flow."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.cdk.config import StageConfig
from infra.cdk.nag import suppress
from infra.cdk.services import ServiceApp

_PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stage: StageConfig,
        apps: list[ServiceApp],
        queues: dict[str, sqs.Queue],
        dlqs: dict[str, sqs.Queue],
    ) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self, "alarms", display_name=f"motcua {stage.name} alarms", enforce_ssl=True
        )
        self.topic.add_subscription(subscriptions.EmailSubscription(stage.alarm_email))
        suppress(
            self.topic,
            (
                "AwsSolutions-SNS2",
                "Alarm notices carry alarm names only, no personal data; CloudWatch cannot "
                "publish to a topic encrypted with the AWS-managed key.",
            ),
        )
        self.alarms: list[cloudwatch.Alarm] = []
        action = actions.SnsAction(self.topic)

        def alarm(name: str, metric: cloudwatch.IMetric, threshold: float = 1) -> None:
            created = cloudwatch.Alarm(
                self,
                name,
                alarm_name=f"motcua-{stage.name}-{name}",
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            created.add_alarm_action(action)
            self.alarms.append(created)

        for consumer, dlq in dlqs.items():
            alarm(
                f"{consumer}-dlq-depth",
                dlq.metric_approximate_number_of_messages_visible(
                    period=_PERIOD, statistic="Maximum"
                ),
            )
        for app in apps:
            for function in app.functions:
                dims = {"FunctionName": function.resource.ref}
                for metric_name in ("Errors", "Throttles"):
                    alarm(
                        f"{app.service}-{function.logical_id}-{metric_name.lower()}",
                        _lambda_metric(metric_name, dims),
                    )
            # A line that starts with ALARM: a call refused for want of a secret, an event
            # given up on (motcua_shared.secrets, motcua_shared.inbox).
            alarm_lines = logs.MetricFilter(
                self,
                f"{app.service}-alarm-lines",
                log_group=app.log_group,
                filter_pattern=logs.FilterPattern.literal('"ALARM"'),
                metric_namespace=f"motcua/{stage.name}",
                metric_name=f"{app.service}-alarm-log-lines",
                metric_value="1",
            )
            alarm(
                f"{app.service}-alarm-log-lines",
                alarm_lines.metric(period=_PERIOD, statistic="Sum"),
            )
            if app.rest_api is not None:
                alarm(
                    f"{app.service}-api-5xx",
                    _api_metric("5XXError", stage, app.service, labelled=False),
                )

        flow = [app.service for app in apps]
        self.dashboard = cloudwatch.Dashboard(
            self,
            "dossier-flow",
            dashboard_name=f"motcua-{stage.name}-dossier-flow",
            widgets=[
                [
                    cloudwatch.GraphWidget(
                        title="API requests by service",
                        left=[_api_metric("Count", stage, s) for s in flow],
                        width=12,
                    ),
                    cloudwatch.GraphWidget(
                        title="API 5xx / 4xx",
                        left=[_api_metric("5XXError", stage, s) for s in flow],
                        right=[_api_metric("4XXError", stage, s) for s in flow],
                        width=12,
                    ),
                ],
                [
                    cloudwatch.GraphWidget(
                        title="Events waiting per consumer queue",
                        left=[
                            q.metric_approximate_number_of_messages_visible(period=_PERIOD)
                            for q in queues.values()
                        ],
                        width=12,
                    ),
                    cloudwatch.GraphWidget(
                        title="Oldest event per queue (s)",
                        left=[
                            q.metric_approximate_age_of_oldest_message(period=_PERIOD)
                            for q in queues.values()
                        ],
                        width=12,
                    ),
                ],
                [
                    cloudwatch.GraphWidget(
                        title="Dead-letter queues",
                        left=[
                            q.metric_approximate_number_of_messages_visible(period=_PERIOD)
                            for q in dlqs.values()
                        ],
                        width=12,
                    ),
                    cloudwatch.GraphWidget(
                        title="Function errors",
                        left=[
                            _lambda_metric("Errors", {"FunctionName": f.resource.ref})
                            for app in apps
                            for f in app.functions
                        ],
                        width=12,
                    ),
                ],
            ],
        )


def _lambda_metric(name: str, dims: dict[str, str]) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name=name,
        dimensions_map=dims,
        period=_PERIOD,
        statistic="Sum",
    )


def _api_metric(
    name: str, stage: StageConfig, service: str, labelled: bool = True
) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/ApiGateway",
        metric_name=name,
        dimensions_map={"ApiName": f"motcua-{stage.name}-{service}", "Stage": "api"},
        period=_PERIOD,
        statistic="Sum",
        # a label turns an alarm into a metric-math alarm; graphs want it, alarms do not
        label=service if labelled else None,
    )
