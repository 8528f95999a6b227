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
    assert set(behaviors) == {f"/{service}/*" for service in SERVICES}
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
