"""What the outside world reaches: one API domain whose base paths lead to the four apps, and
the portal's bucket behind CloudFront."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from aws_cdk import CfnOutput, CfnResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra.cdk.config import StageConfig
from infra.cdk.nag import suppress
from infra.cdk.services import NoCfnResource, ServiceApp
from motcua_shared import headers as security
from motcua_shared.errors import NoSuchRoute

WEB_DIR = Path(__file__).resolve().parents[2] / "web"


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
            # A method or path no route takes: API Gateway's 403 "Missing Authentication Token",
            # with our error beside its message (the local gateway answers the same). In the
            # API's definition, so that SAM's deployment of the API carries it (a separate
            # AWS::ApiGateway::GatewayResponse takes effect only after a later redeployment).
            app.rest_api.add_property_override(
                "DefinitionBody.x-amazon-apigateway-gateway-responses", GATEWAY_RESPONSES
            )

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


GATEWAY_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": {
        "statusCode": str(NoSuchRoute.status),
        # static header values are quoted with ' (so no CSP: its own quotes cannot be written)
        "responseParameters": {
            f"gatewayresponse.header.{name}": f"'{value}'"
            for name, value in security.common_headers().items()
        },
        "responseTemplates": {
            "application/json": json.dumps(NoSuchRoute().to_gateway_dict(), ensure_ascii=False)
        },
    }
}


# A page of the portal (/ho-so/…, /tra-cuu) has no file extension: CloudFront gives it index.html
# and the app routes it in the browser (the local gateway does the same, infra/local/gateway.py).
# Error responses cannot do this here: they would turn the APIs' 403s into pages too.
PAGE_REWRITE = """
function handler(event) {
  var request = event.request;
  var last = request.uri.substring(request.uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) {
    request.uri = "/index.html";
  }
  return request;
}
"""


def aws_connect_sources(stage: StageConfig) -> list[str]:
    """Where the portal connects besides itself: Cognito's API (sign-in, auth.js) and S3's
    regional endpoints, path-style and virtual-hosted (presigned uploads)."""
    region = stage.region
    return [
        f"https://cognito-idp.{region}.amazonaws.com",
        f"https://s3.{region}.amazonaws.com",
        f"https://*.s3.{region}.amazonaws.com",
    ]


def security_headers(
    scope: Construct, id: str, policy: str, *, override: bool = True
) -> cloudfront.ResponseHeadersPolicy:
    """CloudFront adds the security headers of motcua_shared.headers (OWASP Secure Headers
    Project): CSP ``policy``, nosniff, frame options, referrer policy, HSTS. ``override=False``
    keeps what the origin sent (the APIs set their own, a page's CSP among them)."""
    return cloudfront.ResponseHeadersPolicy(
        scope,
        id,
        comment=f"motcua security headers ({id})",
        security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
            content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                content_security_policy=policy, override=override
            ),
            content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=override),
            frame_options=cloudfront.ResponseHeadersFrameOptions(
                frame_option=cloudfront.HeadersFrameOption.DENY, override=override
            ),
            referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=override
            ),
            strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                access_control_max_age=Duration.seconds(security.HSTS_MAX_AGE_S),
                include_subdomains=True,
                override=True,
            ),
        ),
    )


class WebApp(Construct):
    """The portal on one domain: its files (web/ and a config.json) from a private bucket, and
    the four APIs under their base paths (``/intake/…``), so that the portal's calls, the VNPay
    return page and the links in messages reach the services as they do locally."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stage: StageConfig,
        access_logs: s3.IBucket,
        services: Sequence[str],
        config: Mapping[str, str],
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
        pages = cloudfront.Function(
            self,
            "pages",
            code=cloudfront.FunctionCode.from_inline(PAGE_REWRITE),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="portal pages answer index.html",
        )
        api = origins.HttpOrigin(
            stage.api_domain, protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        )
        to_api = cloudfront.BehaviorOptions(
            origin=api,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            # every header but Host (API Gateway answers its own domain), the Authorization too
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=security_headers(
                self, "api-headers", security.API_POLICY, override=False
            ),
        )
        files = origins.S3BucketOrigin.with_origin_access_control(self.bucket)
        self.distribution = cloudfront.Distribution(
            self,
            "cdn",
            default_behavior=cloudfront.BehaviorOptions(
                origin=files,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=pages, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
                response_headers_policy=security_headers(
                    self, "portal-headers", security.portal_policy(aws_connect_sources(stage))
                ),
            ),
            additional_behaviors={
                **{f"/{service}/*": to_api for service in services},
                # the page that shows a printable slip: sandboxed (motcua_shared.headers)
                security.PRINTOUT_PATH: cloudfront.BehaviorOptions(
                    origin=files,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                    response_headers_policy=security_headers(
                        self, "printout-headers", security.PRINTOUT_POLICY
                    ),
                ),
            },
            default_root_object="index.html",
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
                "Static files, and the APIs behind API Gateway, throttled per stage. A WAF "
                "web ACL costs more than the portal; add one when abuse is seen.",
            ),
        )
        # The portal's files and its config.json (the user pool it signs in with), uploaded
        # with every deploy; the distribution forgets what it cached.
        self.deployment = s3deploy.BucketDeployment(
            self,
            "files",
            sources=[
                s3deploy.Source.asset(str(WEB_DIR)),
                s3deploy.Source.json_data("config.json", dict(config)),
            ],
            destination_bucket=self.bucket,
            distribution=self.distribution,
            distribution_paths=["/*"],
            prune=True,
            memory_limit=256,
        )
        # CDK's own function behind BucketDeployment (one per stack, beside this construct).
        stack = Stack.of(self)
        bucket_resource = self.bucket.node.default_child
        if not isinstance(bucket_resource, CfnResource):
            raise NoCfnResource(self.bucket.node.path)
        bucket_id = stack.get_logical_id(bucket_resource)
        assets = f"cdk-hnb659fds-assets-{stage.account}-{stage.region}"
        grants = [
            *(f"Action::s3:{a}" for a in ("GetObject*", "GetBucket*", "List*", "DeleteObject*")),
            "Action::s3:Abort*",
            f"Resource::arn:<AWS::Partition>:s3:::{assets}/*",
            f"Resource::<{bucket_id}.Arn>/*",
            "Resource::*",
        ]
        for child in stack.node.children:
            if child.node.id.startswith("Custom::CDKBucketDeployment"):
                suppress(
                    child,
                    (
                        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                        "service-role/AWSLambdaBasicExecutionRole]",
                        "CDK's deployment function (it runs during deploys only) logs with "
                        "AWS's basic execution policy.",
                    ),
                    *(
                        (
                            f"AwsSolutions-IAM5[{grant}]",
                            "CDK's grants to its deployment function: read the CDK assets "
                            "bucket, write the portal bucket, invalidate the distribution "
                            "(invalidations have no resource ARN).",
                        )
                        for grant in grants
                    ),
                    ("AwsSolutions-L1", "CDK pins the runtime of its own deployment function."),
                )
        CfnOutput(self, "WebBucket", value=self.bucket.bucket_name)
        CfnOutput(self, "WebDistributionId", value=self.distribution.distribution_id)
        CfnOutput(self, "WebDistributionDomain", value=self.distribution.distribution_domain_name)
