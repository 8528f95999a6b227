"""The CDK app: ``python infra/cdk/app.py`` (or ``python -m infra.cdk``, ``make synth``)
writes the CloudFormation of every selected stage into infra/cdk/cdk.out, offline.

cdk-nag's AwsSolutions checks run as a CDK validation plugin: synth fails on an unacknowledged
finding, and the report lands in cdk.out/policy-validation-report.json (tests/cdk reads it).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

# jsii's node would otherwise print a banner about its version on every run.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks

from infra.cdk import packaging
from infra.cdk.config import StageConfig, selected_stages
from infra.cdk.stack import MotcuaStack
from infra.resources import RESOURCES, SERVICES

DEFAULT_OUT = Path(__file__).resolve().parent / "cdk.out"
# Dummy credentials: nothing in synth may reach AWS (and nothing real can leak into it).
SYNTH_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "synth",
    "AWS_SECRET_ACCESS_KEY": "synth",
    "CDK_DEFAULT_ACCOUNT": "123456789012",
    "CDK_DEFAULT_REGION": "ap-southeast-1",
    "AWS_DEFAULT_REGION": "ap-southeast-1",
    "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
}


def build(outdir: Path, stages: list[StageConfig]) -> tuple[App, list[MotcuaStack]]:
    """The app with one stack per stage, not yet synthesized."""
    app = App(outdir=str(outdir))
    stacks = [MotcuaStack(app, stage, RESOURCES, list(SERVICES)) for stage in stages]
    Validations.of(app).add_plugins(
        AwsSolutionsChecks(app, verbose=True, write_suppressions_to_cloud_formation=True)
    )
    return app, stacks


def main() -> None:
    for name, value in SYNTH_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    outdir = Path(os.environ.get("MOTCUA_CDK_OUT", DEFAULT_OUT)).resolve()
    shutil.rmtree(outdir, ignore_errors=True)
    shutil.rmtree(packaging.BUILD_DIR / "chalice.out", ignore_errors=True)
    started = time.monotonic()
    app, stacks = build(outdir, selected_stages())
    app.synth()
    for stack in stacks:
        for service_app in stack.apps:
            print(f"{stack.stack_name}: {service_app.package.line()}")
    print(f"synthesized {len(stacks)} stack(s) into {outdir} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
