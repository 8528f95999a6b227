"""The portal in AWS: one domain for its pages and the four APIs, as locally (the gateway), and its
files with a config.json uploaded by every deploy."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from infra.cdk.config import STAGES as STAGE_CONFIGS
from infra.cdk.edge import PAGE_REWRITE, WEB_DIR
from infra.resources import SERVICES
from tests.cdk.conftest import STAGES, Synth

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # AWS's managed cache policy


@pytest.mark.parametrize("stage", STAGES)
def test_the_portal_domain_leads_the_api_paths_to_the_api(synth: Synth, stage: str) -> None:
    (distribution,) = synth.resources(stage, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    behaviors = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    # the APIs, and the printout page (its own security headers: test_security_headers_...)
    assert set(behaviors) == {f"/{service}/*" for service in SERVICES} | {"/ban-in.html"}
    del behaviors["/ban-in.html"]
    for behavior in behaviors.values():
        origin = origins[behavior["TargetOriginId"]]
        assert origin["DomainName"] == STAGE_CONFIGS[stage].api_domain
        assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
        assert {"POST", "PUT", "DELETE"} <= set(behavior["AllowedMethods"])
        assert behavior["CachePolicyId"] == CACHING_DISABLED  # answers are per user
    # An API's 403 or 404 reaches the portal as it is: no error page replaces it.
    assert "CustomErrorResponses" not in config
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"


def test_portal_pages_answer_index_html_and_files_stay_files() -> None:
    """The CloudFront function, run with node (the runtime CDK itself needs to synthesize)."""
    node = shutil.which("node")
    assert node is not None, "CDK needs node"
    uris = ["/", "/ho-so/3f2a", "/tra-cuu", "/can-bo/ho-so/1", "/js/app.js", "/config.json"]
    script = PAGE_REWRITE + (
        f"\nconsole.log(JSON.stringify({json.dumps(uris)}.map("
        "u => handler({request: {uri: u}}).uri)));"
    )
    done = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    answered = json.loads(done.stdout)
    assert answered == ["/index.html"] * 4 + ["/js/app.js", "/config.json"]


@pytest.mark.parametrize("stage", STAGES)
def test_every_deploy_uploads_the_portal_and_its_config(synth: Synth, stage: str) -> None:
    template = synth.template(stage)["Resources"]
    (upload,) = synth.resources(stage, "Custom::CDKBucketDeployment").values()
    props = upload["Properties"]
    assert template[props["DestinationBucketName"]["Ref"]]["Type"] == "AWS::S3::Bucket"
    assert props["Prune"] is True
    assert props["DistributionPaths"] == ["/*"]  # the distribution forgets the old files
    sources = [synth.outdir / f"asset.{k.removesuffix('.zip')}" for k in props["SourceObjectKeys"]]
    files = {p.relative_to(s).as_posix() for s in sources for p in s.rglob("*") if p.is_file()}
    portal = {p.relative_to(WEB_DIR).as_posix() for p in WEB_DIR.rglob("*") if p.is_file()}
    assert portal | {"config.json"} == files
    (config_source,) = [n for n, s in enumerate(sources) if (s / "config.json").is_file()]
    config = (sources[config_source] / "config.json").read_text()
    assert '"region":"ap-southeast-1"' in config
    # the user pool and its client go in at deploy time
    markers = props["SourceMarkers"][config_source].values()
    refs = {p["Ref"] for m in markers for p in m["Fn::Join"][1] if isinstance(p, dict)}
    assert {template[r]["Type"] for r in refs} == {
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
    }


def csp(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: [sources]} (CSP Level 3, §2.2)."""
    return {p.split()[0]: p.split()[1:] for p in policy.split(";") if p.strip()}


