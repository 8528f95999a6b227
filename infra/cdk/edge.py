"""What the outside world reaches: one API domain whose base paths lead to the four apps, and
the portal's bucket behind CloudFront."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.cdk.config import StageConfig
from infra.cdk.nag import suppress
from infra.cdk.services import ServiceApp


class ApiDomain(Construct):
    """``https://<api_domain>/<service>/…`` for every app (the local gateway's paths)."""

    def __init__(
        self, scope: Construct, id: str, *, stage: StageConfig, apps: list[ServiceApp]
    ) -> None:
        super().__init__(scope, id)
        certificate = acm.Certificate.from_certificate_arn(
            self, "certificate", stage.api_certificate_arn
        )
        self.domain = apigateway.DomainName(
            self,
            "domain",
            domain_name=stage.api_domain,
            certificate=certificate,
            endpoint_type=apigateway.EndpointType.REGIONAL,
            security_policy=apigateway.SecurityPolicy.TLS_1_2,
        )
        self.mappings: dict[str, apigateway.CfnBasePathMapping] = {}
        for app in apps:
            if app.rest_api is None:
                continue
            mapping = apigateway.CfnBasePathMapping(
                self,
                f"{app.service}-path",
                domain_name=self.domain.domain_name,
                base_path=app.service,
                rest_api_id=app.rest_api.ref,
                stage="api",
            )
            # The stage exists only after SAM expands the API: wait for it by its name.
            mapping.add_override("DependsOn", [app.api_stage_logical_id])
            suppress(
                mapping,
                (
                    "CloudFormation-Validate::E3005",
                    "The stage is created by the SAM transform of the app's API, after this "
                    "check runs; cfn-lint checks the expanded template (tests/cdk).",
                ),
            )
            self.mappings[app.service] = mapping

        # API Gateway writes access and execution logs through one role per account and region.
        logging_role = iam.Role(
            self,
            "cloudwatch-role",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        suppress(
            logging_role,
            (
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs]",
                "AWS's own policy for API Gateway logging; it follows new log actions.",
            ),
        )
        account = apigateway.CfnAccount(self, "account", cloud_watch_role_arn=logging_role.role_arn)
        for app in apps:
            if app.rest_api is not None:
                app.rest_api.add_resource_dependency(account)
        CfnOutput(self, "ApiDomainTarget", value=self.domain.domain_name_alias_domain_name)


class WebApp(Construct):
    """The portal (web/) in a private bucket, served by CloudFront; any page path answers
    index.html (the app routes in the browser)."""

    def __init__(
        self, scope: Construct, id: str, *, stage: StageConfig, access_logs: s3.IBucket
    ) -> None:
        super().__init__(scope, id)
        self.bucket = s3.Bucket(
            self,
            "bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="web/",
            removal_policy=RemovalPolicy.DESTROY,
        )
        certificate = acm.Certificate.from_certificate_arn(
            self, "certificate", stage.web_certificate_arn
        )
        spa = cloudfront.ErrorResponse(
            http_status=403,
            response_http_status=200,
            response_page_path="/index.html",
            ttl=Duration.seconds(0),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "cdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
            ),
            default_root_object="index.html",
            error_responses=[spa],
            domain_names=[stage.web_domain],
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,
            enable_logging=True,
            log_bucket=access_logs,
            log_file_prefix="cdn/",
        )
        suppress(
            self.distribution,
            (
                "AwsSolutions-CFR1",
                "Citizens abroad (students, workers) follow their dossiers too: no geo block.",
            ),
            (
                "AwsSolutions-CFR2",
                "Static files only; the APIs behind API Gateway are throttled per stage. A WAF "
                "web ACL costs more than the portal; add one when abuse is seen.",
            ),
        )
        CfnOutput(self, "WebBucket", value=self.bucket.bucket_name)
        CfnOutput(self, "WebDistributionId", value=self.distribution.distribution_id)
        CfnOutput(self, "WebDistributionDomain", value=self.distribution.distribution_domain_name)
