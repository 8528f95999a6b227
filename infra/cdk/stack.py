"""One CloudFormation stack per stage (``motcua-dev``, ``motcua-prod``)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, Stack
from constructs import Construct

from infra.cdk.config import StageConfig
from infra.cdk.data import Data
from infra.cdk.edge import ApiDomain, WebApp
from infra.cdk.monitoring import Monitoring
from infra.cdk.secret_store import SecretStore
from infra.cdk.services import ServiceApp, function_environment
from infra.resources import Resources


class MotcuaStack(Stack):
    def __init__(
        self, scope: Construct, stage: StageConfig, resources: Resources, services: list[str]
    ) -> None:
        # An explicit account and region: synth never asks AWS anything.
        super().__init__(
            scope,
            stage.stack_name,
            env=Environment(account=stage.account, region=stage.region),
            description=f"motcua one-stop procedures, stage {stage.name}",
        )
        self.data = Data(self, "data", stage=stage, resources=resources)
        self.secrets = SecretStore(self, "secrets", stage=stage)
        environment = function_environment(stage, resources, self.data)
        self.apps = [
            ServiceApp(
                self,
                service,
                service=service,
                stage=stage,
                resources=resources,
                data=self.data,
                secrets=self.secrets,
                environment=environment,
            )
            for service in services
        ]
        self.api = ApiDomain(self, "api", stage=stage, apps=self.apps)
        self.web = WebApp(
            self,
            "web",
            stage=stage,
            access_logs=self.data.access_logs,
            services=[app.service for app in self.apps if app.rest_api is not None],
            config={
                "region": stage.region,
                "user_pool_id": self.data.user_pool.user_pool_id,
                "user_pool_client_id": self.data.user_pool_client.user_pool_client_id,
            },
        )
        self.monitoring = Monitoring(
            self,
            "monitoring",
            stage=stage,
            apps=self.apps,
            queues=self.data.queues,
            dlqs={
                **self.data.dlqs,
                **{f"{t}-stream": q for t, q in self.data.stream_failures.items()},
            },
        )
        CfnOutput(self, "UserPoolId", value=self.data.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.data.user_pool_client.user_pool_client_id)
        CfnOutput(self, "Region", value=stage.region)
        CfnOutput(self, "ApiBaseUrl", value=f"https://{stage.api_domain}")