@pytest.mark.parametrize("stage", STAGES)
def test_every_behaviour_adds_the_security_headers(synth: Synth, stage: str) -> None:
    """OWASP Secure Headers Project (HSTS, X-Content-Type-Options nosniff, X-Frame-Options DENY,
    Referrer-Policy no-referrer, Content-Security-Policy) on every answer of the portal's domain,
    through CloudFront response headers policies (CloudFront developer guide, "Adding or removing
    HTTP headers in CloudFront responses"): the portal's files, the printout page, the APIs."""
    (distribution,) = synth.resources(stage, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    policies = synth.resources(stage, "AWS::CloudFront::ResponseHeadersPolicy")
    behaviors = {"default": config["DefaultCacheBehavior"]} | {
        b["PathPattern"]: b for b in config["CacheBehaviors"]
    }
    headers_of = {}
    for path, behavior in behaviors.items():
        assert "ResponseHeadersPolicyId" in behavior, f"{path} adds no security headers"
        policy = policies[behavior["ResponseHeadersPolicyId"]["Ref"]]
        headers_of[path] = policy["Properties"]["ResponseHeadersPolicyConfig"][
            "SecurityHeadersConfig"
        ]
    for path, headers in headers_of.items():
        hsts = headers["StrictTransportSecurity"]
        assert hsts["AccessControlMaxAgeSec"] >= 31_536_000, path
        assert hsts["IncludeSubdomains"] is True
        assert hsts["Override"] is True
        assert headers["ContentTypeOptions"] is not None
        assert headers["FrameOptions"]["FrameOption"] == "DENY"
        assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
        assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]

    portal = csp(headers_of["default"]["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert headers_of["default"]["ContentSecurityPolicy"]["Override"] is True
    assert portal["default-src"] == ["'self'"]
    assert portal["script-src"] == ["'self'"]  # no inline script, no eval
    assert portal["style-src"] == ["'self'"]
    assert portal["object-src"] == ["'none'"]
    assert portal["frame-ancestors"] == ["'none'"]
    assert portal["base-uri"] == ["'none'"]
    region = STAGE_CONFIGS[stage].region
    # sign-in (web/js/auth.js) and presigned uploads to the regional S3 endpoint
    assert f"https://cognito-idp.{region}.amazonaws.com" in portal["connect-src"]
    assert f"https://s3.{region}.amazonaws.com" in portal["connect-src"]

    printout = csp(headers_of["/ban-in.html"]["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert "sandbox" in printout  # MDN, CSP sandbox: an opaque origin without allow-same-origin
    assert "allow-same-origin" not in printout["sandbox"]
    assert printout["script-src"] == ["'self'"]
    assert printout["default-src"] == ["'none'"]

    for service in SERVICES:
        api = headers_of[f"/{service}/*"]
        # the APIs set their own (a printable page's CSP is sandboxed): CloudFront keeps them
        assert api["ContentSecurityPolicy"]["Override"] is False
        assert csp(api["ContentSecurityPolicy"]["ContentSecurityPolicy"])["default-src"] == [
            "'none'"
        ]


@pytest.mark.parametrize("stage", STAGES)
def test_a_method_no_route_takes_answers_our_error_beside_api_gateways(
    synth: Synth, stage: str
) -> None:
    """API Gateway developer guide, "Gateway response types": MISSING_AUTHENTICATION_TOKEN (403)
    covers "an unsupported API method or resource"; in the API's definition (x-amazon-apigateway-
    gateway-responses) so that the deployment carries it ("Updates to REST APIs that require
    redeployment": GatewayResponse). The local gateway answers the same body."""
    apis = synth.resources(stage, "AWS::Serverless::Api")
    assert len(apis) == len(SERVICES)
    for api in apis.values():
        responses = api["Properties"]["DefinitionBody"]["x-amazon-apigateway-gateway-responses"]
        missing = responses["MISSING_AUTHENTICATION_TOKEN"]
        assert missing["statusCode"] == "403"
        body = json.loads(missing["responseTemplates"]["application/json"])
        assert body["message"] == "Missing Authentication Token"
        assert body["error"]["code"] == "no_such_route"
        assert body["error"]["message_vi"]
        parameters = missing["responseParameters"]
        assert parameters["gatewayresponse.header.X-Content-Type-Options"] == "'nosniff'"
